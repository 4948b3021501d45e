import { Module } from '@nestjs/common';
import { LeverModule } from '../lever/lever.module';
import { PreviewController } from './preview.controller';
import { PreviewService } from './preview.service';

// LeverModule: its cached stages tell an unknown stage from one without rules.
@Module({ imports: [LeverModule], controllers: [PreviewController], providers: [PreviewService] })
export class PreviewModule {}
