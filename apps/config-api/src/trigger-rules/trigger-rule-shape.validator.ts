import { RuleKind } from '@lever-assess/domain';
import type { FieldError } from '../shared/errors/api.errors';

/** The rule as it will be stored (a PATCH merged over the current rule). */
export interface RuleShape {
  kind: RuleKind;
  testId: string | null;
  passThreshold: number | null;
  failThreshold: number | null;
}

/**
 * Cross-field rules the DTO decorators cannot express. Ranges (0-100, time limit) are the DTOs';
 * the database checks them again.
 */
export function ruleShapeErrors(rule: RuleShape): FieldError[] {
  const errors: FieldError[] = [];
  if (rule.kind === RuleKind.TakeHome && !rule.testId) {
    errors.push({ field: 'testId', messages: ['a take_home rule needs a test: set testId to a test of the catalog'] });
  }
  if (rule.passThreshold !== null && rule.failThreshold !== null && rule.failThreshold >= rule.passThreshold) {
    errors.push({ field: 'failThreshold', messages: ['failThreshold must be below passThreshold'] });
  }
  return errors;
}
