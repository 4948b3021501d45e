export * from './account-access.errors';
export * from './account-access.options';
export * from './account-access.module';
export * from './lever-accounts.service';
export * from './parked-jobs.resumer';
export * from './assessment-actions.service';
export * from './lever-oauth.session';
export * from './account-config.cache';
