import { HttpException } from '@nestjs/common';

/**
 * The sandbox's error body: `{ error: <code>, message, field? }`. PlatformClient reads
 * `message` and `field` into PlatformRejectedError so recruiters see the platform's words.
 */
export function apiError(status: number, code: string, message: string, field?: string): HttpException {
  return new HttpException(field ? { error: code, message, field } : { error: code, message }, status);
}
