import { counter, histogram } from '@lever-assess/common';

/** Labels use the templated route ("/opportunities/:id"), never ids, to keep cardinality bounded. */
export const leverRequestsTotal = counter('lever_requests_total', 'Lever API requests by outcome', ['method', 'route', 'status'] as const);

export const leverRequestDuration = histogram(
  'lever_request_duration_seconds',
  'Lever API request duration (one attempt)',
  ['method', 'route'] as const,
  [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

export const leverRateLimitWait = histogram(
  'lever_rate_limit_wait_seconds',
  'Time spent waiting for a token of the per-account Lever rate limiter',
  [] as const,
  [0, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
);
