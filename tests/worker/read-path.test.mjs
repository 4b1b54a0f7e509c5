// The edge read path inside workerd: answers come from the isolate's replica (without asking the
// ledger while it is fresh enough), never more than READ_MAX_STALENESS_MS (1 s) behind the
// ledger and never behind a write this edge has answered; replicas catch up by journal deltas,
// and the demo network loads on a first start with DEMO_NETWORK=true.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { seed, sleep, TEN_LOCATIONS, workerFixture } from "./helpers.mjs";

const fx = workerFixture();
after(() => fx.cleanup());

test("a write is visible to reads within 1 s, and always after 1 s", async () => {
  const api = await fx.start();
  await seed(api, TEN_LOCATIONS, { E: { L0: 1 } });
  const total = async () => (await api.get("/v1/availability?skus=E")).json[0].total;
  assert.equal(await total(), 1); // warms the replica
  for (let round = 2; round <= 5; round++) {
    const res = await api.admin.post("/v1/inventory/events", { events: [{ id: `e-${round}`, type: "set", sku: "E", location: "L0", onHand: round }] });
    assert.equal(res.status, 200);
    const acked = Date.now(); // after the ledger committed the write
    // Poll until the write shows. The bound: no request sent 1 s or more after the commit
    // may get the old answer (5 ms of slack for the clocks' millisecond rounding).
    let fresh = false;
    while (!fresh && Date.now() - acked < 2000) {
      const sent = Date.now();
      fresh = (await total()) === round;
      if (!fresh) assert.ok(sent - acked < 1005, `round ${round}: stale answer to a request sent ${sent - acked} ms after the write`);
      if (!fresh) await sleep(15);
    }
    assert.ok(fresh, `round ${round}: never visible`);
  }
  // After the bound, no read is stale.
  await api.admin.post("/v1/inventory/events", { events: [{ id: "e-9", type: "set", sku: "E", location: "L0", onHand: 9 }] });
  await sleep(1005);
  assert.equal(await total(), 9);
  // The replica reports which ledger version it answered from.
  const ledger = (await api.admin.get("/v1/ledger")).json.version;
  const res = await api.get("/v1/availability?skus=E");
  assert.equal(Number(res.headers.get("x-atsource-version")), ledger);
  await api.dispose();
});

test("a tighter bound is honoured (READ_MAX_STALENESS_MS=0 reads through on every request)", async () => {
  const api = await fx.start({ vars: { READ_MAX_STALENESS_MS: "0" } });
  await seed(api, TEN_LOCATIONS, { F: { L0: 1 } });
  for (let i = 2; i < 6; i++) {
    await api.admin.post("/v1/inventory/events", { events: [{ id: `f-${i}`, type: "set", sku: "F", location: "L0", onHand: i }] });
    assert.equal((await api.get("/v1/availability?skus=F")).json[0].total, i);
  }
  await api.dispose();
});

test("a write answered by this edge is visible to its next read, on every read route", async () => {
  // A 60 s bound: without read-your-writes these reads would come from the older replica.
  const api = await fx.start({ vars: { READ_MAX_STALENESS_MS: "60000" } });
  await seed(api, TEN_LOCATIONS, { G: { L0: 1 } });
  const PARIS = { lat: 48.85, lon: 2.35 };
  const reads = async () => ({
    availability: await api.get("/v1/availability?skus=G"),
    locations: await api.get("/v1/locations?lat=48.85&lon=2.35&radiusKm=5000"),
    source: await api.post("/v1/source", { lines: [{ sku: "G", qty: 1 }], destination: PARIS }),
  });
  const before = await reads(); // the replica is loaded at the seed's version
  const v = Number(before.availability.headers.get("x-atsource-version"));
  assert.equal(before.availability.json[0].total, 1);
  assert.equal((await api.admin.post("/v1/inventory/events", { events: [{ id: "g-0", type: "set", sku: "G", location: "L0", onHand: 0 }] })).status, 200);
  assert.equal((await api.admin.post("/v1/locations", [{ id: "L-NEW", kind: "store", lat: 48.86, lon: 2.36 }])).status, 200);
  const ledger = (await api.admin.get("/v1/ledger")).json.version;
  assert.ok(ledger > v);
  const after = await reads();
  for (const [route, res] of Object.entries(after)) {
    assert.equal(res.status, 200, `${route}: ${res.text}`);
    assert.equal(Number(res.headers.get("x-atsource-version")), ledger, `${route} answered after the writes`);
  }
  assert.equal(after.availability.json[0].total, 0, "the write shows at once");
  assert.equal(after.source.json.plan.status, "unfulfillable");
  assert.ok(after.locations.json.some((l) => l.id === "L-NEW"));
  // A reservation answered here shows in the next availability read too.
  await api.admin.post("/v1/inventory/events", { events: [{ id: "g-1", type: "set", sku: "G", location: "L0", onHand: 3 }] });
  assert.equal((await api.post("/v1/reservations", { idempotencyKey: "g-res", lines: [{ sku: "G", qty: 2 }], destination: PARIS })).status, 201);
  assert.equal((await api.get("/v1/availability?skus=G")).json[0].total, 1);
  await api.dispose();
});

test("within the bound and with no write since, every read route answers from the replica without asking the ledger", async () => {
  const api = await fx.start({ vars: { READ_MAX_STALENESS_MS: "60000" } });
  await seed(api, TEN_LOCATIONS, { H: { L0: 2 } });
  const PARIS = { lat: 48.85, lon: 2.35 };
  const reads = async () => [
    await api.get("/v1/availability?skus=H"),
    await api.get("/v1/locations?lat=48.85&lon=2.35&radiusKm=5000"),
    await api.post("/v1/source", { lines: [{ sku: "H", qty: 1 }], destination: PARIS }),
  ];
  await reads(); // syncs once after the seed's writes
  const syncs = (await api.admin.get("/v1/ledger")).json.replicaSyncs;
  assert.ok(Number.isInteger(syncs) && syncs > 0);
  for (let i = 0; i < 3; i++) {
    for (const res of await reads()) assert.equal(res.status, 200, res.text);
  }
  assert.equal((await api.admin.get("/v1/ledger")).json.replicaSyncs, syncs, "nine reads, no sync");
  await api.dispose();
});

test("a read at a ledger version reads that write; reads naming a version ahead of the ledger share their syncs", async () => {
  const api = await fx.start({ vars: { READ_MAX_STALENESS_MS: "60000" } });
  await seed(api, TEN_LOCATIONS, { K: { L0: 2 } });
  await api.get("/v1/availability?skus=K"); // the replica syncs after the seed
  const write = await api.admin.post("/v1/inventory/events", { events: [{ id: "k1", type: "adjust", sku: "K", location: "L0", delta: 3 }] });
  assert.equal(write.status, 200, write.text);
  assert.equal((await api.get(`/v1/availability?skus=K&version=${write.json.version}`)).json[0].total, 5);
  // Twenty reads at once naming a version the ledger never reached share their syncs.
  const before = (await api.admin.get("/v1/ledger")).json.replicaSyncs;
  const ahead = await Promise.all(Array.from({ length: 20 }, () => api.get("/v1/availability?skus=K&version=999999999")));
  for (const res of ahead) assert.equal(res.json[0].total, 5);
  const syncs = (await api.admin.get("/v1/ledger")).json.replicaSyncs - before;
  assert.ok(syncs <= 6, `${syncs} syncs for 20 reads`);
  await api.dispose();
});

test("the demo network loads on the first start and answers every read", async () => {
  const api = await fx.start({ vars: { DEMO_NETWORK: "true" } });
  const started = performance.now();
  const health = await api.admin.get("/v1/ledger");
  assert.equal(health.status, 200);
  const bootMs = performance.now() - started;
  assert.equal(health.json.engine.locations, 154);
  assert.ok(health.json.engine.positions > 100_000);
  const cat = await api.get("/v1/catalogue");
  assert.equal(cat.status, 200);
  assert.equal(cat.json.products.length, 2000);
  const locs = await api.get("/v1/locations?lat=48.8566&lon=2.3522&radiusKm=20");
  assert.ok(locs.json.length > 3);
  const skus = cat.json.products.slice(0, 20).map((p) => p.sku);
  const avail = await api.get(`/v1/availability?skus=${skus.join(",")}&lat=48.8566&lon=2.3522&radiusKm=50&limit=3`);
  assert.equal(avail.status, 200);
  assert.equal(avail.json.length, 20);
  const sku = avail.json.find((a) => a.total > 2)?.sku ?? skus[0];
  const src = await api.post("/v1/source", { lines: [{ sku, qty: 1 }], destination: { lat: 48.8566, lon: 2.3522 } });
  assert.equal(src.status, 200);
  assert.equal(src.json.plan.status, "complete");
  const r = await api.post("/v1/reservations", { idempotencyKey: "demo-1", lines: [{ sku, qty: 1 }], destination: { lat: 48.8566, lon: 2.3522 } });
  assert.equal(r.status, 201, r.text);
  console.log(`demo network: ledger first start ${Math.round(bootMs)} ms`);
  await api.dispose();
});
