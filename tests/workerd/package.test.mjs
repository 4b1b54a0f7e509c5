// The packed package inside workerd (the Cloudflare Workers runtime, through miniflare):
// once imported by relative path with miniflare's module rules (the workerd entry unbundled),
// once as `import { init, Engine } from "atsource"` bundled by wrangler, which is how a Worker
// project gets it (the `workerd` export condition, the .wasm as a CompiledWasm module).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { binDir, installPacked, tempDir } from "../package/helpers.mjs";

const COMPATIBILITY_DATE = "2026-04-01"; // wrangler 4.86's workerd accepts dates up to here

const workerSource = (specifier) => `
import { init, Engine, buildInfo } from ${JSON.stringify(specifier)};

// The batch cap and free() from inside a call of the engine's own, as
// tests/package/consumer.test.mjs checks them in Node.
function limits() {
  const errorOf = (f) => {
    try {
      f();
      return null;
    } catch (err) {
      return { error: err instanceof Error, name: err.name, code: err.code, field: err.field, message: err.message };
    }
  };
  const engine = new Engine();
  engine.upsertLocations([{ id: "PAR", kind: "store", lat: 48.8566, lon: 2.3522 }]);
  engine.applyEvents([{ id: "1", type: "set", sku: "S", location: "PAR", onHand: 8 }]);
  const MAX = 2 ** 22;
  const before = Array.from(engine.snapshot());
  // Made before the clock starts: allocating thirty million holes alone takes V8 ~0.1-0.3 s.
  const batches = [new Array(30_000_000), new Array(MAX + 1)];
  const t0 = performance.now();
  const arrays = batches.map((batch) => errorOf(() => engine.applyEvents(batch)));
  const arrayMs = performance.now() - t0;
  const adjust = { id: "long-1", type: "adjust", sku: "S", location: "PAR", delta: 1 };
  const long = errorOf(() => engine.applyEvents("[" + JSON.stringify(adjust) + ",null".repeat(MAX) + "]"));
  const unchanged = JSON.stringify(Array.from(engine.snapshot())) === JSON.stringify(before);
  const atsAfterRefusals = engine.ats("S", "PAR");
  const applied = engine.applyEvents([adjust]).applied;
  const ats = engine.ats("S", "PAR");
  const doomed = new Engine();
  doomed.upsertLocations([{ id: "PAR", kind: "store", lat: 48.8566, lon: 2.3522 }]);
  doomed.applyEvents([{ id: "1", type: "set", sku: "S", location: "PAR", onHand: 3 }]);
  let freed = "getter not called";
  const cart = {
    lines: [{ sku: "S", qty: 1 }],
    get destination() {
      freed = errorOf(() => doomed.free());
      return { lat: 48.85, lon: 2.35 };
    },
  };
  let status = null;
  const outer = errorOf(() => {
    status = doomed.source(cart).status;
  });
  const later = [errorOf(() => doomed.stats()), errorOf(() => doomed.ats("S", "PAR"))];
  return { arrays, arrayMs, long, unchanged, atsAfterRefusals, applied, ats, freed, outer, status, later };
}

export default {
  async fetch(request) {
    await init();
    await init();
    const url = new URL(request.url);
    if (url.pathname === "/limits") return Response.json(limits());
    const engine = new Engine();
    engine.upsertLocations([
      { id: "PAR", kind: "store", lat: 48.8566, lon: 2.3522 },
      { id: "LYO", kind: "warehouse", lat: 45.764, lon: 4.8357 },
    ]);
    const report = engine.applyEvents([
      { id: "1", type: "set", sku: "S", location: "PAR", onHand: 10 },
      { id: "2", type: "set", sku: "S", location: "LYO", onHand: 30 },
      { id: "3", type: "reserve", sku: "S", location: "PAR", qty: 4 },
      { id: "4", type: "pick", sku: "S", location: "PAR", qty: 1 },
      { id: "3", type: "reserve", sku: "S", location: "PAR", qty: 4 },
    ]);
    let code = null;
    try {
      engine.upsertLocations([{ id: "X", kind: "store", lat: NaN, lon: 0 }]);
    } catch (err) {
      code = err instanceof Error ? err.code : "not an Error";
    }
    const copy = Engine.fromSnapshot(engine.snapshot());
    return Response.json({
      ats: engine.ats(url.searchParams.get("sku"), url.searchParams.get("location")),
      total: engine.ats(url.searchParams.get("sku")),
      restoredTotal: copy.ats(url.searchParams.get("sku")),
      applied: report.applied,
      duplicates: report.duplicates,
      code,
      version: buildInfo().version,
    });
  },
};
`;

// 10 on hand - 4 reserved at PAR (of which 1 picked: reserved 3, picking 1) = 6; LYO 30.
const EXPECTED = {
  ats: 6,
  total: 36,
  restoredTotal: 36,
  applied: 4,
  duplicates: 1,
  code: "invalid_input",
  version: "0.1.0",
};

let tmp;
let project;

before(() => {
  tmp = tempDir("workerd");
  project = installPacked(tmp.dir);
});

after(() => tmp?.cleanup());

async function askWorker(options, path = "/ats?sku=S&location=PAR") {
  const mf = new Miniflare({
    modules: true,
    compatibilityDate: COMPATIBILITY_DATE,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    ...options,
  });
  try {
    const res = await mf.dispatchFetch(`http://localhost${path}`);
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json();
  } finally {
    await mf.dispose();
  }
}

test("workerd entry, unbundled, with miniflare's module rules", async () => {
  const script = join(project, "worker-direct.js");
  writeFileSync(script, workerSource("./node_modules/atsource/index.workerd.js"));
  const answer = await askWorker({ scriptPath: script, modulesRoot: project });
  assert.deepEqual(answer, EXPECTED);
});

test('`import ... from "atsource"` bundled by wrangler resolves the workerd entry', async () => {
  writeFileSync(join(project, "worker.js"), workerSource("atsource"));
  writeFileSync(
    join(project, "wrangler.toml"),
    `name = "atsource-package-test"\nmain = "worker.js"\ncompatibility_date = "${COMPATIBILITY_DATE}"\n`,
  );
  const outdir = join(project, "dist");
  // --dry-run bundles without an account or network.
  execFileSync(join(binDir, "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: project,
    env: {
      ...process.env,
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_LOG_PATH: join(tmp.dir, "wrangler-logs"),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const answer = await askWorker({ scriptPath: join(outdir, "worker.js"), modulesRoot: outdir });
  assert.deepEqual(answer, EXPECTED);
});

test("a batch over 4,194,304 events is refused whole at once; free() inside a call of its own returns", async () => {
  const script = join(project, "worker-limits.js");
  writeFileSync(script, workerSource("./node_modules/atsource/index.workerd.js"));
  const r = await askWorker({ scriptPath: script, modulesRoot: project }, "/limits");
  const message = "events: a batch holds at most 4194304 events: apply them in smaller batches";
  const refused = { error: true, name: "AtsourceError", code: "invalid_input", field: "events", message };
  // Thirty million holes, then one event over the cap: refused before JSON.stringify walks them.
  assert.deepEqual(r.arrays, [refused, refused]);
  assert.ok(r.arrayMs < 1000, `arrays refused in ${r.arrayMs} ms`);
  // The same length as text: the engine counts it and refuses it before any event applies.
  assert.deepEqual(r.long, refused);
  assert.equal(r.unchanged, true, "the snapshot is byte for byte the same after the refusals");
  assert.equal(r.atsAfterRefusals, 8, "nothing of a refused batch applies");
  assert.deepEqual([r.applied, r.ats], [1, 9], "the engine still applies events");
  // free() from the cart's getter returned, the call answered, later calls are engine_freed.
  assert.equal(r.freed, null, "free() inside a call of its own returns");
  assert.deepEqual([r.outer, r.status], [null, "complete"]);
  for (const later of r.later) {
    assert.deepEqual([later?.error, later?.name, later?.code], [true, "AtsourceError", "engine_freed"]);
  }
});
