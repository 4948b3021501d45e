import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateAdminTokenDto {
  @ApiProperty({ description: 'Who or what uses the token (shown in lists and the audit log)', example: 'ops-laptop-ada' })
  @IsString()
  @Length(1, 100)
  name: string;
}
