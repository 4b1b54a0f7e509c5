// The journal's replay (worker/src/journal.ts) on the real package: what a ledger or a read
// replica runs at start. A profile an earlier build stored but this build's checks refuse is
// left out rather than keep the ledger from starting; anything else that fails still throws.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot, tempDir, workerModules } from "./helpers.mjs";

const tmp = tempDir("journal");
after(() => tmp.cleanup());

/** worker/src/journal.ts as an ES module (it imports only types from the package, and reply.ts). */
async function journal() {
  return import((await workerModules(tmp.dir, ["reply", "journal"])).journal);
}

test("replay restores a journalled profile as its build accepted it; one it cannot read is left out, and the replay goes on", async () => {
  const { replay } = await journal();
  const { init, Engine } = await import(pathToFileURL(join(repoRoot, "pkg", "index.node.js")).href);
  await init();
  const engine = new Engine();
  replay(engine, "locations", JSON.stringify([{ id: "W", kind: "warehouse", lat: 48.85, lon: 2.35 }]));
  const warnings = [];
  const warn = console.warn;
  console.warn = (m) => warnings.push(m);
  try {
    // What setProfile refuses today but an earlier build stored: two strategies of one name, a
    // price above the ceiling, a warehouse's own hours that hold only for a store.
    replay(engine, "profile", JSON.stringify({ name: "dup", profile: { strategies: [{ name: "x" }, { name: "x" }] } }));
    replay(engine, "profile", JSON.stringify({ name: "dear", profile: { delivery: { serviceLevels: [{ id: "x", basePrice: 2e9, transit: [{ minDays: 1, maxDays: 2 }] }] } } }));
    replay(engine, "profile", JSON.stringify({ name: "hours", profile: { delivery: { locations: { W: { openHour: 15 } } } } }));
    // An array where an object belongs: no longer read at all.
    replay(engine, "profile", JSON.stringify({ name: "old", profile: { fallback: [] } }));
    replay(engine, "profile", JSON.stringify({ name: "web", profile: { costPerShipment: 5 } }));
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0], /profile old no longer accepted/);
  assert.throws(() => engine.setProfile("again", { delivery: { serviceLevels: [{ id: "x", basePrice: 2e9, transit: [{ minDays: 1, maxDays: 2 }] }] } }), (e) => e.code === "invalid_delivery_config", "refused coming in");
  const cart = { lines: [{ sku: "A", qty: 1 }], destination: { lat: 48.85, lon: 2.35 } };
  assert.throws(() => engine.source({ ...cart, profile: "old" }), (e) => e.code === "unknown_profile");
  for (const name of ["dup", "web"]) assert.equal(engine.source({ ...cart, profile: name }).status, "unfulfillable");
  engine.applyEvents([{ id: "a", type: "set", sku: "A", location: "W", onHand: 3 }]);
  const now = "2026-12-08T10:00";
  assert.equal(engine.deliveryOptions({ ...cart, profile: "dear", now }).home[0].price, 1e9, "the price at the ceiling");
  assert.ok(engine.deliveryOptions({ ...cart, profile: "hours", now }).home.length > 0, "the warehouse on its kind's hours");
  // What is not a refusal of the engine's still stops the replay: a payload that is not JSON.
  assert.throws(() => replay(engine, "profile", "{"), SyntaxError);
  engine.free();
});

test("replay takes a journalled location's cost above today's ceiling (1e9), which earlier builds took, at the ceiling", async () => {
  const { replay } = await journal();
  const { init, Engine } = await import(pathToFileURL(join(repoRoot, "pkg", "index.node.js")).href);
  await init();
  const engine = new Engine();
  const stored = [
    { id: "DEAR", kind: "warehouse", lat: 45, lon: 4, costPerShipment: 9e9, costPerUnit: 2e12 },
    { id: "FAIR", kind: "store", lat: 45.1, lon: 4.1, costPerShipment: 4 },
  ];
  assert.throws(() => engine.upsertLocations(stored), (e) => e.code === "invalid_input", "refused coming in");
  replay(engine, "locations", JSON.stringify(stored));
  const byId = Object.fromEntries(engine.locations().map((l) => [l.id, l]));
  assert.deepEqual([byId.DEAR.costPerShipment, byId.DEAR.costPerUnit, byId.FAIR.costPerShipment], [1e9, 1e9, 4]);
  engine.free();
});

test("replay applies the ledger's own events without remembering their ids, an integration's remembered, and refuses an unknown kind", async () => {
  const { replay } = await journal();
  const { init, Engine } = await import(pathToFileURL(join(repoRoot, "pkg", "index.node.js")).href);
  await init();
  const engine = new Engine();
  replay(engine, "locations", JSON.stringify([{ id: "L", kind: "store", lat: 45, lon: 4 }]));
  replay(engine, "events", JSON.stringify([{ id: "erp-1", type: "set", sku: "A", location: "L", onHand: 5 }]));
  // What the ledger writes for a hold (id first), as an earlier build wrote it too.
  const hold = JSON.stringify([{ id: "atsource:rsv_1:reserve:L:A", type: "reserve", sku: "A", location: "L", qty: 2 }]);
  replay(engine, "events", hold);
  assert.equal(engine.stats().rememberedEvents, 1, "the hold's id is not remembered");
  assert.equal(engine.position("A", "L").reserved, 2);
  // An integration's retry of its own id is still a duplicate; an unknown kind stops the replay.
  replay(engine, "events", JSON.stringify([{ id: "erp-1", type: "set", sku: "A", location: "L", onHand: 9 }]));
  assert.equal(engine.position("A", "L").onHand, 5);
  assert.throws(() => replay(engine, "someday", "[]"), /unknown entry kind "someday"/);
  engine.free();
});
