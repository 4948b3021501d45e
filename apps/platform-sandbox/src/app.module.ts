import { ObservabilityModule } from '@lever-assess/common';
import { Module, type DynamicModule } from '@nestjs/common';
import type { PlatformSandboxEnv } from './config';

@Module({})
export class AppModule {
  static forRoot(_env: PlatformSandboxEnv): DynamicModule {
    return {
      module: AppModule,
      // Health (/health/live, /health/ready) and /metrics; the sandbox has no dependencies to check.
      imports: [ObservabilityModule],
    };
  }
}
