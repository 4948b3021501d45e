import { LOG_LEVELS, type LogLevel } from '@lever-assess/common';
import { IsIn, IsUrl } from 'class-validator';

/** The environment of the migrate / data-source entry points: a database and nothing else. */
export class DatabaseEnv {
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['postgres', 'postgresql'] })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/lever_assess';

  @IsIn(LOG_LEVELS as unknown as string[])
  LOG_LEVEL: LogLevel = 'info';
}
