/** Default ports from DESIGN.md; each app's config must default to its port. */
export const DEFAULT_PORTS: Record<string, number> = {
  'webhook-gateway': 3000,
  'config-api': 3001,
  dispatcher: 3002,
  'result-sync': 3003,
  'lever-sandbox': 4010,
  'platform-sandbox': 4020,
};

/**
 * Apps that use Redis and PostgreSQL, and so check both before reporting ready (the gateway checks
 * its account cache instead of PostgreSQL: it works without PostgreSQL once the cache is loaded).
 */
export const SERVICE_APPS = ['webhook-gateway', 'dispatcher', 'result-sync', 'config-api'] as const;
export const SANDBOX_APPS = ['lever-sandbox', 'platform-sandbox'] as const;
export const ALL_APPS = [...SERVICE_APPS, ...SANDBOX_APPS];
