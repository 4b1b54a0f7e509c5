// The package in headless Chromium (Debian's, never a downloaded build): a native ES module page
// that imports "atsource" through an import map to the browser entry, served over HTTP with the
// .wasm as application/wasm (the browser entry compiles while streaming).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { createStaticServer } from "../../scripts/serve.mjs";
import { chromiumTempDirs, cleanChromiumTemp, pkgDir, repoRoot, requireBuild, tempDir } from "./helpers.mjs";
import { assertLimits, limits } from "./limits.mjs";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// What both pages run: the package as a page's module, then as a bundler's output.
const SCRIPT = `import { init, Engine, buildInfo } from "atsource";
const first = init();
const same = first === init();
await first;
await init();
const engine = new Engine();
engine.upsertLocations([
  { id: "PAR", kind: "store", lat: 48.8566, lon: 2.3522 },
  { id: "LYO", kind: "warehouse", lat: 45.764, lon: 4.8357 },
  { id: "MRS", kind: "store", lat: 43.2965, lon: 5.3698, active: false },
]);
const report = engine.applyEvents(JSON.stringify([
  { id: "1", type: "set", sku: "S", location: "PAR", onHand: 8 },
  { id: "2", type: "set", sku: "S", location: "LYO", onHand: 20 },
  { id: "3", type: "set", sku: "S", location: "MRS", onHand: 9 },
  { id: "4", type: "reserve", sku: "S", location: "LYO", qty: 5 },
  { id: "5", type: "pick", sku: "S", location: "LYO", qty: 2 },
  { id: "6", type: "ship", sku: "S", location: "LYO", qty: 1 },
]));
let code = null;
try { engine.upsertLocations([{ id: "X", kind: "store", lat: NaN, lon: 0 }]); }
catch (err) { code = err instanceof Error ? err.code : "not an Error"; }
const [avail] = engine.availability({ skus: ["S"], near: { lat: 48.85, lon: 2.35 }, radiusKm: 1000 });
window.__result = {
  same,
  applied: report.applied,
  rejected: report.rejected.length,
  par: engine.ats("S", "PAR"),
  lyo: engine.ats("S", "LYO"),
  total: engine.ats("S"),
  order: avail.locations.map((l) => l.id),
  code,
  restored: Engine.fromSnapshot(engine.snapshot()).ats("S"),
  version: buildInfo().version,
};
`;

/** A native ES module page running `script`, "atsource" mapped to the browser entry. */
const modulePage = (script) => `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "atsource": "/pkg/index.browser.js" } }</script>
</head>
<body>
<script type="module">
${script}</script>
</body>
</html>
`;

// The batch cap and free() inside a call of its own (limits.mjs), in the page.
const LIMITS = `import { init, Engine } from "atsource";
await init();
${limits}
window.__result = limits(Engine);
`;

// What a page whose app did not ship the .wasm sees: init() rejects with a coded error, twice
// (a failed load is not kept).
const MISSING = `import { init } from "atsource";
const seen = [];
for (let i = 0; i < 2; i++) {
  try { await init(); seen.push("loaded"); }
  catch (err) { seen.push({ error: err instanceof Error, name: err.name, code: err.code, message: err.message }); }
}
window.__result = seen;
`;

let server;
let origin;
let tmp;
let chromiumBefore;

before(async () => {
  requireBuild();
  tmp = tempDir("browser");
  mkdirSync(join(tmp.dir, "www"));
  writeFileSync(join(tmp.dir, "www", "index.html"), modulePage(SCRIPT));
  mkdirSync(join(tmp.dir, "www", "limits"));
  writeFileSync(join(tmp.dir, "www", "limits", "index.html"), modulePage(LIMITS));
  // The same script bundled by esbuild, as an app would ship it: esbuild leaves the package's
  // `new URL("./wasm/atsource_bg.wasm", import.meta.url)` as it is, so the .wasm is copied
  // beside the bundle, in wasm/ (pkg/README.md says so).
  const app = join(tmp.dir, "www", "app");
  mkdirSync(join(app, "wasm"), { recursive: true });
  writeFileSync(join(tmp.dir, "main.js"), SCRIPT);
  await build({
    entryPoints: [join(tmp.dir, "main.js")], bundle: true, format: "esm", platform: "browser",
    // "atsource" resolved as an app resolves it: the installed package (file:pkg), through its
    // exports map under the browser conditions.
    nodePaths: [join(repoRoot, "node_modules")], outfile: join(app, "main.js"), logLevel: "silent",
  });
  copyFileSync(join(pkgDir, "wasm", "atsource_bg.wasm"), join(app, "wasm", "atsource_bg.wasm"));
  writeFileSync(join(app, "index.html"), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="main.js"></script>');
  // An app that did not ship the .wasm, on a server answering 404, and on one answering with
  // its index page (an SPA's fallback: here a directory of that name holding an index.html).
  writeFileSync(join(tmp.dir, "missing.js"), MISSING);
  for (const [name, fallback] of [["missing", false], ["fallback", true]]) {
    const dir = join(tmp.dir, "www", name);
    mkdirSync(join(dir, "wasm", ...(fallback ? ["atsource_bg.wasm"] : [])), { recursive: true });
    if (fallback) writeFileSync(join(dir, "wasm", "atsource_bg.wasm", "index.html"), "<!doctype html><title>Shop</title>");
    await build({
      entryPoints: [join(tmp.dir, "missing.js")], bundle: true, format: "esm", platform: "browser",
      nodePaths: [join(repoRoot, "node_modules")], outfile: join(dir, "main.js"), logLevel: "silent",
    });
    writeFileSync(join(dir, "index.html"), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="main.js"></script>');
  }
  server = createStaticServer({ "/pkg/": pkgDir, "/": join(tmp.dir, "www") });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  chromiumBefore = chromiumTempDirs();
});

after(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve());
  tmp?.cleanup();
  if (chromiumBefore) cleanChromiumTemp(chromiumBefore);
});

/**
 * Opens `path` in `browser` and waits for its script's `window.__result`: that result, and what
 * went wrong on the page (errors, warnings, failed requests) and the content types of the .wasm
 * responses.
 */
async function resultOf(browser, path) {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") {
      problems.push(`console.${msg.type()}: ${msg.text()}`);
    }
  });
  page.on("requestfailed", (req) => problems.push(`requestfailed: ${req.url()}`));
  const wasmTypes = [];
  page.on("response", (res) => {
    if (res.url().endsWith(".wasm")) wasmTypes.push(res.headers()["content-type"]);
  });
  await page.goto(`${origin}${path}`);
  // On a failure the page never sets __result: the problems list says why.
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 10_000 }).catch(() => {});
  const result = await page.evaluate(() => window.__result);
  return { result, problems, wasmTypes };
}

/** Opens `path` and checks what SCRIPT computed, and that nothing went wrong on the page. */
async function runs(path) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const { result, problems, wasmTypes } = await resultOf(browser, path);
    assert.deepEqual(problems, []);
    assert.deepEqual(result, {
      same: true,
      applied: 6,
      rejected: 0,
      par: 8,
      // onHand 20 - 1 shipped = 19, reserved 5 - 2 picked = 3, picking 2 - 1 shipped = 1.
      lyo: 15,
      total: 23,
      order: ["PAR", "LYO"],
      code: "invalid_input",
      restored: 23,
      version: "0.1.0",
    });
    assert.deepEqual(wasmTypes, ["application/wasm"]);
  } finally {
    await browser.close();
  }
}

test("native ES module page: init, events, ATS, errors, snapshot; no console error", () => runs("/"));

test("the same code bundled by esbuild (the .wasm beside the bundle) runs alike", () => runs("/app/"));

test("an app that did not ship the .wasm gets a coded wasm_not_found naming the URL, not a compile error", async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    for (const [path, why] of [["/missing/", /\(HTTP 404\)/], ["/fallback/", /\(an HTML page came instead\)/]]) {
      const page = await browser.newPage();
      const pageErrors = [];
      page.on("pageerror", (err) => pageErrors.push(err.message));
      await page.goto(`${origin}${path}`);
      await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 10_000 });
      const seen = await page.evaluate(() => window.__result);
      assert.equal(seen.length, 2, path);
      for (const r of seen) {
        assert.equal(r.error, true, path);
        assert.equal(r.name, "AtsourceError", path);
        assert.equal(r.code, "wasm_not_found", path);
        assert.ok(r.message.includes(`${origin}${path}wasm/atsource_bg.wasm`), r.message);
        assert.match(r.message, why);
      }
      assert.deepEqual(pageErrors, [], path);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

test("a batch over 4,194,304 events is refused whole at once; free() inside a call of its own returns", async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const { result, problems } = await resultOf(browser, "/limits/");
    assert.deepEqual(problems, []);
    assertLimits(result);
  } finally {
    await browser.close();
  }
});
