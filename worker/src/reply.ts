// What the Durable Objects answer over RPC: an HTTP status and a JSON body, so that the ledger
// decides the status of its own outcomes (409 insufficient stock, 404 unknown reservation...)
// and the front worker only serialises it.

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

/** A status and a JSON body. */
export interface Reply<T = unknown> {
  status: number;
  body: T | ErrorBody;
  /** Extra response headers (e.g. `Idempotent-Replayed`). */
  headers?: Record<string, string>;
}

export function ok<T>(body: T, status = 200, headers?: Record<string, string>): Reply<T> {
  return headers ? { status, body, headers } : { status, body };
}

export function fail(status: number, code: string, message: string, details?: Record<string, unknown>): Reply<never> {
  return { status, body: { error: { code, message, ...details } } };
}

/** An error that carries its HTTP answer; thrown by validation, caught at the edge of a route. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  reply(): Reply<never> {
    return fail(this.status, this.code, this.message, this.details);
  }
}

/**
 * The engine throws JS `Error`s carrying a stable `code` (and `field`, when one field is at
 * fault) for bad input: those are the caller's fault (400), answered with both. Anything else is
 * a bug and is rethrown.
 */
export function engineError(err: unknown): Reply<never> {
  if (err instanceof HttpError) return err.reply();
  const { code, field } = (err ?? {}) as { code?: unknown; field?: unknown };
  if (err instanceof Error && typeof code === "string") {
    return fail(400, code, err.message, typeof field === "string" ? { field } : undefined);
  }
  throw err;
}
