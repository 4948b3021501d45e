// In-memory stand-ins for the unit tier, each with the public surface of the real class it replaces
// (`implements PublicOf<Real>`, or checked where it is passed in with `standIn<Real>(fake)`).
export * from './public-of';
export { InMemoryStore } from './in-memory-store';
export * from './in-memory-accounts.repository';
export * from './in-memory-tests.repository';
export * from './in-memory-trigger-rules.repository';
export * from './in-memory-assessments.repository';
export * from './in-memory-assessment-notes.repository';
export * from './in-memory-lever-deliveries.repository';
export * from './in-memory-lever-opportunity-views.repository';
export * from './in-memory-opportunity-sync-reads';
export * from './in-memory-candidate-events.repository';
export * from './in-memory-locks';
export * from './fake-lever';
export * from './fake-platform';
export * from './recording-producer';
export * from './recording-account-changes';
export * from './unit-fakes';
