import { REDIS, publishAccountChanged } from '@lever-assess/queues';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CONFIG_API_ENV } from '../../config-api.tokens';
import type { ConfigApiEnv } from '../../config';

/**
 * Tells every webhook-gateway replica to drop its cached copy of an account (secrets, webhook
 * key, status) over Redis pub/sub, so a change applies within a second, without a restart.
 */
@Injectable()
export class AccountChangesPublisher {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG_API_ENV) private readonly env: ConfigApiEnv,
  ) {}

  announce(accountId: string): Promise<void> {
    return publishAccountChanged(this.redis, this.env.QUEUE_PREFIX, accountId);
  }
}
