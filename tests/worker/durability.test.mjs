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
