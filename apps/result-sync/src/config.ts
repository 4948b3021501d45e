import { IntegrationEnv, loadEnv } from '@lever-assess/common';

/** result-sync serves only health and metrics over HTTP. */
export class ResultSyncEnv extends IntegrationEnv {
  override PORT = 3003;
}

export const loadResultSyncEnv = (raw: NodeJS.ProcessEnv = process.env) => loadEnv(ResultSyncEnv, raw);
