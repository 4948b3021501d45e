import { Module } from '@nestjs/common';
import { ConsoleSessionController, SignInLinksController } from './console-session.controller';
import { ConsoleSessionService } from './console-session.service';

@Module({ controllers: [ConsoleSessionController, SignInLinksController], providers: [ConsoleSessionService] })
export class ConsoleSessionModule {}
