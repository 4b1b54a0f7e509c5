// engine.deliveryOptions (and engine.quote) through two builds of the package: first the answers
// of both compared as JSON, call by call, on random requests over the demo network (1 to 40
// lines, unknown SKUs, destinations across France, `now`s across a year at any hour, random
// profiles, inline configurations with per-location hours, invalid input: errors compare by code
// and message); then the benchmark's scenario (bench/sourcing.mjs: 30 random 10-line carts,
// `now` 2026-03-02T10:00) timed call by call, alternating which build goes first.
// Run: node bench/promise-ab.mjs <pkg dir A> <pkg dir B> [requests] [rounds]
// (a package dir is a copy of pkg/ after `make build`, e.g. cp -r pkg /tmp/pkg-before)
import { twoBuilds } from "./ab.mjs";
import { generateDemo } from "./sourcing/instances.mjs";
import { rng } from "./rng.mjs";

const { A, B, rest } = await twoBuilds("node bench/promise-ab.mjs <pkg dir A> <pkg dir B> [requests] [rounds]");
const [countArg, roundsArg] = rest;
const demo = A.demoNetwork();
const engines = [A, B].map(({ Engine }) => {
  const e = new Engine();
  e.upsertLocations(demo.locations);
  e.applyEvents(demo.events);
  return e;
});

const rand = rng(2026);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const pad = (n) => String(n).padStart(2, "0");
const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const ids = demo.locations.map((l) => l.id);

function randomNow() {
  const d = new Date(Date.UTC(2026, 0, 1) + int(0, 364) * 864e5);
  const hour = rand() < 0.5 ? int(8, 18) : int(0, 23);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(hour)}:${pad(pick([0, 15, 30, 59]))}`;
}

function randomHours() {
  const h = {};
  if (rand() < 0.5) h.openDays = DAYS.filter(() => rand() < 0.7);
  if (rand() < 0.5) {
    h.openHour = int(5, 11);
    h.closeHour = int(h.openHour + 4, 23);
    h.cutoffHour = int(h.openHour + 1, h.closeHour - 1);
  }
  if (rand() < 0.5) h.processingHours = pick([0, 0.5, 2, 5, 30]);
  return h;
}

function randomLevel(i) {
  const bands = [];
  let km = 0;
  for (let b = int(1, 3); b > 0; b--) {
    km += int(50, 400);
    const min = int(0, 3);
    bands.push({ maxKm: km, minDays: min, maxDays: min + int(0, 2) });
  }
  if (rand() < 0.6) bands.push({ minDays: 2, maxDays: 5 });
  const level = { id: `level-${i}`, basePrice: int(0, 2000) / 100, transit: bands };
  if (rand() < 0.3) level.maxShipments = int(1, 3);
  if (rand() < 0.3) level.sameDayDispatch = true;
  if (rand() < 0.4) level.freeAbove = int(0, 200);
  if (rand() < 0.4) level.extraParcelSurcharge = int(0, 500) / 100;
  if (rand() < 0.3) level.deliveryDays = DAYS.filter(() => rand() < 0.8);
  return level;
}

function randomConfig() {
  const c = {};
  if (rand() < 0.5) c.serviceLevels = Array.from({ length: int(1, 4) }, (_, i) => randomLevel(i));
  if (rand() < 0.3) c.store = randomHours();
  if (rand() < 0.3) c.warehouse = randomHours();
  if (rand() < 0.4) c.locations = Object.fromEntries(Array.from({ length: int(1, 8) }, () => [pick(ids), randomHours()]));
  if (rand() < 0.2) c.country = null;
  if (rand() < 0.2) c.holidays = [randomNow().slice(0, 10)];
  if (rand() < 0.3) c.clickAndCollect = { enabled: rand() < 0.8, maxDistanceKm: int(5, 200), maxStores: int(1, 6), transferDays: int(0, 4), price: int(0, 300) / 100 };
  return c;
}

function randomRequest(i) {
  const lines = pick([1, 2, 3, 5, 10, 10, 10, 20, 40]);
  const inst = generateDemo({ lines, locations: pick([20, 50, 154, 154]), seed: 10_000 + i });
  const req = { lines: inst.cart, destination: inst.destination, now: rand() < 0.2 ? "2026-03-02T10:00" : randomNow() };
  if (rand() < 0.1) req.lines = [...req.lines, { sku: "NO-SUCH-SKU", qty: 1 }];
  if (rand() < 0.5) {
    const p = { ...inst.profile };
    if (rand() < 0.6) delete p.locations;
    if (rand() < 0.2) p.maxShipments = int(1, 3);
    if (rand() < 0.2) p.maxDistanceKm = int(50, 800);
    if (rand() < 0.2) p.allowPartial = true;
    req.profile = p;
  }
  if (rand() < 0.4) req.delivery = randomConfig();
  if (rand() < 0.2) req.priceExplanations = rand() < 0.5;
  if (rand() < 0.02) req.now = "not a time";
  if (rand() < 0.02) req.lines = [];
  return req;
}

const answer = (engine, method, req) => {
  try {
    return JSON.stringify(engine[method](req));
  } catch (e) {
    return `error ${e.code}: ${e.message}`;
  }
};

const count = Number(countArg ?? 3000);
let differ = 0;
let errors = 0;
for (let i = 0; i < count; i++) {
  const req = randomRequest(i);
  for (const method of i % 5 === 4 ? ["deliveryOptions", "quote"] : ["deliveryOptions"]) {
    const [a, b] = engines.map((e) => answer(e, method, req));
    if (a.startsWith("error")) { errors++; if (process.env.SHOW_ERRORS) console.log(a.slice(0, 160)); }
    if (a !== b) {
      if (differ++ < 3) console.log(`differ: ${method} ${JSON.stringify(req)}\nA ${a.slice(0, 400)}\nB ${b.slice(0, 400)}`);
    }
  }
}
console.log(`compared ${count} deliveryOptions and ${Math.floor(count / 5)} quote answers (${errors} errors), answers that differ: ${differ}`);

// The benchmark's scenario.
const carts = Array.from({ length: 30 }, (_, i) => {
  const cart = generateDemo({ lines: 10, locations: 154, seed: 100 + i });
  return { lines: cart.cart, destination: cart.destination, now: "2026-03-02T10:00" };
});
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const rounds = Number(roundsArg ?? 40);
const samples = [[], []];
for (const e of engines) for (const req of carts) e.deliveryOptions(req);
for (let r = 0; r < rounds; r++) {
  for (const req of carts) {
    for (const k of r % 2 ? [0, 1] : [1, 0]) {
      const t0 = process.hrtime.bigint();
      engines[k].deliveryOptions(req);
      samples[k].push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
  }
}
const [a, b] = samples.map((s) => `p50 ${quantile(s, 0.5).toFixed(1)} µs p90 ${quantile(s, 0.9).toFixed(1)} µs p99 ${quantile(s, 0.99).toFixed(1)} µs`);
console.log(`deliveryOptions 10x154, ${rounds} rounds x 30 carts: A ${a} | B ${b}`);
process.exitCode = differ > 0 ? 1 : 0;
