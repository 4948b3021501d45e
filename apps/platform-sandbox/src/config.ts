import { BaseEnv, loadEnv } from '@lever-assess/common';
import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';

export class PlatformSandboxEnv extends BaseEnv {
  override PORT = 4020;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  AUTO_COMPLETE_AFTER_MS = 0;
}

export const loadPlatformSandboxEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(PlatformSandboxEnv, raw);
