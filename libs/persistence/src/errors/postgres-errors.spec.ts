import { QueryFailedError } from 'typeorm';
import { isCheckViolation, isForeignKeyViolation, isUniqueViolation } from './postgres-errors';

describe('postgres error helpers', () => {
  const pgError = (code: string, constraint?: string) => Object.assign(new Error('pg'), { code, constraint });

  it('recognises a unique violation, bare or wrapped by TypeORM, optionally by constraint', () => {
    const bare = pgError('23505', 'uq_assessment_active');
    const wrapped = new QueryFailedError('INSERT ...', [], bare);
    for (const err of [bare, wrapped]) {
      expect(isUniqueViolation(err)).toBe(true);
      expect(isUniqueViolation(err, 'uq_assessment_active')).toBe(true);
      expect(isUniqueViolation(err, 'uq_other')).toBe(false);
    }
  });

  it('tells the violation kinds apart and ignores non-errors', () => {
    expect(isUniqueViolation(pgError('23503'))).toBe(false);
    expect(isForeignKeyViolation(pgError('23503', 'fk_x'), 'fk_x')).toBe(true);
    expect(isCheckViolation(pgError('23514', 'ck_y'), 'ck_y')).toBe(true);
    expect(isCheckViolation(pgError('23514', 'ck_y'), 'ck_z')).toBe(false);
    for (const value of [undefined, null, 'x', 42, new Error('plain')]) expect(isUniqueViolation(value)).toBe(false);
  });
});
