// GET /v1/reports/orders: order history aggregates, straight from the ledger's tables.
import type { Tx } from "./tx";

export interface OrdersReport {
  from: string | null;
  to: string | null;
  orders: number;
  units: number;
  /** Orders by current status. */
  byStatus: Record<string, number>;
  /** Orders created each day (UTC), by current status. */
  byDay: { day: string; orders: number; units: number; byStatus: Record<string, number> }[];
  /** Share of orders whose plan ships from more than one location (cancelled ones too: a sourcing measure), in [0, 1]. */
  splitRate: number;
  /** Shipments per order. */
  averageShipments: number;
  /** Mean great-circle distance of a shipment to its destination, km. */
  averageDistanceKm: number;
  /** Mean sourcing cost of an order (the plan's total cost), currency units. */
  averageCostPerOrder: number;
  totalCost: number;
  /** Units ordered per fulfilling location, most first. */
  unitsByLocation: { location: string; name: string; units: number; orders: number }[];
}

/** `from`/`to` are inclusive UTC days (`YYYY-MM-DD`), either may be null. */
export function ordersReport(tx: Tx, from: string | null, to: string | null): OrdersReport {
  const lo = from === null ? 0 : Date.parse(`${from}T00:00:00Z`);
  const hi = to === null ? Number.MAX_SAFE_INTEGER : Date.parse(`${to}T00:00:00Z`) + 86_400_000;
  const sql = tx.store.sql;
  const totals = sql
    .exec<{ orders: number; units: number | null; split: number | null; shipments: number | null; distance: number | null; cost: number | null }>(
      `SELECT count(*) AS orders, sum(units) AS units, sum(shipments > 1) AS split, sum(shipments) AS shipments,
              sum(distance_km_sum) AS distance, sum(total_cost) AS cost
         FROM orders WHERE created_at >= ? AND created_at < ?`,
      lo,
      hi,
    )
    .one();
  const byStatus: Record<string, number> = {};
  for (const r of sql.exec<{ status: string; n: number }>(
    "SELECT status, count(*) AS n FROM orders WHERE created_at >= ? AND created_at < ? GROUP BY status ORDER BY status",
    lo,
    hi,
  )) {
    byStatus[r.status] = r.n;
  }
  const days = new Map<string, { day: string; orders: number; units: number; byStatus: Record<string, number> }>();
  for (const r of sql.exec<{ day: string; status: string; n: number; units: number }>(
    `SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, status, count(*) AS n, sum(units) AS units
       FROM orders WHERE created_at >= ? AND created_at < ? GROUP BY day, status ORDER BY day, status`,
    lo,
    hi,
  )) {
    const d = days.get(r.day) ?? { day: r.day, orders: 0, units: 0, byStatus: {} };
    d.orders += r.n;
    d.units += r.units;
    d.byStatus[r.status] = r.n;
    days.set(r.day, d);
  }
  const unitsByLocation = sql
    .exec<{ location: string; units: number; orders: number }>(
      `SELECT l.location AS location, sum(l.qty) AS units, count(DISTINCT l.order_id) AS orders
         FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE o.created_at >= ? AND o.created_at < ?
        GROUP BY l.location ORDER BY units DESC, location`,
      lo,
      hi,
    )
    .toArray()
    .map((r) => ({ location: r.location, name: tx.location(r.location)?.name ?? r.location, units: r.units, orders: r.orders }));
  const n = totals.orders;
  const shipments = totals.shipments ?? 0;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    from,
    to,
    orders: n,
    units: totals.units ?? 0,
    byStatus,
    byDay: [...days.values()],
    splitRate: n === 0 ? 0 : round((totals.split ?? 0) / n),
    averageShipments: n === 0 ? 0 : round(shipments / n),
    averageDistanceKm: shipments === 0 ? 0 : round((totals.distance ?? 0) / shipments),
    averageCostPerOrder: n === 0 ? 0 : round((totals.cost ?? 0) / n),
    totalCost: round(totals.cost ?? 0),
    unitsByLocation,
  };
}
