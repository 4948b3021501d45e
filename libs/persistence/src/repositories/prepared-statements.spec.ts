import { isStalePreparedPlan, PreparedStatementNames } from './prepared-statements';

describe('PreparedStatementNames', () => {
  it('gives a text the same name every time, and different texts different names', () => {
    const names = new PreparedStatementNames(10);
    const a = names.nameOf('SELECT 1');
    const b = names.nameOf('SELECT 2');
    expect(a).toEqual(expect.any(String));
    expect(b).not.toBe(a);
    expect(names.nameOf('SELECT 1')).toBe(a);
    expect(names.size).toBe(2);
  });

  it('names no more texts than its capacity; the rest run unnamed, the named keep their names', () => {
    const names = new PreparedStatementNames(2);
    const first = names.nameOf('SELECT 1');
    names.nameOf('SELECT 2');
    expect(names.nameOf('SELECT 3')).toBeUndefined();
    expect(names.nameOf('SELECT 1')).toBe(first);
    expect(names.size).toBe(2);
  });

  it('names nothing at capacity 0 (DATABASE_PREPARED_STATEMENTS=0)', () => {
    expect(new PreparedStatementNames(0).nameOf('SELECT 1')).toBeUndefined();
  });

  it('renames a text to a name never issued before, which it keeps from then on', () => {
    const names = new PreparedStatementNames(5);
    const issued = new Set([names.nameOf('SELECT 1'), names.nameOf('SELECT 2')]);
    const renamed = names.rename('SELECT 1');
    expect(issued.has(renamed)).toBe(false);
    expect(names.nameOf('SELECT 1')).toBe(renamed);
    expect(names.size).toBe(2);
  });
});

describe('isStalePreparedPlan', () => {
  it("reads PostgreSQL's refusal of a prepared statement whose result columns changed", () => {
    expect(isStalePreparedPlan(Object.assign(new Error('cached plan must not change result type'), { code: '0A000' }))).toBe(true);
  });

  it('is false for other errors, of that code or with that text alone', () => {
    expect(isStalePreparedPlan(Object.assign(new Error('unsupported feature'), { code: '0A000' }))).toBe(false);
    expect(isStalePreparedPlan(new Error('cached plan must not change result type'))).toBe(false);
    expect(isStalePreparedPlan(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isStalePreparedPlan(undefined)).toBe(false);
  });
});
