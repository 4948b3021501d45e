import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';

/** No leading/trailing blanks: the prefix is the start of tags recruiters filter on in Lever. */
export const TagPrefixRules = () =>
  applyDecorators(IsString(), Length(1, 50), Matches(/^\S(.*\S)?$/, { message: '$property must not start or end with spaces' }));

export const NameRules = () => applyDecorators(IsString(), Length(1, 200));

export const PlatformAccountIdRules = () => applyDecorators(IsString(), Length(1, 200));
