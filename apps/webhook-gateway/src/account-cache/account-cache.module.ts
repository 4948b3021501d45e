import { SecretBox } from '@lever-assess/common';
import { Module } from '@nestjs/common';
import { GATEWAY_ENV, type GatewayEnv } from '../config';
import { AccountCache } from './account-cache.service';
import { AccountChangesListener } from './account-changes.listener';

/**
 * The in-memory account cache and what keeps it fresh. Needs PersistenceModule,
 * ObservabilityModule and GatewayEnvModule (all global) imported by the app.
 */
@Module({
  providers: [
    { provide: SecretBox, inject: [GATEWAY_ENV], useFactory: (env: GatewayEnv) => SecretBox.fromEnv(env) },
    AccountCache,
    AccountChangesListener,
  ],
  exports: [AccountCache],
})
export class AccountCacheModule {}
