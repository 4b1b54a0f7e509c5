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
import { assertLimits, limits } from "../package/limits.mjs";

const COMPATIBILITY_DATE = "2026-04-01"; // wrangler 4.86's workerd accepts dates up to here

const workerSource = (specifier) => `
import { init, Engine, buildInfo } from ${JSON.stringify(specifier)};

// The batch cap and free() inside a call of its own (../package/limits.mjs).
${limits}

export default {
  async fetch(request) {
    await init();
    await init();
    const url = new URL(request.url);
    if (url.pathname === "/limits") return Response.json(limits(Engine));
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
  assertLimits(await askWorker({ scriptPath: script, modulesRoot: project }, "/limits"));
});
