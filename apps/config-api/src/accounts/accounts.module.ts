import { Module } from '@nestjs/common';
import { LeverModule } from '../lever/lever.module';
import { AccountsController } from './accounts.controller';
import { AccountStatusMetrics } from './account-status.metrics';
import { AccountsService } from './accounts.service';
import { SecretsRotationMetrics } from './secrets-rotation.metrics';

@Module({
  imports: [LeverModule],
  controllers: [AccountsController],
  providers: [AccountsService, AccountStatusMetrics, SecretsRotationMetrics],
})
export class AccountsModule {}
