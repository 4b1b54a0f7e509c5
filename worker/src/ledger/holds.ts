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

/** The key of a position in the maps below ([`fromPairKey`] gives `[sku, location]` back). */
export function positionKey(sku: string, location: string): string {
  return pairKey(sku, location);
}

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
    if (LOWERS.reserved.includes(e.type as never) || LOWERS.picking.includes(e.type as never)) out.add(positionKey(e.sku, e.location));
  }
  return out;
}

/** What the ledger holds at each of `positions` (absent: nothing). */
export function ledgerHolds(tx: Pick<Tx, "store">, positions: ReadonlySet<string>): Map<string, Held> {
  const out = new Map<string, Held>();
  const add = (sku: string, location: string, count: Count, qty: number) => {
    const key = positionKey(sku, location);
    if (!positions.has(key)) return;
    const held = out.get(key) ?? { reserved: 0, picking: 0 };
    held[count] += qty;
    out.set(key, held);
  };
  // The held reservations' units, read from their plans by SQLite (`heldUnits` in SQL: a plan's
  // explanations are not parsed), only for the batch's SKUs.
  const skus = JSON.stringify([...new Set([...positions].map((k) => fromPairKey(k)[0]))]);
  const holds = tx.store.sql.exec<{ sku: string; location: string; qty: number }>(
    `SELECT json_extract(l.value, '$.sku') AS sku, json_extract(s.value, '$.location') AS location,
            json_extract(l.value, '$.qty') AS qty
       FROM reservations r, json_each(r.plan, '$.shipments') s, json_each(s.value, '$.lines') l
      WHERE r.status = 'held' AND json_extract(l.value, '$.sku') IN (SELECT value FROM json_each(?))`,
    skus,
  );
  for (const u of holds) add(u.sku, u.location, "reserved", u.qty);
  const lines = tx.store.sql.exec<{ sku: string; location: string; qty: number; status: string }>(
    `SELECT l.sku, l.location, l.qty, o.status FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE o.status IN ('created', 'picked') AND l.sku IN (SELECT value FROM json_each(?))`,
    skus,
  );
  for (const l of lines) add(l.sku, l.location, l.status === "created" ? "reserved" : "picking", l.qty);
  return out;
}

/**
 * Events of `events` (by index, with why) to refuse so that no position ends below what the
 * ledger holds there: where the batch took a count below the ledger's hold (and lower than it was
 * before the batch: a position already below is not held against unrelated events), the last
 * events lowering that count there, as many as cover the shortfall. The caller applies the batch
 * again without them and asks again (a refused `pick` gives `reserved` back but takes `picking`
 * down, an event may have been a duplicate that moved nothing). `before` and `after` read a
 * position's counts before and after the batch; `held` is [`ledgerHolds`]'s answer.
 */
export function overdrawn(
  events: readonly unknown[],
  held: ReadonlyMap<string, Held>,
  before: ReadonlyMap<string, Held>,
  after: (sku: string, location: string) => Held,
): Map<number, string> {
  const out = new Map<number, string>();
  for (const [key, h] of held) {
    const [sku, location] = fromPairKey(key);
    const now = after(sku, location);
    const was = before.get(key) ?? { reserved: 0, picking: 0 };
    for (const count of Object.keys(LOWERS) as Count[]) {
      let short = Math.min(h[count], was[count]) - now[count];
      for (let i = events.length - 1; i >= 0 && short > 0; i--) {
        const e = position(events[i]);
        if (e === undefined || e.sku !== sku || e.location !== location || !(LOWERS[count] as readonly unknown[]).includes(e.type)) continue;
        out.set(
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
