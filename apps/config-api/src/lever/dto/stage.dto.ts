import { ApiProperty } from '@nestjs/swagger';

export class StageDto {
  @ApiProperty({ description: 'Lever stage id (stored in rules; stable across renames)' })
  id: string;
  @ApiProperty({ example: 'Coding Test' })
  text: string;
}

export class StageListDto {
  @ApiProperty({ type: [StageDto] })
  items: StageDto[];
}
