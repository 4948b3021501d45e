import { Module } from '@nestjs/common';
import { FailedJobsModule } from '../failed-jobs/failed-jobs.module';
import { OverviewController } from './overview.controller';
import { OverviewService } from './overview.service';

@Module({ imports: [FailedJobsModule], controllers: [OverviewController], providers: [OverviewService] })
export class OverviewModule {}
