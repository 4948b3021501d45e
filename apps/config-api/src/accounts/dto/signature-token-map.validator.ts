import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Lever webhook event names (lever-api.md 3.1); each has its own signature token. */
export const LEVER_WEBHOOK_EVENTS = [
  'applicationCreated',
  'candidateHired',
  'candidateStageChange',
  'candidateArchiveChange',
  'candidateDeleted',
  'interviewCreated',
  'interviewUpdated',
  'interviewDeleted',
  'contactCreated',
  'contactUpdated',
] as const;

const MAX_TOKEN_LENGTH = 500;

/** `{ <Lever event name>: <non-empty token> }`; the message names the fault, never a token. */
export function IsSignatureTokenMap(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSignatureTokenMap',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must map Lever event names (${LEVER_WEBHOOK_EVENTS.join(', ')}) to non-empty tokens of at most ${MAX_TOKEN_LENGTH} characters`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          return Object.entries(value).every(
            ([event, token]) =>
              (LEVER_WEBHOOK_EVENTS as readonly string[]).includes(event) &&
              typeof token === 'string' &&
              token.length > 0 &&
              token.length <= MAX_TOKEN_LENGTH,
          );
        },
      },
    });
}
