/** Nest injection tokens. */
export const SANDBOX_ENV = Symbol('LEVER_SANDBOX_ENV');
export const SANDBOX_LOGGER = Symbol('LEVER_SANDBOX_LOGGER');
