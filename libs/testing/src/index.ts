export * from './test-env';
export * from './test-database';
export * from './test-redis';
export * from './waiting';
export * from './built-app';
export * from './free-port';
export * from './tcp-proxy';
export * from './fakes';
