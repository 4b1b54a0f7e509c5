// The read path's routes: answered from the isolate's replicated engine (see read.ts).
import { buildInfo, cities, demoNetwork, distanceKm, type AvailabilityQuery, type DeliveryRequest, type DemoNetwork } from "atsource";
import { json, jsonWith, readJson, versionHeaders } from "../http";
import { readEngine } from "../read";
import { engineError } from "../reply";
import type { Ctx } from "../router";
import { MAX_LINE_QTY } from "./shop";
import { invalid, MAX_SKU_LENGTH, object, quantity, queryInteger, queryMode, queryNumber, queryPoint, querySkus, queryText, string } from "../validate";
import spec from "../../openapi.yaml";

/** At most this many SKUs per availability query. */
const MAX_SKUS = 200;

export function health(): Response {
  const info = buildInfo();
  return json({ ok: true, version: info.version, commit: info.commit });
}

export function openapi(): Response {
  return new Response(spec, { headers: { "content-type": "application/yaml; charset=utf-8", "access-control-allow-origin": "*" } });
}

/** GET /v1/locations: active locations, nearest first when lat/lon are given; no costs. */
export async function locations({ url, env }: Ctx): Promise<Response> {
  const near = queryPoint(url);
  const radiusKm = queryNumber(url, "radiusKm", 0, 40_000);
  if (radiusKm !== undefined && !near) throw invalid("radiusKm", "needs lat and lon");
  const { engine, version } = await readEngine(env);
  let list = engine
    .locations()
    .filter((l) => l.active)
    .map((l) => {
      const out: { id: string; name: string; kind: string; lat: number; lon: number; ship: boolean; pickup: boolean; distanceKm?: number } = {
        id: l.id,
        name: l.name,
        kind: l.kind,
        lat: l.lat,
        lon: l.lon,
        ship: l.ship,
        pickup: l.pickup,
      };
      // The engine's haversine: the distances of GET /v1/availability, to the last bit.
      if (near) out.distanceKm = distanceKm(near.lat, near.lon, l.lat, l.lon);
      return out;
    });
  if (near) {
    if (radiusKm !== undefined) list = list.filter((l) => l.distanceKm! <= radiusKm);
    // Nearest first, equal distances by id: the engine's order in GET /v1/availability.
    list.sort((a, b) => a.distanceKm! - b.distanceKm! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return jsonWith(list, versionHeaders(version));
}

/** The zone of the storefront's dates: the default delivery configuration's. */
const SHOP_TIME_ZONE = "Europe/Paris";
const dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: SHOP_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

/** Today's date (YYYY-MM-DD) in the storefront's zone. */
function localToday(): string {
  return dayFormat.format(new Date());
}

/** GET /v1/availability: as `engine.availability`. */
export async function availability({ url, env }: Ctx): Promise<Response> {
  const query: AvailabilityQuery = { skus: querySkus(url, MAX_SKUS), mode: queryMode(url) };
  const near = queryPoint(url);
  if (near) query.near = near;
  const radiusKm = queryNumber(url, "radiusKm", 0, 40_000);
  if (radiusKm !== undefined) {
    if (!near) throw invalid("radiusKm", "needs lat and lon");
    query.radiusKm = radiusKm;
  }
  const limit = queryInteger(url, "limit", 0, 10_000);
  if (limit !== undefined) query.limit = limit;
  const qty = queryInteger(url, "qty", 1, 1e9);
  if (qty !== undefined) query.qty = qty;
  const today = queryText(url, "today");
  if (today !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw invalid("today", "must be a date YYYY-MM-DD");
    query.today = today;
  } else {
    // A shopper is never told of supply due on a day already past: late supply is ignored.
    query.today = localToday();
  }
  const { engine, version } = await readEngine(env, queryInteger(url, "version", 0, Number.MAX_SAFE_INTEGER));
  try {
    return jsonWith(engine.availability(query), versionHeaders(version));
  } catch (err) {
    const r = engineError(err);
    return json(r.body, r.status);
  }
}

/**
 * POST /v1/source[?version=]: the plan and its delivery options, on the edge replica (nothing
 * is held), one holding at least `version` when given (as GET /v1/availability).
 * The body is `engine.deliveryOptions`'s request (`lines` may carry `unitPrice`; `now`,
 * `cartValue` and `delivery` are optional) plus `priceExplanations` (default false); the plan is
 * `engine.source` on its lines, destination and profile.
 */
export async function source({ request, url, env }: Ctx): Promise<Response> {
  const atLeast = queryInteger(url, "version", 0, Number.MAX_SAFE_INTEGER);
  const body = object(await readJson(request), "body");
  // The engine takes lines up to 10^9 units and SKUs of any length; the API holds every cart to
  // the reservations' bounds (worker/openapi.yaml `Line`), so what /v1/source prices can be held.
  if (Array.isArray(body.lines)) {
    body.lines.forEach((l, i) => {
      if (l === null || typeof l !== "object" || Array.isArray(l)) return; // the engine says why
      if (typeof l.sku === "string") string(l.sku, `lines[${i}].sku`, MAX_SKU_LENGTH);
      if (typeof l.qty === "number") quantity(l.qty, `lines[${i}].qty`, MAX_LINE_QTY);
    });
  }
  if (typeof body.pickupAt === "string") string(body.pickupAt, "pickupAt", MAX_SKU_LENGTH); // a location id, as `pickup`
  // Pricing `costlier` explanations costs several optimiser runs: the edge's checkout path skips
  // it unless the caller (a support tool, a "why this store" page) asks.
  const price = body.priceExplanations ?? false;
  if (typeof price !== "boolean") throw invalid("priceExplanations", "must be a boolean");
  body.priceExplanations = price;
  const { engine, version } = await readEngine(env, atLeast);
  try {
    // One call: the plan seeds the service levels' sourcing (standard delivery reuses it). The
    // answer, `{ plan, deliveryOptions }`, comes as JSON text and is sent as it is.
    const text = engine.quoteJson(body as unknown as DeliveryRequest);
    return new Response(text, { status: 200, headers: versionHeaders(version) });
  } catch (err) {
    const r = engineError(err);
    return json(r.body, r.status);
  }
}

let cityList: unknown[] | null = null;
/** GET /v1/cities: the demo's towns with postcode and coordinates, for a postcode field. */
export function cityIndex(): Response {
  cityList ??= cities();
  return json(cityList, 200, { "cache-control": "public, max-age=3600" });
}

let catalogue: Pick<DemoNetwork, "today" | "catalogue"> | null = null;
/** GET /v1/catalogue: the demo network's products (only when the demo network is loaded). */
export function demoCatalogue({ env }: Ctx): Response {
  if (env.DEMO_NETWORK !== "true") {
    return json({ error: { code: "not_found", message: "no catalogue: the demo network is not loaded (DEMO_NETWORK)" } }, 404);
  }
  if (!catalogue) {
    const net = demoNetwork();
    catalogue = { today: net.today, catalogue: net.catalogue };
  }
  return json({ today: catalogue.today, products: catalogue.catalogue }, 200, { "cache-control": "public, max-age=3600" });
}
