// Routes for ERP/WMS/POS integrations and the operations page: every one needs the bearer
// INGEST_TOKEN, and every write goes to the ledger.
import { countEvents } from "../csv";
import { hubOf, ledgerOf } from "../env";
import { INGEST_LIMIT, json, readJson, readText, replyResponse, requireIngestToken } from "../http";
import { ORDER_STATUSES, type OrderStatus } from "../ledger/orders";
import type { Ctx } from "../router";
import { array, invalid, known, MAX_SKU_LENGTH, object, queryInteger, querySkus, queryText, string } from "../validate";

/** At most this many events per batch (the body limit usually binds first). */
const MAX_EVENTS = 100_000;

/** POST /v1/inventory/events: `{ events: [...] }` → the apply report. */
export async function ingestEvents({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const body = known(object(await readJson(request, INGEST_LIMIT), "body"), "body", ["events"]);
  const events = array(body.events, "events", MAX_EVENTS);
  return replyResponse(await ledgerOf(env).ingest(events));
}

/** POST /v1/inventory/counts: a CSV stock count → `set` events → the apply report. */
export async function ingestCounts({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const text = await readText(request, INGEST_LIMIT);
  const digest = await sha256(text);
  const rows = countEvents(text, digest.slice(0, 16));
  // One file is one ledger transaction: held to the same bound as an event batch.
  const total = rows.events.length + rows.rejected.length;
  if (total > MAX_EVENTS) throw invalid("body", `at most ${MAX_EVENTS} rows per file (got ${total}): split it`);
  const reply = await ledgerOf(env).ingest(rows.events);
  if (reply.status !== 200) return replyResponse(reply);
  const report = reply.body as { rejected: { index: number; code: string; message: string }[] } & Record<string, unknown>;
  // Engine rejections point at an event; the file's user wants the line.
  const rejected = [
    ...report.rejected.map((r) => ({ ...r, index: rows.lines[r.index]!, line: rows.lines[r.index]! })),
    ...rows.rejected,
  ].sort((a, b) => a.line - b.line);
  return json({ ...report, rows: rows.events.length + rows.rejected.length, rejected });
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** POST /v1/locations: upsert locations (`[...]` or `{ locations: [...] }`). */
export async function upsertLocations({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const body = await readJson(request, INGEST_LIMIT);
  const list = array(Array.isArray(body) ? body : known(object(body, "body"), "body", ["locations"]).locations, "locations", 100_000);
  // Ids and names bounded as SKUs are (the engine takes any length): a location's JSON then
  // always fits a journal entry, and no cart or query could name a longer id.
  list.forEach((l, i) => {
    if (l === null || typeof l !== "object") return;
    for (const field of ["id", "name"]) {
      const v = (l as Record<string, unknown>)[field];
      if (typeof v === "string" && v.length > MAX_SKU_LENGTH) throw invalid(`[${i}].${field}`, `at most ${MAX_SKU_LENGTH} characters`);
    }
  });
  return replyResponse(await ledgerOf(env).upsertLocations(list));
}

/** PUT /v1/profiles/{name}: register a sourcing profile. */
export async function putProfile({ request, url, env, params }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const name = string(params.name, "name", 100);
  const profile = object(await readJson(request), "body");
  return replyResponse(await ledgerOf(env).setProfile(name, profile));
}

/** DELETE /v1/profiles/{name}. */
export async function deleteProfile({ request, url, env, params }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  return replyResponse(await ledgerOf(env).removeProfile(string(params.name, "name", 100)));
}

/** The largest count a position holds (2^31 - 1). */
const MAX_COUNT = 2 ** 31 - 1;

/** POST /v1/inventory/thresholds: a low-stock alert threshold (`{ sku?, location?, low }`). */
export async function setThreshold({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const rule = object(await readJson(request), "body");
  // As ingest bounds them: a rule on a SKU no event may name, or above any count, never fires.
  // (Removing one, `low: null`, is left open: an earlier build stored any.)
  if (rule.low !== null) for (const k of ["sku", "location"]) if (typeof rule[k] === "string") string(rule[k], k, MAX_SKU_LENGTH);
  if (typeof rule.low === "number" && rule.low > MAX_COUNT) throw invalid("low", `must be at most ${MAX_COUNT}`);
  return replyResponse(await ledgerOf(env).setThreshold(rule));
}

/** GET /v1/inventory/positions?skus=A,B&location=: every number, strongly consistent. */
export async function positions({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const skus = querySkus(url, 200);
  return replyResponse(await ledgerOf(env).positions(skus, queryText(url, "location", { trim: false }) ?? null));
}

/** GET /v1/ledger: the ledger's version, journal and counts. */
export async function ledgerStatus({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const [status, live] = await Promise.all([ledgerOf(env).status(), hubOf(env).connections()]);
  return json({ ...(status.body as object), live });
}

/** GET /v1/orders?status=&limit=: the latest orders for operations (newest first). */
export async function listOrders({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const status = queryText(url, "status") ?? null;
  if (status !== null && !ORDER_STATUSES.includes(status as OrderStatus)) throw invalid("status", `must be one of ${ORDER_STATUSES.join(", ")}`);
  const limit = queryInteger(url, "limit", 1, 200) ?? 50;
  return replyResponse(await ledgerOf(env).orders(status, limit));
}

/** GET /v1/reports/orders?from=&to=: order history aggregates. */
export async function ordersReport({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const day = (name: string): string | null => {
    const v = queryText(url, name);
    if (v === undefined) return null;
    const t = Date.parse(`${v}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) {
      throw invalid(name, "must be a date YYYY-MM-DD");
    }
    return v;
  };
  const from = day("from");
  const to = day("to");
  return replyResponse(await ledgerOf(env).reportOrders(from, to));
}

/** GET /v1/alerts?limit=: the latest alerts (the operations stream's history). */
export async function recentAlerts({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env);
  const limit = queryInteger(url, "limit", 1, 200) ?? 50;
  return json({ alerts: await hubOf(env).recentAlerts(limit) });
}

