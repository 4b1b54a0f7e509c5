// The package's memory as a user's process sees it, through the package installed as a user gets
// it (`npm pack`, installed into a fresh project): each check runs a script of its own in a fresh
// Node process (wasm memory never shrinks, so a process that did nothing else is the measure).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { installPacked, tempDir } from "./helpers.mjs";

let tmp;
let project;

before(() => {
  tmp = tempDir("memory");
  project = installPacked(tmp.dir);
});

after(() => tmp?.cleanup());

test("a catalogue of 1,000,000 SKUs loads from its snapshot into at most 110 MiB of wasm memory", () => {
  // Written by one process, loaded by a fresh one: wasm memory never shrinks, so what loading
  // takes is the memory of a process that did nothing else. One position per SKU, so that the
  // per-SKU cost dominates (its record, its index entry); 94 MiB measured, 124 MiB when a SKU's
  // columns took two small allocations, 238 MiB when the SKU index was keyed by the names
  // themselves and snapshots grew their SKU lists.
  const snapshot = join(project, "catalogue.snapshot");
  const build = join(project, "catalogue-build.mjs");
  writeFileSync(
    build,
    [
      'import { writeFileSync } from "node:fs";',
      'import { init, Engine } from "atsource";',
      "await init();",
      "const e = new Engine();",
      'e.upsertLocations(Array.from({ length: 10 }, (_, i) => ({ id: `L${i}`, kind: "store", lat: 45 + i / 10, lon: 2 })));',
      "for (let s = 0; s < 1_000_000; s += 100_000) {",
      "  const events = [];",
      "  for (let k = s; k < s + 100_000; k++) {",
      '    events.push({ id: `e${k}`, type: "set", sku: `SKU-${String(k).padStart(7, "0")}`, location: `L${k % 10}`, onHand: 1 + (k % 7) });',
      "  }",
      "  const r = e.applyEvents(JSON.stringify(events), { changes: false });",
      "  if (r.rejected.length) throw new Error(JSON.stringify(r.rejected[0]));",
      "}",
      `writeFileSync(${JSON.stringify(snapshot)}, e.snapshot());`,
    ].join("\n"),
  );
  execFileSync(process.execPath, [build], { cwd: project });
  const load = join(project, "catalogue-load.mjs");
  writeFileSync(
    load,
    [
      'import { readFileSync } from "node:fs";',
      'import { Engine } from "atsource";',
      'const raw = await import(new URL("./node_modules/atsource/wasm/atsource.js", import.meta.url));',
      'const { memory } = raw.initSync({ module: readFileSync(new URL("./node_modules/atsource/wasm/atsource_bg.wasm", import.meta.url)) });',
      `const e = Engine.fromSnapshot(new Uint8Array(readFileSync(${JSON.stringify(snapshot)})));`,
      "console.log(JSON.stringify({ mib: memory.buffer.byteLength / 2 ** 20, stats: e.stats(), ats: e.ats(\"SKU-0999999\", \"L9\") }));",
    ].join("\n"),
  );
  const out = JSON.parse(execFileSync(process.execPath, [load], { cwd: project, encoding: "utf8" }));
  assert.deepEqual(out.stats, { locations: 10, skus: 1_000_000, positions: 1_000_000, rememberedEvents: 100_000 });
  assert.equal(out.ats, 1 + (999_999 % 7), "the last SKU reads back");
  assert.ok(out.mib <= 110, `1,000,000 SKUs took ${out.mib.toFixed(1)} MiB of wasm memory`);
});

test("dropped engines are freed (--weak-refs), as are engines freed inside a call of their own: wasm memory stays flat", () => {
  const script = join(project, "gc.mjs");
  writeFileSync(
    script,
    [
      'import { readFileSync } from "node:fs";',
      'import { init, Engine, demoNetwork } from "atsource";',
      "await init();",
      "// The initialised module's exports (initSync returns them once loaded) hold its memory.",
      'const raw = await import(new URL("./node_modules/atsource/wasm/atsource.js", import.meta.url));',
      'const { memory } = raw.initSync({ module: readFileSync(new URL("./node_modules/atsource/wasm/atsource_bg.wasm", import.meta.url)) });',
      "const network = JSON.stringify(demoNetwork({ skus: 500 }).events);",
      "const locations = demoNetwork({ skus: 1 }).locations;",
      "const sizes = [];",
      "for (let i = 0; i < 12; i++) {",
      "  let e = new Engine();",
      "  e.upsertLocations(locations);",
      "  e.applyEvents(network, { changes: false });",
      "  e = null;",
      "  globalThis.gc();",
      "  await new Promise((r) => setTimeout(r, 20));",
      "  globalThis.gc();",
      "  sizes.push(memory.buffer.byteLength);",
      "}",
      "// Twelve more, each freed from inside a call of its own (a getter of the cart): free()",
      "// returns, the call answers, and the engine goes when it ends.",
      "const inside = [];",
      'const sku = demoNetwork({ skus: 1 }).catalogue[0].sku;',
      "for (let i = 0; i < 12; i++) {",
      "  const e = new Engine();",
      "  e.upsertLocations(locations);",
      "  e.applyEvents(network, { changes: false });",
      "  let freed;",
      "  const cart = { lines: [{ sku, qty: 1 }], get destination() { freed = e.free(); return { lat: 48.85, lon: 2.35 }; } };",
      "  const status = e.source(cart).status;",
      "  let after = null;",
      "  try { e.stats(); } catch (err) { after = err.code; }",
      "  inside.push([freed === undefined, status, after, memory.buffer.byteLength]);",
      "}",
      "console.log(JSON.stringify({ sizes, inside }));",
    ].join("\n"),
  );
  const out = execFileSync(process.execPath, ["--expose-gc", script], { cwd: project, encoding: "utf8" });
  const { sizes, inside } = JSON.parse(out);
  // One engine of this network takes a few MB; twelve kept alive would take twelve times that.
  assert.ok(sizes.at(-1) <= sizes[1] * 1.5, `wasm memory grew: ${sizes.map((s) => (s / 2 ** 20).toFixed(1)).join(" → ")} MiB`);
  for (const [returned, status, after] of inside) {
    assert.deepEqual([returned, status, after], [true, "complete", "engine_freed"], "free() inside a call of its own");
  }
  const insideSizes = inside.map((r) => r[3]);
  assert.ok(insideSizes.at(-1) <= insideSizes[0] * 1.5, `freed inside their calls, wasm memory grew: ${insideSizes.map((s) => (s / 2 ** 20).toFixed(1)).join(" → ")} MiB`);
});

test("out of memory is a coded error: the engine that ran out is engine_failed until freed, the others keep working", () => {
  // Node limits the wasm memory to 64 MiB (1,024 pages), which 300,000 SKUs fill.
  const script = join(project, "oom.mjs");
  writeFileSync(
    script,
    [
      'import * as atsource from "atsource";',
      "const { init, Engine } = atsource;",
      "await init();",
      "const codeOf = (f) => { try { f(); return null; } catch (e) { return [e.name, e.code, e.cause instanceof WebAssembly.RuntimeError]; } };",
      'const at = [{ id: "A", kind: "store", lat: 48.85, lon: 2.35 }];',
      "const keep = new Engine();",
      "keep.upsertLocations(at);",
      'keep.applyEvents([{ id: "k1", type: "set", sku: "S", location: "A", onHand: 4 }]);',
      'const batch = (k) => Array.from({ length: 20_000 }, (_, i) => ({ id: `${k}-${i}`, type: "set", sku: `S${k}-${i}`, location: "A", onHand: 1 }));',
      "// Batches until one fails: how many applied, and the failure.",
      "const fill = (e, most = Infinity) => {",
      "  for (let k = 0; k < most; k++) { const err = codeOf(() => e.applyEvents(batch(k), { changes: false })); if (err) return [k, err]; }",
      "  return [most, null];",
      "};",
      "const rounds = [];",
      "for (let r = 0; r < 2; r++) {",
      "  let e = new Engine();",
      "  e.upsertLocations(at);",
      "  const [batches, failure] = fill(e);",
      '  const round = { batches, failure, later: [codeOf(() => e.stats()), codeOf(() => e.ats("S0-0", "A"))], keep: keep.ats("S", "A") };',
      "  // Freed by free() the first time, by the garbage collector (--weak-refs) the second.",
      "  if (r === 0) Object.assign(round, { free: codeOf(() => e.free()), freed: codeOf(() => e.stats()) });",
      "  else { e = null; globalThis.gc(); await new Promise((res) => setTimeout(res, 20)); globalThis.gc(); }",
      "  rounds.push(round);",
      "}",
      "// A snapshot too large to load twice: the static call fails with its code, no engine is lost.",
      "const big = new Engine();",
      "big.upsertLocations(at);",
      "const half = fill(big, Math.ceil(rounds[0].batches / 2) + 1)[0];",
      "const bytes = big.snapshot();",
      "const loads = [];",
      "for (let i = 0; i < 3; i++) { try { loads.push(Engine.fromSnapshot(bytes).stats().skus); } catch (e) { loads.push([e.name, e.code]); } }",
      "// Out of memory while an argument is copied in: a string argument (the engine's call is cut",
      "// short inside its own), and fromSnapshot's bytes (said as out of memory, not as bad bytes).",
      'const huge = "x".repeat(80 * 2 ** 20);',
      "const nested = new Engine();",
      'const copied = [codeOf(() => nested.position(huge, "A")), codeOf(() => nested.stats()), codeOf(() => nested.free())];',
      "const unloaded = codeOf(() => Engine.fromSnapshot(new Uint8Array(80 * 2 ** 20)));",
      "// An engine that fails inside a call of its own (an argument's toJSON) and is freed there: the",
      "// outer call finishes on it, and it goes after.",
      "const outer = new Engine();",
      "outer.upsertLocations(at);",
      'outer.applyEvents([{ id: "o1", type: "set", sku: "S", location: "A", onHand: 3 }]);',
      "let inner;",
      "const cart = { toJSON() {",
      '  inner = [codeOf(() => outer.ats(huge, "A")), codeOf(() => outer.free())];',
      '  return { lines: [{ sku: "S", qty: 2 }], destination: { lat: 48.85, lon: 2.35 } };',
      "} };",
      "const plan = outer.source(cart);",
      'const sourced = [plan.status, plan.shipments[0].lines[0].qty, ...inner, codeOf(() => outer.stats())];',
      "// Traps by the thousand: each gives back the module's stack its frames held (before, some",
      "// 1,500 to 2,600 traps used it up, and every call failed after).",
      'const plan1 = { shipments: [{ location: "A", lines: [{ sku: "S", qty: 1 }] }] };',
      "let traps = 0;",
      'for (let i = 0; i < 4000; i++) if (codeOf(() => atsource.planEvents(plan1, huge, "reserve"))?.[1] === "out_of_memory") traps++;',
      'keep.applyEvents([{ id: "k2", type: "adjust", sku: "S", location: "A", delta: 1 }]);',
      'console.log(JSON.stringify({ rounds, half, loads, big: big.stats().skus, keep: keep.ats("S", "A"), copied, unloaded, sourced, traps, fresh: new Engine().stats().locations }));',
    ].join("\n"),
  );
  const out = JSON.parse(
    execFileSync(process.execPath, ["--expose-gc", "--wasm-max-mem-pages=1024", script], { cwd: project, encoding: "utf8" }),
  );
  const [first, second] = out.rounds;
  for (const round of out.rounds) {
    assert.deepEqual(round.failure, ["AtsourceError", "out_of_memory", true], "the trap is a coded error, the trap its cause");
    assert.deepEqual(round.later, [["AtsourceError", "engine_failed", false], ["AtsourceError", "engine_failed", false]]);
    assert.equal(round.keep, 4, "another engine keeps its state");
  }
  assert.ok(first.batches >= 5, `the memory held ${first.batches} batches`);
  assert.equal(first.free, null, "a failed engine frees");
  assert.deepEqual(first.freed, ["AtsourceError", "engine_freed", false]);
  // Freeing gave the failed engine's memory back: the next engine fills about as much.
  assert.ok(second.batches >= first.batches - 2, `after free(), ${second.batches} batches fit (before: ${first.batches})`);
  // The second failed engine was collected (no free()): its memory too came back.
  assert.equal(out.half, Math.ceil(first.batches / 2) + 1, "the collected failed engine gave its memory back");
  assert.ok(out.loads.some((l) => Array.isArray(l) && l[0] === "AtsourceError" && l[1] === "out_of_memory"), JSON.stringify(out.loads));
  assert.ok(out.loads.every((l) => Array.isArray(l) || l === out.half * 20_000), JSON.stringify(out.loads));
  assert.equal(out.big, out.half * 20_000, "the engine snapshotted is intact");
  assert.equal(out.keep, 5, "and the other engine still applies events");
  const oom = ["AtsourceError", "out_of_memory", true];
  assert.deepEqual(out.copied, [oom, ["AtsourceError", "engine_failed", false], null], "a string argument that does not fit fails its engine");
  assert.deepEqual(out.unloaded, oom, "snapshot bytes that do not fit are out of memory, not invalid");
  assert.deepEqual(out.sourced, ["complete", 2, oom, null, ["AtsourceError", "engine_freed", false]]);
  assert.equal(out.traps, 4000, "every call that did not fit was out of memory");
  assert.equal(out.fresh, 0, "and the module still makes engines after 4,000 traps");
});
