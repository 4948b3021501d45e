import { parseDatabaseUrl } from './database-admin';

describe(parseDatabaseUrl.name, () => {
  it('names the database and points the maintenance URL at the same server', () => {
    expect(parseDatabaseUrl('postgres://user:pw@db.internal:6543/lever_assess?sslmode=require')).toEqual({
      database: 'lever_assess',
      maintenanceUrl: 'postgres://user:pw@db.internal:6543/postgres?sslmode=require',
    });
  });

  it('refuses a URL without a database', () => {
    expect(() => parseDatabaseUrl('postgres://127.0.0.1:5432')).toThrow('names no database');
  });
});
