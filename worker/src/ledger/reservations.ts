// Reservations: a cart sourced on the ledger's current state and held with `reserve` events,
// all lines or none, until it expires (alarm), is released (DELETE) or becomes an order.
import type { EventInput, GeoPoint, LineInput, Plan, ProfileRef } from "atsource";
import { fail, ok, type Reply } from "../reply";
import { INTERNAL_PREFIX, iso, newId, type Tx } from "./tx";

export interface ReservationRequest {
  idempotencyKey: string;
  lines: LineInput[];
  destination: GeoPoint;
  profile?: ProfileRef;
  ttlSeconds: number;
}

export type ReservationStatus = "held" | "released" | "expired" | "ordered";

export interface ReservationView {
  id: string;
  status: ReservationStatus;
  idempotencyKey: string;
  createdAt: string;
  expiresAt: string;
  plan: Plan;
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

/** Canonical text of what a retry must repeat to be the same request. */
function requestText(req: ReservationRequest): string {
  return JSON.stringify([req.lines, req.destination, req.profile ?? null, req.ttlSeconds]);
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
      return fail(422, "idempotency_conflict", "idempotencyKey was already used for a different request", {
        reservationId: existing.id,
      });
    }
    return ok(view(existing), 201, { "idempotent-replayed": "true" });
  }

  sweepExpired(tx);
  // The plan is acted on, not shown: no optimiser runs spent pricing its explanations.
  const plan = tx.engine.source({ lines: req.lines, destination: req.destination, profile: req.profile, priceExplanations: false });
  if (plan.status !== "complete") {
    const unfulfilled = shortfall(tx, req.lines, plan);
    tx.alert({ type: "sourcing_failed", at: iso(tx.now), lines: req.lines, unfulfilled, destination: req.destination });
    return fail(409, "insufficient_stock", "the cart cannot be sourced in full from the available stock", {
      unfulfilled,
    });
  }

  const id = newId("rsv");
  const events: EventInput[] = heldUnits(plan).map((u) => ({
    id: `${INTERNAL_PREFIX}${id}:reserve:${u.location}:${u.sku}`,
    type: "reserve",
    sku: u.sku,
    location: u.location,
    qty: u.qty,
  }));
  tx.apply(events);
  const expiresAt = tx.now + req.ttlSeconds * 1000;
  tx.store.sql.exec(
    "INSERT INTO reservations (id, idempotency_key, request, status, created_at, expires_at, plan) VALUES (?, ?, ?, 'held', ?, ?, ?)",
    id,
    req.idempotencyKey,
    requestText(req),
    tx.now,
    expiresAt,
    JSON.stringify(plan),
  );
  const row = findReservation(tx, id);
  return ok(view(row!), 201);
}

/**
 * What the shopper is short of: per SKU, the units beyond the network's ATS. When every SKU is
 * in stock somewhere (the profile's limits are what fail), the plan's own unfulfilled lines.
 */
function shortfall(tx: Tx, lines: LineInput[], plan: Plan): { sku: string; qty: number }[] {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.sku, (m.get(l.sku) ?? 0) + l.qty);
  const short = [...m]
    .map(([sku, qty]) => ({ sku, qty: qty - tx.engine.ats(sku) }))
    .filter((l) => l.qty > 0);
  return short.length > 0 ? short : plan.unfulfilled;
}

/** Gives a held reservation's units back and marks it `status`. */
function end(tx: Tx, row: ReservationRow, status: "released" | "expired"): { sku: string; location: string; qty: number }[] {
  const units = heldUnits(JSON.parse(row.plan) as Plan);
  tx.apply(
    units.map((u) => ({
      id: `${INTERNAL_PREFIX}${row.id}:release:${u.location}:${u.sku}`,
      type: "release",
      sku: u.sku,
      location: u.location,
      qty: u.qty,
    })),
  );
  tx.store.sql.exec("UPDATE reservations SET status = ?, ended_at = ? WHERE id = ?", status, tx.now, row.id);
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
