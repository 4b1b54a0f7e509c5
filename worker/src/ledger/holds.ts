// What the ledger's own commitments keep in a position's counts: held reservations and orders not
// yet picked in `reserved`, picked orders not yet shipped in `picking`. An integration's batch
// (a WMS, a POS) moves the same counts with `release`, `pick` and `ship`; one that took a position
// below what the ledger holds there would hand units promised to a shopper back to the shelf, and
// they would sell twice. The ingest route refuses such events (`held_units`): the ledger's units
// move through its own routes (DELETE /v1/reservations/{id}, POST /v1/orders/{id}/events).
import { fromPairKey, pairKey, type Tx } from "./tx";

/** The counts an integration's event may lower, and the event types that lower each. */
const LOWERS = { reserved: ["release", "pick"], picking: ["ship"] } as const;

type Count = keyof typeof LOWERS;

/** Units the ledger holds at one position. */
export type Held = Record<Count, number>;

/** An event's SKU and location when both are strings (the engine rejects it otherwise). */
function position(e: unknown): { sku: string; location: string; type: unknown; qty: unknown } | undefined {
  if (e === null || typeof e !== "object") return undefined;
  const { sku, location, type, qty } = e as Record<string, unknown>;
  return typeof sku === "string" && typeof location === "string" ? { sku, location, type, qty } : undefined;
}

/** The positions whose `reserved` or `picking` the batch may lower (each event's type decides). */
export function watchedPositions(events: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const event of events) {
    const e = position(event);
    if (e === undefined) continue;
    if (LOWERS.reserved.includes(e.type as never) || LOWERS.picking.includes(e.type as never)) out.add(pairKey(e.sku, e.location));
  }
  return out;
}

/** What the ledger holds at each of `positions` (`pairKey(sku, location)`; absent: nothing). */
export function ledgerHolds(tx: Pick<Tx, "store">, positions: ReadonlySet<string>): Map<string, Held> {
  const out = new Map<string, Held>();
  const add = (sku: string, location: string, count: Count, qty: number) => {
    const key = pairKey(sku, location);
    if (!positions.has(key)) return;
    const held = out.get(key) ?? { reserved: 0, picking: 0 };
    held[count] += qty;
    out.set(key, held);
  };
  // Held reservations' lines and orders' lines, by the batch's SKUs (both indexed by SKU).
  const skus = JSON.stringify([...new Set([...positions].map((k) => fromPairKey(k)[0]))]);
  const holds = tx.store.sql.exec<{ sku: string; location: string; qty: number }>(
    "SELECT sku, location, qty FROM reservation_lines WHERE sku IN (SELECT value FROM json_each(?))",
    skus,
  );
  for (const u of holds) add(u.sku, u.location, "reserved", u.qty);
  // Driven by the orders still holding units (orders_by_status: a few, however long the history),
  // each one's lines by its key; `+l.sku` keeps SQLite from walking a SKU's whole history instead.
  const lines = tx.store.sql.exec<{ sku: string; location: string; qty: number; status: string }>(
    `SELECT l.sku, l.location, l.qty, o.status FROM orders o JOIN order_lines l ON l.order_id = o.id
      WHERE o.status IN ('created', 'picked') AND +l.sku IN (SELECT value FROM json_each(?))`,
    skus,
  );
  for (const l of lines) add(l.sku, l.location, l.status === "created" ? "reserved" : "picking", l.qty);
  return out;
}

/** What [`overdrawn`] found: events to refuse (by index, with why), and where the batch fell short. */
export interface Overdraft {
  refused: Map<number, string>;
  /** `pairKey(count, position key)` of every count the batch took below the ledger's hold. */
  short: Set<string>;
}

/**
 * Events of `events` to refuse so that no position ends below what the ledger holds there: where
 * the batch took a count below the ledger's hold (and lower than it was before the batch: a
 * position already below is not held against unrelated events), the last events lowering that
 * count there, as many as cover the shortfall by their quantities; where an earlier round already
 * fell short (`again`: a refused event had moved nothing, being a duplicate or clamped at 0),
 * every event lowering that count there. The caller applies the batch again without them and asks
 * again, at most a few rounds (a refused `pick` gives `reserved` back but takes `picking` down).
 * `before` and `after` read a position's counts (by its key) before and after the batch; `held`
 * is [`ledgerHolds`]'s answer.
 */
export function overdrawn(
  events: readonly unknown[],
  held: ReadonlyMap<string, Held>,
  before: ReadonlyMap<string, Held>,
  after: (key: string) => Held,
  again: ReadonlySet<string>,
): Overdraft {
  const out: Overdraft = { refused: new Map(), short: new Set() };
  for (const [key, h] of held) {
    const [sku, location] = fromPairKey(key);
    const now = after(key);
    const was = before.get(key) ?? { reserved: 0, picking: 0 };
    for (const count of Object.keys(LOWERS) as Count[]) {
      let short = Math.min(h[count], was[count]) - now[count];
      if (short <= 0) continue;
      const shortKey = pairKey(count, key);
      out.short.add(shortKey);
      const all = again.has(shortKey);
      for (let i = events.length - 1; i >= 0 && (all || short > 0); i--) {
        const e = position(events[i]);
        if (e === undefined || e.sku !== sku || e.location !== location || !(LOWERS[count] as readonly unknown[]).includes(e.type)) continue;
        out.refused.set(
          i,
          `${e.type} would take ${count} at ${location} below the ${h[count]} units the ledger's ` +
            `${count === "reserved" ? "reservations and orders hold" : "picked orders hold"} there: ` +
            "release a reservation with DELETE /v1/reservations/{id}, move an order with POST /v1/orders/{id}/events",
        );
        short -= typeof e.qty === "number" && e.qty > 0 ? e.qty : 1;
      }
    }
  }
  return out;
}
