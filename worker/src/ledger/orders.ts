// Orders: a held reservation turned into an order, then driven through its lifecycle. After each
// event the order's status is the event's name; each transition moves the positions as the
// contract's event table says:
//   picked     created → picked                pick    (reserved → picking)
//   shipped    picked → shipped                ship    (picking and onHand go down)
//   delivered  shipped → delivered             —
//   cancelled  created → cancelled             release (reserved goes down)
//              picked → cancelled              ship + return: picked units go back on the shelf
//   returned   shipped | delivered | return_requested | returned → returned; the units are put
//              back in stock at once unless `restock: false` (return: onHand up at the receiving
//              location), which the timeline entry's detail records (`restocked`)
//   restocked  returned → returned             return for units received but not yet restocked
// Restocking moves stock, not the order: it is never a status. A return request by the shopper
// (delivered → return_requested) moves nothing.
import type { CollectOption, EventInput, GeoPoint, Plan } from "atsource";
import { fail, ok, type Reply } from "../reply";
import { findReservation, heldUnits } from "./reservations";
import { eventId, fromPairKey, iso, newId, pairKey, type Tx } from "./tx";

export type OrderStatus = "created" | "picked" | "shipped" | "delivered" | "cancelled" | "return_requested" | "returned";

export const ORDER_STATUSES: readonly OrderStatus[] = ["created", "picked", "shipped", "delivered", "cancelled", "return_requested", "returned"];

export type OrderEventType = "picked" | "shipped" | "delivered" | "cancelled" | "returned" | "restocked";

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = ["picked", "shipped", "delivered", "cancelled", "returned", "restocked"];

/** The statuses each event may leave from. */
const FROM: Record<OrderEventType, readonly OrderStatus[]> = {
  picked: ["created"],
  shipped: ["picked"],
  delivered: ["shipped"],
  cancelled: ["created", "picked"],
  returned: ["shipped", "delivered", "return_requested", "returned"],
  restocked: ["returned"],
};

/** An order event as the route validated it. */
export interface OrderEvent {
  type: OrderEventType;
  /** Optional idempotency id: an event id already applied to this order is answered, not re-applied. */
  id?: string;
  /** `returned`: the receiving location (default: each unit back where it shipped from). */
  location?: string;
  /** `returned`: the units (default every unit not yet returned); `restocked`: a subset. */
  lines?: { sku: string; qty: number }[];
  /** `returned`: the units are sellable and go back to stock now (default true). */
  restock?: boolean;
  /** Free text kept in the timeline (carrier, tracking number, reason). */
  note?: string;
  /** The body's other fields (`carrier`, `trackingNumber`, ...), kept as they are in the timeline entry's detail. */
  extra?: Record<string, unknown>;
}

interface OrderRow {
  id: string;
  reservation_id: string;
  token: string;
  status: OrderStatus;
  created_at: number;
  updated_at: number;
  customer: string | null;
  destination: string;
  plan: string;
  total_cost: number;
  shipments: number;
  units: number;
  distance_km_sum: number;
  [column: string]: SqlStorageValue;
}

interface Line {
  location: string;
  sku: string;
  qty: number;
}

export interface TimelineEntry {
  status: OrderStatus;
  event: string;
  at: string;
  eventId?: string;
  detail?: unknown;
}

export interface OrderView {
  id: string;
  status: OrderStatus;
  reservationId: string;
  createdAt: string;
  updatedAt: string;
  destination: GeoPoint;
  customer?: unknown;
  /** Click & collect: the store's offer the cart was held for (absent for home delivery). */
  pickup?: CollectOption;
  totalCost: number;
  shipments: { location: string; name: string; distanceKm: number; cost: number; lines: { sku: string; qty: number }[] }[];
  returns: { sku: string; location: string; qty: number; restocked: boolean }[];
  timeline: TimelineEntry[];
}

function findOrder(tx: Tx, id: string): OrderRow | undefined {
  return tx.store.sql.exec<OrderRow>("SELECT * FROM orders WHERE id = ?", id).toArray()[0];
}

function orderLines(tx: Tx, id: string): Line[] {
  return tx.store.sql
    .exec<{ location: string; sku: string; qty: number }>("SELECT location, sku, qty FROM order_lines WHERE order_id = ? ORDER BY location, sku", id)
    .toArray()
    .map((r) => ({ location: r.location, sku: r.sku, qty: r.qty }));
}

function returnsOf(tx: Tx, id: string): { sku: string; location: string; qty: number; restocked: boolean; seq: number }[] {
  return tx.store.sql
    .exec<{ sku: string; location: string; qty: number; restocked: number; seq: number }>(
      "SELECT seq, sku, location, qty, restocked FROM order_returns WHERE order_id = ? ORDER BY seq, sku, location",
      id,
    )
    .toArray()
    .map((r) => ({ seq: r.seq, sku: r.sku, location: r.location, qty: r.qty, restocked: r.restocked === 1 }));
}

function timeline(tx: Tx, id: string): TimelineEntry[] {
  return tx.store.sql
    .exec<{ status: OrderStatus; event: string; at: number; event_id: string | null; detail: string | null }>(
      "SELECT status, event, at, event_id, detail FROM order_events WHERE order_id = ? ORDER BY seq",
      id,
    )
    .toArray()
    .map((r) => {
      const e: TimelineEntry = { status: r.status, event: r.event, at: iso(r.at) };
      if (r.event_id !== null) e.eventId = r.event_id;
      if (r.detail !== null) e.detail = JSON.parse(r.detail);
      return e;
    });
}

function orderView(tx: Tx, row: OrderRow): OrderView {
  const plan = JSON.parse(row.plan) as Plan;
  const v: OrderView = {
    id: row.id,
    status: row.status,
    reservationId: row.reservation_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    destination: JSON.parse(row.destination) as GeoPoint,
    totalCost: row.total_cost,
    shipments: plan.shipments.map((s) => ({
      location: s.location,
      name: tx.location(s.location)?.name ?? s.location,
      distanceKm: s.distanceKm,
      cost: s.cost,
      lines: s.lines,
    })),
    returns: returnsOf(tx, row.id).map(({ seq: _seq, ...r }) => r),
    timeline: timeline(tx, row.id),
  };
  if (row.customer !== null) v.customer = JSON.parse(row.customer);
  const held = tx.store.sql.exec<{ pickup: string | null }>("SELECT pickup FROM reservations WHERE id = ?", row.reservation_id).toArray()[0];
  if (held?.pickup) v.pickup = JSON.parse(held.pickup) as CollectOption;
  return v;
}

function addTimeline(tx: Tx, orderId: string, status: OrderStatus, event: string, eventId: string | undefined, detail?: unknown): number {
  const seq = tx.store.sql.exec<{ n: number }>("SELECT count(*) AS n FROM order_events WHERE order_id = ?", orderId).one().n;
  tx.store.sql.exec(
    "INSERT INTO order_events (order_id, seq, status, event, event_id, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
    orderId,
    seq,
    status,
    event,
    eventId ?? null,
    tx.now,
    detail === undefined ? null : JSON.stringify(detail),
  );
  tx.store.sql.exec("UPDATE orders SET status = ?, updated_at = ? WHERE id = ?", status, tx.now, orderId);
  return seq;
}

/**
 * POST /v1/orders: the reservation's units stay reserved, now owned by the order. Converting the
 * same reservation again answers the same order (a safe retry).
 */
/** True when two JSON values are equal whatever the order of their objects' keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && sameJson(ra[k], rb[k]));
}

export function createOrder(tx: Tx, reservationId: string, customer: unknown): Reply {
  const r = findReservation(tx, reservationId);
  if (!r) return fail(404, "not_found", `no reservation ${reservationId}`);
  const customerText = customer === undefined ? null : JSON.stringify(customer);
  if (r.status === "ordered" && r.order_id !== null) {
    const existing = findOrder(tx, r.order_id)!;
    // A retry, the same body again, answers the order it made with its tracking token. Another
    // customer (or none, for an order that has one) is refused: another customer for the same
    // hold would be another order, silently dropped, and the token reads the customer's data,
    // which only who sent them may see again.
    if (!sameJson(existing.customer === null ? undefined : JSON.parse(existing.customer), customer)) {
      return fail(409, "reservation_ordered", `reservation ${reservationId} already became order ${existing.id}, for another customer`, {
        orderId: existing.id,
      });
    }
    return ok({ id: existing.id, status: existing.status, trackingToken: existing.token }, 201, { "idempotent-replayed": "true" });
  }
  if (r.status === "held" && r.expires_at <= tx.now) {
    return fail(409, "reservation_expired", `reservation ${reservationId} expired at ${iso(r.expires_at)}`);
  }
  if (r.status !== "held") return fail(409, `reservation_${r.status}`, `reservation ${reservationId} is ${r.status}`);

  const plan = JSON.parse(r.plan) as Plan;
  const units = heldUnits(plan);
  const id = newId("ord");
  const token = crypto.randomUUID().replaceAll("-", "");
  const request = JSON.parse(r.request) as [unknown, GeoPoint];
  tx.store.sql.exec(
    `INSERT INTO orders (id, reservation_id, token, status, created_at, updated_at, customer, destination, plan,
       total_cost, shipments, units, distance_km_sum) VALUES (?, ?, ?, 'created', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    reservationId,
    token,
    tx.now,
    tx.now,
    customerText,
    JSON.stringify(request[1]),
    r.plan,
    plan.totalCost,
    plan.shipments.length,
    units.reduce((n, u) => n + u.qty, 0),
    plan.shipments.reduce((d, s) => d + s.distanceKm, 0),
  );
  for (const u of units) {
    tx.store.sql.exec("INSERT INTO order_lines (order_id, location, sku, qty) VALUES (?, ?, ?, ?)", id, u.location, u.sku, u.qty);
  }
  addTimeline(tx, id, "created", "created", undefined, { reservationId });
  tx.store.sql.exec("UPDATE reservations SET status = 'ordered', order_id = ?, ended_at = ? WHERE id = ?", id, tx.now, reservationId);
  tx.store.sql.exec("DELETE FROM reservation_lines WHERE reservation_id = ?", reservationId); // the order's lines hold them now
  return ok({ id, status: "created", trackingToken: token }, 201);
}

/** GET /v1/orders/{id}: with the tracking token, or for the integration token holder (`admin`). */
export function getOrder(tx: Tx, id: string, token: string | null, admin: boolean): Reply {
  const row = findOrder(tx, id);
  if (!row) return fail(404, "not_found", `no order ${id}`);
  if (!admin) {
    if (token === null) return fail(401, "unauthorized", "the tracking token is required (?token=)");
    if (!sameToken(token, row.token)) return fail(403, "forbidden", "the tracking token does not match this order");
  }
  return ok(orderView(tx, row));
}

/** GET /v1/orders (operations): the latest orders, newest first, optionally of one status. */
export function listOrders(tx: Tx, status: string | null, limit: number): Reply {
  const rows = status === null
    ? tx.store.sql.exec<OrderRow>("SELECT * FROM orders ORDER BY created_at DESC, id DESC LIMIT ?", limit).toArray()
    : tx.store.sql.exec<OrderRow>("SELECT * FROM orders WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?", status, limit).toArray();
  return ok({ orders: rows.map((row) => orderView(tx, row)) });
}

function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** POST /v1/orders/{id}/events. */
export function applyOrderEvent(tx: Tx, id: string, event: OrderEvent): Reply {
  const row = findOrder(tx, id);
  if (!row) return fail(404, "not_found", `no order ${id}`);
  if (event.id !== undefined) {
    const seen = tx.store.sql
      .exec<{ event: string; detail: string | null }>("SELECT event, detail FROM order_events WHERE order_id = ? AND event_id = ?", id, event.id)
      .toArray()[0];
    if (seen !== undefined && (seen.event !== event.type || !sameUnits(event.lines, seen.detail))) {
      // A retry repeats its event: one id for two events would answer "done" for one never applied.
      return fail(422, "idempotency_conflict", `event id ${event.id} was already applied to order ${id} as another event (${seen.event}${seen.event === event.type ? ", other units" : ""})`, {
        eventId: event.id,
        event: seen.event,
      });
    }
    if (seen !== undefined) return ok({ id, status: row.status, timeline: timeline(tx, id) }, 200, { "idempotent-replayed": "true" });
  }
  if (!FROM[event.type].includes(row.status)) {
    return fail(409, "invalid_transition", `an order that is ${row.status} cannot be ${event.type}`, {
      status: row.status,
      event: event.type,
    });
  }
  const lines = orderLines(tx, id);
  const step = `${id}:${timeline(tx, id).length}`;
  const move = (type: "pick" | "ship" | "release" | "return", ls: Line[], tag: string = type): EventInput[] =>
    ls.map((l) => ({ id: eventId(step, tag, l.location, l.sku), type, sku: l.sku, location: l.location, qty: l.qty }));
  const detail = detailOf(event);

  switch (event.type) {
    case "picked":
      tx.apply(move("pick", lines));
      addTimeline(tx, id, "picked", "picked", event.id, detail);
      break;
    case "shipped":
      tx.apply(move("ship", lines));
      addTimeline(tx, id, "shipped", "shipped", event.id, detail);
      break;
    case "delivered":
      addTimeline(tx, id, "delivered", "delivered", event.id, detail);
      break;
    case "cancelled":
      // Picked units leave `picking` and stay on hand: the engine's ship then return.
      tx.apply(row.status === "created" ? move("release", lines) : [...move("ship", lines, "unpick"), ...move("return", lines, "putback")]);
      addTimeline(tx, id, "cancelled", "cancelled", event.id, detail);
      break;
    case "returned":
      return receiveReturn(tx, row, lines, event, move);
    case "restocked":
      return restock(tx, row, event, move);
  }
  return ok({ id, status: findOrder(tx, id)!.status, timeline: timeline(tx, id) });
}

/**
 * True unless `lines` (a retried return's or restock's units) name other units than the entry
 * applied under the same id (its detail's `lines`), SKU by SKU; a retry without `lines` repeats
 * whatever it applied.
 */
function sameUnits(lines: OrderEvent["lines"], detail: string | null): boolean {
  if (lines === undefined) return true;
  const applied = ((detail === null ? {} : JSON.parse(detail)) as { lines?: { sku: string; qty: number }[] }).lines ?? [];
  const total = (ls: { sku: string; qty: number }[]) => {
    const m = new Map<string, number>();
    for (const l of ls) m.set(l.sku, (m.get(l.sku) ?? 0) + l.qty);
    return m;
  };
  const [a, b] = [total(lines), total(applied)];
  return a.size === b.size && [...a].every(([sku, qty]) => b.get(sku) === qty);
}

/**
 * A timeline entry's detail: the event's other fields, its note, then what the worker records
 * (`own`, which wins a clash of names); undefined when there is nothing to keep.
 */
function detailOf(event: OrderEvent, own: Record<string, unknown> = {}): Record<string, unknown> | undefined {
  const detail: Record<string, unknown> = { ...event.extra };
  if (event.note !== undefined) detail.note = event.note;
  Object.assign(detail, own);
  return Object.keys(detail).length === 0 ? undefined : detail;
}

type Move = (type: "pick" | "ship" | "release" | "return", ls: Line[], tag?: string) => EventInput[];

/**
 * The order's lines less the units already returned, per shipping location: a return received
 * where a line shipped from counts against that line first; one received elsewhere (`location`)
 * against the SKU's lines in order. So a later default return goes back where its units left.
 */
function notReturned(tx: Tx, id: string, lines: Line[]): Line[] {
  const left = lines.map((l) => ({ ...l }));
  const take = (r: { sku: string; qty: number }, match: (l: Line) => boolean) => {
    for (const l of left) {
      if (r.qty === 0) break;
      if (l.sku !== r.sku || !match(l)) continue;
      const q = Math.min(r.qty, l.qty);
      l.qty -= q;
      r.qty -= q;
    }
  };
  const elsewhere: { sku: string; qty: number }[] = [];
  for (const r of returnsOf(tx, id)) {
    const rest = { sku: r.sku, qty: r.qty };
    take(rest, (l) => l.location === r.location);
    if (rest.qty > 0) elsewhere.push(rest);
  }
  for (const r of elsewhere) take(r, () => true);
  return left;
}

function receiveReturn(tx: Tx, row: OrderRow, lines: Line[], event: OrderEvent, move: Move): Reply {
  const origins = notReturned(tx, row.id, lines);
  // Units of each SKU shipped and not yet returned.
  const left = new Map<string, number>();
  for (const l of origins) left.set(l.sku, (left.get(l.sku) ?? 0) + l.qty);
  const wanted = event.lines ?? [...left].filter(([, q]) => q > 0).map(([sku, qty]) => ({ sku, qty }));
  if (wanted.length === 0) return fail(409, "nothing_to_return", `every unit of order ${row.id} was already returned`);
  const asked = new Map<string, number>();
  for (const w of wanted) asked.set(w.sku, (asked.get(w.sku) ?? 0) + w.qty);
  for (const [sku, qty] of asked) {
    if (qty > (left.get(sku) ?? 0)) {
      return fail(409, "invalid_return", `order ${row.id} has ${left.get(sku) ?? 0} unit(s) of ${sku} left to return, not ${qty}`);
    }
  }
  if (event.location !== undefined && !tx.location(event.location)) {
    return fail(400, "unknown_location", `location: no location ${event.location}`);
  }
  // Where each unit comes back: the receiving location, else where it shipped from (of the
  // units not back yet).
  const received: Line[] = [];
  for (const [sku, qty] of asked) {
    if (event.location !== undefined) {
      received.push({ location: event.location, sku, qty });
      continue;
    }
    let rest = qty;
    for (const l of origins) {
      if (l.sku !== sku || rest === 0) continue;
      const take = Math.min(rest, l.qty);
      received.push({ location: l.location, sku, qty: take });
      rest -= take;
    }
  }
  const merged = mergeLines(received);
  const restock = event.restock ?? true;
  // The restock is part of the return: recorded in its entry, the status stays `returned`.
  const seq = addTimeline(tx, row.id, "returned", "returned", event.id, detailOf(event, { lines: merged, restocked: restock }));
  for (const l of merged) {
    tx.store.sql.exec(
      "INSERT INTO order_returns (order_id, seq, sku, location, qty, restocked) VALUES (?, ?, ?, ?, ?, ?)",
      row.id,
      seq,
      l.sku,
      l.location,
      l.qty,
      restock ? 1 : 0,
    );
  }
  if (restock) tx.apply(move("return", merged));
  return ok({ id: row.id, status: findOrder(tx, row.id)!.status, timeline: timeline(tx, row.id) });
}

function restock(tx: Tx, row: OrderRow, event: OrderEvent, move: Move): Reply {
  const pending = returnsOf(tx, row.id).filter((r) => !r.restocked);
  if (pending.length === 0) return fail(409, "nothing_to_restock", `order ${row.id} has no returned unit awaiting restock`);
  let chosen: Line[] = pending.map((p) => ({ location: p.location, sku: p.sku, qty: p.qty }));
  if (event.lines !== undefined) {
    const want = new Map<string, number>();
    for (const l of event.lines) want.set(l.sku, (want.get(l.sku) ?? 0) + l.qty);
    const have = new Map<string, number>();
    for (const p of pending) have.set(p.sku, (have.get(p.sku) ?? 0) + p.qty);
    for (const [sku, qty] of want) {
      if (qty > (have.get(sku) ?? 0)) {
        return fail(409, "invalid_return", `order ${row.id} has ${have.get(sku) ?? 0} unit(s) of ${sku} awaiting restock, not ${qty}`);
      }
    }
    chosen = [];
    for (const p of pending) {
      const q = Math.min(want.get(p.sku) ?? 0, p.qty);
      if (q > 0) {
        chosen.push({ location: p.location, sku: p.sku, qty: q });
        want.set(p.sku, (want.get(p.sku) ?? 0) - q);
      }
    }
  }
  // Units restocked now leave the pending rows; what is left stays pending (or written off).
  for (const p of pending) {
    tx.store.sql.exec("DELETE FROM order_returns WHERE order_id = ? AND seq = ? AND sku = ? AND location = ? AND restocked = 0", row.id, p.seq, p.sku, p.location);
  }
  const seq = addTimeline(tx, row.id, "returned", "restocked", event.id, detailOf(event, { lines: mergeLines(chosen) }));
  const leftover = new Map<string, number>();
  const add = (location: string, sku: string, qty: number) => {
    const key = pairKey(location, sku);
    leftover.set(key, (leftover.get(key) ?? 0) + qty);
  };
  for (const p of pending) add(p.location, p.sku, p.qty);
  for (const c of chosen) add(c.location, c.sku, -c.qty);
  for (const l of mergeLines(chosen)) {
    tx.store.sql.exec("INSERT INTO order_returns (order_id, seq, sku, location, qty, restocked) VALUES (?, ?, ?, ?, ?, 1)", row.id, seq, l.sku, l.location, l.qty);
  }
  for (const [key, qty] of leftover) {
    if (qty <= 0) continue;
    const [location, sku] = fromPairKey(key);
    tx.store.sql.exec("INSERT INTO order_returns (order_id, seq, sku, location, qty, restocked) VALUES (?, ?, ?, ?, ?, 0)", row.id, seq, sku, location, qty);
  }
  if (chosen.length > 0) tx.apply(move("return", mergeLines(chosen)));
  return ok({ id: row.id, status: findOrder(tx, row.id)!.status, timeline: timeline(tx, row.id) });
}

function mergeLines(lines: Line[]): Line[] {
  const m = new Map<string, Line>();
  for (const l of lines) {
    const key = pairKey(l.location, l.sku);
    const have = m.get(key);
    if (have) have.qty += l.qty;
    else m.set(key, { ...l });
  }
  return [...m.values()].filter((l) => l.qty > 0);
}

/** POST /v1/orders/{id}/returns: the shopper asks to return a delivered order (tracking token). */
export function requestReturn(tx: Tx, id: string, token: string | null, admin: boolean, reason: string | undefined): Reply {
  const row = findOrder(tx, id);
  if (!row) return fail(404, "not_found", `no order ${id}`);
  if (!admin) {
    if (token === null) return fail(401, "unauthorized", "the tracking token is required (?token=)");
    if (!sameToken(token, row.token)) return fail(403, "forbidden", "the tracking token does not match this order");
  }
  // A retry (the shopper's click sent twice, a lost answer) is answered as the request was.
  if (row.status === "return_requested") {
    return ok({ id, status: row.status, timeline: timeline(tx, id) }, 201, { "idempotent-replayed": "true" });
  }
  if (row.status !== "delivered") {
    return fail(409, "invalid_transition", `an order that is ${row.status} cannot be returned: only a delivered order can`, {
      status: row.status,
      event: "return_requested",
    });
  }
  addTimeline(tx, id, "return_requested", "return_requested", undefined, reason === undefined ? undefined : { reason });
  return ok({ id, status: "return_requested", timeline: timeline(tx, id) }, 201);
}
