/** Base of the errors repositories throw on purpose; `code` is stable and safe to show. */
export abstract class PersistenceError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A test with this name (case-insensitively) already exists in the account's catalog. */
export class TestNameTakenError extends PersistenceError {
  readonly code = 'TEST_NAME_TAKEN';
  constructor(readonly accountId: string) {
    super('a test with this name already exists in the catalog (names are compared case-insensitively)');
  }
}

/** The test is still used by a trigger rule. */
export class TestInUseError extends PersistenceError {
  readonly code = 'TEST_IN_USE';
  constructor(
    readonly accountId: string,
    readonly testId: string,
  ) {
    super(`test ${testId} is used by a trigger rule; change or delete the rule first`);
  }
}

/** The rule has assessments, which keep pointing at it. */
export class RuleInUseError extends PersistenceError {
  readonly code = 'RULE_IN_USE';
  constructor(
    readonly accountId: string,
    readonly ruleId: string,
  ) {
    super(`trigger rule ${ruleId} has assessments; disable it instead of deleting it`);
  }
}

/** The referenced row (test, rule, assessment) does not exist in this account. */
export class ReferenceNotFoundError extends PersistenceError {
  readonly code = 'REFERENCE_NOT_FOUND';
  constructor(
    readonly accountId: string,
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist in this account`);
  }
}

/** A value that should already be sealed by SecretBox looks like plaintext. */
export class UnsealedSecretError extends PersistenceError {
  readonly code = 'UNSEALED_SECRET';
  constructor(readonly field: string) {
    super(`${field} must be sealed with SecretBox before it is stored`);
  }
}

/** A CHECK constraint refused the values (thresholds out of range, fail >= pass, ...). */
export class ConstraintViolationError extends PersistenceError {
  readonly code = 'CONSTRAINT_VIOLATION';
  constructor(readonly constraint: string) {
    super(`the values break the rule ${constraint}`);
  }
}
