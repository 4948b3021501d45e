import { Module } from '@nestjs/common';
import { AccountTokensController } from './account-tokens.controller';
import { AdminTokensController } from './admin-tokens.controller';
import { AdminTokensService } from './admin-tokens.service';

@Module({ controllers: [AdminTokensController, AccountTokensController], providers: [AdminTokensService] })
export class AdminTokensModule {}
