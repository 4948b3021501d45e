import { SnakeNamingStrategy, snakeCase } from './snake-naming.strategy';

describe(SnakeNamingStrategy.name, () => {
  const sut = new SnakeNamingStrategy();

  it.each([
    ['leverApiKeyEnc', 'lever_api_key_enc'],
    ['TriggerRule', 'trigger_rule'],
    ['platformTestId', 'platform_test_id'],
    ['id', 'id'],
    ['HTTPStatus', 'http_status'],
  ])('snakeCase(%s) = %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });

  it('names columns, join columns and constraints readably', () => {
    expect(sut.columnName('tagPrefix', undefined, [])).toBe('tag_prefix');
    expect(sut.columnName('ignored', 'customName', [])).toBe('custom_name');
    expect(sut.joinColumnName('account', 'id')).toBe('account_id');
    expect(sut.tableName('AssessmentNote', undefined)).toBe('assessment_note');
    expect(sut.tableName('AssessmentNote', 'assessment_notes')).toBe('assessment_notes');
    expect(sut.primaryKeyName('lever_deliveries')).toBe('pk_lever_deliveries');
    expect(sut.foreignKeyName('tests', ['account_id'])).toBe('fk_tests_account_id');
    expect(sut.uniqueConstraintName('accounts', ['webhook_key'])).toBe('uq_accounts_webhook_key');
    expect(sut.indexName('assessments', ['account_id', 'created_at'])).toBe('ix_assessments_account_id_created_at');
  });
});
