// Restart durability inside workerd: the Durable Objects' storage persisted to a directory, the
// worker stopped and started again on it. Reservations, orders, positions, alarms and the read
// path's replica all survive; the journal compacts into a snapshot and still reloads exactly.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { positionMap, seed, sleep, TEN_LOCATIONS, workerFixture } from "./helpers.mjs";

const fx = workerFixture();
after(() => fx.cleanup());
const PARIS = { lat: 48.85, lon: 2.35 };

test("a restart loses no reservation, order, position or pending expiry", async () => {
  const persist = join(fx.dir, "state-1");
  let api = await fx.start({ persist });
  await seed(api, TEN_LOCATIONS, { D: { L0: 10, L1: 10 } });
  const held = await api.post("/v1/reservations", { idempotencyKey: "d-held", lines: [{ sku: "D", qty: 3 }], destination: PARIS });
  const soon = await api.post("/v1/reservations", { idempotencyKey: "d-soon", lines: [{ sku: "D", qty: 2 }], destination: PARIS, ttlSeconds: 2 });
  const forOrder = await api.post("/v1/reservations", { idempotencyKey: "d-order", lines: [{ sku: "D", qty: 4 }], destination: PARIS });
  const order = await api.post("/v1/orders", { reservationId: forOrder.json.id });
  assert.equal((await api.admin.post(`/v1/orders/${order.json.id}/events`, { type: "picked" })).status, 200);
  const before = await positionMap(api, ["D"]);
  const status = (await api.admin.get("/v1/ledger")).json;
  await api.dispose();

  api = await fx.start({ persist });
  assert.deepEqual(await positionMap(api, ["D"]), before);
  const again = (await api.admin.get("/v1/ledger")).json;
  assert.equal(again.epoch, status.epoch);
  assert.equal(again.version, status.version);
  assert.equal(again.orders, 1);
  assert.equal((await api.get(`/v1/reservations/${held.json.id}`)).json.status, "held");
  const tracked = await api.get(`/v1/orders/${order.json.id}?token=${order.json.trackingToken}`);
  assert.equal(tracked.status, 200);
  assert.deepEqual(tracked.json.timeline.map((e) => e.status), ["created", "picked"]);
  // The retry of a reservation made before the restart still answers the same one.
  const retry = await api.post("/v1/reservations", { idempotencyKey: "d-held", lines: [{ sku: "D", qty: 3 }], destination: PARIS });
  assert.equal(retry.json.id, held.json.id);
  // The alarm set before the restart still expires the short reservation.
  await sleep(2500);
  assert.equal((await api.get(`/v1/reservations/${soon.json.id}`)).json.status, "expired");
  // And the lifecycle goes on where it stopped.
  assert.equal((await api.admin.post(`/v1/orders/${order.json.id}/events`, { type: "shipped" })).json.status, "shipped");
  assert.equal((await api.del(`/v1/reservations/${held.json.id}`)).status, 200);
  const p = await positionMap(api, ["D"]);
  assert.equal(p["D@L0"].reserved + p["D@L1"].reserved, 0);
  assert.equal(p["D@L0"].onHand + p["D@L1"].onHand, 16);
  // The edge read path answers from the same state.
  const avail = await api.get("/v1/availability?skus=D");
  assert.equal(avail.json[0].total, 16);
  await api.dispose();
});

test("the journal compacts into a snapshot, and the snapshot plus the journal reload exactly", async () => {
  const persist = join(fx.dir, "state-2");
  let api = await fx.start({ persist });
  await seed(api, TEN_LOCATIONS, { J: { L0: 0 } });
  // 1,100 writes: past the 1,000-entry compaction threshold.
  for (let i = 0; i < 1100; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, k) =>
        api.admin.post("/v1/inventory/events", { events: [{ id: `j-${i + k}`, type: "adjust", sku: "J", location: "L0", delta: 1 }] }),
      ),
    );
  }
  const status = (await api.admin.get("/v1/ledger")).json;
  assert.ok(status.snapshotVersion >= 1000, `snapshot at ${status.snapshotVersion}`);
  assert.ok(status.version > status.snapshotVersion);
  const p = await positionMap(api, ["J"]);
  assert.equal(p["J@L0"].onHand, 1100);
  await api.dispose();

  api = await fx.start({ persist });
  assert.deepEqual(await positionMap(api, ["J"]), p);
  assert.equal((await api.admin.get("/v1/ledger")).json.version, status.version);
  const avail = await api.get("/v1/availability?skus=J");
  assert.equal(avail.json[0].total, 1100);
  await api.dispose();
});

test("a 30,000-event batch (~2.5 MB) applies, journals in chunks, replicates and reloads", async () => {
  const persist = join(fx.dir, "state-3");
  let api = await fx.start({ persist });
  await seed(api, TEN_LOCATIONS, {});
  const events = [];
  for (let i = 0; i < 30_000; i++) {
    events.push({ id: `bulk-${i}`, type: "set", sku: `BULK-${String(i).padStart(6, "0")}`, location: `L${i % 10}`, onHand: 1 + (i % 7) });
  }
  const before = (await api.admin.get("/v1/ledger")).json.version;
  const res = await api.admin.post("/v1/inventory/events", { events });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.equal(res.json.applied, 30_000);
  assert.equal(res.json.changes.length, 30_000);
  assert.ok(res.json.version - before > 1, "the batch is journalled in several entries");
  const sample = ["BULK-000000", "BULK-012345", "BULK-029999"];
  const expected = sample.map((s) => 1 + (Number(s.slice(5)) % 7));
  await sleep(1005);
  const read = await api.get(`/v1/availability?skus=${sample.join(",")}`);
  assert.deepEqual(read.json.map((a) => a.total), expected);
  await api.dispose();
  api = await fx.start({ persist });
  const again = await api.get(`/v1/availability?skus=${sample.join(",")}`);
  assert.deepEqual(again.json.map((a) => a.total), expected);
  await api.dispose();
});

test("orders stored under the former status names (in_preparation, restocked) read under the new ones", async () => {
  const persist = join(fx.dir, "state-3");
  let api = await fx.start({ persist });
  await seed(api, TEN_LOCATIONS, { M: { L0: 10 } });
  const made = [];
  for (const key of ["m-picked", "m-returned"]) {
    const r = await api.post("/v1/reservations", { idempotencyKey: key, lines: [{ sku: "M", qty: 1 }], destination: PARIS });
    made.push((await api.post("/v1/orders", { reservationId: r.json.id })).json);
  }
  const [picked, returned] = made;
  for (const type of ["picked", "shipped", "returned"]) await api.admin.post(`/v1/orders/${returned.id}/events`, { type });
  await api.admin.post(`/v1/orders/${picked.id}/events`, { type: "picked" });
  await api.dispose();

  // What the ledger wrote before the rename: the statuses' former names, and no migration mark.
  const files = readdirSync(persist, { recursive: true }).filter((f) => f.endsWith(".sqlite")).map((f) => join(persist, f));
  const rewrite = `
import sqlite3, sys
for path in sys.argv[1:]:
    db = sqlite3.connect(path)
    if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'orders'").fetchone()[0]:
        for table in ("orders", "order_events"):
            db.execute(f"UPDATE {table} SET status = 'in_preparation' WHERE status = 'picked'")
            db.execute(f"UPDATE {table} SET status = 'restocked' WHERE status = 'returned'")
        db.execute("DELETE FROM meta WHERE key = 'order_statuses'")
        db.commit()
        print(path)
    db.close()
`;
  const touched = execFileSync("python3", ["-c", rewrite, ...files], { encoding: "utf8" }).trim();
  assert.ok(touched.length > 0, `the ledger's database among ${files.join(", ")}`);

  api = await fx.start({ persist });
  const view = async (o) => (await api.get(`/v1/orders/${o.id}?token=${o.trackingToken}`)).json;
  assert.equal((await view(picked)).status, "picked");
  assert.deepEqual((await view(returned)).timeline.map((e) => e.status), ["created", "picked", "shipped", "returned"]);
  assert.equal((await api.admin.get("/v1/orders?status=picked")).json.orders.length, 1);
  // The lifecycle goes on under the new names.
  assert.equal((await api.admin.post(`/v1/orders/${picked.id}/events`, { type: "shipped" })).json.status, "shipped");
  await api.dispose();
});

test("a batch of stale counts alone is journaled: its ids stay remembered across a restart and on the edge", async () => {
  const persist = join(fx.dir, "state-stale");
  let api = await fx.start({ persist });
  await seed(api, TEN_LOCATIONS, {});
  const post = (events) => api.admin.post("/v1/inventory/events", { events });
  assert.equal((await post([{ id: "c1", type: "set", sku: "X", location: "L0", onHand: 5, version: 10 }])).json.applied, 1);
  // Stale: nothing applies, but the id is remembered...
  assert.equal((await post([{ id: "c2", type: "set", sku: "X", location: "L0", onHand: 9, version: 3 }])).json.stale, 1);
  // ...so the same id again is a duplicate (an integration's misuse: another payload).
  const again = (await post([{ id: "c2", type: "set", sku: "X", location: "L0", onHand: 1, version: 11 }, { id: "y1", type: "adjust", sku: "Y", location: "L0", delta: 1 }])).json;
  assert.deepEqual([again.applied, again.duplicates], [1, 1]);
  const held = await api.post("/v1/reservations", { idempotencyKey: "stale-hold", lines: [{ sku: "X", qty: 2 }], destination: PARIS });
  assert.equal(held.status, 201);
  const before = await positionMap(api, ["X"]);
  assert.deepEqual([before["X@L0"].onHand, before["X@L0"].reserved], [5, 2]);
  await sleep(1100); // the edge replica catches up by the journal
  assert.equal((await api.get("/v1/availability?skus=X")).json[0]?.total, 3);
  await api.dispose();

  api = await fx.start({ persist });
  assert.deepEqual(await positionMap(api, ["X"]), before, "the restarted ledger replays what was answered");
  await api.dispose();
});

test("the ledger's own holds and moves take no room among the ids that integrations' retries are de-duplicated by", async () => {
  const persist = join(fx.dir, "state-window");
  let api = await fx.start({ persist });
  await seed(api, TEN_LOCATIONS, { W: { L0: 10 } });
  const remembered = async () => (await api.admin.get("/v1/ledger")).json.engine.rememberedEvents;
  const start = await remembered();
  for (let i = 0; i < 3; i++) {
    const r = await api.post("/v1/reservations", { idempotencyKey: `win-${i}`, lines: [{ sku: "W", qty: 1 }], destination: PARIS });
    if (i === 0) assert.equal((await api.del(`/v1/reservations/${r.json.id}`)).status, 200);
    else {
      const o = await api.post("/v1/orders", { reservationId: r.json.id });
      for (const type of ["picked", "shipped"]) assert.equal((await api.admin.post(`/v1/orders/${o.json.id}/events`, { type })).status, 200);
    }
  }
  assert.equal(await remembered(), start, "holds, releases, picks and ships are not remembered");
  const p = await positionMap(api, ["W"]);
  assert.deepEqual([p["W@L0"].onHand, p["W@L0"].reserved, p["W@L0"].picking], [8, 0, 0]);
  await api.dispose();
  // Replayed the same way after a restart, and on the edge.
  api = await fx.start({ persist });
  assert.deepEqual(await positionMap(api, ["W"]), p);
  assert.equal(await remembered(), start);
  assert.equal((await api.get("/v1/availability?skus=W")).json[0].total, 8);
  await api.dispose();
});

test("an edge replica far behind (a 40 MB count) catches up by snapshot, not by a delta too large for one RPC", { timeout: 240_000 }, async () => {
  const persist = join(fx.dir, "state-big");
  const api = await fx.start({ persist });
  await seed(api, TEN_LOCATIONS, { B: { L0: 1 } });
  assert.equal((await api.get("/v1/availability?skus=B")).json[0].total, 1); // the replica is warm
  // 12 batches of 55 events, each carrying a feed's 60 KB field (ingest keeps an event's own
  // fields in the journal): about 40 MB of journal, behind the 32 MiB an RPC reply carries.
  const note = "x".repeat(60_000);
  for (let b = 0; b < 12; b++) {
    const events = Array.from({ length: 55 }, (_, i) => ({ id: `big-${b}-${i}`, type: "adjust", sku: "B", location: "L0", delta: 1, note }));
    const r = await api.admin.post("/v1/inventory/events", { events });
    assert.equal(r.status, 200, JSON.stringify(r.json).slice(0, 300));
  }
  const read = await api.get("/v1/availability?skus=B");
  assert.equal(read.status, 200, JSON.stringify(read.json).slice(0, 300));
  assert.equal(read.json[0].total, 1 + 12 * 55);
  // The engine the snapshot replaced is freed at the next sync (src/read.ts): reads around it,
  // concurrent ones included, go on answering from the replica.
  const more = await api.admin.post("/v1/inventory/events", { events: [{ id: "after-snapshot", type: "adjust", sku: "B", location: "L0", delta: 1 }] });
  assert.equal(more.status, 200);
  const reads = await Promise.all(Array.from({ length: 20 }, () => api.get("/v1/availability?skus=B")));
  for (const r of reads) {
    assert.equal(r.status, 200, JSON.stringify(r.json).slice(0, 300));
    assert.equal(r.json[0].total, 2 + 12 * 55);
  }
  await api.dispose();
});
