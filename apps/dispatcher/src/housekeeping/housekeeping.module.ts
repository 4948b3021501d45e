import { Module, type DynamicModule } from '@nestjs/common';
import { DELIVERY_RETENTION_OPTIONS, DeliveryRetentionService, type DeliveryRetentionOptions } from './delivery-retention.service';

@Module({})
export class HousekeepingModule {
  static forRoot(options: DeliveryRetentionOptions): DynamicModule {
    return {
      module: HousekeepingModule,
      providers: [{ provide: DELIVERY_RETENTION_OPTIONS, useValue: options }, DeliveryRetentionService],
      exports: [DeliveryRetentionService],
    };
  }
}
