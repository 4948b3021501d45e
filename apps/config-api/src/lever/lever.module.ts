import { Module } from '@nestjs/common';
import { LeverConnectionService } from './lever-connection.service';
import { LeverStagesService } from './lever-stages.service';
import { LeverController } from './lever.controller';

@Module({ controllers: [LeverController], providers: [LeverConnectionService, LeverStagesService], exports: [LeverStagesService] })
export class LeverModule {}
