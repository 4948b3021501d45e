import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** Thrown when the environment is invalid. Names each bad variable and the rule, never the value. */
export class EnvValidationError extends Error {
  constructor(readonly problems: { variable: string; rules: string[] }[]) {
    super('Invalid environment:\n' + problems.map((p) => `  ${p.variable}: ${p.rules.join('; ')}`).join('\n'));
    this.name = 'EnvValidationError';
  }
}

const SENSITIVE = Symbol('sensitive-env');

/** Marks an env field as secret so config dumps mask it. */
export function Sensitive(): PropertyDecorator {
  return (target, key) => {
    const list: (string | symbol)[] = Reflect.getMetadata(SENSITIVE, target) ?? [];
    Reflect.defineMetadata(SENSITIVE, [...list, key], target);
  };
}

/**
 * Validates `raw` (process.env by default) into an instance of `cls`: defaults applied, strings
 * converted by @Type, unknown variables ignored. Empty strings count as unset, so
 * `FOO= node main.js` falls back to the default rather than failing a rule on "".
 */
export function loadEnv<T extends object>(cls: new () => T, raw: NodeJS.ProcessEnv = process.env): T {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(cls, cleaned, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) throw new EnvValidationError(errors.map(describe));
  const extra = (env as { validateCrossField?: () => string[] }).validateCrossField?.() ?? [];
  if (extra.length > 0) throw new EnvValidationError(extra.map((line) => splitProblem(line)));
  return env;
}

/** A copy of the env with every @Sensitive() field masked, for a start-up log line. */
export function describeEnv(env: object): Record<string, unknown> {
  const sensitive: (string | symbol)[] = Reflect.getMetadata(SENSITIVE, env) ?? [];
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, sensitive.includes(k) && v !== undefined ? '[redacted]' : v]));
}

function describe(error: ValidationError): { variable: string; rules: string[] } {
  // class-validator messages quote the property name, never the value.
  return { variable: error.property, rules: Object.values(error.constraints ?? {}) };
}

function splitProblem(line: string): { variable: string; rules: string[] } {
  const i = line.indexOf(':');
  return i < 0 ? { variable: '?', rules: [line] } : { variable: line.slice(0, i), rules: [line.slice(i + 1).trim()] };
}
