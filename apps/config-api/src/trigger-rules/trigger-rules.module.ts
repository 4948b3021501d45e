import { Module } from '@nestjs/common';
import { LeverModule } from '../lever/lever.module';
import { TriggerRulesController } from './trigger-rules.controller';
import { TriggerRulesService } from './trigger-rules.service';

@Module({ imports: [LeverModule], controllers: [TriggerRulesController], providers: [TriggerRulesService] })
export class TriggerRulesModule {}
