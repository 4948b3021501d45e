/** The validated ConfigApiEnv, injectable where a service needs a setting (queue prefix, public URL). */
export const CONFIG_API_ENV = Symbol('CONFIG_API_ENV');
