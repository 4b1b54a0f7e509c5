// The atsource edge worker: the storefront and its API. Reads are answered by each isolate
// from a replicated engine (read.ts); writes go to the network's ledger Durable Object; live
// updates to the hub Durable Object. See README.md for the design and openapi.yaml for the API.
import { init } from "atsource";
import { CORS, errorResponse, replyResponse } from "./http";
import { engineError, engineUnavailable, HttpError, isEngineFault } from "./reply";
import { dropReadEngine, noteWrite } from "./read";
import { Router, type Ctx, type Handler } from "./router";
import { checkQueryEncoding } from "./validate";
import * as integrations from "./routes/integrations";
import * as live from "./routes/live";
import * as read from "./routes/read";
import * as shop from "./routes/shop";
import type { Env } from "./env";

export { Ledger } from "./ledger/ledger";
export { LiveHub } from "./live/hub";

/** A route that writes to the ledger: once it is answered, this isolate's next read syncs first
 *  (read-your-writes; see read.ts). */
const write =
  (handler: Handler) =>
  async (ctx: Ctx): Promise<Response> => {
    try {
      return await handler(ctx);
    } finally {
      noteWrite();
    }
  };

const router = new Router()
  .on("GET", "/v1/health", read.health)
  .on("GET", "/v1/openapi.yaml", read.openapi)
  .on("GET", "/v1/locations", read.locations)
  .on("POST", "/v1/locations", write(integrations.upsertLocations))
  .on("GET", "/v1/availability", read.availability)
  .on("POST", "/v1/source", read.source)
  .on("GET", "/v1/cities", read.cityIndex)
  .on("GET", "/v1/catalogue", read.demoCatalogue)
  .on("POST", "/v1/inventory/events", write(integrations.ingestEvents))
  .on("POST", "/v1/inventory/counts", write(integrations.ingestCounts))
  .on("POST", "/v1/inventory/thresholds", write(integrations.setThreshold))
  .on("GET", "/v1/inventory/positions", integrations.positions)
  .on("PUT", "/v1/profiles/{name}", write(integrations.putProfile))
  .on("DELETE", "/v1/profiles/{name}", write(integrations.deleteProfile))
  .on("POST", "/v1/reservations", write(shop.createReservation))
  .on("GET", "/v1/reservations/{id}", shop.getReservation)
  .on("DELETE", "/v1/reservations/{id}", write(shop.deleteReservation))
  .on("POST", "/v1/orders", write(shop.createOrder))
  .on("GET", "/v1/orders", integrations.listOrders)
  .on("GET", "/v1/orders/{id}", shop.getOrder)
  .on("POST", "/v1/orders/{id}/events", write(shop.orderEvent))
  .on("POST", "/v1/orders/{id}/returns", write(shop.requestReturn))
  .on("GET", "/v1/reports/orders", integrations.ordersReport)
  .on("GET", "/v1/alerts", integrations.recentAlerts)
  .on("GET", "/v1/live", live.liveAts)
  .on("GET", "/v1/live/alerts", live.liveAlerts)
  .on("GET", "/v1/ledger", integrations.ledgerStatus);

async function handle(request: Request, env: Env, exec: ExecutionContext): Promise<Response> {
  const url = new URL(request.url);
  if (!url.pathname.startsWith("/v1/")) {
    // Static assets are served before the worker runs (wrangler.toml [assets]): what reaches
    // here is neither an asset nor a route.
    return errorResponse(404, "not_found", `no route ${request.method} ${url.pathname}`);
  }
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
        "access-control-allow-headers": "authorization, content-type",
        "access-control-max-age": "86400",
      },
    });
  }
  try {
    const match = router.match(request.method, url.pathname); // a malformed `%` escape throws a 400
    if (match === null) return errorResponse(404, "not_found", `no route ${request.method} ${url.pathname}`);
    if ("allow" in match) {
      return errorResponse(405, "method_not_allowed", `${url.pathname} accepts ${match.allow.join(", ")}`, { allow: match.allow.join(", ") });
    }
    checkQueryEncoding(url);
    const ctx: Ctx = { request, url, env, params: match.params, exec };
    await init(); // instantiates the engine's wasm once per isolate; free afterwards
    return await match.handler(ctx);
  } catch (err) {
    return failure(err);
  }
}

/** Every failure as `{ error: { code, message } }`: input errors 4xx, the rest 500/503. */
function failure(err: unknown): Response {
  if (err instanceof HttpError) return replyResponse(err.reply());
  if (isEngineFault(err)) {
    // The edge replica failed (its memory ran out): the next request loads a fresh one.
    console.error("engine fault, the replica is dropped", err);
    dropReadEngine();
    return replyResponse(engineUnavailable(err));
  }
  try {
    return replyResponse(engineError(err));
  } catch {
    // not an input error
  }
  const e = err as { overloaded?: boolean; retryable?: boolean; message?: string };
  if (e?.overloaded) return errorResponse(503, "overloaded", "the ledger is overloaded: retry shortly", { "retry-after": "1" });
  console.error("internal error", err);
  return errorResponse(500, "internal", "internal error");
}

export default {
  async fetch(request, env, exec): Promise<Response> {
    const response = await handle(request, env, exec);
    if (response.status === 101 || response.webSocket) return response;
    // JSON answers carry CORS already (http.ts); the others are copied to add it.
    if (response.headers.has("access-control-expose-headers")) return response;
    const out = new Response(response.body, response);
    for (const [k, v] of Object.entries(CORS)) out.headers.set(k, v);
    return out;
  },
} satisfies ExportedHandler<Env>;

