export * from './tag-match';
export * from './trigger-rule.view';
export * from './select-trigger-rules';
export * from './assessment-problem';
export * from './resolve-test';
export * from './check-candidate';
