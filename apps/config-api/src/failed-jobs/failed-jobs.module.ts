import { Module } from '@nestjs/common';
import { FailedJobsController } from './failed-jobs.controller';
import { FailedJobsService } from './failed-jobs.service';

@Module({ controllers: [FailedJobsController], providers: [FailedJobsService], exports: [FailedJobsService] })
export class FailedJobsModule {}
