import { InitialSchema1795604724722 } from './1795604724722-InitialSchema';

/** Every migration class, oldest first. `npm run db:generate` reminds you to add new ones here. */
export const MIGRATIONS = [InitialSchema1795604724722];
