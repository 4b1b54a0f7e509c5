// Shared by the worker tests: the worker bundled by `wrangler deploy --dry-run` (exactly what
// `wrangler deploy` would upload) and run inside workerd through miniflare's JS API, with the
// same bindings as worker/wrangler.toml.
import { execFileSync, spawn as spawnChild } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Miniflare } from "miniflare";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const workerDir = join(repoRoot, "worker");
export const wranglerBin = join(repoRoot, "node_modules", ".bin", "wrangler");
export const TOKEN = "test-token";
export const COMPATIBILITY_DATE = "2026-04-01";
export const BASE = "http://localhost";

/** A fresh temporary directory, removed by the returned `cleanup`. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `atsource-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Worker modules (worker/src/<name>.ts) as ES modules in `dir`, transpiled one by one for tests
 * of their plain functions on the real package; an import of another of `names` points at its
 * copy. Resolves to the file URL of each, by name.
 */
export async function workerModules(dir, names) {
  const { default: ts } = await import("typescript"); // loaded by the tests that need it alone
  const urls = {};
  for (const name of names) {
    const source = readFileSync(join(workerDir, "src", `${name}.ts`), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    const code = names.reduce((text, other) => text.replaceAll(`from "./${other}";`, `from "./${other}.mjs";`), outputText);
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, code);
    urls[name] = pathToFileURL(file).href;
  }
  return urls;
}

export function wranglerEnv(logDir) {
  return { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_LOG_PATH: logDir, NO_COLOR: "1" };
}

/** Bundles worker/ into `outdir` with wrangler (the deploy path, without an account). */
export function bundle(outdir) {
  execFileSync(wranglerBin, ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: workerDir,
    env: wranglerEnv(join(outdir, "..", "wrangler-logs")),
    stdio: ["ignore", "ignore", "pipe"],
  });
  return join(outdir, "index.js");
}

/**
 * The bundled worker in workerd. `persist`: a directory for the Durable Objects' storage (a
 * restart with the same directory keeps the state); `vars`: extra variables; `direct`: also a
 * loopback socket straight to the worker, without miniflare's entry worker in front
 * (`mf.unsafeGetDirectURL()`), as the benchmark uses.
 */
export function startWorker(script, { persist, vars = {}, listen = false, direct = false } = {}) {
  return new Miniflare({
    // Dispatched requests need no socket; `listen` serves on a loopback port for outside tools.
    ...(listen ? { host: "127.0.0.1", port: 0 } : {}),
    ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] } : {}),
    modules: true,
    scriptPath: script,
    modulesRoot: resolve(script, ".."),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
      { type: "Text", include: ["**/*.yaml"] },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    durableObjects: {
      LEDGER: { className: "Ledger", useSQLite: true },
      LIVE: { className: "LiveHub", useSQLite: true },
    },
    durableObjectsPersist: persist ?? false,
    bindings: { INGEST_TOKEN: TOKEN, READ_MAX_STALENESS_MS: "1000", ...vars },
  });
}

/**
 * One worker for a test file: bundled once, started fresh by `start()` (empty storage unless
 * `persist` is given), everything removed by `cleanup()`.
 */
export function workerFixture() {
  const tmp = tempDir("worker");
  const script = bundle(join(tmp.dir, "dist"));
  const running = new Set();
  return {
    dir: tmp.dir,
    script,
    async start(options) {
      const mf = startWorker(script, options);
      await mf.ready;
      running.add(mf);
      return client(mf, () => running.delete(mf));
    },
    async cleanup() {
      for (const mf of running) await mf.dispose().catch(() => {});
      tmp.cleanup();
    },
  };
}

/** A small JSON client over `dispatchFetch`. */
export function client(mf, onDispose = () => {}) {
  const call = async (method, path, { body, token, headers = {}, raw } = {}) => {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await mf.dispatchFetch(`${BASE}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let json;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return {
    mf,
    call,
    get: (path, opts) => call("GET", path, opts),
    post: (path, body, opts = {}) => call("POST", path, { ...opts, body }),
    put: (path, body, opts = {}) => call("PUT", path, { ...opts, body }),
    del: (path, opts) => call("DELETE", path, opts),
    /** Sends the integration token. */
    admin: {
      get: (path, opts = {}) => call("GET", path, { ...opts, token: TOKEN }),
      post: (path, body, opts = {}) => call("POST", path, { ...opts, body, token: TOKEN }),
      put: (path, body, opts = {}) => call("PUT", path, { ...opts, body, token: TOKEN }),
      del: (path, opts = {}) => call("DELETE", path, { ...opts, token: TOKEN }),
    },
    async dispose() {
      onDispose();
      await mf.dispose();
    },
  };
}

/** Ten locations around Paris (the oversell tests' network): stores within 30 km, no buffers. */
export const TEN_LOCATIONS = Array.from({ length: 10 }, (_, i) => ({
  id: `L${i}`,
  name: `Store ${i}`,
  kind: i < 8 ? "store" : "warehouse",
  lat: 48.85 + (i % 5) * 0.05,
  lon: 2.35 + Math.floor(i / 5) * 0.08,
  costPerShipment: 1 + i * 0.1,
}));

/** Loads `locations` and `set` counts (`{ sku: { location: onHand } }`) through the API. */
export async function seed(api, locations, stock) {
  const loc = await api.admin.post("/v1/locations", { locations });
  if (loc.status !== 200) throw new Error(`seed locations: ${loc.status} ${loc.text}`);
  const events = [];
  for (const [sku, at] of Object.entries(stock)) {
    for (const [location, onHand] of Object.entries(at)) {
      events.push({ id: `seed-${sku}-${location}`, type: "set", sku, location, onHand });
    }
  }
  const res = await api.admin.post("/v1/inventory/events", { events });
  if (res.status !== 200 || res.json.rejected.length > 0) throw new Error(`seed events: ${res.status} ${res.text}`);
  return res.json;
}

/** Every position of `skus` from the ledger (strongly consistent). */
export async function positions(api, skus) {
  const res = await api.admin.get(`/v1/inventory/positions?skus=${skus.map(encodeURIComponent).join(",")}`);
  if (res.status !== 200) throw new Error(`positions: ${res.status} ${res.text}`);
  return res.json.positions;
}

/** `{ "sku@location": { onHand, reserved, picking, ats } }` of `skus`. */
export async function positionMap(api, skus) {
  const out = {};
  for (const p of await positions(api, skus)) {
    out[`${p.sku}@${p.location}`] = { onHand: p.onHand, reserved: p.reserved, picking: p.picking, ats: p.ats };
  }
  return out;
}

export function sum(list, f) {
  return list.reduce((n, x) => n + f(x), 0);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * `scripts/demo.sh` (`make demo`'s worker: wrangler dev, demo network, dev token, assets) on
 * `port` with its state in `stateDir`; resolves once it prints its banner. `stop()` ends the
 * whole process group (wrangler, workerd) and waits until it is gone, so the state can be reused.
 */
export async function spawnDemo({ port, stateDir, logDir, timeoutMs = 120_000 }) {
  const child = spawnChild(join(repoRoot, "scripts", "demo.sh"), [], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), ATSOURCE_STATE_DIR: stateDir, WRANGLER_LOG_PATH: logDir },
    detached: true, // its own process group: stopping it stops wrangler and workerd too
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  await new Promise((resolve, reject) => {
    const done = (f) => { clearTimeout(timer); clearInterval(check); f(); };
    const timer = setTimeout(() => done(() => reject(new Error(`demo did not start in ${timeoutMs / 1000} s:\n${out}`))), timeoutMs);
    const check = setInterval(() => out.includes("atsource demo ready") && done(resolve), 100);
    child.once("exit", (code) => done(() => reject(new Error(`demo exited with ${code}:\n${out}`))));
  });
  return {
    output: () => out,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      try { process.kill(-child.pid, "SIGTERM"); } catch { return; }
      await Promise.race([exited, sleep(10_000)]);
      for (let i = 0; i < 100; i++) {
        try { process.kill(-child.pid, 0); } catch { return; }
        await sleep(100);
      }
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
    },
  };
}
