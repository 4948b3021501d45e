/** One invalid request field and what is wrong with it (never its value: it may be a secret). */
export interface FieldError {
  /** Dotted path, e.g. `lever.apiKey`, `failThreshold`. */
  field: string;
  messages: string[];
}

/**
 * Errors the config API throws on purpose. `code` is stable (clients switch on it), `status` is
 * the HTTP answer, `message` is shown to the admin. Only ApiExceptionFilter turns them into HTTP.
 */
export abstract class ConfigApiError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  constructor(
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400 with field-level messages: DTO validation, and the cross-field rules services check. */
export class RequestValidationError extends ConfigApiError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
  constructor(fields: FieldError[], message = 'The request has invalid fields') {
    super(message, fields);
  }
  static field(field: string, ...messages: string[]): RequestValidationError {
    return new RequestValidationError([{ field, messages }]);
  }
}

export class NotFoundApiError extends ConfigApiError {
  readonly status = 404;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 409: the request is valid but the current state forbids it. */
export class ConflictApiError extends ConfigApiError {
  readonly status = 409;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 409 about one field of the request: `fields` names it, so a form can show the message beside it. */
export class FieldConflictApiError extends ConfigApiError {
  readonly status = 409;
  constructor(
    readonly code: string,
    field: string,
    message: string,
  ) {
    super(message, [{ field, messages: [message] }]);
  }
}

export class AccountNotFoundError extends NotFoundApiError {
  constructor(accountId: string) {
    super('ACCOUNT_NOT_FOUND', `Account ${accountId} does not exist`);
  }
}

/** 401. The message never says whether a token exists: only that this one is not accepted. */
export class UnauthenticatedError extends ConfigApiError {
  readonly code = 'UNAUTHENTICATED';
  readonly status = 401;
  constructor() {
    super('Send Authorization: Bearer <admin token> (ADMIN_TOKEN or a token from POST /v1/admin-tokens)');
  }
}

/** 403: authenticated, but this caller may not do this (an account token outside its account, CSRF). */
export class ForbiddenApiError extends ConfigApiError {
  readonly status = 403;
  constructor(
    readonly code: string,
    message: string,
    fields: FieldError[] = [],
  ) {
    super(message, fields);
  }
}
