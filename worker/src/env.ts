// The bindings and variables the worker reads (wrangler.toml declares them; see README.md).
import type { Ledger } from "./ledger/ledger";
import type { LiveHub } from "./live/hub";

export interface Env {
  /** The network's ledger: one Durable Object holds the engine of record (see README.md). */
  LEDGER: DurableObjectNamespace<Ledger>;
  /** The live-update hub: WebSocket subscriptions to ATS changes and alerts. */
  LIVE: DurableObjectNamespace<LiveHub>;
  /** Static assets (www/ at `/`, pkg/ at `/pkg/`); absent in the unit-test harness. */
  ASSETS?: Fetcher;
  /** Bearer token of the integration routes. Unset: those routes answer 401 (fail closed). */
  INGEST_TOKEN?: string;
  /** "true": an empty ledger loads the embedded demo network on its first start. */
  DEMO_NETWORK?: string;
  /** Upper bound, in ms, on how old the edge read path's engine may be (default 1000). */
  READ_MAX_STALENESS_MS?: string;
  /** Name of the network (the ledger and hub instances), default "default". */
  NETWORK?: string;
}

/**
 * A Durable Object's public methods as its stub exposes them over RPC (every call async). The
 * generated stub types refuse `unknown` in results; our replies are JSON by construction.
 */
export type Rpc<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** The ledger of this deployment's network. */
export function ledgerOf(env: Env): Rpc<Ledger> {
  return env.LEDGER.get(env.LEDGER.idFromName(env.NETWORK ?? "default")) as unknown as Rpc<Ledger>;
}

/** The live hub of this deployment's network (its `fetch` takes the WebSocket upgrades). */
export function hubOf(env: Env): Rpc<LiveHub> & { fetch(request: Request): Promise<Response> } {
  return env.LIVE.get(env.LIVE.idFromName(env.NETWORK ?? "default")) as unknown as Rpc<LiveHub> & {
    fetch(request: Request): Promise<Response>;
  };
}
