import { Module } from '@nestjs/common';
import { AssessmentJobsProducer } from './assessment-jobs.producer';
import { AssessmentsController } from './assessments.controller';
import { AssessmentsService } from './assessments.service';

@Module({ controllers: [AssessmentsController], providers: [AssessmentsService, AssessmentJobsProducer] })
export class AssessmentsModule {}
