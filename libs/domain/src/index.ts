export * from './types';
export * from './status-tag';
export * from './rules';
export * from './assessment';
export * from './timeline/candidate-event-type';
