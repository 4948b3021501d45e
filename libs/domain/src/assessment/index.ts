export * from './assessment-state';
export * from './threshold-outcome';
export * from './desired-status';
export * from './status-tag-plan';
export * from './assessment-links';
export * from './status-tag-owner';
