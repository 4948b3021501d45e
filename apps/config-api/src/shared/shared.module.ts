import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { ConfigApiEnv } from '../config';
import { CONFIG_API_ENV } from '../config-api.tokens';
import { AccountLookup } from './accounts/account-lookup.service';
import { AuditService } from './audit/audit.service';
import { AdminAuthGuard } from './auth/admin-auth.guard';
import { TokenAuthenticator } from './auth/token-authenticator';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { createValidationPipe } from './http/validation.pipe';

/** What every feature module relies on: auth on every route, validation, error mapping, audit. */
@Global()
@Module({})
export class SharedModule {
  static forRoot(env: ConfigApiEnv): DynamicModule {
    return {
      module: SharedModule,
      providers: [
        { provide: CONFIG_API_ENV, useValue: env },
        { provide: APP_GUARD, useClass: AdminAuthGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        AuditService,
        AccountLookup,
        TokenAuthenticator,
      ],
      exports: [CONFIG_API_ENV, AuditService, AccountLookup, TokenAuthenticator],
    };
  }
}
