import { Global, Module, type DynamicModule } from '@nestjs/common';
import { GATEWAY_ENV, type GatewayEnv } from './config';

/** Makes the validated GatewayEnv injectable (GATEWAY_ENV) in every module of the app. */
@Global()
@Module({})
export class GatewayEnvModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    return { module: GatewayEnvModule, providers: [{ provide: GATEWAY_ENV, useValue: env }], exports: [GATEWAY_ENV] };
  }
}
