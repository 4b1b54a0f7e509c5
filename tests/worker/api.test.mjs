// Every route of the edge worker and every error it answers, inside workerd (miniflare): the
// happy path, 400 on bad JSON or bad input, 401 without the token, 404/405 on unknown routes,
// 409 on conflicts, 413 on big bodies, 426 on a WebSocket route without an upgrade — and
// never a 500, whatever the body.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { positionMap, repoRoot, seed, TEN_LOCATIONS, TOKEN, workerFixture } from "./helpers.mjs";

const fx = workerFixture();
let api;
const PARIS = { lat: 48.85, lon: 2.35 };

before(async () => {
  api = await fx.start();
  await seed(api, TEN_LOCATIONS, { A: { L0: 5, L1: 3, L9: 10 }, B: { L2: 4 } });
});
after(() => fx.cleanup());

/** An error answer: the status, `{ error: { code, message } }`, and the code. */
function assertError(res, status, code) {
  assert.equal(res.status, status, `${res.status} ${res.text}`);
  assert.equal(typeof res.json?.error?.message, "string", res.text);
  assert.ok(res.json.error.message.length > 0);
  if (code) assert.equal(res.json.error.code, code, res.text);
  assert.match(res.headers.get("content-type"), /application\/json/);
}

test("worker/ type-checks (tsc --noEmit, strict)", () => {
  execFileSync(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", join(repoRoot, "worker", "tsconfig.json")], { stdio: "pipe" });
});

test("GET /v1/health answers ok and the package version", async () => {
  const res = await api.get("/v1/health");
  assert.equal(res.status, 200);
  assert.equal(res.json.ok, true);
  assert.match(res.json.version, /^\d+\.\d+\.\d+/);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
});

test("GET /v1/openapi.yaml serves the description", async () => {
  const res = await api.get("/v1/openapi.yaml");
  assert.equal(res.status, 200);
  assert.match(res.text, /^openapi: 3\./m);
  assert.match(res.text, /\/v1\/reservations:/);
});

test("GET /v1/locations: no costs; nearest first with a radius", async () => {
  const all = await api.get("/v1/locations");
  assert.equal(all.status, 200);
  assert.equal(all.json.length, 10);
  assert.deepEqual(Object.keys(all.json[0]).sort(), ["id", "kind", "lat", "lon", "name", "pickup", "ship"]);
  const near = await api.get("/v1/locations?lat=48.85&lon=2.35&radiusKm=12");
  assert.equal(near.status, 200);
  assert.ok(near.json.length > 0 && near.json.length < 10);
  assert.equal(near.json[0].id, "L0");
  assert.equal(near.json[0].distanceKm, 0);
  for (let i = 1; i < near.json.length; i++) assert.ok(near.json[i].distanceKm >= near.json[i - 1].distanceKm);
  assert.ok(near.json.every((l) => l.distanceKm <= 12 && !("costPerShipment" in l)));
  assertError(await api.get("/v1/locations?lat=48.85"), 400, "invalid_input");
  assertError(await api.get("/v1/locations?radiusKm=5"), 400, "invalid_input");
  assertError(await api.get("/v1/locations?lat=abc&lon=2"), 400, "invalid_input");
  assertError(await api.get("/v1/locations?lat=91&lon=2"), 400, "invalid_input");
  // Decimal numbers only (Number() reads 0x10 as 16), and one value per parameter.
  for (const q of ["lat=0x10&lon=2", "lat=48.8&lon=2&lat=45", "lat=1e1&lon=0b1"]) {
    const res = await api.get(`/v1/locations?${q}`);
    assertError(res, 400, "invalid_input");
  }
  assert.equal((await api.get("/v1/locations?lat=+4.88e1&lon=.235e1")).status, 200);
  // A query that is not valid percent-encoded UTF-8 (URLSearchParams would read each bad escape
  // as U+FFFD: `skus=%FF` would ask for a SKU nobody named) is refused, naming the parameter.
  for (const [q, field] of [["skus=%FF", "skus"], ["skus=A,%ED%A0%80", "skus"], ["skus=A&lat=48%&lon=2", "lat"], ["skus=A&%E0=1", undefined]]) {
    const res = await api.get(`/v1/availability?${q}`);
    assertError(res, 400, "invalid_input");
    if (field) assert.equal(res.json.error.field, field, q);
  }
  // Well-formed escapes, `+` for a space and an encoded U+FFFD itself still read.
  for (const q of ["skus=%41%2CB", "skus=A+B", "skus=%EF%BF%BD"]) {
    assert.equal((await api.get(`/v1/availability?${q}`)).status, 200, q);
  }
  assertError(await api.admin.get("/v1/orders?status=created&status=shipped"), 400, "invalid_input");
});

test("POST /v1/locations upserts with the token only", async () => {
  assertError(await api.post("/v1/locations", { locations: [] }), 401, "unauthorized");
  assertError(await api.post("/v1/locations", { locations: [] }, { token: "wrong" }), 401, "unauthorized");
  const bad = await api.admin.post("/v1/locations", [{ id: "X", kind: "castle", lat: 1, lon: 2 }]);
  assert.equal(bad.status, 400, bad.text);
  assert.equal(typeof bad.json.error.code, "string");
  const res = await api.admin.post("/v1/locations", [{ id: "L5", name: "Store 5 renamed", kind: "store", lat: 48.95, lon: 2.35 }]);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.upserted, 1);
  assert.equal(typeof res.json.version, "number");
});

test("GET /v1/availability answers as engine.availability", async () => {
  const res = await api.get("/v1/availability?skus=A,B,NONE&lat=48.85&lon=2.35&radiusKm=100&mode=ship");
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.map((a) => a.sku), ["A", "B", "NONE"]);
  const a = res.json[0];
  assert.equal(a.total, 18);
  assert.deepEqual(a.locations.map((l) => l.id), ["L0", "L1", "L9"]);
  assert.equal(res.json[2].total, 0);
  // Repeated `skus` parameters add up, as a comma-separated list does.
  const repeated = await api.get("/v1/availability?skus=A&skus=B,NONE&lat=48.85&lon=2.35&radiusKm=100&mode=ship");
  assert.equal(repeated.status, 200, repeated.text);
  assert.deepEqual(repeated.json, res.json);
  const limited = await api.get("/v1/availability?skus=A&lat=48.85&lon=2.35&limit=1");
  assert.equal(limited.json[0].locations.length, 1);
  assert.equal(limited.json[0].total, 18);
  assertError(await api.get("/v1/availability"), 400, "invalid_input");
  assertError(await api.get("/v1/availability?skus=A&mode=drone"), 400, "invalid_input");
  assertError(await api.get("/v1/availability?skus=A&limit=1.5"), 400, "invalid_input");
  // Empty values are absent ones (the contract's template: `lat=&lon=&radiusKm=&mode=`).
  const blank = await api.get("/v1/availability?skus=A&lat=&lon=&radiusKm=&mode=");
  assert.equal(blank.status, 200, blank.text);
  assert.equal(blank.json[0].total, 18);
  const near = await api.get("/v1/availability?skus=A&lat=48.85&lon=2.35&radiusKm=&mode=");
  assert.deepEqual(near.json[0].locations.map((l) => l.id), ["L0", "L1", "L9"]);
  assertError(await api.get("/v1/availability?skus=A&lat=48.85&lon="), 400, "invalid_input");
  assertError(await api.get("/v1/availability?skus=A&lat=abc&lon=2"), 400, "invalid_input");
});

test("POST /v1/source answers the plan and its delivery options", async () => {
  const res = await api.post("/v1/source", { lines: [{ sku: "A", qty: 6, unitPrice: 10 }], destination: PARIS });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.plan.status, "complete");
  assert.equal(res.json.plan.shipments.reduce((n, s) => n + s.lines[0].qty, 0), 6);
  const options = res.json.deliveryOptions;
  assert.equal(options.cartValue, 60);
  assert.ok(options.home.length > 0 && options.home[0].plan.status === "complete", JSON.stringify(options).slice(0, 300));
  assert.ok(Array.isArray(options.clickAndCollect));
  assertError(await api.post("/v1/source", { lines: [{ sku: "A", qty: 1 }], destination: PARIS, bogus: 1 }), 400, "invalid_input");
  assertError(await api.post("/v1/source", { lines: [{ sku: "A", qty: 1 }], destination: PARIS, priceExplanations: "yes" }), 400, "invalid_input");
  // Explanations give reasons; only on request are `costlier` ones priced.
  const costlier = (plan) => plan.explanations.filter((x) => x.reason === "costlier");
  assert.ok(costlier(res.json.plan).length > 0, JSON.stringify(res.json.plan.explanations));
  assert.ok(costlier(res.json.plan).every((x) => x.costlierBy === undefined));
  const priced = await api.post("/v1/source", { lines: [{ sku: "A", qty: 6 }], destination: PARIS, priceExplanations: true });
  assert.equal(priced.status, 200, priced.text);
  assert.ok(costlier(priced.json.plan).some((x) => typeof x.costlierBy === "number" && x.costlierBy >= 0), JSON.stringify(priced.json.plan.explanations));
  assert.ok(priced.json.deliveryOptions.home.every((h) => h.plan.explanations.every((x) => x.costlierBy === undefined)));
  const before = await positionMap(api, ["A"]);
  assert.equal(before["A@L0"].reserved, 0, "sourcing holds nothing");
  assertError(await api.post("/v1/source", { lines: "A", destination: PARIS }), 400);
  assertError(await api.call("POST", "/v1/source", { raw: "{not json" }), 400, "bad_json");
  assertError(await api.call("POST", "/v1/source", { raw: "" }), 400, "bad_json");
});

test("GET /v1/cities and /v1/catalogue (no demo network loaded: 404)", async () => {
  const cities = await api.get("/v1/cities");
  assert.equal(cities.status, 200);
  assert.ok(cities.json.length > 100 && cities.json[0].postcode);
  assertError(await api.get("/v1/catalogue"), 404, "not_found");
});

test("POST /v1/inventory/events: 401, report with per-event rejections, reserved ids, 400, 413", async () => {
  assertError(await api.post("/v1/inventory/events", { events: [] }), 401, "unauthorized");
  const res = await api.admin.post("/v1/inventory/events", {
    events: [
      { id: "e1", type: "adjust", sku: "A", location: "L0", delta: 2 },
      { id: "e2", type: "adjust", sku: "A", location: "NOWHERE", delta: 1 },
      { id: "atsource:fake", type: "reserve", sku: "A", location: "L0", qty: 1 },
      { id: "e1", type: "adjust", sku: "A", location: "L0", delta: 2 },
      { id: "e3", type: "set", sku: "A", location: "L0", onHand: -1 },
      // A SKU no cart or query can name (at most 200 characters), and an id as long.
      { id: "e4", type: "set", sku: "S".repeat(201), location: "L0", onHand: 5 },
      { id: "i".repeat(201), type: "set", sku: "A", location: "L0", onHand: 50 },
      { id: "e5", type: "set", sku: "S".repeat(200), location: "L0", onHand: 0 },
      // Not an event, beside good ones: refused alone.
      null,
      // A count whose `version` is mistyped would overwrite a newer one: refused.
      { id: "e6", type: "set", sku: "A", location: "L0", onHand: 1, Version: 3 },
      // A feed's own fields, whatever their names, are not the engine's business.
      { id: "e7", type: "adjust", sku: "A", location: "L0", delta: 1, _id: "5f1d7c", ID: "x", Date: "2026-12-07", Type: "feed" },
    ],
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.applied, 3);
  assert.equal(res.json.duplicates, 1);
  assert.deepEqual(res.json.rejected.map((r) => [r.index, r.code]), [
    [1, "unknown_location"],
    [2, "reserved_id"],
    [4, "invalid_quantity"],
    [5, "invalid_field"],
    [6, "invalid_field"],
    [8, "not_an_object"],
    [9, "invalid_field"],
  ]);
  assert.equal(res.json.rejected[3].message, "sku: at most 200 characters");
  assert.equal(res.json.rejected[4].message, "id: at most 200 characters");
  assert.equal(res.json.rejected[6].message, "unknown field `Version`: a misspelt `version`?");
  assert.deepEqual(res.json.changes, [{ sku: "A", location: "L0", before: 5, after: 8 }]);
  assert.equal((await positionMap(api, ["A"]))["A@L0"].onHand, 8);
  assertError(await api.admin.post("/v1/inventory/events", { events: "nope" }), 400, "invalid_input");
  assertError(await api.admin.post("/v1/inventory/events", [1, 2]), 400, "invalid_input");
  assertError(await api.call("POST", "/v1/inventory/events", { raw: "[", token: TOKEN }), 400, "bad_json");
  const big = JSON.stringify({ events: [{ id: "x".repeat(5 * 1024 * 1024) }] });
  assertError(await api.call("POST", "/v1/inventory/events", { raw: big, token: TOKEN }), 413, "payload_too_large");
  // A chunked body declares no length: the limit applies while it streams.
  const chunk = new TextEncoder().encode("x".repeat(1024 * 1024));
  let sent = 0;
  const stream = new ReadableStream({
    pull(c) {
      if (sent++ < 6) c.enqueue(chunk);
      else c.close();
    },
  });
  const res2 = await api.mf.dispatchFetch("http://localhost/v1/inventory/events", {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: stream,
    duplex: "half",
  });
  assert.equal(res2.status, 413);
  assert.equal((await res2.json()).error.code, "payload_too_large");
  // One that passes its limit and then trickles on (a byte every 200 ms for 8 s) is not waited
  // for: the rest of a refused body is read for 2 s at most, then the 413 goes out.
  let pulls = 0;
  const slow = new ReadableStream({
    async pull(c) {
      pulls++;
      if (pulls <= 6) return c.enqueue(chunk);
      if (pulls > 46) return c.close();
      await new Promise((r) => setTimeout(r, 200));
      c.enqueue(new Uint8Array(1));
    },
  });
  const t0 = Date.now();
  const res3 = await api.mf.dispatchFetch("http://localhost/v1/inventory/events", {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: slow,
    duplex: "half",
  });
  assert.equal(res3.status, 413);
  assert.ok(Date.now() - t0 < 6_000, `answered after ${Date.now() - t0} ms`);
  await res3.body?.cancel();
});

test("POST /v1/inventory/counts: a CSV stock count, idempotent per file", async () => {
  const csv = "sku,location,onHand,version\r\nC,L0,12,1\nC,L1,x,1\nC,NOWHERE,3,1\n\"C\",\"L2\",4,\n";
  assertError(await api.call("POST", "/v1/inventory/counts", { raw: csv }), 401, "unauthorized");
  const res = await api.call("POST", "/v1/inventory/counts", { raw: csv, token: TOKEN, headers: { "content-type": "text/csv" } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.rows, 4);
  assert.equal(res.json.applied, 2);
  assert.deepEqual(res.json.rejected.map((r) => [r.line, r.code]), [
    [3, "invalid_quantity"],
    [4, "unknown_location"],
  ]);
  const again = await api.call("POST", "/v1/inventory/counts", { raw: csv, token: TOKEN });
  assert.equal(again.json.applied, 0);
  assert.equal(again.json.duplicates, 2);
  const p = await positionMap(api, ["C"]);
  assert.equal(p["C@L0"].onHand, 12);
  assert.equal(p["C@L2"].onHand, 4);
  assertError(await api.call("POST", "/v1/inventory/counts", { raw: "a,b\n1,2\n", token: TOKEN }), 400, "invalid_csv");
  assertError(await api.call("POST", "/v1/inventory/counts", { raw: "", token: TOKEN }), 400, "invalid_csv");
  // Two columns for one field: which counts would be a guess.
  for (const head of ["sku,sku,location,onHand", "sku,location,onHand,qty", "sku,Location,location id,onHand"]) {
    assertError(await api.call("POST", "/v1/inventory/counts", { raw: `${head}\nC,L0,9,9\n`, token: TOKEN }), 400, "invalid_csv");
  }
  assertError(await api.call("POST", "/v1/inventory/counts", { raw: 'sku,location,onHand\n"A,L0,1\n', token: TOKEN }), 400, "invalid_csv");
  // A line break inside a quoted cell: rejections name the line of the file the row starts on.
  const multi = 'sku,location,onHand\n"multi\r\nline",L0,1\nM2,NOPE,1\r\nM3,L0,x\n';
  const lines = await api.call("POST", "/v1/inventory/counts", { raw: multi, token: TOKEN });
  assert.deepEqual(lines.json.rejected.map((r) => [r.line, r.code]), [[4, "unknown_location"], [5, "invalid_quantity"]]);
  // A cell beyond the header's columns: a count with an unquoted thousands separator ("1,200")
  // is refused, not read as 1; a trailing comma (an empty cell) is not.
  const cut = await api.call("POST", "/v1/inventory/counts", { raw: "sku,location,onHand\nCUT,L0,1,200\nCUT,L1,7,\n", token: TOKEN });
  assert.equal(cut.status, 200, cut.text);
  assert.equal(cut.json.applied, 1);
  assert.deepEqual(cut.json.rejected.map((r) => [r.line, r.code]), [[2, "invalid_row"]]);
  assert.match(cut.json.rejected[0].message, /cell 4 .*beyond the header's 3 columns/);
  const counted = await positionMap(api, ["CUT"]);
  assert.equal(counted["CUT@L0"], undefined, "the cut row set nothing");
  assert.equal(counted["CUT@L1"].onHand, 7);
  // One file is one ledger transaction: at most 100,000 rows, and at most 4 MiB.
  const many = "sku,location,onHand\n" + "Z,L0,1\n".repeat(100_001);
  assertError(await api.call("POST", "/v1/inventory/counts", { raw: many, token: TOKEN }), 400, "invalid_input");
  const huge = "sku,location,onHand\n" + `${"Z".repeat(200)},L0,1\n`.repeat(21_000);
  assertError(await api.call("POST", "/v1/inventory/counts", { raw: huge, token: TOKEN }), 413, "payload_too_large");
  assert.equal((await positionMap(api, ["Z"]))["Z@L0"], undefined, "nothing of a refused file applies");
});

test("thresholds, positions, profiles and the ledger status (token routes)", async () => {
  assertError(await api.post("/v1/inventory/thresholds", { low: 2 }), 401);
  assert.equal((await api.admin.post("/v1/inventory/thresholds", { low: 2 })).status, 200);
  assertError(await api.admin.post("/v1/inventory/thresholds", { low: "two" }), 400);
  // Rules that could never fire: a SKU no event may name, a level above any count.
  assertError(await api.admin.post("/v1/inventory/thresholds", { sku: "S".repeat(201), low: 2 }), 400, "invalid_input");
  assertError(await api.admin.post("/v1/inventory/thresholds", { low: 2 ** 31 }), 400, "invalid_input");
  assert.equal((await api.admin.post("/v1/inventory/thresholds", { sku: "S".repeat(200), low: 2 ** 31 - 1 })).status, 200);
  assertError(await api.get("/v1/inventory/positions?skus=A"), 401);
  assertError(await api.admin.get("/v1/inventory/positions"), 400, "invalid_input");
  assertError(await api.admin.get("/v1/inventory/positions?skus=A&location=NOWHERE"), 404, "not_found");
  const pos = await api.admin.get("/v1/inventory/positions?skus=A&location=L1");
  assert.equal(pos.status, 200);
  assert.deepEqual(pos.json.positions.map((p) => [p.location, p.onHand]), [["L1", 3]]);

  assertError(await api.put("/v1/profiles/near", { maxDistanceKm: 1 }), 401);
  assertError(await api.admin.put("/v1/profiles/near", { maxDistanceKm: "far" }), 400);
  assert.equal((await api.admin.put("/v1/profiles/near", { maxDistanceKm: 1 })).status, 200);
  // The ledger sees the profile at once (the edge replica within a second).
  const held = await api.post("/v1/reservations", { idempotencyKey: "near-1", lines: [{ sku: "B", qty: 1 }], destination: PARIS, profile: "near" });
  assertError(held, 409, "insufficient_stock"); // B is only at L2, 11 km away
  assertError(await api.del("/v1/profiles/near"), 401, "unauthorized");
  assert.equal((await api.admin.del("/v1/profiles/near")).status, 200);
  assertError(await api.admin.del("/v1/profiles/near"), 404, "not_found");

  assertError(await api.get("/v1/ledger"), 401);
  const status = await api.admin.get("/v1/ledger");
  assert.equal(status.status, 200);
  assert.ok(status.json.version > 0);
  assert.equal(status.json.engine.locations, 10);
});

test("reservations: 201, replay, 409 insufficient_stock, 422 key reuse, GET, DELETE", async () => {
  const req = { idempotencyKey: "api-1", lines: [{ sku: "B", qty: 2 }], destination: PARIS, ttlSeconds: 600 };
  const res = await api.post("/v1/reservations", req);
  assert.equal(res.status, 201, res.text);
  assert.match(res.json.id, /^rsv_/);
  assert.equal(res.json.plan.status, "complete");
  assert.ok(Date.parse(res.json.expiresAt) - Date.now() > 590_000);
  const replay = await api.post("/v1/reservations", req);
  assert.equal(replay.status, 201);
  assert.equal(replay.json.id, res.json.id);
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  const clash = await api.post("/v1/reservations", { ...req, lines: [{ sku: "B", qty: 1 }] });
  assertError(clash, 422, "idempotency_conflict");
  assert.equal(clash.json.error.reservationId, undefined, "another request's key does not lead to its reservation");
  // The same cart written otherwise (a line split in two, keys in another order) is the same
  // request: replayed, not a conflict, and nothing more is held.
  const rewritten = await api.post("/v1/reservations", {
    ttlSeconds: 600,
    destination: { lon: PARIS.lon, lat: PARIS.lat },
    lines: [{ qty: 1, sku: "B" }, { sku: "B", qty: 1 }],
    idempotencyKey: "api-1",
  });
  assert.equal(rewritten.status, 201, rewritten.text);
  assert.equal(rewritten.json.id, res.json.id);
  assert.equal(rewritten.headers.get("idempotent-replayed"), "true");
  assert.equal((await positionMap(api, ["B"]))["B@L2"].reserved, 2);
  const short = await api.post("/v1/reservations", { ...req, idempotencyKey: "api-2", lines: [{ sku: "B", qty: 3 }] });
  assertError(short, 409, "insufficient_stock");
  assert.deepEqual(short.json.error.unfulfilled, [{ sku: "B", qty: 1 }], "2 of the 4 are held: 1 short");
  for (const bad of [
    { ...req, idempotencyKey: "" },
    { ...req, lines: [] },
    { ...req, destination: { lat: 200, lon: 0 } },
    { ...req, ttlSeconds: 0 },
    { ...req, ttlSeconds: 10 ** 9 },
    { ...req, profile: 12 },
  ]) {
    assertError(await api.post("/v1/reservations", bad), 400, "invalid_input");
  }
  const got = await api.get(`/v1/reservations/${res.json.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.json.status, "held");
  assertError(await api.get("/v1/reservations/rsv_nope"), 404, "not_found");
  const del = await api.del(`/v1/reservations/${res.json.id}`);
  assert.equal(del.status, 200);
  assert.equal(del.json.status, "released");
  assert.deepEqual(del.json.released, [{ sku: "B", location: "L2", qty: 2 }]);
  const again = await api.del(`/v1/reservations/${res.json.id}`);
  assert.equal(again.status, 200);
  assert.deepEqual(again.json.released, []);
  assertError(await api.del("/v1/reservations/rsv_nope"), 404, "not_found");
  // A released hold cannot become an order.
  assertError(await api.post("/v1/orders", { reservationId: res.json.id }), 409, "reservation_released");
  // Bodies over 256 KiB are refused before they are read whole.
  const big = { ...req, idempotencyKey: "api-big", customer: "x".repeat(300 * 1024) };
  assertError(await api.post("/v1/reservations", big), 413, "payload_too_large");
});

test("orders: 201, replay, 404, 409, tracking token, events, returns, report", async () => {
  const r = await api.post("/v1/reservations", { idempotencyKey: "api-ord", lines: [{ sku: "B", qty: 1 }], destination: PARIS });
  assert.equal(r.status, 201, r.text);
  assertError(await api.post("/v1/orders", { reservationId: "rsv_nope" }), 404, "not_found");
  assertError(await api.post("/v1/orders", {}), 400, "invalid_input");
  // `customer` is any JSON value, up to 8 KB of it.
  assertError(await api.post("/v1/orders", { reservationId: r.json.id, customer: { note: "x".repeat(9000) } }), 400, "invalid_input");
  const o = await api.post("/v1/orders", { reservationId: r.json.id, customer: { name: "Bob" } });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.json.status, "created");
  assert.match(o.json.trackingToken, /^[0-9a-f]{32}$/);
  const replay = await api.post("/v1/orders", { reservationId: r.json.id, customer: { name: "Bob" } });
  assert.equal(replay.json.id, o.json.id);
  assertError(await api.post("/v1/orders", { reservationId: r.json.id }), 409, "reservation_ordered");
  assertError(await api.del(`/v1/reservations/${r.json.id}`), 409, "reservation_ordered");

  const path = `/v1/orders/${o.json.id}`;
  assertError(await api.get(path), 401, "unauthorized");
  assertError(await api.get(`${path}?token=`), 401, "unauthorized");
  assertError(await api.get(`${path}?token=nope`), 403, "forbidden");
  assertError(await api.get(`/v1/orders/ord_nope?token=x`), 404, "not_found");
  const tracked = await api.get(`${path}?token=${o.json.trackingToken}`);
  assert.equal(tracked.status, 200);
  assert.equal(tracked.json.status, "created");
  assert.deepEqual(tracked.json.customer, { name: "Bob" });
  assert.equal((await api.admin.get(path)).status, 200, "the integration token reads any order");

  assertError(await api.post(`${path}/events`, { type: "picked" }), 401, "unauthorized");
  assertError(await api.admin.post(`${path}/events`, { type: "teleported" }), 400, "invalid_input");
  assertError(await api.admin.post(`/v1/orders/ord_nope/events`, { type: "picked" }), 404, "not_found");
  assertError(await api.admin.post(`${path}/events`, { type: "delivered" }), 409, "invalid_transition");
  assertError(await api.post(`${path}/returns?token=${o.json.trackingToken}`, {}), 409, "invalid_transition");
  for (const type of ["picked", "shipped", "delivered"]) {
    const ev = await api.admin.post(`${path}/events`, { type, id: `ev-${type}` });
    assert.equal(ev.status, 200, ev.text);
  }
  const dup = await api.admin.post(`${path}/events`, { type: "picked", id: "ev-picked" });
  assert.equal(dup.status, 200, "an event id already applied is answered, not re-applied");
  assert.equal(dup.json.status, "delivered");
  assertError(await api.post(`${path}/returns`, {}), 401, "unauthorized");
  // An empty ?token= is absent: the body's token counts.
  const ret = await api.post(`${path}/returns?token=`, { reason: "too small", token: o.json.trackingToken });
  assert.equal(ret.status, 201, ret.text);
  assert.equal(ret.json.status, "return_requested");
  assertError(await api.admin.post(`${path}/events`, { type: "returned", location: "NOWHERE" }), 400, "unknown_location");

  assertError(await api.get("/v1/reports/orders"), 401);
  assertError(await api.admin.get("/v1/reports/orders?from=yesterday"), 400, "invalid_input");
  assertError(await api.admin.get("/v1/reports/orders?from=2030-02-30"), 400, "invalid_input");
  assert.equal((await api.admin.get("/v1/reports/orders?from=2030-01-02&to=2030-01-01")).json.orders, 0);
  const report = await api.admin.get("/v1/reports/orders");
  assert.equal(report.status, 200);
  assert.equal(report.json.orders, 1);
  assert.deepEqual(report.json.byStatus, { return_requested: 1 });
  // Parameters left empty by the documented templates (`?from=&to=`, `?status=&limit=`) are absent.
  assert.deepEqual((await api.admin.get("/v1/reports/orders?from=&to=")).json, report.json);
  const listed = await api.admin.get("/v1/orders?status=&limit=");
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.json, (await api.admin.get("/v1/orders")).json);
  assert.equal((await api.admin.get("/v1/orders?status=%20return_requested")).json.orders.length, 1);
  assertError(await api.admin.get("/v1/orders?status=lost"), 400, "invalid_input");
  assertError(await api.admin.get("/v1/orders?limit=1.5"), 400, "invalid_input");
});

test("alerts and live routes: 401 without the token, 426 without an upgrade, 400 bad subscription", async () => {
  assertError(await api.get("/v1/alerts"), 401);
  const alerts = await api.admin.get("/v1/alerts?limit=5");
  assert.equal(alerts.status, 200);
  assert.ok(Array.isArray(alerts.json.alerts));
  assertError(await api.admin.get("/v1/alerts?limit=0"), 400, "invalid_input");
  assertError(await api.get("/v1/live"), 400, "invalid_input");
  assertError(await api.get("/v1/live?skus=A"), 426, "upgrade_required");
  assertError(await api.get("/v1/live/alerts"), 401, "unauthorized");
  assertError(await api.get(`/v1/live/alerts?token=${TOKEN}`), 426, "upgrade_required");
});

test("unknown routes 404, wrong methods 405, preflight 204", async () => {
  assertError(await api.get("/v1/nope"), 404, "not_found");
  assertError(await api.get("/nope"), 404, "not_found");
  const wrong = await api.call("PATCH", "/v1/health");
  assertError(wrong, 405, "method_not_allowed");
  assert.equal(wrong.headers.get("allow"), "GET");
  assertError(await api.del("/v1/orders/x"), 405, "method_not_allowed");
  const pre = await api.call("OPTIONS", "/v1/reservations");
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get("access-control-allow-methods"), /POST/);
});

test("no body ever makes a 500", async () => {
  const bodies = [
    "null", "[]", "1", '"x"', "true", "{}", "[[[[[[[[[[]]]]]]]]]]",
    '{"lines":null}', '{"lines":[{"sku":1,"qty":"2"}]}', '{"lines":[null],"destination":null}',
    '{"events":[null,1,"x",{},{"type":"set"}]}', '{"events":[{"id":1,"type":"set","sku":"A","location":"L0","onHand":1e308}]}',
    '{"type":null}', '{"reservationId":[]}', '{"idempotencyKey":{},"lines":{},"destination":[]}',
    '{"lines":[{"sku":"A","qty":1}],"destination":{"lat":"48","lon":2},"profile":{"maxShipments":-1}}',
    '{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48,"lon":2},"profile":{"kinds":["castle"]}}',
    '{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48,"lon":2},"profile":"missing-profile"}',
    '{"__proto__":{"x":1}}', "\u0000", "\uffff",
  ];
  const routes = [
    ["POST", "/v1/source"], ["POST", "/v1/reservations"], ["POST", "/v1/orders"],
    ["POST", "/v1/inventory/events"], ["POST", "/v1/inventory/counts"], ["POST", "/v1/locations"],
    ["POST", "/v1/inventory/thresholds"], ["PUT", "/v1/profiles/p"], ["POST", "/v1/orders/x/events"],
    ["POST", "/v1/orders/x/returns"],
  ];
  for (const [method, path] of routes) {
    for (const raw of bodies) {
      const res = await api.call(method, path, { raw, token: TOKEN });
      assert.ok(res.status < 500, `${method} ${path} ${raw} → ${res.status} ${res.text}`);
      if (res.status >= 400) assert.equal(typeof res.json?.error?.code, "string", `${path} ${raw}: ${res.text}`);
    }
  }
  for (const [method, path] of [["GET", "/v1/reservations/%ZZ"], ["DELETE", "/v1/reservations/%E0%A4%A"], ["POST", "/v1/orders/%E0/events"], ["GET", "/v1/orders/%25%?token=x"]]) {
    const res = await api.call(method, path, { raw: method === "GET" ? undefined : "{}", token: TOKEN });
    assertError(res, 400, "invalid_input");
    assert.equal(res.json.error.field, "id", `${path}: the bad path segment is named`);
  }
  // Valid JSON nested thousands deep (10 KB, under every body limit) is refused up front: it
  // would overflow the stack of the copy that hands a body to the ledger (a 500).
  const deep = "[".repeat(5000) + "]".repeat(5000);
  for (const [method, path, raw] of [
    ["POST", "/v1/inventory/events", `{"events":[${deep}]}`],
    ["POST", "/v1/orders", `{"reservationId":"r","customer":${deep}}`],
    ["POST", "/v1/orders/x/events", `{"type":"picked","carrier":${deep}}`],
    ["POST", "/v1/reservations", `{"idempotencyKey":"k","lines":[{"sku":"A","qty":1}],"destination":{"lat":48,"lon":2},"profile":{"kinds":${deep}}}`],
    ["PUT", "/v1/profiles/p", `{"kinds":${deep}}`],
    ["POST", "/v1/locations", deep],
    ["POST", "/v1/source", `{"lines":${deep}}`],
  ]) {
    const res = await api.call(method, path, { raw, token: TOKEN });
    assertError(res, 400, "invalid_input");
    assert.equal(res.json.error.field, "body", `${path}: ${res.text}`);
  }
  // Brackets inside strings (an escaped quote included) are not nesting.
  const bracketed = await api.post("/v1/source", { lines: [{ sku: `"${"[".repeat(100)}`, qty: 1 }], destination: { lat: 48, lon: 2 } });
  assert.equal(bracketed.status, 200, bracketed.text);
  assertError(await api.call("POST", "/v1/source", { raw: new Uint8Array([0x7b, 0xff, 0x7d]) }), 400, "bad_encoding");
  assertError(await api.post("/v1/source", { lines: [{ sku: "S".repeat(201), qty: 1 }], destination: { lat: 48, lon: 2 } }), 400, "invalid_input");
  for (const q of ["skus=,,,", "skus=A&lat=NaN&lon=1", "skus=A&radiusKm=-1&lat=1&lon=1", `skus=${"A,".repeat(300)}`, "skus=%00", "skus=A&qty=0", "skus=A&today=2026-13-45"]) {
    const res = await api.get(`/v1/availability?${q}`);
    assert.ok(res.status < 500, `${q} → ${res.status} ${res.text}`);
  }
});

test("a bad line quantity is invalid_quantity, with the API's bound of 1,000,000, in POST /v1/source and /v1/reservations", async () => {
  const destination = { lat: 48.85, lon: 2.35 };
  for (const qty of [1_000_001, 0, -1, 1.5]) {
    for (const path of ["/v1/source", "/v1/reservations"]) {
      const res = await api.post(path, { idempotencyKey: `qty-${qty}`, lines: [{ sku: "A", qty }], destination });
      assertError(res, 400, "invalid_quantity");
      assert.equal(res.json.error.message, "lines[0].qty: must be an integer in [1, 1000000]", `${path} ${qty}`);
      assert.equal(res.json.error.field, "lines[0].qty");
    }
  }
  assertError(await api.post("/v1/reservations", { idempotencyKey: "qty-s", lines: [{ sku: "A", qty: "1" }], destination }), 400, "invalid_quantity");
  assert.equal((await api.post("/v1/source", { lines: [{ sku: "A", qty: 1_000_000 }], destination })).status, 200);
});

test("strings with a lone surrogate and over-long SKUs are refused, not stored altered", async () => {
  const res = await api.post("/v1/reservations", { idempotencyKey: "k\ud800", lines: [{ sku: "B", qty: 1 }], destination: PARIS });
  assertError(res, 400, "invalid_input");
  assert.equal(res.json.error.field, "idempotencyKey");
  assertError(await api.post("/v1/source", { lines: [{ sku: "B\udc00", qty: 1 }], destination: PARIS }), 400, "invalid_input");
  const long = await api.get(`/v1/availability?skus=A,${"S".repeat(201)}`);
  assertError(long, 400, "invalid_input");
  assert.equal(long.json.error.field, "skus[1]");
  assert.equal((await api.get(`/v1/availability?skus=A,${"S".repeat(200)}`)).status, 200);
});

test("what the journal could not hold is refused, not a 500: an event over 64 KB alone, locations over 512 KB journaled in parts", async () => {
  // SQLite holds 2 MB a value: a 3 MB field the engine ignores, one entry, was SQLITE_TOOBIG.
  const big = await api.admin.post("/v1/inventory/events", {
    events: [
      { id: "big-1", type: "adjust", sku: "A", location: "L0", delta: 1, note: "x".repeat(70_000) },
      { id: "big-2", type: "adjust", sku: "A", location: "L0", delta: 1 },
    ],
  });
  assert.equal(big.status, 200, big.text);
  assert.deepEqual([big.json.applied, big.json.rejected.map((r) => [r.index, r.code])], [1, [[0, "event_too_large"]]]);
  const undo = await api.admin.post("/v1/inventory/events", { events: [{ id: "big-3", type: "adjust", sku: "A", location: "L0", delta: -1 }] });
  // The edge replica at the ledger's version, then its locations.
  const locationsAt = async (version) => {
    assert.equal((await api.get(`/v1/availability?skus=A&version=${version}`)).status, 200);
    return (await api.get("/v1/locations")).json.length;
  };
  const before = await locationsAt(undo.json.version);

  // 6,000 stores (about 1.3 MB of JSON): validated whole, applied and journaled in parts, which
  // the edge replicas replay.
  const stores = Array.from({ length: 6000 }, (_, i) => ({
    id: `BULK-${String(i).padStart(5, "0")}`, name: `Store ${i} ${"n".repeat(150)}`, kind: "store",
    lat: 43 + (i % 80) * 0.1, lon: -1 + Math.floor(i / 80) * 0.1,
  }));
  const bad = stores.map((s, i) => (i === 5500 ? { ...s, lat: 91 } : s));
  const refused = await api.admin.post("/v1/locations", bad);
  assertError(refused, 400, "invalid_input");
  assert.equal(refused.json.error.field, "[5500].lat");
  assert.equal(await locationsAt(undo.json.version), before, "nothing of a refused list applied");
  const up = await api.admin.post("/v1/locations", stores);
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.upserted, 6000);
  assert.equal(await locationsAt(up.json.version), before + 6000);
  // An id or name longer than a SKU may be is refused by name.
  const long = await api.admin.post("/v1/locations", [{ id: "L-long", name: "n".repeat(201), kind: "store", lat: 45, lon: 4 }]);
  assertError(long, 400, "invalid_input");
  assert.equal(long.json.error.field, "[0].name");
});
