export * from './account-access.errors';
export * from './account-access.options';
export * from './account-access.module';
export * from './lever-accounts.service';
export * from './assessment-actions.service';
