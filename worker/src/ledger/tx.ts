// What the ledger's domain modules (reservations, orders) get while a write runs: the engine
// of record, the store, the request's clock, and one way to move stock.
import type { ApplyReport, Engine, EventInput, Location } from "atsource";
import { INTERNAL_PREFIX, type JournalKind } from "../journal";
import type { Store } from "./store";
import type { LiveAlert } from "../live/messages";

export interface Tx {
  readonly engine: Engine;
  readonly store: Store;
  /** Milliseconds since the epoch, fixed for the request. */
  readonly now: number;
  /**
   * Applies internal events to the engine, journals them, and queues their ATS changes for the
   * live hub. Every event must apply: they are derived from a state this request just read.
   */
  apply(events: EventInput[]): ApplyReport;
  /**
   * Applies an integration's batch: each event stands alone, refused ones are reported. `texts`
   * are the events' JSON (the ingest route measured them), journaled as they are.
   */
  ingest(events: EventInput[], texts: string[]): ApplyReport;
  /** Journals a change the caller made to the engine's configuration; returns the new version. */
  journal(kind: JournalKind, payload: string): number;
  /** Queues an alert for the operations stream. */
  alert(alert: LiveAlert): void;
  /** The location, if it exists. */
  location(id: string): Location | undefined;
}

export { INTERNAL_PREFIX };

/**
 * The id of the ledger's event moving `sku` at `location` for `owner` (a reservation or an
 * order step) as `tag`: `<owner>:<tag>:<location>:<sku>` with `%` and `:` escaped in the
 * location and the SKU, so that two (location, SKU) pairs never share an id (`A` + `X:Y` and
 * `A:X` + `Y` would, and the second would count as a duplicate: units promised, not held).
 * Ids without either character are as they always were.
 */
export function eventId(owner: string, tag: string, location: string, sku: string): string {
  const esc = (s: string) => s.replaceAll("%", "%25").replaceAll(":", "%3A");
  return `${INTERNAL_PREFIX}${owner}:${tag}:${esc(location)}:${esc(sku)}`;
}

/**
 * A map key for a pair of ids (a SKU and a location, a location and a SKU): their JSON, so that
 * no two pairs share a key whatever characters the ids hold (joined by a separator, `A\0B` + `C`
 * and `A` + `B\0C` would). [`fromPairKey`] gives the pair back.
 */
export function pairKey(a: string, b: string): string {
  return JSON.stringify([a, b]);
}

/** The ids of a [`pairKey`]. */
export function fromPairKey(key: string): [string, string] {
  return JSON.parse(key) as [string, string];
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A new random id with a readable prefix (`rsv_…`, `ord_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}
