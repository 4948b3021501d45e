export * from './types';
export * from './status-tag';
export * from './rules';
export * from './assessment';
