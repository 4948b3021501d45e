import { HealthController, MetricsController, healthChecksProvider } from '@lever-assess/common';
import { Module, type DynamicModule } from '@nestjs/common';
import type { PlatformSandboxEnv } from './config';

@Module({})
export class AppModule {
  static forRoot(_env: PlatformSandboxEnv): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, MetricsController],
      providers: [healthChecksProvider([], () => [])],
    };
  }
}
