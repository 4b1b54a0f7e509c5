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
 * Codes the engine gives a failure of its own, not of the input: its WebAssembly memory ran out
 * or it trapped (`out_of_memory`, `internal_error`), or it is an engine left failed by such a
 * call, freed, busy or not loaded. The engine that failed must be rebuilt; never a 4xx.
 */
const ENGINE_FAULTS = new Set(["out_of_memory", "internal_error", "engine_failed", "engine_freed", "engine_busy", "not_initialized"]);

/** True for an error of the engine's own failure (see `ENGINE_FAULTS`). */
export function isEngineFault(err: unknown): boolean {
  return err instanceof Error && ENGINE_FAULTS.has((err as { code?: unknown }).code as string);
}

/** The answer while an engine that failed is rebuilt: 503, to be retried. */
export function engineUnavailable(err: unknown): Reply<never> {
  const code = (err as { code?: unknown }).code;
  return {
    ...fail(503, "unavailable", `the engine failed (${String(code)}) and is being rebuilt: retry shortly`),
    headers: { "retry-after": "1" },
  };
}

/**
 * The engine throws JS `Error`s carrying a stable `code` (and `field`, when one field is at
 * fault) for bad input: those are the caller's fault (400), answered with both. Anything else,
 * an engine fault included, is rethrown.
 */
export function engineError(err: unknown): Reply<never> {
  if (err instanceof HttpError) return err.reply();
  const { code, field } = (err ?? {}) as { code?: unknown; field?: unknown };
  if (err instanceof Error && typeof code === "string" && !ENGINE_FAULTS.has(code)) {
    return fail(400, code, err.message, typeof field === "string" ? { field } : undefined);
  }
  throw err;
}
