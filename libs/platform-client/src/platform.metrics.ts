import { counter, histogram } from '@lever-assess/common';

/** `status` is the HTTP status, or `timeout` / `network` when no answer arrived. */
export const platformRequestsTotal = counter('platform_requests_total', 'Requests to the assessment platform API, per attempt', [
  'method',
  'route',
  'status',
] as const);

export const platformRequestDuration = histogram(
  'platform_request_duration_seconds',
  'Duration of one request attempt to the assessment platform API',
  ['method', 'route'] as const,
  [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);
