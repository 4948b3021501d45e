import { ValidateIf } from 'class-validator';

/**
 * For PATCH fields that may be left out but not cleared: unlike @IsOptional (which also skips
 * null), a null still goes through the other validators and is refused.
 */
export const OptionalNotNull = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);
