import { ConfigApiError } from '../shared/errors/api.errors';

/** 502: the sweep ran in result-sync and failed (Lever down, key refused); the reason is its job's. */
export class SweepFailedError extends ConfigApiError {
  readonly code = 'SWEEP_FAILED';
  readonly status = 502;
}
