import { ConstraintViolationError } from '../errors/persistence.errors';
import { isCheckViolation, pgErrorFields } from '../errors/postgres-errors';

/** A CHECK violation becomes a typed error naming the constraint; anything else is returned as is. */
export function translateCheckViolation(err: unknown): unknown {
  return isCheckViolation(err) ? new ConstraintViolationError(pgErrorFields(err).constraint ?? 'unknown') : err;
}
