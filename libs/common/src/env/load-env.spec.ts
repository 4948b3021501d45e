import { IntegrationEnv, RedisDatabaseEnv } from './base-env';
import { EnvValidationError, describeEnv, loadEnv } from './load-env';

describe(loadEnv.name, () => {
  it('applies defaults and converts numbers', () => {
    const env = loadEnv(RedisDatabaseEnv, { PORT: '3005' });
    expect(env.PORT).toBe(3005);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/lever_assess');
  });

  it('treats empty variables as unset', () => {
    expect(loadEnv(RedisDatabaseEnv, { PORT: '' }).PORT).toBe(3000);
  });

  it('names each bad variable without printing its value', () => {
    const attempt = () => loadEnv(RedisDatabaseEnv, { PORT: 'abc', REDIS_URL: 'http://secret-host-pw@x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(EnvValidationError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/REDIS_URL/);
      expect(message).toMatch(/LOG_LEVEL/);
      expect(message).not.toMatch(/secret-host-pw|abc|loud/);
      expect((err as EnvValidationError).problems.map((p) => p.variable).sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL']);
    }
  });

  it('requires ENCRYPTION_KEY and a real PLATFORM_API_KEY in production', () => {
    expect(() => loadEnv(IntegrationEnv, { NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY: is required/);
    expect(() => loadEnv(IntegrationEnv, { NODE_ENV: 'production', ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') })).toThrow(
      /PLATFORM_API_KEY/,
    );
    expect(() =>
      loadEnv(IntegrationEnv, { NODE_ENV: 'production', ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), PLATFORM_API_KEY: 'k' }),
    ).not.toThrow();
  });

  it('rejects an ENCRYPTION_KEY that is not 32 bytes', () => {
    expect(() => loadEnv(IntegrationEnv, { ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/ENCRYPTION_KEY must be/);
  });

  it('masks sensitive fields when describing the env', () => {
    const env = loadEnv(IntegrationEnv, { PLATFORM_API_KEY: 'top-secret' });
    expect(describeEnv(env)).toMatchObject({ PLATFORM_API_KEY: '[redacted]', PORT: 3000 });
  });
});
