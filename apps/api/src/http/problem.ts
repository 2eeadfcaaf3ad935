/**
 * Errors as RFC 9457 problem documents. Code anywhere in the API throws a `Problem`; the one
 * filter in problem.filter.ts turns it (and anything else) into the HTTP answer.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }

  get type(): string {
    return `https://sitrep.dev/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }
}

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export const invalidRequest = (detail: string, errors: readonly FieldError[] = []) =>
  new Problem(400, 'Invalid request', detail, { errors });

export const notFound = (what: string) => new Problem(404, 'Not found', `${what} does not exist`);

export const unauthenticated = (detail: string) =>
  new Problem(401, 'Unauthenticated', detail, {}, { 'WWW-Authenticate': 'Bearer realm="sitrep"' });

export const forbidden = (scope: string) =>
  new Problem(
    403,
    'Forbidden',
    `this key lacks the "${scope}" scope; ask an admin for a key that has it`,
  );

export const conflict = (detail: string, extensions: Record<string, unknown> = {}) =>
  new Problem(409, 'Conflict', detail, extensions);

export const unprocessable = (detail: string, errors: readonly unknown[]) =>
  new Problem(422, 'Unprocessable claims', detail, { errors });

export const unavailable = (detail: string, retryAfterSeconds: number) =>
  new Problem(
    503,
    'Service unavailable',
    detail,
    { retryAfter: retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
