import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformClient, type PlatformClientOptions } from './platform-client';

/** Provides the PlatformClient to an app that calls the assessment platform (global). */
@Module({})
export class PlatformClientModule {
  static forRoot(options: PlatformClientOptions): DynamicModule {
    return {
      module: PlatformClientModule,
      global: true,
      providers: [{ provide: PlatformClient, useFactory: () => new PlatformClient(options) }],
      exports: [PlatformClient],
    };
  }
}
