// Reservations and orders: the strongly consistent write path, all in the ledger.
import type { DeliveryConfig, GeoPoint, LineInput, ProfileRef } from "atsource";
import { ledgerOf } from "../env";
import { hasIngestToken, readJson, readOptionalJson, replyResponse, requireIngestToken } from "../http";
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderEventType } from "../ledger/orders";
import type { ReservationRequest } from "../ledger/reservations";
import type { Ctx } from "../router";
import { array, finite, integer, invalid, known, MAX_SKU_LENGTH, object, optional, quantity, queryText, string, type Json } from "../validate";

/** Reservation hold time when the request names none, seconds. */
export const DEFAULT_TTL_SECONDS = 900;
/** Longest hold a reservation may ask for, seconds (one day). */
export const MAX_TTL_SECONDS = 86_400;
/** Most lines in a cart. */
const MAX_LINES = 100;
/** Most units of one line, here and in POST /v1/source (worker/openapi.yaml `Line.qty`). */
export const MAX_LINE_QTY = 1_000_000;

/**
 * A cart's lines. `unitPrice` (what POST /v1/source prices with) is accepted and checked, so
 * that a checkout can post the cart it quoted, and plays no part in what is held.
 */
function lines(value: unknown, field: string): LineInput[] {
  const list = array(value, field, MAX_LINES);
  if (list.length === 0) throw invalid(field, "at least one line");
  return list.map((l, i) => {
    const line = known(object(l, `${field}[${i}]`), `${field}[${i}]`, ["sku", "qty", "unitPrice"]);
    price(line.unitPrice, `${field}[${i}].unitPrice`);
    return { sku: string(line.sku, `${field}[${i}].sku`, MAX_SKU_LENGTH), qty: quantity(line.qty, `${field}[${i}].qty`, MAX_LINE_QTY) };
  });
}

/** An optional amount of money (null is absent), as the delivery request takes it. */
function price(value: Json | undefined, field: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw invalid(field, "must be a number >= 0");
}

function point(value: unknown, field: string): GeoPoint {
  const p = known(object(value, field), field, ["lat", "lon"]);
  return { lat: finite(p.lat, `${field}.lat`, -90, 90), lon: finite(p.lon, `${field}.lon`, -180, 180) };
}

function profileRef(value: Json | undefined): ProfileRef | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return string(value, "profile", 100);
  const p = object(value, "profile");
  if (JSON.stringify(p).length > 16_384) throw invalid("profile", "at most 16 KB");
  return p as ProfileRef;
}

/**
 * POST /v1/reservations. The cart fields of POST /v1/source's body (`lines[].unitPrice`,
 * `cartValue`) are accepted and ignored: a checkout holds the cart it was quoted. `pickup` (a
 * store id from the quote's `clickAndCollect`) holds the cart for collection there: at the
 * store, and for a transfer offer the warehouse's share at the warehouse.
 */
export async function createReservation({ request, env }: Ctx): Promise<Response> {
  const body = known(object(await readJson(request), "body"), "body", ["idempotencyKey", "lines", "destination", "profile", "ttlSeconds", "cartValue", "pickup", "delivery"]);
  price(body.cartValue, "cartValue");
  const pickup = optional(body.pickup);
  const ttl = optional(body.ttlSeconds);
  const req: ReservationRequest = {
    idempotencyKey: string(body.idempotencyKey, "idempotencyKey", 200),
    lines: lines(body.lines, "lines"),
    destination: point(body.destination, "destination"),
    ttlSeconds: ttl === undefined ? DEFAULT_TTL_SECONDS : integer(ttl, "ttlSeconds", 1, MAX_TTL_SECONDS),
  };
  const profile = profileRef(body.profile);
  if (profile !== undefined) req.profile = profile;
  if (pickup !== undefined) req.pickup = string(pickup, "pickup");
  const delivery = optional(body.delivery);
  if (delivery !== undefined) {
    if (req.pickup === undefined) throw invalid("delivery", "is read with `pickup` only");
    req.delivery = object(delivery, "delivery") as unknown as DeliveryConfig;
  }
  return replyResponse(await ledgerOf(env).reserve(req));
}

/** GET /v1/reservations/{id}. */
export async function getReservation({ env, params }: Ctx): Promise<Response> {
  return replyResponse(await ledgerOf(env).reservation(string(params.id, "id")));
}

/** DELETE /v1/reservations/{id}: the units go back to stock. */
export async function deleteReservation({ env, params }: Ctx): Promise<Response> {
  return replyResponse(await ledgerOf(env).release(string(params.id, "id")));
}

/** Largest `customer` value, and largest set of extra fields on an order event: UTF-8 bytes of its JSON. */
export const MAX_FREE_JSON_BYTES = 8192;

function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}

/** POST /v1/orders: `{ reservationId, customer? }`; `customer` is any JSON value, kept as it is. */
export async function createOrder({ request, env }: Ctx): Promise<Response> {
  const body = known(object(await readJson(request), "body"), "body", ["reservationId", "customer"]);
  const reservationId = string(body.reservationId, "reservationId");
  const customer = body.customer;
  if (customer !== undefined && jsonBytes(customer) > MAX_FREE_JSON_BYTES) {
    throw invalid("customer", `at most ${MAX_FREE_JSON_BYTES / 1024} KB of JSON`);
  }
  return replyResponse(await ledgerOf(env).createOrder(reservationId, customer));
}

/** GET /v1/orders/{id}?token=: the order and its timeline (tracking token, or the bearer token). */
export async function getOrder({ request, url, env, params }: Ctx): Promise<Response> {
  const admin = hasIngestToken(request, url, env);
  return replyResponse(await ledgerOf(env).order(string(params.id, "id"), queryText(url, "token", { trim: false }) ?? null, admin));
}

/** The fields of an order event the worker reads; any other is kept in the timeline entry. */
const ORDER_EVENT_FIELDS: readonly string[] = ["type", "id", "location", "lines", "restock", "note"];

/** POST /v1/orders/{id}/events (bearer): drives the lifecycle. */
export async function orderEvent({ request, url, env, params }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const body = object(await readJson(request), "body");
  if (typeof body.type !== "string" || !ORDER_EVENT_TYPES.includes(body.type as OrderEventType)) {
    throw invalid("type", `must be one of ${ORDER_EVENT_TYPES.join(", ")}`);
  }
  const event: OrderEvent = { type: body.type as OrderEventType };
  if (optional(body.id) !== undefined) event.id = string(body.id, "id", 200);
  if (optional(body.location) !== undefined) event.location = string(body.location, "location");
  if (optional(body.lines) !== undefined) event.lines = lines(body.lines, "lines");
  if (optional(body.restock) !== undefined) {
    if (typeof body.restock !== "boolean") throw invalid("restock", "must be a boolean");
    event.restock = body.restock;
  }
  if (optional(body.note) !== undefined) event.note = string(body.note, "note", 1000);
  // picked, shipped, delivered and cancelled move the whole order where it was planned: a
  // `location`, `lines` or `restock` there would be silently ignored, so it is refused.
  const reads: Record<string, readonly OrderEventType[]> = { location: ["returned"], lines: ["returned", "restocked"], restock: ["returned"] };
  for (const [field, types] of Object.entries(reads)) {
    if (optional(body[field]) !== undefined && !types.includes(event.type)) {
      throw invalid(field, `is read by ${types.join(" and ")} only: ${event.type} applies to the whole order, where it was planned`);
    }
  }
  // Other fields (a carrier, a tracking number, ...) are the caller's: kept in the timeline.
  const extra = Object.fromEntries(Object.entries(body).filter(([k]) => !ORDER_EVENT_FIELDS.includes(k)));
  if (Object.keys(extra).length > 0) {
    if (jsonBytes(extra) > MAX_FREE_JSON_BYTES) {
      throw invalid("body", `at most ${MAX_FREE_JSON_BYTES / 1024} KB of JSON in fields other than ${ORDER_EVENT_FIELDS.join(", ")}`);
    }
    event.extra = extra;
  }
  return replyResponse(await ledgerOf(env).orderEvent(string(params.id, "id"), event));
}

/** POST /v1/orders/{id}/returns?token=: the shopper asks to return a delivered order. */
export async function requestReturn({ request, url, env, params }: Ctx): Promise<Response> {
  const admin = hasIngestToken(request, url, env);
  // An empty body is a return request without a reason.
  const body = known(object(await readOptionalJson(request), "body"), "body", ["token", "reason"]);
  // `?token=` left empty is absent (as every query parameter), and the body's then counts.
  const token = queryText(url, "token", { trim: false }) ?? (typeof body.token === "string" && body.token !== "" ? body.token : null);
  const reason = optional(body.reason) === undefined ? undefined : string(body.reason, "reason", 1000);
  return replyResponse(await ledgerOf(env).requestReturn(string(params.id, "id"), token, admin, reason));
}

