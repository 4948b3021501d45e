import { Module, type DynamicModule } from '@nestjs/common';
import { DELIVERY_RETENTION_OPTIONS, DeliveryRetentionService, type DeliveryRetentionOptions } from './delivery-retention.service';
import { KEY_HEALTH_OPTIONS, KeyHealthService, type KeyHealthOptions } from './key-health.service';

@Module({})
export class HousekeepingModule {
  static forRoot(options: DeliveryRetentionOptions & { keyHealthIntervalMs: number }): DynamicModule {
    const keyHealth: KeyHealthOptions = { queuePrefix: options.queuePrefix, intervalMs: options.keyHealthIntervalMs };
    return {
      module: HousekeepingModule,
      providers: [
        { provide: DELIVERY_RETENTION_OPTIONS, useValue: options },
        { provide: KEY_HEALTH_OPTIONS, useValue: keyHealth },
        DeliveryRetentionService,
        KeyHealthService,
      ],
      exports: [DeliveryRetentionService, KeyHealthService],
    };
  }
}
