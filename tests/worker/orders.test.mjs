// Order lifecycle and returns inside workerd: each transition moves the positions exactly as the
// contract's event table says (reserve → pick → ship; cancel releases; return adds onHand),
// invalid transitions are 409, and the tracking timeline and the report follow.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { positionMap, seed, TEN_LOCATIONS, workerFixture } from "./helpers.mjs";

const fx = workerFixture();
let api;
const PARIS = { lat: 48.85, lon: 2.35 };
let n = 0;

before(async () => {
  api = await fx.start();
  // S: 4 at L0 (nearest), 10 at L1; T: 3 at L0.
  await seed(api, TEN_LOCATIONS, { S: { L0: 4, L1: 10 }, T: { L0: 3 } });
});
after(() => fx.cleanup());

async function order(lines) {
  const r = await api.post("/v1/reservations", { idempotencyKey: `o-${n++}`, lines, destination: PARIS });
  assert.equal(r.status, 201, r.text);
  const o = await api.post("/v1/orders", { reservationId: r.json.id, customer: { name: "Ana" } });
  assert.equal(o.status, 201, o.text);
  return { ...o.json, plan: r.json.plan };
}

async function event(o, body, status = 200) {
  const res = await api.admin.post(`/v1/orders/${o.id}/events`, body);
  assert.equal(res.status, status, res.text);
  return res.json;
}

const pos = () => positionMap(api, ["S", "T"]);
const P = (onHand, reserved, picking) => ({ onHand, reserved, picking });
function assertPositions(actual, expected) {
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    assert.deepEqual({ onHand: got.onHand, reserved: got.reserved, picking: got.picking }, want, key);
  }
}

test("created → picked → shipped → delivered: reserve → pick → ship", async () => {
  const o = await order([{ sku: "S", qty: 6 }, { sku: "T", qty: 1 }]);
  assert.equal(o.status, "created");
  // The cheapest plan takes S from L0 (4) and L1 (2), T from L0.
  assert.deepEqual(
    o.plan.shipments.map((s) => [s.location, s.lines.map((l) => `${l.sku}:${l.qty}`).join(" ")]),
    [["L0", "S:4 T:1"], ["L1", "S:2"]],
  );
  assertPositions(await pos(), { "S@L0": P(4, 4, 0), "S@L1": P(10, 2, 0), "T@L0": P(3, 1, 0) });
  assert.equal((await event(o, { type: "picked" })).status, "picked");
  assertPositions(await pos(), { "S@L0": P(4, 0, 4), "S@L1": P(10, 0, 2), "T@L0": P(3, 0, 1) });
  await event(o, { type: "delivered" }, 409);
  await event(o, { type: "picked" }, 409);
  assert.equal((await event(o, { type: "shipped", note: "Colissimo 6A123" })).status, "shipped");
  assertPositions(await pos(), { "S@L0": P(0, 0, 0), "S@L1": P(8, 0, 0), "T@L0": P(2, 0, 0) });
  await event(o, { type: "cancelled" }, 409);
  assert.equal((await event(o, { type: "delivered" })).status, "delivered");
  assertPositions(await pos(), { "S@L0": P(0, 0, 0), "S@L1": P(8, 0, 0), "T@L0": P(2, 0, 0) });

  // A return request by the shopper, then the parcel received at L1: sellable, restocked there.
  const tracked = await api.get(`/v1/orders/${o.id}?token=${o.trackingToken}`);
  assert.deepEqual(tracked.json.timeline.map((e) => e.status), ["created", "picked", "shipped", "delivered"]);
  assert.equal(tracked.json.timeline[2].detail.note, "Colissimo 6A123");
  const req = await api.post(`/v1/orders/${o.id}/returns?token=${o.trackingToken}`, { reason: "wrong size" });
  assert.equal(req.status, 201, req.text);
  // The shopper's request sent again (a double click, a lost answer): the same answer, once.
  const retry = await api.post(`/v1/orders/${o.id}/returns?token=${o.trackingToken}`, { reason: "wrong size" });
  assert.equal(retry.status, 201, retry.text);
  assert.equal(retry.headers.get("idempotent-replayed"), "true");
  assert.deepEqual(retry.json, req.json);
  const ret = await event(o, { type: "returned", location: "L1", lines: [{ sku: "S", qty: 2 }] });
  assert.equal(ret.status, "returned");
  assert.deepEqual(ret.timeline.at(-1).detail, { lines: [{ location: "L1", sku: "S", qty: 2 }], restocked: true });
  assertPositions(await pos(), { "S@L0": P(0, 0, 0), "S@L1": P(10, 0, 0), "T@L0": P(2, 0, 0) });
  // Units not sellable yet: received (returned), restocked later where they arrived.
  const held = await event(o, { type: "returned", location: "L0", lines: [{ sku: "T", qty: 1 }], restock: false });
  assert.equal(held.status, "returned");
  assert.equal(held.timeline.at(-1).detail.restocked, false);
  assertPositions(await pos(), { "T@L0": P(2, 0, 0) });
  const restocked = await event(o, { type: "restocked" });
  assert.equal(restocked.status, "returned", "restocking is not a status");
  assert.equal(restocked.timeline.at(-1).event, "restocked");
  assertPositions(await pos(), { "T@L0": P(3, 0, 0) });
  // Never more back than was shipped.
  const tooMany = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "returned", lines: [{ sku: "S", qty: 5 }] });
  assert.equal(tooMany.status, 409);
  assert.equal(tooMany.json.error.code, "invalid_return");
  // The rest of S (4 shipped from L0) comes back where it shipped from by default.
  assert.equal((await event(o, { type: "returned" })).status, "returned");
  assertPositions(await pos(), { "S@L0": P(4, 0, 0), "S@L1": P(10, 0, 0) });
  const nothing = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "returned" });
  assert.equal(nothing.status, 409);
  assert.equal(nothing.json.error.code, "nothing_to_return");

  const final = await api.get(`/v1/orders/${o.id}?token=${o.trackingToken}`);
  assert.equal(final.json.status, "returned");
  assert.deepEqual(final.json.timeline.map((e) => `${e.event}:${e.status}`), [
    "created:created", "picked:picked", "shipped:shipped", "delivered:delivered", "return_requested:return_requested",
    "returned:returned", "returned:returned", "restocked:returned", "returned:returned",
  ]);
  assert.deepEqual(
    final.json.returns.filter((r) => r.restocked).map((r) => `${r.sku}@${r.location}:${r.qty}`).sort(),
    ["S@L0:4", "S@L1:2", "T@L0:1"],
  );
});

test("cancelled when created releases the reservation's units", async () => {
  const before = await pos();
  const o = await order([{ sku: "S", qty: 3 }]);
  const after = await pos();
  assert.equal(after["S@L0"].reserved - before["S@L0"].reserved, 3);
  assert.equal((await event(o, { type: "cancelled" })).status, "cancelled");
  assertPositions(await pos(), { "S@L0": P(before["S@L0"].onHand, before["S@L0"].reserved, 0) });
  await event(o, { type: "picked" }, 409);
  await event(o, { type: "cancelled" }, 409);
});

test("cancelled in preparation puts the picked units back on hand", async () => {
  const before = await pos();
  const o = await order([{ sku: "T", qty: 2 }]);
  await event(o, { type: "picked" });
  assertPositions(await pos(), { "T@L0": P(before["T@L0"].onHand, 0, 2) });
  assert.equal((await event(o, { type: "cancelled" })).status, "cancelled");
  const p = await pos();
  assertPositions(p, { "T@L0": P(before["T@L0"].onHand, 0, 0) });
  assert.equal(p["T@L0"].ats, before["T@L0"].ats);
});

test("a return cannot precede shipping, and restocking needs received units", async () => {
  const o = await order([{ sku: "S", qty: 1 }]);
  await event(o, { type: "returned" }, 409);
  await event(o, { type: "restocked" }, 409);
  const r = await api.post(`/v1/orders/${o.id}/returns?token=${o.trackingToken}`, {});
  assert.equal(r.status, 409);
  await event(o, { type: "picked" });
  await event(o, { type: "shipped" });
  // A parcel refused at the door comes back straight from shipped.
  await event(o, { type: "returned", restock: false });
  const restock = await event(o, { type: "restocked" });
  assert.equal(restock.status, "returned");
  const again = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "restocked" });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, "nothing_to_restock");
});

test("GET /v1/reports/orders aggregates the history", async () => {
  const res = await api.admin.get("/v1/reports/orders");
  assert.equal(res.status, 200);
  const r = res.json;
  assert.equal(r.orders, 4);
  assert.deepEqual(r.byStatus, { cancelled: 2, returned: 2 });
  assert.equal(r.units, 7 + 3 + 2 + 1);
  assert.equal(r.splitRate, 0.25, "one order of four shipped from two locations");
  assert.equal(r.averageShipments, 1.25);
  assert.equal(r.byDay.length, 1);
  assert.equal(r.byDay[0].orders, 4);
  assert.ok(r.averageDistanceKm > 0);
  assert.ok(r.averageCostPerOrder > 0);
  assert.deepEqual(r.unitsByLocation.map((l) => [l.location, l.units]), [["L0", 11], ["L1", 2]]);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal((await api.admin.get(`/v1/reports/orders?from=${today}&to=${today}`)).json.orders, 4);
  assert.equal((await api.admin.get("/v1/reports/orders?to=2000-01-01")).json.orders, 0);
});

test("GET /v1/orders lists the latest orders for operations, newest first", async () => {
  assert.equal((await api.get("/v1/orders")).status, 401, "operations only");
  const all = await api.admin.get("/v1/orders");
  assert.equal(all.status, 200);
  assert.equal(all.json.orders.length, 4);
  const created = all.json.orders.map((o) => o.createdAt);
  assert.deepEqual(created, [...created].sort().reverse());
  assert.ok(all.json.orders.every((o) => Array.isArray(o.timeline) && o.shipments.length > 0));
  const cancelled = await api.admin.get("/v1/orders?status=cancelled&limit=1");
  assert.equal(cancelled.json.orders.length, 1);
  assert.equal(cancelled.json.orders[0].status, "cancelled");
  for (const bad of ["status=lost", "limit=0", "limit=2.5", "limit=x"]) {
    const res = await api.admin.get(`/v1/orders?${bad}`);
    assert.equal(res.status, 400, bad);
    assert.equal(res.json.error.code, "invalid_input");
  }
});

test("after each event of the contract the order's status is the event's name; a return records its restock", async () => {
  const o = await order([{ sku: "T", qty: 1 }]);
  for (const type of ["picked", "shipped", "delivered", "returned"]) {
    const r = await event(o, { type });
    assert.equal(r.status, type);
    assert.equal(r.timeline.at(-1).status, type);
  }
  const tracked = await api.get(`/v1/orders/${o.id}?token=${o.trackingToken}`);
  assert.equal(tracked.json.status, "returned");
  assert.deepEqual(tracked.json.timeline.map((e) => e.status), ["created", "picked", "shipped", "delivered", "returned"]);
  assert.deepEqual(tracked.json.timeline.at(-1).detail, { lines: [{ location: "L0", sku: "T", qty: 1 }], restocked: true });
  assert.deepEqual(tracked.json.returns, [{ sku: "T", location: "L0", qty: 1, restocked: true }]);

  const c = await order([{ sku: "T", qty: 1 }]);
  assert.equal((await event(c, { type: "picked" })).status, "picked");
  assert.equal((await event(c, { type: "shipped" }, 200)).status, "shipped");
  const d = await order([{ sku: "T", qty: 1 }]);
  await event(d, { type: "picked" });
  assert.equal((await event(d, { type: "cancelled" })).status, "cancelled");

  // Operations filter on the same names.
  const picked = await api.admin.get("/v1/orders?status=picked");
  assert.equal(picked.status, 200, picked.text);
  const returned = await api.admin.get("/v1/orders?status=returned");
  assert.ok(returned.json.orders.some((x) => x.id === o.id));
  for (const old of ["in_preparation", "restocked"]) assert.equal((await api.admin.get(`/v1/orders?status=${old}`)).status, 400, old);
  // Finish the shipped order so the stock of T is back for the next tests.
  await event(c, { type: "returned" });
});

test("order events keep their other fields in the timeline and still check the known ones", async () => {
  const o = await order([{ sku: "T", qty: 1 }]);
  const picked = await event(o, { type: "picked", operator: "amel" });
  assert.equal(picked.status, "picked");
  assert.deepEqual(picked.timeline.at(-1).detail, { operator: "amel" });
  const shipped = await event(o, { type: "shipped", carrier: "Colissimo", trackingNumber: "6A123", parcels: [{ kg: 1.2 }], note: "one parcel" });
  assert.equal(shipped.status, "shipped");
  assert.deepEqual(shipped.timeline.at(-1).detail, { carrier: "Colissimo", trackingNumber: "6A123", parcels: [{ kg: 1.2 }], note: "one parcel" });
  const bad = [
    [{ type: "delivered", restock: "yes", carrier: "x" }, "restock"],
    [{ type: "delivered", note: 3 }, "note"],
    [{ type: "delivered", lines: "all" }, "lines"],
    [{ type: "delivered", id: "" }, "id"],
    [{ type: "lost", carrier: "x" }, "type"],
    [{ carrier: "x" }, "type"],
    [{ type: "delivered", proof: "x".repeat(9000) }, "body"],
  ];
  for (const [body, field] of bad) {
    const res = await api.admin.post(`/v1/orders/${o.id}/events`, body);
    assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
    assert.equal(res.json.error.code, "invalid_input");
    assert.ok(res.json.error.message.startsWith(`${field}:`), res.json.error.message);
  }
  const delivered = await event(o, { type: "delivered", signedBy: "M. Martin" });
  assert.equal(delivered.status, "delivered");
  // The worker's own record wins a clash of names.
  const ret = await event(o, { type: "returned", restocked: "maybe", reason: "damaged" });
  assert.deepEqual(ret.timeline.at(-1).detail, { restocked: true, reason: "damaged", lines: [{ location: "L0", sku: "T", qty: 1 }] });
  const tracked = await api.get(`/v1/orders/${o.id}?token=${o.trackingToken}`);
  assert.equal(tracked.json.timeline[3].detail.signedBy, "M. Martin");
});

test("POST /v1/orders takes any JSON value as the customer, up to 8 KB", async () => {
  const reserve = async () => {
    const r = await api.post("/v1/reservations", { idempotencyKey: `c-${n++}`, lines: [{ sku: "T", qty: 1 }], destination: PARIS });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  for (const customer of ["Ana Lima", 42, ["Ana", "ana@example.com"], false, null, { name: "Ana", address: { city: "Lyon" } }, undefined]) {
    const o = await api.post("/v1/orders", { reservationId: await reserve(), customer });
    assert.equal(o.status, 201, `${JSON.stringify(customer)}: ${o.text}`);
    const got = await api.get(`/v1/orders/${o.json.id}?token=${o.json.trackingToken}`);
    if (customer === undefined) assert.ok(!("customer" in got.json));
    else assert.deepEqual(got.json.customer, customer);
    await event(o.json, { type: "cancelled" });
  }
  const id = await reserve();
  const big = await api.post("/v1/orders", { reservationId: id, customer: "é".repeat(5000) }); // 10 KB of UTF-8
  assert.equal(big.status, 400, big.text);
  assert.equal(big.json.error.code, "invalid_input");
  assert.match(big.json.error.message, /^customer:/);
  const o = await api.post("/v1/orders", { reservationId: id, customer: "é".repeat(4000) });
  assert.equal(o.status, 201, "the reservation is still held after a refused order");
  await event(o.json, { type: "cancelled" });
});

test("POST /v1/orders retried answers the same order; the same hold for another customer is 409", async () => {
  const r = await api.post("/v1/reservations", { idempotencyKey: `o-${n++}`, lines: [{ sku: "T", qty: 1 }], destination: PARIS });
  assert.equal(r.status, 201, r.text);
  const body = { reservationId: r.json.id, customer: { name: "Ana", email: "ana@example.fr" } };
  const first = await api.post("/v1/orders", body);
  assert.equal(first.status, 201, first.text);
  const again = await api.post("/v1/orders", body);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.deepEqual(again.json, first.json);
  // Without the customer it is not the same request: the token (which reads the customer's data)
  // is not handed to whoever holds the reservation id alone.
  for (const customer of [undefined, { name: "Bob" }, { name: "Ana" }, "Ana"]) {
    const other = await api.post("/v1/orders", { reservationId: r.json.id, customer });
    assert.equal(other.status, 409, other.text);
    assert.equal(other.json.error.code, "reservation_ordered");
    assert.equal(other.json.error.orderId, first.json.id);
    assert.equal(other.json.error.trackingToken, undefined);
  }
  // An order placed without a customer is retried without one.
  const bare = await api.post("/v1/reservations", { idempotencyKey: `o-${n++}`, lines: [{ sku: "T", qty: 1 }], destination: PARIS });
  const placed = await api.post("/v1/orders", { reservationId: bare.json.id });
  assert.deepEqual((await api.post("/v1/orders", { reservationId: bare.json.id })).json, placed.json);
});

test("POST /v1/orders: the same customer written with its keys in another order is a retry", async () => {
  const r = await api.post("/v1/reservations", { idempotencyKey: `o-${n++}`, lines: [{ sku: "T", qty: 1 }], destination: PARIS });
  const first = await api.post("/v1/orders", { reservationId: r.json.id, customer: { name: "Ana", email: "a@x.fr", tags: [1, { b: 2, a: 1 }] } });
  assert.equal(first.status, 201, first.text);
  const again = await api.post("/v1/orders", { reservationId: r.json.id, customer: { tags: [1, { a: 1, b: 2 }], email: "a@x.fr", name: "Ana" } });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.id, first.json.id);
});

async function stock(sku, at) {
  const events = Object.entries(at).map(([location, onHand]) => ({ id: `${sku}-${location}-${n++}`, type: "set", sku, location, onHand }));
  const res = await api.admin.post("/v1/inventory/events", { events });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.rejected.length, 0, res.text);
}

test("returns in parts go back where each unit shipped from, whatever came back before", async () => {
  await stock("SPLIT", { L0: 2, L1: 2 });
  const o = await order([{ sku: "SPLIT", qty: 4 }]);
  assert.deepEqual(o.plan.shipments.map((s) => [s.location, s.lines[0].qty]), [["L0", 2], ["L1", 2]]);
  await event(o, { type: "picked" });
  await event(o, { type: "shipped" });
  const at = async () => {
    const p = await positionMap(api, ["SPLIT"]);
    return [p["SPLIT@L0"].onHand, p["SPLIT@L1"].onHand];
  };
  assert.deepEqual(await at(), [0, 0]);
  await event(o, { type: "returned", lines: [{ sku: "SPLIT", qty: 1 }] });
  await event(o, { type: "returned", lines: [{ sku: "SPLIT", qty: 1 }], restock: false });
  assert.deepEqual(await at(), [1, 0]);
  // L0's two units are back: the third unit is one of L1's.
  await event(o, { type: "returned", lines: [{ sku: "SPLIT", qty: 1 }] });
  assert.deepEqual(await at(), [1, 1]);
  await event(o, { type: "restocked" });
  assert.deepEqual(await at(), [2, 1]);
  // A unit received at another store counts against the lines in order; the last goes to L1.
  const last = await event(o, { type: "returned" });
  assert.deepEqual(last.timeline.at(-1).detail.lines, [{ location: "L1", sku: "SPLIT", qty: 1 }]);
  assert.deepEqual(await at(), [2, 2]);
  const tracked = await api.admin.get(`/v1/orders/${o.id}`);
  assert.deepEqual(
    tracked.json.returns.map((r) => `${r.location} ${r.qty} ${r.restocked}`).sort(),
    ["L0 1 true", "L0 1 true", "L1 1 true", "L1 1 true"],
  );

  const o2 = await order([{ sku: "SPLIT", qty: 4 }]);
  await event(o2, { type: "picked" });
  await event(o2, { type: "shipped" });
  await event(o2, { type: "returned", location: "L5", lines: [{ sku: "SPLIT", qty: 3 }] });
  const rest = await event(o2, { type: "returned" });
  assert.deepEqual(rest.timeline.at(-1).detail.lines, [{ location: "L1", sku: "SPLIT", qty: 1 }]);
});

test("an event id reused for another event is 422 and applies nothing; fields an event does not read are 400", async () => {
  await stock("IDS", { L0: 3 });
  const o = await order([{ sku: "IDS", qty: 1 }]);
  await event(o, { type: "picked", id: "wms-1" });
  const replay = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "picked", id: "wms-1" });
  assert.equal(replay.status, 200, replay.text);
  assert.equal(replay.headers.get("idempotent-replayed"), "true");
  const clash = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "shipped", id: "wms-1" });
  assert.equal(clash.status, 422, clash.text);
  assert.equal(clash.json.error.code, "idempotency_conflict");
  assert.equal(clash.json.error.event, "picked");
  const p = (await positionMap(api, ["IDS"]))["IDS@L0"];
  assert.deepEqual([p.onHand, p.picking], [3, 1], "not shipped");
  for (const [body, field] of [
    [{ type: "shipped", location: "NOWHERE" }, "location"],
    [{ type: "shipped", lines: [{ sku: "OTHER", qty: 1 }] }, "lines"],
    [{ type: "cancelled", restock: false }, "restock"],
    [{ type: "restocked", location: "L0" }, "location"],
  ]) {
    const res = await api.admin.post(`/v1/orders/${o.id}/events`, body);
    assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
    assert.ok(res.json.error.message.startsWith(`${field}:`), res.json.error.message);
  }
  assert.equal((await event(o, { type: "shipped", id: "wms-2" })).status, "shipped");
});

test("a return onto a count at the position's limit is 409 invalid_quantity and undoes the whole event", async () => {
  const MAX = 2 ** 31 - 1;
  await stock("BIG", { L0: MAX });
  const o = await order([{ sku: "BIG", qty: 1 }]);
  await event(o, { type: "picked" });
  await event(o, { type: "shipped" });
  await stock("BIG", { L0: MAX });
  for (const body of [{ type: "returned" }, { type: "returned", restock: false }]) {
    const res = await api.admin.post(`/v1/orders/${o.id}/events`, body);
    if (body.restock === false) {
      assert.equal(res.status, 200, res.text);
      const again = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "restocked" });
      assert.equal(again.status, 409, again.text);
      assert.equal(again.json.error.code, "invalid_quantity");
    } else {
      assert.equal(res.status, 409, res.text);
      assert.equal(res.json.error.code, "invalid_quantity");
      assert.match(res.json.error.message, /return of BIG at L0/);
      const tracked = await api.admin.get(`/v1/orders/${o.id}`);
      assert.equal(tracked.json.status, "shipped");
      assert.deepEqual(tracked.json.returns, []);
    }
  }
  // Nothing was half-done: the unit awaits restock, and restocks once there is room.
  await stock("BIG", { L0: 5 });
  await event(o, { type: "restocked" });
  assert.equal((await positionMap(api, ["BIG"]))["BIG@L0"].onHand, 6);
});

test("a return retried under its id names the same units, or it is 422", async () => {
  await stock("RMA", { L0: 3 });
  const o = await order([{ sku: "RMA", qty: 2 }]);
  await event(o, { type: "picked" });
  await event(o, { type: "shipped" });
  await event(o, { type: "returned", id: "rma-1", lines: [{ sku: "RMA", qty: 1 }] });
  const again = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "returned", id: "rma-1", lines: [{ sku: "RMA", qty: 1 }] });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  const bare = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "returned", id: "rma-1" });
  assert.equal(bare.status, 200, bare.text);
  const other = await api.admin.post(`/v1/orders/${o.id}/events`, { type: "returned", id: "rma-1", lines: [{ sku: "RMA", qty: 2 }] });
  assert.equal(other.status, 422, other.text);
  assert.equal(other.json.error.code, "idempotency_conflict");
  assert.equal((await positionMap(api, ["RMA"]))["RMA@L0"].onHand, 2, "one unit back, once");
});

test("a partial restock of a SKU whose id holds a NUL puts the rest back on that SKU, not on a prefix of it", async () => {
  // Pairs were map keys joined by "\0": "A\0B" at L0 came back as SKU "A".
  const sku = "N\u0000B";
  const stocked = await api.admin.post("/v1/inventory/events", {
    events: [
      { id: "nul-1", type: "set", sku, location: "L0", onHand: 10 },
      { id: "nul-2", type: "set", sku: "N", location: "L0", onHand: 10 },
    ],
  });
  assert.equal(stocked.json.applied, 2, stocked.text);
  const o = await order([{ sku, qty: 4 }]);
  for (const type of ["picked", "shipped", "delivered"]) await event(o, { type });
  await event(o, { type: "returned", restock: false });
  await event(o, { type: "restocked", lines: [{ sku, qty: 1 }] });
  const rest = await event(o, { type: "restocked" });
  assert.equal(rest.status, "returned");
  const p = await positionMap(api, [sku, "N"]);
  assert.equal(p[`${sku}@L0`].onHand, 10, "all 4 back on N\\0B");
  assert.equal(p["N@L0"].onHand, 10, "N untouched");
});
