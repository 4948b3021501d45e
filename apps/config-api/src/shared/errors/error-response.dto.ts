import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'lever.apiKey' })
  field: string;
  @ApiProperty({ type: [String], example: ['lever.apiKey should not be empty'] })
  messages: string[];
}

/** The body of every error answer. */
export class ErrorResponseDto {
  @ApiProperty({ description: 'Stable machine-readable code', example: 'VALIDATION_FAILED' })
  error: string;
  @ApiProperty({ description: 'What went wrong, in plain words' })
  message: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Present on 400 validation errors' })
  fields?: FieldErrorDto[];
}
