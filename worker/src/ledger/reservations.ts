// Reservations: a cart sourced on the ledger's current state and held with `reserve` events,
// all lines or none, until it expires (alarm), is released (DELETE) or becomes an order.
import type { CollectOption, DeliveryConfig, EventInput, GeoPoint, LineInput, Plan, PlanLine, ProfileRef, Shipment } from "atsource";
import { distanceKm } from "atsource";
import { fail, ok, type Reply } from "../reply";
import { eventId, iso, newId, type Tx } from "./tx";

export interface ReservationRequest {
  idempotencyKey: string;
  lines: LineInput[];
  destination: GeoPoint;
  profile?: ProfileRef;
  ttlSeconds: number;
  /** Click & collect: the store the shopper collects at (a `clickAndCollect` offer's location). */
  pickup?: string;
  /** The delivery configuration the cart was quoted with (POST /v1/source's `delivery`), for `pickup`. */
  delivery?: DeliveryConfig;
}

export type ReservationStatus = "held" | "released" | "expired" | "ordered";

export interface ReservationView {
  id: string;
  status: ReservationStatus;
  idempotencyKey: string;
  createdAt: string;
  expiresAt: string;
  plan: Plan;
  /** Click & collect: the store's offer, as `deliveryOptions` made it when the cart was held. */
  pickup?: CollectOption;
  orderId?: string;
  endedAt?: string;
}

export interface ReservationRow {
  id: string;
  idempotency_key: string;
  request: string;
  status: ReservationStatus;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  plan: string;
  order_id: string | null;
  pickup: string | null;
  [column: string]: SqlStorageValue;
}

export function view(row: ReservationRow): ReservationView {
  const v: ReservationView = {
    id: row.id,
    status: row.status,
    idempotencyKey: row.idempotency_key,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    plan: JSON.parse(row.plan) as Plan,
  };
  if (row.pickup !== null) v.pickup = JSON.parse(row.pickup) as CollectOption;
  if (row.order_id !== null) v.orderId = row.order_id;
  if (row.ended_at !== null) v.endedAt = iso(row.ended_at);
  return v;
}

export function findReservation(tx: Tx, id: string): ReservationRow | undefined {
  return tx.store.sql.exec<ReservationRow>("SELECT * FROM reservations WHERE id = ?", id).toArray()[0];
}

/** The units a plan holds, one line per (location, SKU). */
export function heldUnits(plan: Plan): { sku: string; location: string; qty: number }[] {
  return plan.shipments.flatMap((s) => s.lines.map((l) => ({ sku: l.sku, location: s.location, qty: l.qty })));
}

/**
 * Canonical text of what a retry must repeat to be the same request. The same cart is the same
 * request however it is written: lines merged by SKU (as sourcing merges them) in SKU order,
 * object keys in sorted order.
 */
function requestText(req: ReservationRequest): string {
  const units = new Map<string, number>();
  for (const l of req.lines) units.set(l.sku, (units.get(l.sku) ?? 0) + l.qty);
  const lines = [...units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, qty]) => ({ sku, qty }));
  const parts: unknown[] = [lines, req.destination, req.profile ?? null, req.ttlSeconds];
  if (req.pickup !== undefined) parts.push(req.pickup);
  if (req.delivery !== undefined) parts.push(req.delivery);
  return JSON.stringify(parts, sortedKeys);
}

/** A JSON.stringify replacer writing every object's keys in sorted order. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/**
 * Sources the cart and holds every line, or answers 409 and holds nothing. A retry with the
 * same idempotency key answers the reservation it made (its current state), never a second one.
 */
export function reserve(tx: Tx, req: ReservationRequest): Reply<ReservationView> {
  const existing = tx.store.sql
    .exec<ReservationRow>("SELECT * FROM reservations WHERE idempotency_key = ?", req.idempotencyKey)
    .toArray()[0];
  if (existing) {
    if (existing.request !== requestText(req)) {
      // Not said which reservation: the key is all the caller showed, and a reservation's id
      // leads to its order (a guessed key would reach another shopper's).
      return fail(422, "idempotency_conflict", "idempotencyKey was already used for a different request");
    }
    return ok(view(existing), 201, { "idempotent-replayed": "true" });
  }

  sweepExpired(tx);
  let plan: Plan;
  let offer: CollectOption | undefined;
  if (req.pickup !== undefined) {
    offer = collectOffer(tx, req, req.pickup);
    if (offer === undefined) {
      return fail(409, "not_collectable", `the cart cannot be collected at ${req.pickup}: it is not one of the cart's click & collect offers`, {
        location: req.pickup,
      });
    }
    plan = collectPlan(tx, req, offer);
  } else {
    // The plan is acted on, not shown: no optimiser runs spent pricing its explanations.
    plan = tx.engine.source({ lines: req.lines, destination: req.destination, profile: req.profile, priceExplanations: false });
  }
  if (plan.status !== "complete") {
    const unfulfilled = shortfall(tx, req.lines, plan);
    tx.alert({ type: "sourcing_failed", at: iso(tx.now), lines: req.lines, unfulfilled, destination: req.destination });
    return fail(409, "insufficient_stock", "the cart cannot be sourced in full from the available stock", {
      unfulfilled,
    });
  }

  const id = newId("rsv");
  const units = heldUnits(plan);
  const events: EventInput[] = units.map((u) => ({
    id: eventId(id, "reserve", u.location, u.sku),
    type: "reserve",
    sku: u.sku,
    location: u.location,
    qty: u.qty,
  }));
  tx.apply(events);
  const expiresAt = tx.now + req.ttlSeconds * 1000;
  tx.store.sql.exec(
    "INSERT INTO reservations (id, idempotency_key, request, status, created_at, expires_at, plan, pickup) VALUES (?, ?, ?, 'held', ?, ?, ?, ?)",
    id,
    req.idempotencyKey,
    requestText(req),
    tx.now,
    expiresAt,
    JSON.stringify(plan),
    offer === undefined ? null : JSON.stringify(offer),
  );
  for (const u of units) {
    tx.store.sql.exec("INSERT INTO reservation_lines (reservation_id, sku, location, qty) VALUES (?, ?, ?, ?)", id, u.sku, u.location, u.qty);
  }
  const row = findReservation(tx, id);
  return ok(view(row!), 201);
}

/**
 * The click & collect offer of `store` for the cart, computed on the ledger's state as
 * `deliveryOptions` computes it for a checkout page (the same lines, destination, profile and
 * configuration), for that store alone (`pickupAt`: nearer stores that gained stock since the
 * quote do not push it out of the list): the store holds the whole cart (`source: "store"`), or a
 * warehouse sends what it lacks (`source: "transfer"`). Undefined when it makes no offer now.
 */
function collectOffer(tx: Tx, req: ReservationRequest, store: string): CollectOption | undefined {
  const options = tx.engine.deliveryOptions({
    lines: req.lines,
    destination: req.destination,
    profile: req.profile,
    delivery: req.delivery,
    pickupAt: store,
  });
  return options.clickAndCollect[0];
}

/**
 * The units a click & collect offer holds, as a plan: the store's share at the store and, for a
 * transfer, the warehouse's share at the warehouse. Costs are 0: the cost model prices parcels
 * to the shopper's address, and what the shopper pays is the offer's `price`.
 */
function collectPlan(tx: Tx, req: ReservationRequest, offer: CollectOption): Plan {
  const atStore = new Map<string, number>();
  for (const l of req.lines) atStore.set(l.sku, (atStore.get(l.sku) ?? 0) + l.qty);
  const sent: PlanLine[] = offer.transferLines ?? [];
  for (const l of sent) atStore.set(l.sku, (atStore.get(l.sku) ?? 0) - l.qty);
  // The store's distance is the shopper's; a transfer's is the warehouse's to the store.
  const shipment = (location: string, lines: PlanLine[]): Shipment => ({
    location,
    distanceKm: location === offer.location ? offer.distanceKm : distanceBetween(tx, location, offer.location),
    cost: 0,
    lines,
  });
  const storeLines = [...atStore].filter(([, qty]) => qty > 0).map(([sku, qty]) => ({ sku, qty }));
  const shipments: Shipment[] = [];
  if (storeLines.length > 0) shipments.push(shipment(offer.location, storeLines));
  if (offer.transferFrom !== undefined && sent.length > 0) shipments.push(shipment(offer.transferFrom, sent));
  return {
    status: "complete",
    totalCost: 0,
    optimal: true,
    lowerBound: 0,
    shipments,
    unfulfilled: [],
    strategy: "click_and_collect",
    explanations: [],
    searchNodes: 0,
  };
}

/** The engine's distance between two locations (0 when one is unknown). */
function distanceBetween(tx: Tx, from: string, to: string): number {
  const at = new Map(tx.engine.locations().map((l) => [l.id, l]));
  const [a, b] = [at.get(from), at.get(to)];
  return a === undefined || b === undefined ? 0 : distanceKm(a.lat, a.lon, b.lat, b.lon);
}

/**
 * What the shopper is short of: per SKU, the units beyond the ATS of the locations that ship
 * (stock where nothing ships, `ship: false`, sells no parcel). When every SKU is there (the
 * profile's limits are what fail), the plan's own unfulfilled lines. (Both at once cannot be
 * told apart from the plan: an unfulfillable plan lists every line, those in stock too.)
 */
function shortfall(tx: Tx, lines: LineInput[], plan: Plan): { sku: string; qty: number }[] {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.sku, (m.get(l.sku) ?? 0) + l.qty);
  const shipping = new Map(tx.engine.availability({ skus: [...m.keys()], mode: "ship" }).map((a) => [a.sku, a.total]));
  const short = [...m]
    .map(([sku, qty]) => ({ sku, qty: qty - (shipping.get(sku) ?? 0) }))
    .filter((l) => l.qty > 0);
  return short.length > 0 ? short : plan.unfulfilled;
}

/** Gives a held reservation's units back and marks it `status`. */
function end(tx: Tx, row: ReservationRow, status: "released" | "expired"): { sku: string; location: string; qty: number }[] {
  const units = heldUnits(JSON.parse(row.plan) as Plan);
  tx.apply(
    units.map((u) => ({
      id: eventId(row.id, "release", u.location, u.sku),
      type: "release",
      sku: u.sku,
      location: u.location,
      qty: u.qty,
    })),
  );
  tx.store.sql.exec("UPDATE reservations SET status = ?, ended_at = ? WHERE id = ?", status, tx.now, row.id);
  tx.store.sql.exec("DELETE FROM reservation_lines WHERE reservation_id = ?", row.id);
  return units;
}

/** DELETE: releases a held reservation. Releasing again answers its state, releasing nothing. */
export function release(tx: Tx, id: string): Reply {
  sweepExpired(tx);
  const row = findReservation(tx, id);
  if (!row) return fail(404, "not_found", `no reservation ${id}`);
  if (row.status === "ordered") {
    return fail(409, "reservation_ordered", `reservation ${id} became order ${row.order_id}: cancel the order instead`);
  }
  const released = row.status === "held" ? end(tx, row, "released") : [];
  return ok({ ...view(findReservation(tx, id)!), released });
}

/** Expires every held reservation whose time is up; returns how many. */
export function sweepExpired(tx: Tx): number {
  const due = tx.store.sql
    .exec<ReservationRow>("SELECT * FROM reservations WHERE status = 'held' AND expires_at <= ? ORDER BY expires_at", tx.now)
    .toArray();
  for (const row of due) end(tx, row, "expired");
  return due.length;
}

/** When the next held reservation expires, if any. */
export function nextExpiry(tx: Pick<Tx, "store">): number | null {
  return tx.store.sql.exec<{ t: number | null }>("SELECT min(expires_at) AS t FROM reservations WHERE status = 'held'").one().t;
}
