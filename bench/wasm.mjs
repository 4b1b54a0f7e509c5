// The engine measured from JavaScript, through the built package (`make build` first): what a
// Node service, a page or a Worker pays, boundary included. Writes bench/wasm-results.json and
// prints a table. Run: node --expose-gc bench/wasm.mjs (~30 s on 2 cores); BENCH_VERBOSE=1 also
// prints each applyEvents run (the first batch on a fresh engine widens its SKUs' columns).
//
// Cold start and fromSnapshot run in fresh child processes: V8 caches compiled wasm per process,
// and wasm memory never shrinks, so only a new process shows the real cost and footprint.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { textTable, wasmRows } from "../scripts/bench-format.mjs";
import { rng } from "./rng.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const wasmPath = join(root, "pkg", "wasm", "atsource_bg.wasm");
const gc = globalThis.gc ?? (() => {});

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const round = (x, digits = 2) => Number(x.toFixed(digits));


// Haversine, as the contract defines distance (Earth radius 6371.0088 km).
function km(a, b) {
  const r = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * r) / 2) ** 2 +
    Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

// ---------------------------------------------------------------- child processes

async function childColdStart() {
  const bytes = readFileSync(wasmPath);
  const { initSync } = await import(pathToFileURL(join(root, "pkg", "wasm", "atsource.js")).href);
  // As the package's Node entry does (pkg/index.node.js): a synchronous compile.
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t1 = performance.now();
  initSync({ module });
  const t2 = performance.now();
  return { compileMs: t1 - t0, instantiateMs: t2 - t1, totalMs: t2 - t0 };
}

async function childFromSnapshot(file) {
  const { initSync, Engine } = await import(pathToFileURL(join(root, "pkg", "index.node.js")).href);
  const exports = initSync({ module: await WebAssembly.compile(readFileSync(wasmPath)) });
  const memoryAfterInit = exports.memory.buffer.byteLength;
  const bytes = new Uint8Array(readFileSync(file));
  gc();
  const t0 = performance.now();
  const engine = Engine.fromSnapshot(bytes);
  const ms = performance.now() - t0;
  const { positions } = engine.stats();
  const memoryAfterLoad = exports.memory.buffer.byteLength;
  // Again, once V8 has tiered the decoder up from its baseline compiler (Liftoff): the first
  // call in a process pays for running unoptimised code, later ones do not.
  engine.free();
  gc();
  const t1 = performance.now();
  Engine.fromSnapshot(bytes).free();
  const warmMs = performance.now() - t1;
  return { ms, warmMs, positions, memoryAfterInit, memoryAfterLoad };
}

function runChild(args) {
  const out = execFileSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", ...args], {
    encoding: "utf8",
  });
  return JSON.parse(out);
}

// ---------------------------------------------------------------- workloads

/** `n` locations around French cities (the fallback when the package has no demoNetwork). */
function generatedLocations(stores, warehouses, random) {
  const cities = [
    [48.8566, 2.3522, 10], [45.764, 4.8357, 4], [43.2965, 5.3698, 4], [43.6047, 1.4442, 3],
    [43.7102, 7.262, 2], [47.2184, -1.5536, 3], [48.5734, 7.7521, 2], [43.6119, 3.8772, 2],
    [44.8378, -0.5792, 3], [50.6292, 3.0573, 3], [48.1173, -1.6778, 2], [49.2583, 4.0317, 1],
    [45.4397, 4.3872, 1], [45.1885, 5.7245, 2], [47.322, 5.0415, 1], [47.3941, 0.6848, 1],
    [49.4432, 1.0999, 2], [45.7772, 3.087, 1], [47.9029, 1.9093, 1], [49.1193, 6.1757, 1],
  ];
  const weights = cities.reduce((s, c) => s + c[2], 0);
  const pick = () => {
    let x = random() * weights;
    for (const c of cities) if ((x -= c[2]) < 0) return c;
    return cities[0];
  };
  const out = [];
  for (let i = 0; i < stores + warehouses; i++) {
    const [lat, lon] = pick();
    const store = i < stores;
    out.push({
      id: store ? `store-${i}` : `wh-${i - stores}`,
      kind: store ? "store" : "warehouse",
      lat: lat + (random() - 0.5) * 0.6,
      lon: lon + (random() - 0.5) * 0.8,
    });
  }
  return out;
}

/** Applies `events` in JSON batches (the fast path) so building big states stays quick. */
function applyInBatches(engine, events, batch = 100_000) {
  for (let i = 0; i < events.length; i += batch) {
    const report = engine.applyEvents(JSON.stringify(events.slice(i, i + batch)));
    if (report.rejected.length) throw new Error(`rejected: ${JSON.stringify(report.rejected[0])}`);
  }
}

/**
 * The 1,000-location network for availability: the package's demoNetwork (996 stores, 4
 * warehouses, 2,000 SKUs, its own stocking density), else the same counts generated here with
 * each SKU stocked at a random quarter of the locations.
 */
function availabilityNetwork(atsource, random) {
  if (typeof atsource.demoNetwork === "function") {
    const demo = atsource.demoNetwork({ stores: 996, warehouses: 4, skus: 2000 });
    const engine = new atsource.Engine();
    engine.upsertLocations(demo.locations);
    applyInBatches(engine, demo.events);
    const skus = demo.catalogue.map((p) => p.sku);
    const { positions } = engine.stats();
    return { engine, skus, locations: engine.locations(), source: `demoNetwork, ${positions.toLocaleString("en-US")} positions` };
  }
  const engine = new atsource.Engine();
  const locations = generatedLocations(996, 4, random);
  engine.upsertLocations(locations);
  const skus = Array.from({ length: 2000 }, (_, i) => `SKU-${String(i).padStart(5, "0")}`);
  const events = [];
  for (const sku of skus) {
    for (const loc of locations) {
      if (random() < 0.25) {
        events.push({ id: `av-${events.length}`, type: "set", sku, location: loc.id, onHand: 1 + Math.floor(random() * 40) });
      }
    }
  }
  applyInBatches(engine, events);
  return { engine, skus, locations, source: `generated, ${events.length.toLocaleString("en-US")} positions` };
}

// ---------------------------------------------------------------- measurements

function benchApplyEvents(atsource, random) {
  const BATCH = 100_000;
  const locations = generatedLocations(96, 4, random);
  const skus = Array.from({ length: 1000 }, (_, i) => `SKU-${i}`);
  const setup = () => {
    const engine = new atsource.Engine();
    engine.upsertLocations(locations);
    // Every position exists and holds stock: the timed batch updates, it does not create.
    const events = [];
    for (const sku of skus) {
      for (const loc of locations) events.push({ id: `init-${events.length}`, type: "set", sku, location: loc.id, onHand: 1000 });
    }
    applyInBatches(engine, events);
    return engine;
  };
  // A realistic mix for an OMS feed: cart reservations dominate, then picks, ships, adjustments.
  const mix = ["reserve", "reserve", "reserve", "release", "pick", "ship", "adjust", "adjust", "return", "set"];
  const batch = (tag) =>
    Array.from({ length: BATCH }, (_, i) => {
      const type = mix[i % mix.length];
      const e = { id: `${tag}-${i}`, type, sku: skus[Math.floor(random() * skus.length)], location: locations[Math.floor(random() * locations.length)].id };
      if (type === "set") e.onHand = 500 + Math.floor(random() * 500);
      else if (type === "adjust") e.delta = Math.floor(random() * 5) - 2;
      else e.qty = 1;
      return e;
    });

  // Both forms on the same engine, in alternating order, five times: the machine is shared
  // (2 cores), so the median of interleaved runs is what is comparable.
  // `jsonCountsOnly` is the bulk-load path: `{ changes: false }` skips listing every position
  // whose ATS changed, which otherwise crosses back to JS as a large array.
  const forms = ["array", "json", "jsonCountsOnly"];
  const rates = Object.fromEntries(forms.map((f) => [f, []]));
  let changes = 0;
  for (let run = 0; run < 5; run++) {
    const engine = setup();
    for (const form of run % 2 ? [...forms].reverse() : forms) {
      const events = batch(`${form}${run}`);
      const input = form === "array" ? events : JSON.stringify(events);
      const options = form === "jsonCountsOnly" ? { changes: false } : undefined;
      gc();
      const t0 = performance.now();
      const report = engine.applyEvents(input, options);
      const ms = performance.now() - t0;
      if (report.applied + report.stale !== BATCH) throw new Error(`applyEvents: ${report.rejected[0]?.message}`);
      rates[form].push(BATCH / (ms / 1000));
      if (process.env.BENCH_VERBOSE) console.error(`applyEvents run ${run} ${form}: ${ms.toFixed(1)} ms`);
      if (form === "json") changes = report.changes.length;
    }
    engine.free();
  }
  const result = {};
  for (const form of forms) {
    const rate = median(rates[form]);
    result[form] = { eventsPerSec: Math.round(rate), msPerBatch: round((BATCH / rate) * 1000, 1) };
  }
  // The report lists every position whose ATS changed: part of the cost crossing back to JS.
  result.changesPerBatch = changes;
  result.batch = BATCH;
  return result;
}

function benchAts(engine, skus, locations) {
  const CALLS = 100_000;
  const pairs = Array.from({ length: CALLS }, (_, i) => [skus[(i * 7919) % skus.length], locations[(i * 104729) % locations.length].id]);
  const perCall = (fn) => {
    const samples = [];
    for (let round = 0; round < 15; round++) {
      const t0 = performance.now();
      let sink = 0;
      for (let i = 0; i < CALLS; i++) sink += fn(i);
      samples.push(((performance.now() - t0) * 1e6) / CALLS);
      if (sink < 0) throw new Error("unreachable");
    }
    return round(median(samples), 0);
  };
  return {
    location: { p50Ns: perCall((i) => engine.ats(pairs[i][0], pairs[i][1])) },
    networkTotal: { p50Ns: perCall((i) => engine.ats(pairs[i][0])) },
    calls: CALLS,
  };
}

function benchAvailability({ engine, skus, locations }, random) {
  const NEAREST = 50;
  // Query points around the locations themselves (shoppers are where the stores are), with the
  // radius set to reach exactly the 50 nearest of them.
  const queries = Array.from({ length: 200 }, () => {
    const base = locations[Math.floor(random() * locations.length)];
    const near = { lat: base.lat + (random() - 0.5) * 0.2, lon: base.lon + (random() - 0.5) * 0.2 };
    const d = locations.map((l) => km(near, l)).sort((a, b) => a - b);
    return { near, radiusKm: d[NEAREST - 1] + 1e-6 };
  });
  const measure = (skuCount, calls) => {
    const query = (i) => {
      const q = queries[i % queries.length];
      const picked = Array.from({ length: skuCount }, () => skus[Math.floor(random() * skus.length)]);
      return { skus: picked, near: q.near, radiusKm: q.radiusKm, limit: NEAREST };
    };
    // Warm-up for at least 300 ms, as bench/sourcing.mjs does: V8 compiles the hot wasm
    // functions with its optimising tier in background threads, which on 2 cores would take
    // the CPU from the first timed calls (20 warm-up calls left some of them in baseline code).
    const warm = performance.now() + 300;
    for (let i = 0; i < 20 || performance.now() < warm; i++) engine.availability(query(i));
    const times = [];
    let listed = 0;
    for (let i = 0; i < calls; i++) {
      const q = query(i);
      const t0 = performance.now();
      const res = engine.availability(q);
      times.push((performance.now() - t0) * 1000);
      listed += res.reduce((s, r) => s + r.locations.length, 0);
    }
    return { p50Us: round(quantile(times, 0.5), 1), p99Us: round(quantile(times, 0.99), 1), calls, avgLocationsListed: round(listed / calls, 1) };
  };
  return { nearest: NEAREST, locations: locations.length, skus20: measure(20, 500), skus100: measure(100, 300) };
}

function benchSnapshot(atsource, random) {
  const SKUS = 10_000;
  const LOCATIONS = 100;
  const engine = new atsource.Engine();
  const locations = generatedLocations(96, 4, random);
  engine.upsertLocations(locations);
  const t0 = performance.now();
  let n = 0;
  for (let s = 0; s < SKUS; s += 1000) {
    const events = [];
    for (let k = s; k < s + 1000; k++) {
      const sku = `SKU-${String(k).padStart(6, "0")}`;
      for (const loc of locations) events.push({ id: `snap-${n++}`, type: "set", sku, location: loc.id, onHand: 1 + (k % 97) });
    }
    engine.applyEvents(JSON.stringify(events));
  }
  const buildMs = performance.now() - t0;
  const t1 = performance.now();
  const bytes = engine.snapshot();
  const snapshotMs = performance.now() - t1;
  const positions = engine.stats().positions;
  engine.free();

  const runs = loadsInFreshProcesses(bytes, positions, 3);
  return {
    positions,
    skus: SKUS,
    locations: LOCATIONS,
    setEventsApplyMs: round(buildMs, 0),
    snapshotMs: round(snapshotMs, 1),
    snapshotBytes: bytes.length,
    bytesPerPosition: round(bytes.length / positions, 2),
    fromSnapshotMs: round(median(runs.map((r) => r.ms)), 1),
    fromSnapshotWarmMs: round(median(runs.map((r) => r.warmMs)), 1),
    memoryAfterInitBytes: runs[0].memoryAfterInit,
    memoryAfterLoadBytes: Math.max(...runs.map((r) => r.memoryAfterLoad)),
  };
}

/** `Engine.fromSnapshot(bytes)` in `n` fresh processes (childFromSnapshot), each checked to hold `positions`. */
function loadsInFreshProcesses(bytes, positions, n) {
  const dir = mkdtempSync(join(tmpdir(), "atsource-bench-"));
  try {
    const file = join(dir, "snapshot.bin");
    writeFileSync(file, bytes);
    const runs = Array.from({ length: n }, () => runChild(["from-snapshot", file]));
    for (const r of runs) if (r.positions !== positions) throw new Error(`fromSnapshot lost positions: ${r.positions}`);
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A long catalogue: 1,000,000 SKUs held in one place each, where per-SKU memory dominates. */
function benchCatalogue(atsource) {
  const SKUS = 1_000_000;
  const engine = new atsource.Engine();
  engine.upsertLocations(Array.from({ length: 10 }, (_, i) => ({ id: `L${i}`, kind: "store", lat: 45 + i / 10, lon: 2 })));
  for (let s = 0; s < SKUS; s += 100_000) {
    const events = [];
    for (let k = s; k < s + 100_000; k++) {
      events.push({ id: `cat-${k}`, type: "set", sku: `SKU-${String(k).padStart(7, "0")}`, location: `L${k % 10}`, onHand: 1 + (k % 7) });
    }
    engine.applyEvents(JSON.stringify(events), { changes: false });
  }
  const bytes = engine.snapshot();
  engine.free();
  const [r] = loadsInFreshProcesses(bytes, SKUS, 1);
  return { skus: SKUS, snapshotBytes: bytes.length, fromSnapshotMs: round(r.ms, 1), memoryAfterLoadBytes: r.memoryAfterLoad };
}

function benchColdStart() {
  // 15 fresh processes: on a shared 2-core machine a median of 7 moved by a millisecond.
  const runs = Array.from({ length: 15 }, () => runChild(["cold"]));
  return {
    runs: runs.length,
    p50Ms: round(median(runs.map((r) => r.totalMs)), 2),
    compileP50Ms: round(median(runs.map((r) => r.compileMs)), 2),
    instantiateP50Ms: round(median(runs.map((r) => r.instantiateMs)), 2),
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const atsource = await import(pathToFileURL(join(root, "pkg", "index.node.js")).href);
  await atsource.init();
  const random = rng(20240601);
  const started = performance.now();
  const step = (name) => console.error(`bench: ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

  step("applyEvents");
  const applyEvents = benchApplyEvents(atsource, random);
  step("availability network");
  const network = availabilityNetwork(atsource, random);
  step("ats");
  const ats = benchAts(network.engine, network.skus, network.locations);
  step("availability");
  const availability = { network: network.source, ...benchAvailability(network, random) };
  network.engine.free();
  step("fromSnapshot (1M positions)");
  const fromSnapshot = benchSnapshot(atsource, random);
  step("catalogue (1M one-position SKUs)");
  const catalogue = benchCatalogue(atsource);
  step("cold start");
  const coldStart = benchColdStart();
  step("done");

  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    build: atsource.buildInfo(),
    wasmBytes: readFileSync(wasmPath).length,
    applyEvents,
    ats,
    availability,
    fromSnapshot,
    catalogue,
    coldStart,
  };
  writeFileSync(join(root, "bench", "wasm-results.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(`\n${textTable(["scenario", "result"], wasmRows(results))}`);
  console.log("\nwrote bench/wasm-results.json");
}

const args = process.argv.slice(2);
if (args[0] === "--child") {
  const out = args[1] === "cold" ? await childColdStart() : await childFromSnapshot(args[2]);
  process.stdout.write(JSON.stringify(out));
} else {
  await main();
}
