// The package as a user gets it: `npm pack`, installed into a fresh project, imported by its
// name (so the `exports` map and its `node` condition are what is tested), then a real scenario
// with ATS values computed by hand.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { binDir, installPacked, repoRoot, tempDir } from "./helpers.mjs";

let tmp;
let project;
let atsource;
let firstInits;

before(async () => {
  tmp = tempDir("consumer");
  project = installPacked(tmp.dir);
  // A module inside the consumer project, so that "atsource" resolves as it would for the user.
  writeFileSync(
    join(project, "atsource.mjs"),
    'export * from "atsource";\nexport const resolved = import.meta.resolve("atsource");\n',
  );
  atsource = await import(pathToFileURL(join(project, "atsource.mjs")).href);
  // Two calls before the module is loaded: they must share one load.
  firstInits = [atsource.init(), atsource.init()];
  await firstInits[0];
});

after(() => tmp?.cleanup());

test("import from the installed package resolves the node entry; init is idempotent", async () => {
  assert.match(atsource.resolved, /\/node_modules\/atsource\/index\.node\.js$/);
  const [first, second] = firstInits;
  assert.equal(first, second, "concurrent init() calls share one promise");
  assert.equal(await first, undefined);
  assert.equal(atsource.init(), first, "later calls return the settled promise");
  for (const name of ["init", "Engine", "buildInfo", "demoNetwork", "cities", "initSync"]) {
    assert.equal(typeof atsource[name], "function", `${name} is exported`);
  }
  assert.equal("default" in atsource, false, "wasm-bindgen's raw default init is not exported");
});

test("the tarball ships the entries, the wasm-bindgen output and nothing else", () => {
  const installed = join(project, "node_modules", "atsource");
  const files = readdirSync(installed, { recursive: true })
    .filter((f) => f.includes("."))
    // wasm-bindgen names the snippet folder by a hash of the crate; the file inside is ours.
    .map((f) => f.replace(/^wasm\/snippets\/atsource-[0-9a-f]+\//, "wasm/snippets/atsource-*/"))
    .sort();
  assert.deepEqual(files, [
    "README.md",
    "index.browser.js",
    "index.d.ts",
    "index.node.js",
    "index.workerd.js",
    "package.json",
    "wasm/atsource.d.ts",
    "wasm/atsource.js",
    "wasm/atsource_bg.wasm",
    "wasm/snippets/atsource-*/src/wasm/glue.js",
  ]);
});

test("a plain ESM script importing atsource by name runs", () => {
  const script = join(project, "script.mjs");
  writeFileSync(
    script,
    [
      'import { init, Engine, buildInfo } from "atsource";',
      "await init();",
      "await init();",
      "const engine = new Engine();",
      'engine.upsertLocations([{ id: "A", kind: "store", lat: 48.85, lon: 2.35 }]);',
      'engine.applyEvents([{ id: "1", type: "set", sku: "S", location: "A", onHand: 4 }]);',
      'console.log(JSON.stringify({ version: buildInfo().version, ats: engine.ats("S", "A") }));',
    ].join("\n"),
  );
  const out = execFileSync(process.execPath, [script], { cwd: project, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), { version: "0.1.0", ats: 4 });
});

test("using the package before init(), or an engine after free(), throws a coded error", () => {
  const script = join(project, "misuse.mjs");
  writeFileSync(
    script,
    [
      'import { init, Engine, buildInfo, distanceKm } from "atsource";',
      "const codeOf = (f) => { try { f(); return null; } catch (e) { return [e instanceof Error, e.name, e.code]; } };",
      "const before = [codeOf(() => new Engine()), codeOf(() => buildInfo()), codeOf(() => distanceKm(48, 2, 45, 4))];",
      "await init();",
      "const engine = new Engine();",
      "engine.free();",
      "const freed = codeOf(() => engine.stats());",
      "const freedTwice = codeOf(() => engine.free());",
      // `using engine = ...` around a block that frees the engine itself disposes of it again.
      "const disposedAfterFree = codeOf(() => engine[Symbol.dispose]());",
      "const disposed = new Engine();",
      "disposed[Symbol.dispose]();",
      "const disposedTwice = [codeOf(() => disposed[Symbol.dispose]()), codeOf(() => disposed.stats())];",
      "const fresh = new Engine().stats().positions;",
      "console.log(JSON.stringify({ before, freed, freedTwice, disposedAfterFree, disposedTwice, fresh }));",
    ].join("\n"),
  );
  const out = JSON.parse(execFileSync(process.execPath, [script], { cwd: project, encoding: "utf8" }));
  const coded = (code) => [true, "AtsourceError", code];
  assert.deepEqual(out.before, [coded("not_initialized"), coded("not_initialized"), coded("not_initialized")]);
  assert.deepEqual(out.freed, coded("engine_freed"));
  assert.deepEqual(out.freedTwice, coded("engine_freed"), "free() twice says so");
  assert.equal(out.disposedAfterFree, null, "disposing of a freed engine does nothing");
  assert.deepEqual(out.disposedTwice, [null, coded("engine_freed")], "dispose frees once, then does nothing");
  assert.equal(out.fresh, 0, "the package works once initialised");
});

test("buildInfo matches Cargo.toml and pkg/package.json", () => {
  const cargo = readFileSync(join(repoRoot, "Cargo.toml"), "utf8");
  const cargoVersion = cargo.match(/^version\s*=\s*"([^"]+)"/m)[1];
  const pkgVersion = JSON.parse(readFileSync(join(repoRoot, "pkg", "package.json"), "utf8")).version;
  const info = atsource.buildInfo();
  assert.equal(info.version, "0.1.0");
  assert.equal(info.version, cargoVersion);
  assert.equal(pkgVersion, cargoVersion, "pkg/package.json version follows Cargo.toml");
  // The commit built (`-dirty`: with uncommitted changes), as `git` names it.
  const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  assert.match(info.commit, new RegExp(`^${head}(-dirty)?$`));
});

const LOCATIONS = [
  { id: "PAR", kind: "store", lat: 48.8566, lon: 2.3522 },
  { id: "LYO", kind: "warehouse", lat: 45.764, lon: 4.8357 },
  { id: "MRS", kind: "store", lat: 43.2965, lon: 5.3698, active: false },
];

const ev = (id, type, sku, location, fields) => ({ id, type, sku, location, ...fields });

/** The listed properties of what `f` throws (its name and code by default), or null. */
function codeOf(f, keys = ["name", "code"]) {
  try {
    f();
    return null;
  } catch (e) {
    return keys.map((k) => e[k]);
  }
}

function scenarioEngine() {
  const { Engine } = atsource;
  const engine = new Engine();
  assert.deepEqual(engine.upsertLocations(LOCATIONS), { upserted: 3 });
  const report = engine.applyEvents([
    ev("e1", "set", "SKU-1", "PAR", { onHand: 10 }),
    ev("e2", "set", "SKU-1", "LYO", { onHand: 50 }),
    ev("e3", "set", "SKU-1", "MRS", { onHand: 7 }),
    ev("e4", "reserve", "SKU-1", "PAR", { qty: 3 }),
    ev("e5", "reserve", "SKU-1", "LYO", { qty: 5 }),
    ev("e6", "pick", "SKU-1", "LYO", { qty: 4 }),
    ev("e7", "ship", "SKU-1", "LYO", { qty: 4 }),
    ev("e8", "set", "SKU-2", "PAR", { onHand: 2 }),
    ev("e9", "safetyStock", "SKU-2", "PAR", { qty: 1 }),
    ev("e10", "adjust", "SKU-1", "PAR", { delta: -1 }),
  ]);
  assert.equal(report.applied, 10);
  assert.equal(report.duplicates, 0);
  assert.equal(report.stale, 0);
  assert.deepEqual(report.rejected, []);
  return engine;
}

test("set / reserve / pick / ship: ATS per location and network total", () => {
  const engine = scenarioEngine();
  // PAR: onHand 10 - 1 (adjust) = 9, reserved 3 -> 6.
  assert.equal(engine.ats("SKU-1", "PAR"), 6);
  // LYO: onHand 50 - 4 shipped = 46, reserved 5 - 4 picked = 1, picking 4 - 4 shipped = 0 -> 45.
  assert.equal(engine.ats("SKU-1", "LYO"), 45);
  // MRS is inactive: sells nothing whatever it holds.
  assert.equal(engine.ats("SKU-1", "MRS"), 0);
  assert.equal(engine.ats("SKU-1"), 51);
  // SKU-2 at PAR: onHand 2 - safety 1.
  assert.equal(engine.ats("SKU-2", "PAR"), 1);
  // That 1 is the position's own safety stock; `qty: null` removes it, and PAR's own (none)
  // applies again. An event without `qty` is refused, not read as a removal.
  const cleared = engine.applyEvents([ev("no-qty", "safetyStock", "SKU-2", "PAR", {}), ev("clear-safety", "safetyStock", "SKU-2", "PAR", { qty: null })]);
  assert.deepEqual(cleared.rejected.map((r) => [r.index, r.code]), [[0, "missing_field"]]);
  assert.equal(engine.ats("SKU-2", "PAR"), 2);
  engine.applyEvents([ev("own-safety-again", "safetyStock", "SKU-2", "PAR", { qty: 1 })]);
  assert.equal(engine.ats("NEVER-STOCKED"), 0);
  const pos = engine.position("SKU-1", "LYO");
  assert.equal(pos.onHand, 46);
  assert.equal(pos.reserved, 1);
  assert.equal(pos.picking, 0);
  assert.equal(pos.ats, 45);
  assert.equal(engine.position("SKU-2", "LYO"), undefined);
});

test("duplicates, stale counts and per-event rejections with stable codes", () => {
  const engine = scenarioEngine();
  const report = engine.applyEvents([
    ev("e4", "reserve", "SKU-1", "PAR", { qty: 3 }), // already applied
    ev("e11", "reserve", "SKU-1", "PAR", { qty: -2 }),
    ev("e12", "reserve", "SKU-1", "NOPE", { qty: 1 }),
    ev("e13", "release", "SKU-1", "PAR", { qty: 1 }),
    ev("e14", "set", "SKU-1", "LYO", { onHand: 46, version: 5 }),
    ev("e15", "set", "SKU-1", "LYO", { onHand: 0, version: 5 }), // not newer: stale
  ]);
  assert.equal(report.applied, 2);
  assert.equal(report.duplicates, 1);
  assert.equal(report.stale, 1);
  assert.deepEqual(
    report.rejected.map(({ index, code }) => ({ index, code })),
    [
      { index: 1, code: "invalid_quantity" },
      { index: 2, code: "unknown_location" },
    ],
  );
  for (const r of report.rejected) assert.equal(typeof r.message, "string");
  // The duplicate reserved nothing; the release freed one unit at PAR.
  assert.equal(engine.ats("SKU-1", "PAR"), 7);
  assert.equal(engine.ats("SKU-1", "LYO"), 45);
  assert.equal(engine.ats("SKU-1"), 52);
});

test("one cart with unit prices is priced by deliveryOptions and sourced by source as it is", () => {
  const engine = scenarioEngine();
  const destination = { lat: 48.85, lon: 2.35 };
  const cart = [{ sku: "SKU-1", qty: 2, unitPrice: 19.9 }];
  const options = engine.deliveryOptions({ lines: cart, destination, now: "2026-12-08T10:00" });
  assert.equal(options.cartValue, 39.8);
  const plan = engine.source({ lines: cart, destination });
  assert.deepEqual(plan, engine.source({ lines: [{ sku: "SKU-1", qty: 2 }], destination }));
  assert.equal(plan.status, "complete");
  const bad = codeOf(() => engine.source({ lines: [{ sku: "SKU-1", qty: 1, unitPrice: -1 }], destination }), ["code", "field"]);
  assert.deepEqual(bad, ["invalid_input", "lines[0].unitPrice"]);
});

test("a quantity of NaN or Infinity is refused with its event alone, never read as an absent value", () => {
  const engine = scenarioEngine();
  engine.applyEvents([ev("n1", "safetyStock", "SKU-1", "PAR", { qty: 2 })]);
  const before = engine.ats("SKU-1", "PAR");
  const report = engine.applyEvents([
    ev("n2", "safetyStock", "SKU-1", "PAR", { qty: NaN }), // as `null` it would remove the buffer
    ev("n3", "set", "SKU-1", "LYO", { onHand: 1, version: Infinity }), // as `null`, an unversioned count
    ev("n4", "reserve", "SKU-1", "PAR", { qty: 1, note: NaN }), // a field the event does not read
    ev("n5", "adjust", "SKU-1", "PAR", { delta: -Infinity }),
  ]);
  assert.equal(report.applied, 1);
  assert.deepEqual(
    report.rejected.map(({ index, code, message }) => [index, code, message]),
    [
      [0, "invalid_quantity", "`qty` must be a finite number, got NaN"],
      [1, "invalid_version", "`version` must be a finite number, got Infinity"],
      [3, "invalid_quantity", "`delta` must be a finite number, got -Infinity"],
    ],
  );
  assert.equal(engine.ats("SKU-1", "PAR"), before - 1, "the buffer stays; only the reserve applied");
  assert.equal(engine.ats("SKU-1", "LYO"), 45);
  // The refused ids are not remembered: corrected, they apply.
  assert.equal(engine.applyEvents([ev("n2", "safetyStock", "SKU-1", "PAR", { qty: null })]).applied, 1);
  assert.equal(engine.ats("SKU-1", "PAR"), before - 1 + 2);
  // As JSON.stringify sees the event: its toJSON, a Number object; a field its type does not
  // read is ignored (as in JSON text).
  const viaToJson = { toJSON: () => ev("n6", "safetyStock", "SKU-1", "PAR", { qty: NaN }) };
  const boxed = ev("n7", "adjust", "SKU-1", "PAR", { delta: new Number(Infinity) });
  const unread = ev("n8", "set", "SKU-1", "MRS", { onHand: 6, qty: NaN });
  const more = engine.applyEvents([viaToJson, boxed, unread]);
  assert.deepEqual(more.rejected.map(({ index, code }) => [index, code]), [[0, "invalid_quantity"], [1, "invalid_quantity"]]);
  assert.equal(more.applied, 1);
  assert.equal(engine.position("SKU-1", "MRS").onHand, 6, "applied (MRS is inactive: its ATS is 0)");
});

test("a SKU or location id that is not well-formed Unicode is refused, not read as another", () => {
  const engine = scenarioEngine();
  engine.applyEvents([ev("u1", "set", "\uFFFD", "PAR", { onHand: 7 })]);
  assert.equal(engine.ats("\uFFFD", "PAR"), 7);
  for (const call of [() => engine.ats("\ud800"), () => engine.ats("\udfff", "PAR"), () => engine.position("\ud800x", "PAR"), () => engine.ats("SKU-1", "P\udc00")]) {
    assert.throws(call, (e) => e.code === "invalid_input" && /well-formed/.test(e.message));
  }
  assert.equal(engine.ats("SKU-1\uFFFD"), 0, "a real U+FFFD is a name like any other");
  assert.equal(engine.position("\uFFFD", "PAR").onHand, 7);
});

test("in JSON text, a number beyond the double range fails its event alone", () => {
  const engine = scenarioEngine();
  const text = `[${JSON.stringify(ev("r1", "adjust", "SKU-2", "PAR", { delta: 4 }))},
    {"id":"r2","type":"reserve","sku":"SKU-2","location":"PAR","qty":1e400}]`;
  const report = engine.applyEvents(text);
  assert.equal(report.applied, 1);
  assert.deepEqual(report.rejected.map(({ index, code }) => [index, code]), [[1, "invalid_quantity"]]);
  assert.equal(engine.ats("SKU-2", "PAR"), 5);
});

test("applyEvents accepts the batch as JSON text", () => {
  const engine = scenarioEngine();
  const report = engine.applyEvents(
    JSON.stringify([ev("j1", "return", "SKU-1", "PAR", { qty: 2 })]),
  );
  assert.equal(report.applied, 1);
  assert.equal(engine.ats("SKU-1", "PAR"), 8);
});

// Haversine, Earth radius 6371.0088 km, as the contract defines distance.
function km(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

test("applyEvents { remember: false } neither checks nor remembers ids; a bad option is coded and changes nothing", () => {
  const engine = scenarioEngine();
  const remembered = engine.stats().rememberedEvents;
  const own = [ev("own", "reserve", "SKU-1", "PAR", { qty: 1 }), ev("own", "release", "SKU-1", "PAR", { qty: 1 }), ev("e4", "reserve", "SKU-1", "PAR", { qty: 1 })];
  const report = engine.applyEvents(own, { remember: false });
  assert.deepEqual([report.applied, report.duplicates], [3, 0], "e4, remembered, does not stop it either");
  assert.equal(engine.stats().rememberedEvents, remembered);
  assert.equal(engine.position("SKU-1", "PAR").reserved, 4);
  assert.deepEqual(codeOf(() => engine.applyEvents([ev("x", "adjust", "SKU-1", "PAR", { delta: 1 })], { remember: "no" }), ["code", "field"]), ["invalid_input", "remember"]);
  assert.equal(engine.position("SKU-1", "PAR").onHand, 9);
});

test("restoreProfile loads what an earlier build accepted (a cost above the ceiling, read at it); setProfile refuses it", () => {
  const engine = scenarioEngine();
  const dear = { costPerShipment: 5e9 };
  assert.deepEqual(codeOf(() => engine.setProfile("dear", dear), ["code", "field"]), ["invalid_profile", "costPerShipment"]);
  engine.restoreProfile("dear", dear);
  const plan = engine.source({ lines: [{ sku: "SKU-1", qty: 1 }], destination: { lat: 48.85, lon: 2.35 }, profile: "dear" });
  assert.equal(plan.status, "complete");
  assert.ok(plan.totalCost >= 1e9 && plan.totalCost < 1.1e9, String(plan.totalCost));
  assert.deepEqual(codeOf(() => engine.restoreProfile("bad", { fallback: [] }), ["code", "field"]), ["invalid_profile", "fallback"]);
  assert.throws(() => engine.source({ lines: [{ sku: "SKU-1", qty: 1 }], destination: { lat: 48.85, lon: 2.35 }, profile: "bad" }), (e) => e.code === "unknown_profile");
});

test("availability near a point: sorted by distance, within the radius, by mode", () => {
  const engine = scenarioEngine();
  const near = { lat: 45.75, lon: 4.85 }; // Lyon
  const [sku1, sku2] = engine.availability({ skus: ["SKU-1", "SKU-2"], near, radiusKm: 1000 });
  assert.equal(sku1.sku, "SKU-1");
  assert.equal(sku1.total, 51);
  assert.deepEqual(
    sku1.locations.map((l) => [l.id, l.ats]),
    [
      ["LYO", 45],
      ["PAR", 6],
    ],
  );
  const byId = Object.fromEntries(LOCATIONS.map((l) => [l.id, l]));
  for (const l of sku1.locations) {
    assert.ok(Math.abs(l.distanceKm - km(near, byId[l.id])) < 0.01, `${l.id} distance`);
  }
  assert.ok(sku1.locations[0].distanceKm < sku1.locations[1].distanceKm);
  assert.deepEqual(sku2.locations.map((l) => [l.id, l.ats]), [["PAR", 1]]);
  assert.equal(sku2.total, 1);

  const [close] = engine.availability({ skus: ["SKU-1"], near, radiusKm: 100 });
  assert.deepEqual(close.locations.map((l) => l.id), ["LYO"]);
  assert.equal(close.total, 45);

  // Warehouses offer no click & collect by default.
  const [pickup] = engine.availability({ skus: ["SKU-1"], near, radiusKm: 1000, mode: "pickup" });
  assert.deepEqual(pickup.locations.map((l) => l.id), ["PAR"]);

  // `limit` caps the list, not the total.
  const [limited] = engine.availability({ skus: ["SKU-1"], near, radiusKm: 1000, limit: 1 });
  assert.deepEqual(limited.locations.map((l) => l.id), ["LYO"]);
  assert.equal(limited.total, 51);
});

test("availability answers and refuses alike whichever way the query crosses into the wasm", () => {
  // A plain query of string SKUs crosses as one text (src/wasm/glue.js `availabilityText`); one
  // with a toJSON method crosses as JSON, the way every other query does.
  const engine = scenarioEngine();
  const near = { lat: 45.75, lon: 4.85 };
  const asJson = (q) => ({ ...q, toJSON: () => q });
  const answers = [
    { skus: ["SKU-2", "SKU-1", "NOPE", "", "SKU-1"], near, radiusKm: 1000, limit: 1 },
    { skus: [] },
    { skus: [""] },
    { skus: ["SKU-1"], mode: "pickup", qty: 60, today: "2026-01-05" },
    { skus: ["é-ü-€-😀", "SKU-2", "a\tb"], near, radiusKm: 1000 },
    // The fields read as numbers (the short way's common case), each way a caller writes them.
    { near: { lon: 4.85, lat: 45.75 }, radiusKm: 1000, limit: 0, skus: ["SKU-1"] },
    { skus: ["SKU-1", "SKU-2"], near: { lat: -0, lon: 4.85 }, radiusKm: 1e21, limit: 2, mode: "ship", qty: 2 },
    { skus: ["SKU-1"], near, radiusKm: 0 },
    { skus: ["SKU-1"], near: undefined, radiusKm: undefined, limit: undefined, mode: undefined, qty: undefined, today: undefined },
    { skus: ["SKU-1"], near: null, mode: "pickup" },
    { skus: ["SKU-1"], [Symbol("tag")]: 1, near },
    Object.defineProperty({ skus: ["SKU-1"] }, "near", { value: { lat: 95, lon: 0 }, enumerable: false }),
    Object.assign(Object.create({ near: { lat: 95, lon: 0 } }), { skus: ["SKU-1"] }),
    Object.assign(Object.create(null), { skus: ["SKU-1"], near: Object.assign(Object.create(null), near), radiusKm: 500 }),
  ];
  for (const q of answers) {
    const short = engine.availability(q);
    assert.equal(short.length, q.skus.length);
    assert.deepEqual(short.map((a) => a.sku), q.skus);
    assert.deepEqual(short, engine.availability(asJson(q)), JSON.stringify(q));
  }
  assert.equal(engine.availability(answers[0])[0].total, 1);
  assert.equal(engine.availability(answers[0])[1].total, 51);
  const refusal = (q) => {
    try {
      engine.availability(q);
    } catch (e) {
      return { code: e.code, field: e.field, message: e.message };
    }
    assert.fail(`no error for ${JSON.stringify(q)}`);
  };
  const refused = [
    { skus: ["SKU-1"], radiusKm: 5 },
    { skus: ["SKU-1"], near, radiusKm: -1 },
    { skus: ["SKU-1"], near: { lat: 95, lon: 0 } },
    { skus: ["SKU-1"], near: { lat: Number.NaN, lon: 0 } },
    { skus: ["SKU-1"], limit: 1.5 },
    { skus: ["SKU-1"], mode: "drone" },
    { skus: ["SKU-1"], colour: "red" },
    { skus: ["SKU-1", 7] },
    { skus: ["\ud800"] },
    { skus: ["SKU-1"], near: { lat: 45, lon: 4, radiusKm: 5 } },
    { skus: ["SKU-1"], near: { lat: 45 } },
    { skus: ["SKU-1"], near: { lat: "45", lon: 4 } },
    { skus: ["SKU-1"], near: [45, 4] },
    { skus: ["SKU-1"], near, radiusKm: "5" },
    { skus: ["SKU-1"], near, radiusKm: Number.POSITIVE_INFINITY },
    { skus: ["SKU-1"], limit: -1 },
    { skus: ["SKU-1"], qty: 0 },
    { skus: ["SKU-1"], mode: "Ship" },
    { skus: ["SKU-1"], today: "" },
    { skus: ["SKU-1"], today: "2026-02-30" },
    { skus: ["SKU-1"], today: "2026-01-05\n" },
    { skus: ["SKU-1"], today: 20260105 },
    { skus: ["SKU-1"], __proto__: null, ["__proto__"]: 1 },
    JSON.parse('{"skus": ["SKU-1"], "__proto__": {"near": 1}}'),
  ];
  for (const q of refused) {
    const short = refusal(q);
    assert.equal(short.code, "invalid_input", JSON.stringify(short));
    assert.deepEqual(short, refusal(asJson(q)));
  }
  assert.equal(refusal(refused[6]).field, "colour");
  // Queries read as JSON.stringify reads them: a toJSON however it is found, each field whole in
  // key order, own enumerable keys only. Each case is built afresh for each way (its getters
  // have effects); the JSON way is the query's own JSON text.
  const viaJson = (q) => ({ toJSON: () => JSON.parse(JSON.stringify(q)) });
  const outcome = (q) => {
    try {
      return engine.availability(q);
    } catch (e) {
      return { code: e.code, field: e.field, message: e.message };
    }
  };
  const hidden = (o, key, value) => Object.defineProperty(o, key, { value, enumerable: false });
  const unusual = {
    "a toJSON not enumerable": () => hidden({ skus: ["SKU-1"] }, "toJSON", () => ({ skus: ["SKU-2"] })),
    "a point's toJSON": () => ({ skus: ["SKU-1"], near: hidden({ ...near }, "toJSON", () => ({ lat: 95, lon: 0 })) }),
    "a SKU list's toJSON": () => ({ skus: hidden(["SKU-1"], "toJSON", () => ["SKU-2"]) }),
    "a proxy's toJSON": () => new Proxy({ skus: ["SKU-1"] }, { get: (t, k) => (k === "toJSON" ? () => ({ skus: [], colour: 1 }) : t[k]) }),
    "a SKU read before the point it changes": () => {
      const point = { ...near };
      const skus = Object.defineProperty([""], 0, { get: () => ((point.lat = 95), "SKU-1") });
      return { skus, near: point };
    },
    "a point read after the SKU list it changes": () => {
      const skus = ["SKU-1"];
      return { skus, get near() { skus.push("SKU-2"); return near; } };
    },
  };
  for (const [name, make] of Object.entries(unusual)) {
    assert.deepEqual(outcome(make()), outcome(viaJson(make())), name);
  }
  assert.equal(outcome(unusual["a toJSON not enumerable"]())[0].sku, "SKU-2");
  // Something enumerable added to Object.prototype is not a field of every query.
  Object.prototype.qty = 0; // eslint-disable-line no-extend-native
  try {
    assert.deepEqual(outcome({ skus: ["SKU-1"], near }), outcome(viaJson({ skus: ["SKU-1"], near })));
    assert.equal(outcome({ skus: ["SKU-1"], near })[0].total, 51);
  } finally {
    delete Object.prototype.qty;
  }
  // A SKU holding a newline cannot be cut from the joined text: it crosses as JSON, still one SKU.
  const [odd] = engine.availability({ skus: ["SKU-1\nSKU-2"] });
  assert.deepEqual([odd.sku, odd.total], ["SKU-1\nSKU-2", 0]);
});

test("bad input throws an Error with a stable code; the engine keeps its state", () => {
  const engine = scenarioEngine();
  const before = engine.snapshot();
  let thrown;
  try {
    engine.upsertLocations([{ id: "BAD", kind: "store", lat: NaN, lon: 2 }]);
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof Error, "a real Error");
  assert.equal(thrown.code, "invalid_input");
  assert.match(thrown.message, /lat/);
  assert.throws(() => engine.availability({ skus: "SKU-1" }), (e) => e instanceof Error && e.code === "invalid_input");
  assert.throws(() => engine.applyEvents(42), (e) => e instanceof Error && typeof e.code === "string");
  // A missing required field is named itself, not the object lacking it.
  const fieldOf = (f) => {
    try {
      f();
    } catch (e) {
      return [e.code, e.field];
    }
    return undefined;
  };
  assert.deepEqual(fieldOf(() => engine.upsertLocations([{ id: "X", kind: "store", lat: 1, lon: 2 }, { kind: "store", lat: 1, lon: 2 }])), ["invalid_input", "[1].id"]);
  assert.deepEqual(fieldOf(() => engine.upsertLocations([{ id: "X", lat: 1, lon: 2 }])), ["invalid_input", "[0].kind"]);
  // An unknown location given as an argument is named as one.
  for (const call of [() => engine.ats("SKU-1", "NOPE"), () => engine.position("SKU-1", "NOPE"), () => engine.setAlertThreshold({ location: "NOPE", low: 2 })]) {
    assert.deepEqual(fieldOf(call), ["unknown_location", "location"]);
  }
  assert.deepEqual(fieldOf(() => engine.source({ destination: { lat: 48, lon: 2 } })), ["invalid_input", "lines"]);
  assert.deepEqual(fieldOf(() => engine.source({ lines: [{ qty: 1 }], destination: { lat: 48, lon: 2 } })), ["invalid_input", "lines[0].sku"]);
  assert.deepEqual(fieldOf(() => engine.availability({ skus: ["SKU-1"], near: { lat: 48 } })), ["invalid_input", "near.lon"]);
  // A point as a coordinate pair ([lon, lat] in GeoJSON, [lat, lng] in Leaflet) is refused, not
  // read in field order: [2.35, 48.85] would have been a point off the Horn of Africa.
  assert.deepEqual(fieldOf(() => engine.source({ lines: [{ sku: "SKU-1", qty: 1 }], destination: [2.35, 48.85] })), ["invalid_input", "destination"]);
  assert.deepEqual(fieldOf(() => engine.availability({ skus: ["SKU-1"], near: [2.35, 48.85], radiusKm: 50 })), ["invalid_input", "near"]);
  assert.deepEqual(fieldOf(() => engine.availability({ skus: ["SKU-1", "SKU-2"], near: [2.35, 48.85], radiusKm: 50 })), ["invalid_input", "near"]);
  assert.deepEqual(fieldOf(() => engine.deliveryOptions({ lines: [{ sku: "SKU-1", qty: 1 }], destination: [2.35, 48.85] })), ["invalid_input", "destination"]);
  // A line's quantity that is not a whole number of units, whatever it is, is invalid_quantity.
  for (const qty of ["1", 1.5, 0, true, null]) {
    assert.deepEqual(fieldOf(() => engine.source({ lines: [{ sku: "SKU-1", qty }], destination: { lat: 48, lon: 2 } })), ["invalid_quantity", "lines[0].qty"], String(qty));
    assert.deepEqual(fieldOf(() => engine.deliveryOptions({ lines: [{ sku: "SKU-1", qty }], destination: { lat: 48, lon: 2 } })), ["invalid_quantity", "lines[0].qty"], String(qty));
  }
  // Still working, nothing changed.
  assert.equal(engine.locations().length, 3);
  assert.equal(engine.ats("SKU-1"), 51);
  assert.deepEqual(engine.snapshot(), before);
  const report = engine.applyEvents([ev("after", "adjust", "SKU-1", "PAR", { delta: 1 })]);
  assert.equal(report.applied, 1);
  assert.equal(engine.ats("SKU-1", "PAR"), 7);
});

test("hostile arrays (throwing getters, Proxy traps, huge sparse lengths, re-entrant calls) leave the engine working", () => {
  const { Engine } = atsource;
  const engine = scenarioEngine();
  const before = engine.snapshot();
  // A getter that throws: that event alone is refused (it cannot be written as JSON).
  const getter = [ev("h1", "adjust", "SKU-1", "PAR", { delta: 1 }), null];
  Object.defineProperty(getter, 1, { get() { throw new Error("boom"); } });
  const report = engine.applyEvents(getter);
  assert.equal(report.applied, 1);
  assert.deepEqual(report.rejected.map((r) => [r.index, r.code]), [[1, "not_json"]]);
  assert.match(report.rejected[0].message, /boom/);
  // An array whose length cannot be read, or a sparse one of 2^32 - 1 slots: refused at once.
  const trap = new Proxy([1], { get(t, k) { if (k === "length") throw new Error("trap"); return Reflect.get(t, k); } });
  assert.deepEqual(codeOf(() => engine.applyEvents(trap)), ["AtsourceError", "invalid_input"]);
  const sparse = [];
  sparse.length = 2 ** 32 - 1;
  const t0 = performance.now();
  assert.deepEqual(codeOf(() => engine.applyEvents(sparse)), ["AtsourceError", "invalid_input"]);
  assert.deepEqual(codeOf(() => Engine.fromSnapshot(sparse)), ["AtsourceError", "invalid_input"]);
  const thrower = [1];
  Object.defineProperty(thrower, 0, { get() { throw new Error("boom"); } });
  assert.deepEqual(codeOf(() => Engine.fromSnapshot(thrower)), ["AtsourceError", "invalid_input"]);
  assert.ok(performance.now() - t0 < 1000, "refused without walking the slots");
  // A batch holds at most 4,194,304 events, refused whole beyond, before anything applies: as an
  // array (thirty million holes once ran for 42 s, then exhausted the wasm's memory) and as text.
  // (tests/inventory_events/main.rs applies a batch of exactly that many: 10-20 s through the wasm.)
  const MAX = 2 ** 22;
  const t1 = performance.now();
  const tooLong = /^events: a batch holds at most 4194304 events: apply them in smaller batches$/;
  for (const batch of [new Array(30_000_000), new Array(MAX + 1)]) {
    assert.throws(() => engine.applyEvents(batch), (e) => e.code === "invalid_input" && e.field === "events" && tooLong.test(e.message));
  }
  assert.ok(performance.now() - t1 < 1000, "refused before JSON.stringify walks the holes");
  const was = engine.ats("SKU-1", "PAR");
  const adjust = ev("long-1", "adjust", "SKU-1", "PAR", { delta: 1 });
  assert.throws(() => engine.applyEvents(`[${JSON.stringify(adjust)}${",null".repeat(MAX)}]`), (e) => e.code === "invalid_input" && tooLong.test(e.message));
  assert.equal(engine.ats("SKU-1", "PAR"), was, "nothing of a refused batch applies");
  // What JSON refused is said in the message: the caller's own error, a BigInt, a cycle.
  const hostile = { id: "X", kind: "store", lat: 1, get lon() { throw new Error("lon unavailable"); } };
  const cycle = { lines: [{ sku: "SKU-1", qty: 1 }], destination: { lat: 48.85, lon: 2.35 } };
  cycle.self = cycle;
  for (const [call, why] of [
    [() => engine.upsertLocations([hostile]), /locations.*cannot be serialized to JSON: lon unavailable/],
    [() => engine.source(cycle), /circular/i],
  ]) {
    assert.throws(call, (e) => e.code === "invalid_input" && why.test(e.message), String(why));
  }
  // An error whose message cannot be read (its getter throws) thrown by a toJSON: still a coded
  // refusal, in every method that writes its argument as JSON, and the engine is not left busy.
  const unreadable = new Error("x");
  Object.defineProperty(unreadable, "message", { get() { throw new Error("message getter"); } });
  const opaque = { toJSON() { throw unreadable; } };
  for (const call of [
    () => engine.source(opaque),
    () => engine.applyEvents(opaque),
    () => engine.upsertLocations([opaque]),
    () => engine.setProfile("p", opaque),
    () => atsource.planEvents(opaque, "k", "reserve"),
  ]) {
    assert.throws(call, (e) => e.name === "AtsourceError" && e.code === "invalid_input" && /cannot be read/.test(e.message));
  }
  assert.equal(engine.applyEvents([opaque]).rejected[0].code, "not_json");
  // A BigInt is named where it is, coded as a bad value there (a cycle beside it is not walked round).
  const dest = { lat: 48.85, lon: 2.35 };
  const looped = { lines: [{ sku: "SKU-1", qty: 1 }], destination: dest, profile: { costPerKm: 2n } };
  looped.lines[0].back = looped.lines;
  for (const [call, code, field] of [
    [() => engine.source({ lines: [{ sku: "SKU-1", qty: 1n }], destination: dest }), "invalid_quantity", "lines[0].qty"],
    [() => engine.source({ lines: [{ sku: "SKU-1", qty: 1 }], destination: dest, profile: { costPerKm: 2n } }), "invalid_profile", "profile.costPerKm"],
    [() => engine.source(looped), "invalid_profile", "profile.costPerKm"],
    [() => engine.upsertLocations([{ id: "B", kind: "store", lat: 1, lon: 2, capacityUnits: 5n }]), "invalid_input", "[0].capacityUnits"],
    [() => engine.deliveryOptions({ lines: [{ sku: "SKU-1", qty: 1, unitPrice: 5n }], destination: dest }), "invalid_input", "lines[0].unitPrice"],
  ]) {
    assert.throws(call, (e) => e.code === code && e.field === field && /BigInt \(\d+n\)/.test(e.message), field);
  }
  // A getter calling the same engine during a call: that inner call is engine_busy.
  let inner;
  const reentrant = [ev("h2", "adjust", "SKU-1", "PAR", { delta: 1 })];
  Object.defineProperty(reentrant, 1, {
    enumerable: true,
    get() {
      inner = codeOf(() => engine.stats());
      return ev("h3", "adjust", "SKU-1", "PAR", { delta: 1 });
    },
  });
  assert.equal(engine.applyEvents(reentrant).applied, 2);
  assert.deepEqual(inner, ["AtsourceError", "engine_busy"]);
  // The engine still answers, and holds exactly the three adjustments that applied.
  assert.equal(engine.ats("SKU-1", "PAR"), 6 + 3);
  const copy = Engine.fromSnapshot(before);
  assert.equal(copy.ats("SKU-1", "PAR"), 6);
});

test("availability names each SKU as it read it, once, even when a getter answers otherwise each time or queries another engine", () => {
  const engine = scenarioEngine();
  const other = scenarioEngine();
  // Index 0 reads SKU-1 first and SKU-2 after; index 1 asks another engine in between.
  let reads = 0;
  const skus = [];
  Object.defineProperty(skus, 0, { enumerable: true, get: () => (reads++ === 0 ? "SKU-1" : "SKU-2") });
  let nested;
  Object.defineProperty(skus, 1, {
    enumerable: true,
    get() {
      nested = other.availability({ skus: ["SKU-2", "SKU-9"] });
      return "SKU-3";
    },
  });
  const answer = engine.availability({ skus });
  assert.equal(reads, 1, "each SKU read once");
  assert.deepEqual(answer.map((a) => [a.sku, a.total]), [["SKU-1", 51], ["SKU-3", 0]]);
  assert.deepEqual(nested.map((a) => [a.sku, a.total]), [["SKU-2", 1], ["SKU-9", 0]]);
  // The query's `skus` itself, a getter, is read once too (a second read that threw failed the call).
  let listReads = 0;
  const query = { near: { lat: 48.85, lon: 2.35 }, get skus() { if (listReads++ > 0) throw new Error("read again"); return ["SKU-1"]; } };
  assert.deepEqual(engine.availability(query).map((a) => a.sku), ["SKU-1"]);
  assert.equal(listReads, 1);
  // A `__proto__` field is a field like any other: unknown, refused by name.
  assert.throws(() => engine.availability(JSON.parse('{"skus":["SKU-1"],"__proto__":{"limit":1}}')), { code: "invalid_input", field: "__proto__" });
  // A query refused after its text was written leaves nothing for the next answer to take.
  assert.throws(() => engine.availability({ skus: ["SKU-2"], limit: -1 }), { code: "invalid_input" });
  // (A SKU holding a newline crosses as JSON, named from the engine's own text.)
  assert.deepEqual(engine.availability({ skus: ["SKU-1", "a\nb"] }).map((a) => [a.sku, a.total]), [["SKU-1", 51], ["a\nb", 0]]);
});

test("a method called without its engine is invalid_input naming `this`, and the engine still answers", () => {
  const engine = scenarioEngine();
  const { ats, availability, applyEvents } = engine;
  const named = (f) => codeOf(f, ["name", "code", "field"]);
  const refused = ["AtsourceError", "invalid_input", "this"];
  assert.deepEqual(named(() => ats("SKU-1", "PAR")), refused);
  assert.deepEqual(named(() => availability({ skus: ["SKU-1"] })), refused);
  assert.deepEqual(named(() => applyEvents.call({ __wbg_ptr: 0 }, [])), refused);
  assert.deepEqual(named(() => ats.call(atsource.Engine.prototype, "SKU-1")), refused);
  assert.equal(ats.call(engine, "SKU-1", "PAR"), 6);
  assert.equal(engine.ats("SKU-1", "PAR"), 6);
});

test("snapshot / fromSnapshot round-trips the whole state", () => {
  const { Engine } = atsource;
  const engine = scenarioEngine();
  const bytes = engine.snapshot();
  assert.ok(bytes instanceof Uint8Array);
  const copy = Engine.fromSnapshot(bytes);
  assert.deepEqual(copy.snapshot(), bytes);
  assert.deepEqual(copy.locations(), engine.locations());
  assert.deepEqual(copy.stats(), engine.stats());
  for (const loc of ["PAR", "LYO", "MRS"]) {
    assert.equal(copy.ats("SKU-1", loc), engine.ats("SKU-1", loc));
  }
  // Remembered event ids travel with the snapshot.
  const report = copy.applyEvents([ev("e4", "reserve", "SKU-1", "PAR", { qty: 3 })]);
  assert.equal(report.duplicates, 1);
  assert.equal(copy.ats("SKU-1", "PAR"), 6);
});

test("a corrupt or foreign snapshot is refused with a snapshot_* code", () => {
  const { Engine } = atsource;
  const bytes = scenarioEngine().snapshot();
  const flipped = bytes.slice();
  flipped[flipped.length >> 1] ^= 0xff;
  const cases = {
    flipped,
    truncated: bytes.slice(0, bytes.length - 5),
    empty: new Uint8Array(),
    foreign: new TextEncoder().encode("PK\u0003\u0004 definitely not a snapshot"),
  };
  for (const [name, input] of Object.entries(cases)) {
    assert.throws(
      () => Engine.fromSnapshot(input),
      (e) => e instanceof Error && typeof e.code === "string" && e.code.startsWith("snapshot_"),
      name,
    );
  }
});

test("the declarations type-check a strict TypeScript consumer (tsc --strict --noEmit)", () => {
  // No skipLibCheck: the package's own .d.ts files are checked too, with ES2022 alone: a Node or
  // workerd project declares no DOM types (the build cuts wasm-bindgen's loader types, which
  // name them), and `[Symbol.dispose]()` comes from the lib reference in index.d.ts.
  for (const f of ["consumer.ts", "tsconfig.json"]) {
    copyFileSync(join(repoRoot, "tests", "package", "fixtures", f), join(project, f));
  }
  try {
    execFileSync(join(binDir, "tsc"), ["-p", project], { cwd: project, encoding: "utf8" });
  } catch (err) {
    assert.fail(`tsc reported errors:\n${err.stdout}${err.stderr}`);
  }
});

for (const readmePath of ["pkg/README.md", "README.md"]) {
  const readme = readFileSync(join(repoRoot, readmePath), "utf8");
  const examples = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  for (const [n, example] of examples.entries()) {
    test(`${readmePath} example ${n + 1} runs and prints what its comments say`, () => {
      const expected = [...example.matchAll(/^\s*console\.log\(.*\);\s*\/\/\s*(.+?)(?:,.*)?$/gm)].map(
        (m) => m[1].trim(),
      );
      assert.ok(expected.length >= 3, "the example states its output");
      const script = join(project, `readme-${readmePath.replace(/\W/g, "-")}-${n}.mjs`);
      writeFileSync(script, example);
      const out = execFileSync(process.execPath, [script], { cwd: project, encoding: "utf8" });
      assert.deepEqual(out.trim().split("\n"), expected);
    });
  }
}
