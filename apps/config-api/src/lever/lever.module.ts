import { Module } from '@nestjs/common';
import { LeverConnectionService } from './lever-connection.service';
import { LeverStagesService } from './lever-stages.service';
import { LeverController } from './lever.controller';
import { LeverWebhooksService } from './lever-webhooks.service';

@Module({
  controllers: [LeverController],
  providers: [LeverConnectionService, LeverStagesService, LeverWebhooksService],
  exports: [LeverStagesService, LeverWebhooksService],
})
export class LeverModule {}
