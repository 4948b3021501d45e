import { IntegrationEnv, loadEnv } from '@lever-assess/common';

/** dispatcher serves only health and metrics over HTTP. */
export class DispatcherEnv extends IntegrationEnv {
  override PORT = 3002;
}

export const loadDispatcherEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(DispatcherEnv, raw);
