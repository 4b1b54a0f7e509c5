// No oversell, inside workerd: concurrent reservations never hold more than the ATS, retried
// keys hold once, a multi-line cart holds every line or nothing, and expiry (the ledger's
// alarm) or release gives the units back.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { positionMap, seed, sleep, sum, TEN_LOCATIONS, workerFixture } from "./helpers.mjs";

const fx = workerFixture();
after(() => fx.cleanup());
const PARIS = { lat: 48.85, lon: 2.35 };

/** 100 units of `sku` over the 10 locations: 1 + 2 + ... uneven, summing to 100. */
function hundredUnits(sku) {
  const split = [5, 15, 10, 20, 5, 10, 5, 10, 15, 5];
  return { [sku]: Object.fromEntries(split.map((n, i) => [`L${i}`, n])) };
}

const reserved = (map, sku) => sum(Object.entries(map).filter(([k]) => k.startsWith(`${sku}@`)), ([, p]) => p.reserved);
const ats = (map, sku) => sum(Object.entries(map).filter(([k]) => k.startsWith(`${sku}@`)), ([, p]) => p.ats);

test("1,000 concurrent one-unit reservations on 100 units: exactly 100 held, 900 × 409", async () => {
  const api = await fx.start();
  await seed(api, TEN_LOCATIONS, hundredUnits("S"));
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      api.post("/v1/reservations", { idempotencyKey: `c-${i}`, lines: [{ sku: "S", qty: 1 }], destination: PARIS, ttlSeconds: 600 }),
    ),
  );
  const byStatus = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  assert.deepEqual(byStatus, { 201: 100, 409: 900 });
  assert.ok(results.filter((r) => r.status === 409).every((r) => r.json.error.code === "insufficient_stock"));
  const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.json.id));
  assert.equal(ids.size, 100);
  const held = sum(results.filter((r) => r.status === 201), (r) => sum(r.json.plan.shipments, (s) => s.lines[0].qty));
  assert.equal(held, 100);
  const p = await positionMap(api, ["S"]);
  assert.equal(reserved(p, "S"), 100);
  assert.equal(ats(p, "S"), 0);
  for (const [, pos] of Object.entries(p)) assert.ok(pos.reserved <= pos.onHand, "no location over-reserved");

  // Releasing every reservation gives all 100 units back.
  const released = await Promise.all([...ids].map((id) => api.del(`/v1/reservations/${id}`)));
  assert.ok(released.every((r) => r.status === 200 && r.json.released.length === 1));
  const after = await positionMap(api, ["S"]);
  assert.equal(reserved(after, "S"), 0);
  assert.equal(ats(after, "S"), 100);
  await api.dispose();
});

test("50 keys sent twice at once hold once each", async () => {
  const api = await fx.start();
  await seed(api, TEN_LOCATIONS, hundredUnits("R"));
  const body = (i) => ({ idempotencyKey: `retry-${i}`, lines: [{ sku: "R", qty: 1 }], destination: PARIS });
  const results = await Promise.all(Array.from({ length: 100 }, (_, j) => api.post("/v1/reservations", body(j % 50))));
  assert.ok(results.every((r) => r.status === 201), results.map((r) => r.status).join(","));
  const byKey = new Map();
  for (const r of results) {
    const have = byKey.get(r.json.idempotencyKey);
    if (have) assert.equal(r.json.id, have, "a retried key answers the same reservation");
    else byKey.set(r.json.idempotencyKey, r.json.id);
  }
  assert.equal(byKey.size, 50);
  assert.equal(results.filter((r) => r.headers.get("idempotent-replayed") === "true").length, 50);
  const p = await positionMap(api, ["R"]);
  assert.equal(reserved(p, "R"), 50);
  assert.equal(ats(p, "R"), 50);
  await api.dispose();
});

test("multi-SKU carts: every line or nothing, no SKU oversold, expiry gives everything back", async () => {
  const api = await fx.start();
  // X: 30 units, Y: 20 units, Z: 10 units over the ten locations.
  const stock = {
    X: Object.fromEntries(TEN_LOCATIONS.map((l) => [l.id, 3])),
    Y: Object.fromEntries(TEN_LOCATIONS.map((l) => [l.id, 2])),
    Z: Object.fromEntries(TEN_LOCATIONS.map((l) => [l.id, 1])),
  };
  await seed(api, TEN_LOCATIONS, stock);
  const carts = Array.from({ length: 300 }, (_, i) => {
    const lines = [{ sku: "X", qty: 1 + (i % 3) }, { sku: "Y", qty: 1 }];
    if (i % 2 === 0) lines.push({ sku: "Z", qty: 1 });
    return { idempotencyKey: `cart-${i}`, lines, destination: PARIS, ttlSeconds: 2 };
  });
  const results = await Promise.all(carts.map((c) => api.post("/v1/reservations", c)));
  assert.ok(results.every((r) => r.status === 201 || (r.status === 409 && r.json.error.code === "insufficient_stock")));
  const won = results.map((r, i) => [r, carts[i]]).filter(([r]) => r.status === 201);
  assert.ok(won.length > 0 && won.length < carts.length);
  // Every successful cart holds exactly its lines...
  for (const [r, cart] of won) {
    for (const line of cart.lines) {
      const planned = sum(r.json.plan.shipments, (s) => sum(s.lines.filter((l) => l.sku === line.sku), (l) => l.qty));
      assert.equal(planned, line.qty);
    }
  }
  // ...and the positions hold exactly the successful carts' lines: failed carts hold nothing.
  const p = await positionMap(api, ["X", "Y", "Z"]);
  for (const sku of ["X", "Y", "Z"]) {
    const wanted = sum(won, ([, c]) => sum(c.lines.filter((l) => l.sku === sku), (l) => l.qty));
    assert.equal(reserved(p, sku), wanted, `reserved ${sku}`);
  }
  assert.ok(reserved(p, "X") <= 30 && reserved(p, "Y") <= 20 && reserved(p, "Z") <= 10);
  for (const [, pos] of Object.entries(p)) assert.ok(pos.reserved <= pos.onHand);

  // The ledger's alarm expires them all (ttl 2 s) without any request touching them.
  await sleep(3500);
  const back = await positionMap(api, ["X", "Y", "Z"]);
  assert.deepEqual(["X", "Y", "Z"].map((s) => [reserved(back, s), ats(back, s)]), [[0, 30], [0, 20], [0, 10]]);
  const one = await api.get(`/v1/reservations/${won[0][0].json.id}`);
  assert.equal(one.json.status, "expired");
  assert.ok(one.json.endedAt);
  // An expired reservation cannot become an order.
  const order = await api.post("/v1/orders", { reservationId: won[0][0].json.id });
  assert.equal(order.status, 409);
  assert.equal(order.json.error.code, "reservation_expired");
  await api.dispose();
});

test("a cart whose one line is short holds none of its lines", async () => {
  const api = await fx.start();
  await seed(api, TEN_LOCATIONS, { P: { L0: 5 }, Q: { L1: 1 } });
  const res = await api.post("/v1/reservations", {
    idempotencyKey: "partial",
    lines: [{ sku: "P", qty: 5 }, { sku: "Q", qty: 2 }],
    destination: PARIS,
  });
  assert.equal(res.status, 409);
  assert.deepEqual(res.json.error.unfulfilled, [{ sku: "Q", qty: 1 }]);
  const p = await positionMap(api, ["P", "Q"]);
  assert.equal(p["P@L0"].reserved, 0);
  assert.equal(p["Q@L1"].reserved, 0);
  // A failed attempt does not burn its key: the retry succeeds once stock arrives.
  await api.admin.post("/v1/inventory/events", { events: [{ id: "q-more", type: "adjust", sku: "Q", location: "L1", delta: 1 }] });
  const retry = await api.post("/v1/reservations", {
    idempotencyKey: "partial",
    lines: [{ sku: "P", qty: 5 }, { sku: "Q", qty: 2 }],
    destination: PARIS,
  });
  assert.equal(retry.status, 201, retry.text);
  const q = await positionMap(api, ["P", "Q"]);
  assert.deepEqual([q["P@L0"].reserved, q["Q@L1"].reserved], [5, 2]);
  await api.dispose();
});

test("the cart POST /v1/source quoted (unit prices, cart value) is held as it is; a bad price is refused by name", async () => {
  const api = await fx.start();
  await seed(api, TEN_LOCATIONS, { U: { L0: 3 } });
  const cart = { lines: [{ sku: "U", qty: 2, unitPrice: 19.9 }], destination: PARIS, cartValue: 39.8 };
  const quote = await api.post("/v1/source", cart);
  assert.equal(quote.status, 200, quote.text);
  const held = await api.post("/v1/reservations", { ...cart, idempotencyKey: "quoted" });
  assert.equal(held.status, 201, held.text);
  assert.deepEqual(held.json.plan.shipments.map((s) => [s.location, s.lines]), [["L0", [{ sku: "U", qty: 2 }]]]);
  assert.equal((await positionMap(api, ["U"]))["U@L0"].reserved, 2);
  for (const [body, field] of [
    [{ ...cart, lines: [{ sku: "U", qty: 1, unitPrice: -1 }] }, "lines[0].unitPrice"],
    [{ ...cart, lines: [{ sku: "U", qty: 1, unitPrice: "9.90" }] }, "lines[0].unitPrice"],
    [{ ...cart, cartValue: -5 }, "cartValue"],
  ]) {
    const res = await api.post("/v1/reservations", { ...body, idempotencyKey: `bad-${field}` });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, "invalid_input");
    assert.match(res.json.error.message, new RegExp(`^${field.replace(/[[\].]/g, "\\$&")}`));
  }
  assert.equal((await positionMap(api, ["U"]))["U@L0"].reserved, 2, "refused carts hold nothing");
  await api.dispose();
});

test("click & collect: the cart is held at the store the shopper picked, a transfer's share at its warehouse", async () => {
  const api = await fx.start();
  // PK collects but ships nothing: sourcing never uses it, click & collect does.
  const pk = { id: "PK", name: "Pickup point", kind: "store", lat: 48.86, lon: 2.36, ship: false, pickup: true };
  await seed(api, [...TEN_LOCATIONS, pk], { C: { L3: 2, PK: 1, L8: 5 } });
  const cart = { lines: [{ sku: "C", qty: 2 }], destination: PARIS };
  const quote = await api.post("/v1/source", cart);
  assert.equal(quote.status, 200, quote.text);
  const offers = quote.json.deliveryOptions.clickAndCollect;
  const atStore = offers.find((o) => o.location === "L3");
  assert.equal(atStore?.source, "store", JSON.stringify(offers));
  const transfer = offers.find((o) => o.location === "PK");
  assert.equal(transfer?.source, "transfer", JSON.stringify(offers));
  assert.equal(transfer.transferFrom, "L8");

  const held = await api.post("/v1/reservations", { ...cart, idempotencyKey: "cc-1", pickup: "L3" });
  assert.equal(held.status, 201, held.text);
  assert.deepEqual(held.json.plan.shipments.map((s) => [s.location, s.lines]), [["L3", [{ sku: "C", qty: 2 }]]]);
  assert.equal(held.json.pickup.location, "L3");
  assert.equal(held.json.pickup.source, "store");
  let p = await positionMap(api, ["C"]);
  assert.deepEqual([p["C@L3"].reserved, p["C@PK"].reserved, p["C@L8"].reserved], [2, 0, 0]);
  // The reservation reads back with its offer; a retry with another store is another request.
  assert.equal((await api.get(`/v1/reservations/${held.json.id}`)).json.pickup.location, "L3");
  const conflict = await api.post("/v1/reservations", { ...cart, idempotencyKey: "cc-1", pickup: "PK" });
  assert.equal(conflict.status, 422, conflict.text);

  // The pickup point holds 1 of 2: it keeps its unit and the warehouse sends the other.
  const sent = await api.post("/v1/reservations", { ...cart, idempotencyKey: "cc-2", pickup: "PK" });
  assert.equal(sent.status, 201, sent.text);
  assert.deepEqual(
    sent.json.plan.shipments.map((s) => [s.location, s.lines]),
    [["PK", [{ sku: "C", qty: 1 }]], ["L8", [{ sku: "C", qty: 1 }]]],
  );
  assert.equal(sent.json.pickup.source, "transfer");
  p = await positionMap(api, ["C"]);
  assert.deepEqual([p["C@L3"].reserved, p["C@PK"].reserved, p["C@L8"].reserved], [2, 1, 1]);

  // Ordered, the order says where it is collected (not a parcel to the shopper's address).
  const order = await api.post("/v1/orders", { reservationId: held.json.id });
  assert.equal(order.status, 201, order.text);
  const view = (await api.get(`/v1/orders/${order.json.id}?token=${order.json.trackingToken}`)).json;
  assert.deepEqual([view.pickup?.location, view.pickup?.source], ["L3", "store"]);
  assert.deepEqual((await api.admin.get("/v1/orders")).json.orders.find((o) => o.id === order.json.id)?.pickup?.location, "L3");
  // No offer there (a warehouse, an unknown id, a store that now holds nothing to spare with
  // no warehouse stock left): 409, nothing held.
  await api.admin.post("/v1/inventory/events", { events: [{ id: "c-l8-out", type: "set", sku: "C", location: "L8", onHand: 1 }] });
  for (const pickup of ["L8", "NOPE", "L3"]) {
    const res = await api.post("/v1/reservations", { ...cart, idempotencyKey: `cc-no-${pickup}`, pickup });
    assert.equal(res.status, 409, `${pickup}: ${res.text}`);
    assert.equal(res.json.error.code, "not_collectable");
  }
  p = await positionMap(api, ["C"]);
  assert.deepEqual([p["C@L3"].reserved, p["C@PK"].reserved, p["C@L8"].reserved], [2, 1, 1]);
  // Released, every unit comes back from both places.
  await api.del(`/v1/reservations/${sent.json.id}`);
  p = await positionMap(api, ["C"]);
  assert.deepEqual([p["C@PK"].reserved, p["C@L8"].reserved], [0, 0]);
  await api.dispose();
});

test("click & collect at a store past the quote's first offers (nearer stores served by transfer) is held there", async () => {
  const api = await fx.start();
  // The nearest stores are offered by transfer from L8, then the nearest in stock (L2): not L4.
  await seed(api, TEN_LOCATIONS, { F: { L2: 2, L4: 2, L8: 5 } });
  const cart = { lines: [{ sku: "F", qty: 2 }], destination: PARIS };
  const quote = await api.post("/v1/source", cart);
  const listed = quote.json.deliveryOptions.clickAndCollect.map((o) => o.location);
  assert.ok(!listed.includes("L4"), `L4 is not among ${listed}`);
  const held = await api.post("/v1/reservations", { ...cart, idempotencyKey: "far", pickup: "L4" });
  assert.equal(held.status, 201, held.text);
  assert.deepEqual(held.json.plan.shipments.map((s) => s.location), ["L4"]);
  assert.equal(held.json.pickup.source, "store");
  // `delivery` is the quote's configuration, read with `pickup` only.
  const off = { clickAndCollect: { enabled: false } };
  const refused = await api.post("/v1/reservations", { ...cart, idempotencyKey: "off", pickup: "L4", delivery: off });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.error.code, "not_collectable");
  const alone = await api.post("/v1/reservations", { ...cart, idempotencyKey: "alone", delivery: off });
  assert.equal(alone.status, 400, alone.text);
  await api.dispose();
});

test("ids holding ':' never make two held lines share an event id: every unit is held, released and picked", async () => {
  const api = await fx.start();
  // Unescaped, (A, X:Y) and (A:X, Y) would both be `...:reserve:A:X:Y`: the second a duplicate.
  const locations = [
    { id: "A", kind: "store", lat: 48.85, lon: 2.35 },
    { id: "A:X", kind: "store", lat: 48.86, lon: 2.35 },
  ];
  await seed(api, locations, { "X:Y": { A: 5 }, Y: { "A:X": 5 } });
  const cart = { lines: [{ sku: "X:Y", qty: 2 }, { sku: "Y", qty: 3 }], destination: PARIS };
  const held = await api.post("/v1/reservations", { idempotencyKey: "colons-1", ...cart });
  assert.equal(held.status, 201, held.text);
  let p = await positionMap(api, ["X:Y", "Y"]);
  assert.deepEqual([p["X:Y@A"].reserved, p["Y@A:X"].reserved], [2, 3]);
  assert.equal((await api.del(`/v1/reservations/${held.json.id}`)).status, 200);
  p = await positionMap(api, ["X:Y", "Y"]);
  assert.deepEqual([p["X:Y@A"].reserved, p["Y@A:X"].reserved], [0, 0]);
  const again = await api.post("/v1/reservations", { idempotencyKey: "colons-2", ...cart });
  const order = await api.post("/v1/orders", { reservationId: again.json.id });
  assert.equal(order.status, 201, order.text);
  assert.equal((await api.admin.post(`/v1/orders/${order.json.id}/events`, { type: "picked" })).status, 200);
  p = await positionMap(api, ["X:Y", "Y"]);
  assert.deepEqual([p["X:Y@A"].picking, p["Y@A:X"].picking], [2, 3]);
  await api.dispose();
});

test("an integration's release, pick or ship cannot free units the ledger's reservations and orders hold (held_units)", async () => {
  const api = await fx.start();
  await seed(api, TEN_LOCATIONS.slice(0, 1), { H: { L0: 10 } });
  const ingest = async (events) => {
    const res = await api.admin.post("/v1/inventory/events", { events });
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  const hold = await api.post("/v1/reservations", { idempotencyKey: "h-1", lines: [{ sku: "H", qty: 3 }], destination: PARIS });
  assert.equal(hold.status, 201, hold.text);
  // The POS holds 2 of its own beside the shopper's 3: reserved 5, ATS 5.
  assert.equal((await ingest([{ id: "pos-r1", type: "reserve", sku: "H", location: "L0", qty: 2 }])).applied, 1);

  // Releasing 3 would free one of the shopper's units: refused, nothing moves (and the batch's
  // other events apply). The POS's own 2 release.
  const mixed = await ingest([
    { id: "pos-x1", type: "release", sku: "H", location: "L0", qty: 2 },
    { id: "pos-x2", type: "release", sku: "H", location: "L0", qty: 1 },
    { id: "pos-a1", type: "adjust", sku: "H", location: "L0", delta: 1 },
  ]);
  assert.equal(mixed.applied, 2);
  assert.deepEqual(mixed.rejected.map((r) => [r.index, r.code]), [[1, "held_units"]]);
  assert.match(mixed.rejected[0].message, /release would take reserved at L0 below the 3 units/);
  let p = (await positionMap(api, ["H"]))["H@L0"];
  assert.deepEqual(p, { onHand: 11, reserved: 3, picking: 0, ats: 8 });

  // A retry of the applied ones is a duplicate, not a refusal; the refused one is refused again.
  const retry = await ingest([
    { id: "pos-x1", type: "release", sku: "H", location: "L0", qty: 2 },
    { id: "pos-x2", type: "release", sku: "H", location: "L0", qty: 1 },
  ]);
  assert.equal(retry.duplicates, 1);
  assert.deepEqual(retry.rejected.map((r) => [r.index, r.code]), [[1, "held_units"]]);
  // An overdrawing release before 2,000 duplicates (which move nothing, so refusing them covers
  // no shortfall): the second round refuses every release there, instead of one per round.
  const dups = Array.from({ length: 2000 }, () => ({ id: "pos-x1", type: "release", sku: "H", location: "L0", qty: 2 }));
  const many = await ingest([{ id: "pos-x3", type: "release", sku: "H", location: "L0", qty: 1 }, ...dups, { id: "pos-a2", type: "adjust", sku: "H", location: "L0", delta: 0 }]);
  assert.equal(many.rejected.length, 2001);
  assert.ok(many.rejected.every((r) => r.code === "held_units"));
  assert.equal(many.applied, 1, "the adjust beside them applies");
  assert.equal((await positionMap(api, ["H"]))["H@L0"].reserved, 3);

  // The order keeps the units; a WMS pick of them outside the order's events is refused, and so
  // is a ship of the picked units once the order is picked.
  const order = await api.post("/v1/orders", { reservationId: hold.json.id });
  assert.equal(order.status, 201, order.text);
  assert.deepEqual((await ingest([{ id: "wms-p1", type: "pick", sku: "H", location: "L0", qty: 3 }])).rejected.map((r) => r.code), ["held_units"]);
  const picked = await api.admin.post(`/v1/orders/${order.json.id}/events`, { type: "picked" });
  assert.equal(picked.status, 200, picked.text);
  assert.deepEqual((await ingest([{ id: "wms-s1", type: "ship", sku: "H", location: "L0", qty: 1 }])).rejected.map((r) => r.code), ["held_units"]);
  p = (await positionMap(api, ["H"]))["H@L0"];
  assert.deepEqual(p, { onHand: 11, reserved: 0, picking: 3, ats: 8 });
  // Units the WMS picked for itself ship as it says.
  const own = await ingest([
    { id: "wms-r2", type: "reserve", sku: "H", location: "L0", qty: 1 },
    { id: "wms-p2", type: "pick", sku: "H", location: "L0", qty: 1 },
    { id: "wms-s2", type: "ship", sku: "H", location: "L0", qty: 1 },
  ]);
  assert.deepEqual([own.applied, own.rejected], [3, []]);
  const shipped = await api.admin.post(`/v1/orders/${order.json.id}/events`, { type: "shipped" });
  assert.equal(shipped.status, 200, shipped.text);
  p = (await positionMap(api, ["H"]))["H@L0"];
  assert.deepEqual(p, { onHand: 7, reserved: 0, picking: 0, ats: 7 });

  // Ids holding the character positions were keyed by ("\0") are positions like any other, and
  // a null beside them is rejected alone (it made the guard throw: a 500).
  const sku = "H\u0000X";
  await ingest([{ id: "nul-set", type: "set", sku, location: "L0", onHand: 5 }]);
  const nulHold = await api.post("/v1/reservations", { idempotencyKey: "h-nul", lines: [{ sku, qty: 3 }], destination: PARIS });
  assert.equal(nulHold.status, 201, nulHold.text);
  const nul = await ingest([null, { id: "nul-rel", type: "release", sku, location: "L0", qty: 3 }]);
  assert.deepEqual(nul.rejected.map((r) => [r.index, r.code]), [[0, "not_an_object"], [1, "held_units"]]);
  assert.equal((await positionMap(api, [sku]))[`${sku}@L0`].reserved, 3);
  await api.dispose();
});

test("a refused cart's shortfall counts the stock of locations that ship only (the auditor's case: 2 where parcels leave, 4 where none do)", async () => {
  const api = await fx.start();
  const locations = TEN_LOCATIONS.map((l) => (l.id === "L1" ? { ...l, ship: false } : l));
  await seed(api, locations, { B: { L0: 2, L1: 4 } });
  for (const [qty, short] of [[5, 3], [8, 6]]) {
    const res = await api.post("/v1/reservations", { idempotencyKey: `short-${qty}`, lines: [{ sku: "B", qty }], destination: PARIS });
    assert.equal(res.status, 409);
    assert.deepEqual(res.json.error.unfulfilled, [{ sku: "B", qty: short }], `${qty} wanted`);
  }
  await sleep(300); // alerts reach the history ~0.1 s after their write
  const { alerts } = (await api.admin.get("/v1/alerts?limit=200")).json;
  const failed = alerts.filter((a) => a.type === "sourcing_failed").map((a) => a.unfulfilled[0].qty);
  assert.deepEqual(failed.slice(-2), [3, 6]);
  // Stock enough where parcels leave, but only at a warehouse the profile excludes: the plan's lines.
  await api.admin.post("/v1/inventory/events", { events: [{ id: "e-l9", type: "set", sku: "E", location: "L9", onHand: 10 }] });
  const limited = await api.post("/v1/reservations", { idempotencyKey: "short-kinds", lines: [{ sku: "E", qty: 2 }], destination: PARIS, profile: { kinds: ["store"] } });
  assert.equal(limited.status, 409);
  assert.deepEqual(limited.json.error.unfulfilled, [{ sku: "E", qty: 2 }]);
  await api.dispose();
});
