// Random sourcing instances for the MILP cross-check (tests/sourcing/milp.test.mjs) and the
// sourcing benchmark (bench/sourcing.mjs). An instance is plain JSON: a network, its stock as
// `set` events, a cart, a destination and a profile. From it this module
//   - builds an Engine through the package (`buildEngine`),
//   - exports the pure optimisation problem for bench/sourcing/milp.py (`milpProblem`): per
//     eligible location a fixed cost per shipment, a cost per unit, a capacity and the ATS of
//     every cart SKU, computed here from the contract's cost model with our own haversine,
//     independently of the engine,
//   - checks a plan against the contract (`checkPlan`).
// Everything is deterministic in the seed.
import { demoNetwork } from "../../pkg/index.node.js";

const EARTH_RADIUS_KM = 6371.0088;

/** Haversine great-circle distance in km, as the contract defines it. */
export function haversineKm(a, b) {
  const r = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * r) / 2) ** 2 +
    Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

import { rng } from "../rng.mjs";

export { rng };

const money = (x) => Math.round(x * 100) / 100;

function tools(seed) {
  const rand = rng(seed);
  const uniform = (lo, hi) => lo + (hi - lo) * rand();
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const chance = (p) => rand() < p;
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  return { rand, uniform, int, chance, pick };
}

// Metropolitan France, roughly: destinations and generated locations fall inside.
const FRANCE = { lat: [43.3, 49.6], lon: [-1.2, 7.0] };

function randomProfile(t, options) {
  const profile = {
    costPerShipment: money(t.uniform(3, 7)),
    costPerKm: Number(t.uniform(0.002, 0.02).toFixed(4)),
    costPerUnitKm: Number(t.uniform(0.0002, 0.003).toFixed(5)),
    performancePenalty: money(t.uniform(0, 8)),
  };
  if (options.maxShipments !== undefined) profile.maxShipments = options.maxShipments;
  if (options.searchBudget !== undefined) profile.searchBudget = options.searchBudget;
  return profile;
}

/**
 * A generated instance.
 * family: "mixed" (a few deep warehouses, stores with some depth) or "store-heavy" (one
 * warehouse missing part of the cart, many shallow stores: the hard case).
 * options: { lines, locations, seed, maxShipments?, infeasible?, ineligible?, searchBudget? }
 */
export function generate(family, options) {
  const { lines, locations: n, seed } = options;
  const t = tools(seed * 7919 + lines * 31 + n);
  const destination = {
    lat: Number(t.uniform(...FRANCE.lat).toFixed(5)),
    lon: Number(t.uniform(...FRANCE.lon).toFixed(5)),
  };
  const skus = Array.from({ length: lines }, (_, i) => `SKU-${seed}-${i}`);
  const warehouses = family === "mixed" ? Math.min(n, t.int(2, 5)) : 1;
  const locations = [];
  const events = [];
  const stock = (sku, location, onHand) =>
    events.push({ type: "set", id: `set-${sku}-${location}`, sku, location, onHand, version: 1 });
  for (let i = 0; i < n; i++) {
    const warehouse = i < warehouses;
    const id = `${warehouse ? "WH" : "ST"}-${i}`;
    // Warehouses anywhere in France; stores clustered around the destination, some far.
    const spread = warehouse ? null : t.chance(0.7) ? 0.6 : 2.5;
    const lat = spread === null ? t.uniform(...FRANCE.lat) : destination.lat + t.uniform(-spread, spread);
    const lon = spread === null ? t.uniform(...FRANCE.lon) : destination.lon + t.uniform(-spread, spread) * 1.4;
    const loc = {
      id,
      kind: warehouse ? "warehouse" : "store",
      lat: Number(lat.toFixed(5)),
      lon: Number(lon.toFixed(5)),
      costPerShipment: money(warehouse ? t.uniform(1.5, 3) : t.uniform(2.5, 7)),
      costPerUnit: money(warehouse ? t.uniform(0.2, 0.6) : t.uniform(0.4, 1.6)),
      performance: Number((warehouse ? t.uniform(0.93, 1) : t.uniform(0.6, 1)).toFixed(3)),
    };
    if (!warehouse && t.chance(0.3)) loc.capacityUnits = t.int(1, 8);
    if (warehouse && t.chance(0.3)) loc.capacityUnits = t.int(lines, 4 * lines);
    if (options.ineligible && !warehouse && t.chance(0.05)) {
      if (t.chance(0.5)) loc.active = false;
      else loc.ship = false;
    }
    locations.push(loc);
    for (const sku of skus) {
      if (warehouse) {
        const holds = family === "mixed" ? t.chance(0.85) : t.chance(0.6);
        if (holds) stock(sku, id, t.int(0, 3) === 0 ? t.int(1, 4) : t.int(10, 200));
      } else {
        const p = family === "mixed" ? 0.35 : 0.2;
        if (t.chance(p)) stock(sku, id, family === "mixed" ? t.int(1, 6) : t.int(1, 2));
      }
    }
  }
  const cart = skus.map((sku) => ({ sku, qty: t.chance(0.7) ? 1 : t.int(2, 4) }));
  if (options.infeasible) {
    // One line asks for more than the whole network holds.
    const k = t.int(0, lines - 1);
    const total = events.filter((e) => e.sku === skus[k]).reduce((s, e) => s + e.onHand, 0);
    cart[k].qty = total + 1;
  }
  return {
    id: `${family}-${lines}x${n}-${seed}`,
    family,
    destination,
    locations,
    events,
    cart,
    profile: randomProfile(t, options),
  };
}

let demo;
/** The demo network, generated once per process. */
function demoData() {
  demo ??= demoNetwork();
  return demo;
}

/**
 * A random cart over the demo network (shared by reference, not copied into the instance):
 * `locations` nearest candidates are made eligible through the profile's `locations` list.
 */
export function generateDemo(options) {
  const { lines, locations: n, seed } = options;
  const t = tools(seed * 104729 + lines * 17 + n);
  const d = demoData();
  const stocked = demoSkus();
  const destination = {
    lat: Number(t.uniform(43.5, 49.3).toFixed(5)),
    lon: Number(t.uniform(-0.8, 6.5).toFixed(5)),
  };
  const skus = new Set();
  while (skus.size < lines) skus.add(t.pick(stocked));
  const cart = [...skus].map((sku) => ({ sku, qty: t.chance(0.75) ? 1 : t.int(2, 3) }));
  const profile = randomProfile(t, options);
  if (n < d.locations.length) {
    profile.locations = [...d.locations]
      .sort((a, b) => haversineKm(destination, a) - haversineKm(destination, b) || (a.id < b.id ? -1 : 1))
      .slice(0, n)
      .map((l) => l.id);
  }
  return { id: `demo-${lines}x${n}-${seed}`, family: "demo", destination, demo: true, cart, profile };
}

let demoSkuList;
function demoSkus() {
  demoSkuList ??= [...new Set(demoData().events.map((e) => e.sku))].sort();
  return demoSkuList;
}

const engines = new Map();
/** An Engine holding the instance's network and stock (the demo engine is built once). */
export function buildEngine(Engine, instance) {
  if (instance.demo) {
    if (!engines.has("demo")) {
      const e = new Engine();
      e.upsertLocations(demoData().locations);
      e.applyEvents(demoData().events);
      engines.set("demo", e);
    }
    return engines.get("demo");
  }
  const engine = new Engine();
  engine.upsertLocations(instance.locations);
  engine.applyEvents(instance.events);
  return engine;
}

/** The `engine.source` request of an instance. */
export function request(instance, profileOverrides = {}) {
  return {
    lines: instance.cart,
    destination: instance.destination,
    profile: { ...instance.profile, ...profileOverrides },
  };
}

/** Every eligible location with its distance and ATS per cart SKU (ATS from the engine for the demo). */
function eligible(instance, engine) {
  const p = instance.profile;
  const allowed = p.locations ? new Set(p.locations) : null;
  const locs = instance.demo ? demoData().locations : instance.locations;
  const onHand = new Map();
  if (!instance.demo) for (const e of instance.events) onHand.set(`${e.sku}\u0000${e.location}`, e.onHand);
  const skus = mergedCart(instance.cart).map((l) => l.sku);
  return locs
    .filter((l) => l.active !== false && l.ship !== false && (!allowed || allowed.has(l.id)))
    .map((l) => ({
      loc: l,
      d: haversineKm(instance.destination, l),
      ats: skus.map((sku) =>
        instance.demo ? engine.ats(sku, l.id) : onHand.get(`${sku}\u0000${l.id}`) ?? 0,
      ),
    }));
}

function mergedCart(cart) {
  const m = new Map();
  for (const { sku, qty } of cart) m.set(sku, (m.get(sku) ?? 0) + qty);
  return [...m].map(([sku, qty]) => ({ sku, qty }));
}

/** The contract's cost of one shipment of `units` units from `loc` at distance `d`. */
export function shipmentCost(loc, d, units, p) {
  return (
    (loc.costPerShipment ?? 0) +
    (p.costPerShipment ?? 0) +
    (p.costPerKm ?? 0) * d +
    (p.performancePenalty ?? 0) * (1 - (loc.performance ?? 1)) +
    units * ((loc.costPerUnit ?? 0) + (p.costPerUnitKm ?? 0) * d)
  );
}

/** The pure problem for bench/sourcing/milp.py. */
export function milpProblem(instance, engine) {
  const p = instance.profile;
  const cart = mergedCart(instance.cart);
  const locs = eligible(instance, engine);
  return {
    id: instance.id,
    skus: cart.map((l) => l.sku),
    demand: cart.map((l) => l.qty),
    maxShipments: p.maxShipments ?? null,
    locations: locs.map(({ loc, d, ats }) => ({
      id: loc.id,
      fixed: shipmentCost(loc, d, 0, p),
      unit: (loc.costPerUnit ?? 0) + (p.costPerUnitKm ?? 0) * d,
      capacity: loc.capacityUnits ?? null,
      stock: ats,
    })),
  };
}

/**
 * Contract violations of `plan` for `instance` (an empty list when valid). Checks the status
 * shape, that every shipment's cost follows the cost model, that no ATS or capacity is exceeded,
 * that the cart ships exactly, maxShipments, and that totalCost sums the shipments.
 */
export function checkPlan(instance, engine, plan) {
  const errors = [];
  const p = instance.profile;
  const rel = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  const locs = new Map(eligible(instance, engine).map((e) => [e.loc.id, e]));
  const cart = mergedCart(instance.cart);
  const skuIndex = new Map(cart.map((l, i) => [l.sku, i]));
  if (plan.status === "unfulfillable") {
    if (plan.shipments.length) errors.push("unfulfillable plan has shipments");
    return errors;
  }
  if (plan.status !== "complete") errors.push(`unexpected status ${plan.status}`);
  if (plan.unfulfilled.length) errors.push("complete plan with unfulfilled lines");
  const shipped = cart.map(() => 0);
  const seen = new Set();
  let sum = 0;
  for (const s of plan.shipments) {
    const e = locs.get(s.location);
    if (!e) {
      errors.push(`${s.location}: not an eligible location`);
      continue;
    }
    if (seen.has(s.location)) errors.push(`${s.location}: two shipments`);
    seen.add(s.location);
    if (!rel(s.distanceKm, e.d)) errors.push(`${s.location}: distance ${s.distanceKm} != ${e.d}`);
    let units = 0;
    for (const { sku, qty } of s.lines) {
      const k = skuIndex.get(sku);
      if (k === undefined) errors.push(`${s.location}: ships ${sku}, not in the cart`);
      else if (!Number.isInteger(qty) || qty <= 0) errors.push(`${s.location}: bad qty ${qty} of ${sku}`);
      else {
        if (qty > e.ats[k]) errors.push(`${s.location}: ${qty} of ${sku} > ATS ${e.ats[k]}`);
        shipped[k] += qty;
        units += qty;
      }
    }
    if (e.loc.capacityUnits !== undefined && units > e.loc.capacityUnits)
      errors.push(`${s.location}: ${units} units > capacity ${e.loc.capacityUnits}`);
    const cost = shipmentCost(e.loc, e.d, units, p);
    if (!rel(s.cost, cost)) errors.push(`${s.location}: cost ${s.cost} != contract ${cost}`);
    sum += cost;
  }
  cart.forEach((l, k) => {
    if (shipped[k] !== l.qty) errors.push(`${l.sku}: ships ${shipped[k]} of ${l.qty}`);
  });
  if (p.maxShipments !== undefined && plan.shipments.length > p.maxShipments)
    errors.push(`${plan.shipments.length} shipments > maxShipments ${p.maxShipments}`);
  if (!rel(plan.totalCost, sum)) errors.push(`totalCost ${plan.totalCost} != sum of shipments ${sum}`);
  if (plan.lowerBound > plan.totalCost * (1 + 1e-9) + 1e-9) errors.push(`lowerBound ${plan.lowerBound} > totalCost`);
  return errors;
}

/**
 * The benchmark's `count` instances of one family and size (`lines` x `n` locations; the demo
 * network has 154 at most), seeds 1..count: the same instances for every harness.
 */
export function family(name, { lines, n, count }) {
  const locations = name === "demo" ? Math.min(n, 154) : n;
  return Array.from({ length: count }, (_, i) =>
    name === "demo"
      ? generateDemo({ lines, locations, seed: 1 + i })
      : generate(name, { lines, locations, seed: 1 + i }),
  );
}
