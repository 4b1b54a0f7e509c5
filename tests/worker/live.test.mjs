// Live updates inside workerd: a storefront's WebSocket receives the ATS changes of its SKUs
// near its point within 1 s of an ingest or a reservation; the operations stream receives
// out-of-stock and failed-sourcing alerts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, seed, sleep, TEN_LOCATIONS, TOKEN, workerFixture } from "./helpers.mjs";

const fx = workerFixture();
let api;
const PARIS = { lat: 48.85, lon: 2.35 };

before(async () => {
  api = await fx.start();
  // L0 is in Paris; L9 is ~30 km away.
  await seed(api, TEN_LOCATIONS, { W: { L0: 5, L9: 5 }, V: { L0: 1 } });
  await sleep(200); // the seed's own live push is out before anyone subscribes
});
after(() => fx.cleanup());

/** Opens a WebSocket through the worker; collects messages; `next(pred, ms)` awaits one. */
async function connect(path) {
  const res = await api.mf.dispatchFetch(`${BASE}${path}`, { headers: { upgrade: "websocket" } });
  assert.equal(res.status, 101, await res.text().catch(() => ""));
  const ws = res.webSocket;
  const messages = [];
  const waiters = [];
  ws.addEventListener("message", (e) => {
    const msg = JSON.parse(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data));
    msg.receivedAt = performance.now();
    messages.push(msg);
    for (const w of [...waiters]) w();
  });
  ws.accept();
  return {
    ws,
    messages,
    send: (m) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
    next(pred, ms = 1000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const i = messages.findIndex(pred);
          if (i < 0) return false;
          const [m] = messages.splice(i, 1);
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no matching message within ${ms} ms; got ${JSON.stringify(messages)}`));
        }, ms);
        waiters.push(check);
        check();
      });
    },
    close: () => ws.close(1000, "done"),
  };
}

test("an ingest reaches a subscriber of that SKU near that point within 1 s", async () => {
  const sub = await connect("/v1/live?skus=W&lat=48.85&lon=2.35&radiusKm=15");
  const hello = await sub.next((m) => m.type === "hello");
  assert.deepEqual(hello.subscription, { skus: ["W"], mode: "ship", near: PARIS, radiusKm: 15 });

  const sent = performance.now();
  const res = await api.admin.post("/v1/inventory/events", {
    events: [
      { id: "live-1", type: "adjust", sku: "W", location: "L0", delta: 3 },
      { id: "live-2", type: "adjust", sku: "W", location: "L9", delta: 3 }, // outside the radius
      { id: "live-3", type: "adjust", sku: "V", location: "L0", delta: 3 }, // another SKU
    ],
  });
  assert.equal(res.status, 200);
  const msg = await sub.next((m) => m.type === "ats", 1000);
  assert.ok(msg.receivedAt - sent < 1000, `delivered in ${msg.receivedAt - sent} ms`);
  assert.deepEqual(msg.changes, [{ sku: "W", location: "L0", before: 5, after: 8, delta: 3, distanceKm: 0 }]);
  assert.ok(msg.version >= res.json.version);
  // A client joining later learns, in its hello, the last version pushed before it joined: a
  // read at that version holds every change it will not be pushed.
  const late = await connect("/v1/live?skus=W&lat=48.85&lon=2.35&radiusKm=15");
  const joined = await late.next((m) => m.type === "hello");
  assert.ok(joined.version >= msg.version, `hello version ${joined.version}, pushed ${msg.version}`);
  const read = await api.get(`/v1/availability?skus=W&lat=48.85&lon=2.35&radiusKm=15&version=${joined.version}`);
  assert.equal(read.json[0].locations.find((l) => l.id === "L0").ats, 8);
  assert.ok(Number(read.headers.get("x-atsource-version")) >= joined.version);
  late.close();
  sub.close();
});

test("expected supply reaches the subscriber within 1 s, and a re-read at the pushed version shows it", async () => {
  // X is out of stock near Paris: only supply on its way can date it.
  const sub = await connect("/v1/live?skus=X&lat=48.85&lon=2.35&radiusKm=15");
  await sub.next((m) => m.type === "hello");
  const sent = performance.now();
  const res = await api.admin.post("/v1/inventory/events", {
    events: [{ id: "supply-1", type: "incoming", sku: "X", location: "L0", qty: 4, date: "2099-01-15" }],
  });
  assert.equal(res.status, 200, res.text);
  const msg = await sub.next((m) => m.type === "ats", 1000);
  assert.ok(msg.receivedAt - sent < 1000, `delivered in ${msg.receivedAt - sent} ms`);
  assert.deepEqual(msg.changes, [{ sku: "X", location: "L0", before: 0, after: 0, supply: true, delta: 0, distanceKm: 0 }]);
  // Read at that version: the edge replica catches up first, whatever its staleness bound.
  const read = await api.get(`/v1/availability?skus=X&lat=48.85&lon=2.35&radiusKm=15&version=${msg.version}`);
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json[0].availableFrom, "2099-01-15");
  assert.deepEqual(read.json[0].incoming, [{ date: "2099-01-15", qty: 4 }]);
  assertError400(await api.get("/v1/availability?skus=X&version=1.5"));
  assertError400(await api.get("/v1/availability?skus=X&version=-1"));
  sub.close();
});

test("availability ignores supply dated before today unless asked for another day", async () => {
  const res = await api.admin.post("/v1/inventory/events", {
    events: [{ id: "late-1", type: "incoming", sku: "Y", location: "L0", qty: 2, date: "2020-03-02" }],
  });
  assert.equal(res.status, 200, res.text);
  const now = await api.get(`/v1/availability?skus=Y&lat=48.85&lon=2.35&radiusKm=15&version=${res.json.version}`);
  assert.equal(now.status, 200, now.text);
  assert.equal(now.json[0].availableFrom, undefined, JSON.stringify(now.json));
  const then = await api.get("/v1/availability?skus=Y&lat=48.85&lon=2.35&radiusKm=15&today=2020-03-01");
  assert.equal(then.json[0].availableFrom, "2020-03-02");
});

function assertError400(res) {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.error.code, "invalid_input");
}

test("a reservation reaches the subscriber within 1 s; subscriptions can change", async () => {
  const sub = await connect("/v1/live?skus=V");
  await sub.next((m) => m.type === "hello");
  sub.send({ type: "subscribe", skus: ["W"], lat: 48.85, lon: 2.35, radiusKm: 15, mode: "ship" });
  const ack = await sub.next((m) => m.type === "subscribed");
  assert.deepEqual(ack.subscription.skus, ["W"]);
  const sent = performance.now();
  const r = await api.post("/v1/reservations", { idempotencyKey: "live-r", lines: [{ sku: "W", qty: 2 }], destination: PARIS });
  assert.equal(r.status, 201, r.text);
  const msg = await sub.next((m) => m.type === "ats", 1000);
  assert.ok(msg.receivedAt - sent < 1000, `delivered in ${msg.receivedAt - sent} ms`);
  assert.deepEqual(msg.changes.map((c) => [c.sku, c.location, c.delta]), [["W", "L0", -2]]);
  // Bad messages are answered with an error, the socket stays open.
  sub.send("not json");
  assert.equal((await sub.next((m) => m.type === "error")).error.code, "bad_json");
  sub.send({ type: "subscribe", skus: [] });
  assert.equal((await sub.next((m) => m.type === "error")).error.code, "invalid_input");
  // Values are read as the JSON they are: not coerced to text (an object was "[object Object]",
  // a SKU with commas three SKUs), and the error names the field.
  for (const [message, field] of [
    [{ type: "subscribe", skus: [null, {}] }, "skus[0]"],
    [{ type: "subscribe", skus: ["\ud800"] }, "skus[0]"],
    [{ type: "subscribe", skus: ["W"], mode: { toString: 1 } }, "mode"],
    [{ type: "subscribe", skus: ["W"], lat: "48.85", lon: 2.35 }, "lat"],
    [{ type: "subscribe", skus: ["W"], radiusKm: 5 }, "radiusKm"],
    [{ type: "subscribe", skus: ["W"], colour: "red" }, "colour"],
    [{ type: "ping" }, "type"],
    [{ skus: ["W"] }, "type"],
  ]) {
    sub.send(message);
    const error = (await sub.next((m) => m.type === "error")).error;
    assert.deepEqual([error.code, error.field], ["invalid_input", field], JSON.stringify(message));
  }
  sub.send({ type: "subscribe", skus: ["W,Z,Q"] });
  assert.deepEqual((await sub.next((m) => m.type === "subscribed")).subscription.skus, ["W,Z,Q"]);
  sub.close();
});

test("the hello's version is the highest pushed in the ledger's epoch, whatever order batches land in; a new epoch starts again", async () => {
  const ns = await api.mf.getDurableObjectNamespace("LIVE");
  const hub = ns.get(ns.idFromName("default"));
  const hello = async () => {
    const sub = await connect("/v1/live?skus=NOTHING");
    const m = await sub.next((x) => x.type === "hello");
    sub.close();
    return m.version;
  };
  const base = await hello();
  await hub.publish({ epoch: "test-epoch-a", version: base + 20, changes: [], alerts: [] });
  await hub.publish({ epoch: "test-epoch-a", version: base + 10, changes: [], alerts: [] });
  assert.equal(await hello(), base + 20);
  await hub.publish({ epoch: "test-epoch-b", version: 3, changes: [], alerts: [] });
  assert.equal(await hello(), 3);
});

test("the operations stream gets low-stock, out-of-stock and failed-sourcing alerts", async () => {
  const ops = await connect(`/v1/live/alerts?token=${TOKEN}`);
  const hello = await ops.next((m) => m.type === "hello");
  assert.ok(Array.isArray(hello.recent));
  // A threshold of 3 for SKU V: 10 → 2 crosses it.
  assert.equal((await api.admin.post("/v1/inventory/thresholds", { sku: "V", low: 3 })).status, 200);
  await api.admin.post("/v1/inventory/events", { events: [{ id: "low-0", type: "set", sku: "V", location: "L0", onHand: 10 }] });
  await api.admin.post("/v1/inventory/events", { events: [{ id: "low-1", type: "adjust", sku: "V", location: "L0", delta: -8 }] });
  const low = await ops.next((m) => m.type === "alerts" && m.alerts.some((a) => a.kind === "low"), 1000);
  assert.deepEqual(
    low.alerts.filter((a) => a.kind === "low").map((a) => [a.type, a.sku, a.location, a.ats, a.threshold]),
    [["stock", "V", "L0", 2, 3]],
  );
  await api.admin.post("/v1/inventory/events", { events: [{ id: "oos-1", type: "set", sku: "V", location: "L0", onHand: 0 }] });
  const oos = await ops.next((m) => m.type === "alerts" && m.alerts.some((a) => a.kind === "out_of_stock"), 1000);
  assert.deepEqual(
    oos.alerts.filter((a) => a.kind === "out_of_stock").map((a) => [a.type, a.sku, a.location, a.ats]),
    [["stock", "V", "L0", 0]],
  );
  const failed = await api.post("/v1/reservations", { idempotencyKey: "live-f", lines: [{ sku: "V", qty: 1 }], destination: PARIS });
  assert.equal(failed.status, 409);
  const alert = await ops.next((m) => m.type === "alerts" && m.alerts.some((a) => a.type === "sourcing_failed"), 1000);
  const a = alert.alerts.find((x) => x.type === "sourcing_failed");
  assert.deepEqual(a.unfulfilled, [{ sku: "V", qty: 1 }]);
  assert.deepEqual(a.destination, PARIS);
  // The same alerts are kept for GET /v1/alerts.
  const recent = await api.admin.get("/v1/alerts");
  assert.ok(recent.json.alerts.some((x) => x.type === "sourcing_failed"));
  ops.close();
});

test("a WebSocket with a bad subscription or without the token is refused before upgrading", async () => {
  const bad = await api.mf.dispatchFetch(`${BASE}/v1/live?skus=W&lat=100&lon=2`, { headers: { upgrade: "websocket" } });
  assert.equal(bad.status, 400);
  const noToken = await api.mf.dispatchFetch(`${BASE}/v1/live/alerts`, { headers: { upgrade: "websocket" } });
  assert.equal(noToken.status, 401);
  // 200 SKUs of 200 characters (each within its limit): too long for a socket's attachment (16 KiB
  // in workerd), refused by name rather than a 500.
  const long = Array.from({ length: 200 }, (_, i) => `S${i}`.padEnd(200, "x"));
  const big = await api.mf.dispatchFetch(`${BASE}/v1/live?skus=${long.join(",")}`, { headers: { upgrade: "websocket" } });
  assert.equal(big.status, 400);
  assert.equal((await big.json()).error.field, "skus");
  const sub = await connect("/v1/live?skus=V");
  await sub.next((m) => m.type === "hello");
  sub.send({ type: "subscribe", skus: long });
  assert.deepEqual(Object.values((({ code, field }) => ({ code, field }))((await sub.next((m) => m.type === "error")).error)), ["invalid_input", "skus"]);
  sub.send({ type: "subscribe", skus: long.slice(0, 60) });
  assert.equal((await sub.next((m) => m.type === "subscribed")).subscription.skus.length, 60);
  sub.close();
});

test("a pushed change carries the API's distance, unrounded", async () => {
  // Off any store: every distance has more than three decimals.
  const q = "lat=48.8566&lon=2.3522&radiusKm=50";
  const sub = await connect(`/v1/live?skus=X&${q}`);
  await sub.next((m) => m.type === "hello");
  const res = await api.admin.post("/v1/inventory/events", {
    events: ["L1", "L6", "L9"].map((location) => ({ id: `x-${location}`, type: "set", sku: "X", location, onHand: 2 })),
  });
  assert.equal(res.status, 200, res.text);
  const msg = await sub.next((m) => m.type === "ats", 1000);
  await sleep(1100); // the edge replica has caught up
  const avail = await api.get(`/v1/availability?skus=X&${q}`);
  const want = Object.fromEntries(avail.json[0].locations.map((l) => [l.location ?? l.id, l.distanceKm]));
  assert.equal(Object.keys(want).length, 3, avail.text);
  const got = Object.fromEntries(msg.changes.map((c) => [c.location, c.distanceKm]));
  assert.deepEqual(got, want);
  assert.ok(msg.changes.every((c) => Math.round(c.distanceKm * 1000) / 1000 !== c.distanceKm), JSON.stringify(msg.changes));
  sub.close();
});
