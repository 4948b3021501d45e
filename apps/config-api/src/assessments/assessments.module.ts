import { AssessmentActionsService } from '@lever-assess/account-access';
import { Module } from '@nestjs/common';
import { AssessmentsController } from './assessments.controller';
import { AssessmentsService } from './assessments.service';

@Module({ controllers: [AssessmentsController], providers: [AssessmentsService, AssessmentActionsService] })
export class AssessmentsModule {}
