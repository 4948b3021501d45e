/**
 * An error answered in Lever's shape `{ "code": "...", "message": "..." }`. Thrown by the store
 * and the guard; LeverErrorFilter renders it.
 */
export class LeverApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'LeverApiError';
  }

  static badRequest(message: string) {
    return new LeverApiError(400, 'BadRequest', message);
  }

  static notFound(kind: string, id: string) {
    // Lever's documented example: "stages a80bbbe0-... was not found"
    return new LeverApiError(404, 'ResourceNotFound', `${kind} ${id} was not found`);
  }
}
