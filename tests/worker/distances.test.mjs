// Distances and order near a point are one answer across the read routes: GET /v1/locations gives
// the same unrounded haversine distances as GET /v1/availability (engine.availability) and the
// plans of POST /v1/source, to the last bit, and lists locations at equal distance in the same
// order (the engine's: nearest first, then by location id).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { workerFixture } from "./helpers.mjs";

const fx = workerFixture();
let api;

// Deterministic pseudo-random points over France (no Math.random: a failure must replay).
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const rnd = lcg(7);
// Over France, then over the world (long arcs, high latitudes: every branch of the trigonometry).
const SPREAD = Array.from({ length: 200 }, (_, i) => ({
  id: `P${String(i).padStart(3, "0")}`,
  name: `Point ${i}`,
  kind: "store",
  lat: i < 120 ? 42.5 + rnd() * 8.5 : -89 + rnd() * 178,
  lon: i < 120 ? -4.5 + rnd() * 12.5 : -180 + rnd() * 360,
}));
const ORIGINS = [
  { lat: 48.8566, lon: 2.3522 },
  { lat: 45.764, lon: 4.8357 },
  { lat: 43.2965, lon: 5.3698 },
  { lat: 47.2184, lon: -1.5536 },
  { lat: 50.6292, lon: 3.0573 },
  { lat: -33.8688, lon: 151.2093 },
  { lat: 64.1466, lon: -21.9426 },
  { lat: -54.8, lon: -68.3 },
];

before(async () => {
  api = await fx.start();
  const loc = await api.admin.post("/v1/locations", { locations: SPREAD });
  assert.equal(loc.status, 200, loc.text);
  // Two locations at one address, upserted one call after the other: `Z-TIE` has the lower
  // index, `A-TIE` the lower id.
  for (const id of ["Z-TIE", "A-TIE"]) {
    const r = await api.admin.post("/v1/locations", [{ id, name: id, kind: "store", lat: 48.87, lon: 2.31 }]);
    assert.equal(r.status, 200, r.text);
  }
  const ids = [...SPREAD.map((l) => l.id), "Z-TIE", "A-TIE"];
  const events = ids.map((id) => ({ id: `d-${id}`, type: "set", sku: "D", location: id, onHand: 5 }));
  const ev = await api.admin.post("/v1/inventory/events", { events });
  assert.equal(ev.status, 200, ev.text);
});
after(() => fx.cleanup());

test("GET /v1/locations gives the distances of GET /v1/availability, unrounded", async () => {
  let unrounded = 0;
  for (const o of ORIGINS) {
    const q = `lat=${o.lat}&lon=${o.lon}`;
    const locs = await api.get(`/v1/locations?${q}`);
    const avail = await api.get(`/v1/availability?skus=D&${q}`);
    assert.equal(locs.status, 200, locs.text);
    assert.equal(avail.status, 200, avail.text);
    const fromEngine = new Map(avail.json[0].locations.map((l) => [l.id, l.distanceKm]));
    assert.equal(locs.json.length, fromEngine.size);
    for (const l of locs.json) {
      assert.equal(l.distanceKm, fromEngine.get(l.id), `${l.id} from ${q}`);
      if (Math.round(l.distanceKm * 1000) / 1000 !== l.distanceKm) unrounded++;
    }
    // Same order, ties included.
    assert.deepEqual(locs.json.map((l) => l.id), avail.json[0].locations.map((l) => l.id), q);
    // With a radius: the same locations as the engine's radius query.
    const within = await api.get(`/v1/locations?${q}&radiusKm=300`);
    const availWithin = await api.get(`/v1/availability?skus=D&${q}&radiusKm=300`);
    assert.deepEqual(within.json.map((l) => [l.id, l.distanceKm]), availWithin.json[0].locations.map((l) => [l.id, l.distanceKm]));
  }
  assert.ok(unrounded > 0, "distances are not rounded to the metre");
});

test("locations at equal distance come by id on every read route", async () => {
  const q = "lat=48.8&lon=2.2&radiusKm=20";
  const locs = (await api.get(`/v1/locations?${q}`)).json.map((l) => l.id);
  const avail = (await api.get(`/v1/availability?skus=D&${q}`)).json[0].locations.map((l) => l.id);
  assert.deepEqual(locs.filter((id) => id.endsWith("-TIE")), ["A-TIE", "Z-TIE"], "by id, not by upsert order");
  assert.deepEqual(locs, avail);
});

test("a plan's shipment distances are those of GET /v1/locations", async () => {
  const destination = ORIGINS[1];
  const src = await api.post("/v1/source", { lines: [{ sku: "D", qty: 12 }], destination });
  assert.equal(src.status, 200, src.text);
  const locs = await api.get(`/v1/locations?lat=${destination.lat}&lon=${destination.lon}`);
  const byId = new Map(locs.json.map((l) => [l.id, l.distanceKm]));
  assert.ok(src.json.plan.shipments.length > 1);
  for (const s of src.json.plan.shipments) assert.equal(s.distanceKm, byId.get(s.location), s.location);
});
