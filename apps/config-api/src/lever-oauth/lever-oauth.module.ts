import { Module } from '@nestjs/common';
import { LeverModule } from '../lever/lever.module';
import { LeverOAuthCallbackController, LeverOAuthController } from './lever-oauth.controller';
import { LeverOAuthService } from './lever-oauth.service';

@Module({ imports: [LeverModule], controllers: [LeverOAuthController, LeverOAuthCallbackController], providers: [LeverOAuthService] })
export class LeverOAuthModule {}
