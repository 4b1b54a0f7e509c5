// Load on the edge worker under real workerd, from this machine's loopback only, bounded in time:
// requests/s, latency and workerd CPU per request of the read path (GET /v1/availability, POST
// /v1/source with 10-line carts) and of the ledger (POST /v1/reservations). Writes
// bench/worker-results.json (merged into bench/results.json and RESULTS.md by
// scripts/bench-report.mjs). Run by `make bench`; ~1.5 min.
//
// The server (BENCH_SERVER):
//   workerd   (default) the bundle `wrangler deploy --dry-run` builds, in workerd through
//             miniflare's JS API with the demo network, requests on a socket straight to the
//             worker: no dev proxy in front, as in production.
//   wrangler  `scripts/demo.sh` (wrangler dev): its proxy and miniflare's entry worker in front.
// BENCH_BUNDLE: an already bundled worker (index.js) instead of bundling worker/ (to compare
// two versions); BENCH_ROUTES: some of availability,source10Lines,reservations.
// The load (BENCH_SECONDS per route, 10; BENCH_CONNECTIONS, 10): `wrk` (one thread; Debian's
// package, installed by scripts/bootstrap.sh) when on PATH, else autocannon (which needs about a
// core of its own on this 2-core machine). Every request differs: 2,000 availability queries
// (5 random SKUs around a random town) and 2,000 carts (10 random in-stock SKUs to a random
// town) drawn from a seeded PRNG, cycled; each reservation has a new key and a random SKU.
//
// CPU: workerd's CPU time (every thread of the process, from /proc/<pid>/task/*/schedstat, in
// ns) over the load run divided by the requests it answered (the mean), and per request in a
// sequential pass (one request at a time on one connection, the process's CPU time read before
// sending and after the answer; everything workerd does in between counts: HTTP, the handler,
// the wasm engine, GC, the replica's sync, the ledger Durable Object for reservations).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { rng } from "./rng.mjs";
import { bundle, startWorker, freePort } from "../tests/worker/helpers.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP = Math.min(3, DURATION);
const SERVER = process.env.BENCH_SERVER ?? "workerd";
const SEQUENTIAL = { availability: 2000, source10Lines: 1000, reservations: 400 };
const tmp = mkdtempSync(join(tmpdir(), "atsource-bench-worker-"));

const wrkPath = ["/usr/bin/wrk", "/usr/local/bin/wrk"].find((p) => existsSync(p)) ?? null;
const wrkVersion = wrkPath ? (spawnText(wrkPath, ["-v"]).match(/wrk (\S+)/)?.[1] ?? "?") : null;

function spawnText(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    return `${err.stdout ?? ""}${err.stderr ?? ""}`; // `wrk -v` exits 1
  }
}

// ---- the server -------------------------------------------------------------------------
async function startServer() {
  if (SERVER === "workerd") {
    const script = process.env.BENCH_BUNDLE ?? bundle(join(tmp, "dist"));
    const mf = startWorker(script, { direct: true, vars: { DEMO_NETWORK: "true", INGEST_TOKEN: "bench-token" } });
    await mf.ready;
    const base = (await mf.unsafeGetDirectURL()).origin;
    return {
      base,
      description: "workerd (miniflare 4 JS API, the `wrangler deploy --dry-run` bundle, a socket straight to the worker)",
      stop: () => mf.dispose(),
    };
  }
  if (SERVER === "wrangler") {
    const port = await freePort();
    const demo = spawn("bash", [join(root, "scripts/demo.sh")], {
      env: { ...process.env, PORT: String(port), ATSOURCE_STATE_DIR: join(tmp, "state"), WRANGLER_LOG_PATH: join(tmp, "logs") },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    });
    return {
      base: `http://127.0.0.1:${port}`,
      description: "wrangler dev (scripts/demo.sh: its proxy and miniflare's entry worker in front of the worker)",
      stop: async () => {
        try { process.kill(-demo.pid, "SIGTERM"); } catch {}
        await new Promise((r) => setTimeout(r, 1000));
      },
    };
  }
  throw new Error(`BENCH_SERVER must be workerd or wrangler, not ${SERVER}`);
}

/** The workerd processes under this one (miniflare's, or wrangler's two). */
function workerdPids() {
  const parent = new Map();
  const comm = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      comm.set(Number(d), stat.slice(stat.indexOf("(") + 1, close));
      parent.set(Number(d), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {}
  }
  const under = (pid) => {
    for (let p = parent.get(pid); p; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...comm].filter(([pid, c]) => c === "workerd" && under(pid)).map(([pid]) => pid);
}

/** CPU time of every thread of `pids`, ns (schedstat: on-CPU time, nanosecond resolution). */
function cpuNs(pids) {
  let ns = 0;
  for (const pid of pids) {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, "utf8").split(" ")[0]);
      } catch {} // a thread that just ended
    }
  }
  return ns;
}

async function ready(base) {
  for (let i = 0; i < 480; i++) {
    try {
      const r = await fetch(`${base}/v1/availability?skus=x&lat=48.85&lon=2.35`);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the worker did not start");
}

// ---- the workload -----------------------------------------------------------------------
async function workload(base) {
  const catalogue = await (await fetch(`${base}/v1/catalogue`)).json();
  const towns = await (await fetch(`${base}/v1/cities`)).json();
  const skus = catalogue.products.map((p) => p.sku);
  // Network totals, 200 SKUs per query.
  const total = new Map();
  for (let i = 0; i < skus.length; i += 200) {
    const part = skus.slice(i, i + 200);
    for (const a of await (await fetch(`${base}/v1/availability?skus=${part.map(encodeURIComponent).join(",")}`)).json()) {
      total.set(a.sku, a.total);
    }
  }
  const inStock = skus.filter((s) => total.get(s) >= 20);
  const random = rng(20261125);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const jitter = (x) => Number((x + (random() - 0.5) * 0.1).toFixed(4));
  const availability = [];
  const carts = [];
  for (let i = 0; i < 2000; i++) {
    const t = pick(towns);
    const five = Array.from({ length: 5 }, () => pick(skus));
    availability.push(`/v1/availability?skus=${five.map(encodeURIComponent).join(",")}&lat=${jitter(t.lat)}&lon=${jitter(t.lon)}&radiusKm=30`);
    const lines = new Map();
    while (lines.size < 10) lines.set(pick(inStock), 1 + Math.floor(random() * 2));
    const d = pick(towns);
    carts.push(JSON.stringify({ lines: [...lines].map(([sku, qty]) => ({ sku, qty })), destination: { lat: jitter(d.lat), lon: jitter(d.lon) } }));
  }
  // Reservations: one unit of a random in-stock SKU (1,000+ SKUs with 20+ units: stock lasts).
  const reservationSkus = Array.from({ length: 2000 }, () => pick(inStock));
  const reservationTowns = Array.from({ length: 200 }, () => pick(towns)).map((t) => ({ lat: jitter(t.lat), lon: jitter(t.lon) }));
  return { availability, carts, reservationSkus, reservationTowns, inStock: inStock.length, skus: skus.length };
}

/** One route's requests, for wrk (a Lua script) and for Node (a function giving the nth). */
function routes(w, runId) {
  const q = (s) => JSON.stringify(s); // a JSON string is a valid Lua string literal here (ASCII)
  const luaList = (list) => `{\n${list.map(q).join(",\n")}\n}`;
  const reservation = (n, tag) => {
    const d = w.reservationTowns[n % w.reservationTowns.length];
    return JSON.stringify({
      idempotencyKey: `bench-${runId}-${tag}-${n}`,
      lines: [{ sku: w.reservationSkus[n % w.reservationSkus.length], qty: 1 }],
      destination: d,
      ttlSeconds: 120,
    });
  };
  return {
    availability: {
      label: "GET /v1/availability",
      lua: () => `local p = ${luaList(w.availability)}\nlocal i = 0\nrequest = function()\n  i = i % #p + 1\n  return wrk.format("GET", p[i])\nend\n`,
      node: (n) => ({ path: w.availability[n % w.availability.length] }),
    },
    source10Lines: {
      label: "POST /v1/source",
      lua: () => `local p = ${luaList(w.carts)}\nlocal i = 0\nlocal h = { ["content-type"] = "application/json" }\nrequest = function()\n  i = i % #p + 1\n  return wrk.format("POST", "/v1/source", h, p[i])\nend\n`,
      node: (n) => ({ path: "/v1/source", method: "POST", body: w.carts[n % w.carts.length] }),
    },
    reservations: {
      label: "POST /v1/reservations",
      // Keys: "bench-<run>-<tag>-<n>", a tag per load run: never the same twice.
      lua: (tag) => `local s = ${luaList(w.reservationSkus)}\nlocal t = ${luaList(w.reservationTowns.map((d) => `{"lat":${d.lat},"lon":${d.lon}}`))}\n` +
        `local n = 0\nlocal h = { ["content-type"] = "application/json" }\nrequest = function()\n  n = n + 1\n` +
        `  local body = '{"idempotencyKey":"bench-${runId}-${tag}-' .. n .. '","lines":[{"sku":"' .. s[n % #s + 1] .. '","qty":1}],"destination":' .. t[n % #t + 1] .. ',"ttlSeconds":120}'\n` +
        `  return wrk.format("POST", "/v1/reservations", h, body)\nend\n`,
      node: (n, tag) => ({ path: "/v1/reservations", method: "POST", body: reservation(n, tag) }),
    },
  };
}

const WRK_DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT {\\"requests\\":%d,\\"durationUs\\":%d,\\"non2xx\\":%d,\\"errors\\":%d,\\"p50Us\\":%d,\\"p99Us\\":%d,\\"maxUs\\":%d}\\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;

/** One load run of `seconds`: wrk (or autocannon), with workerd's CPU over it. */
async function load(base, route, name, seconds, pids) {
  const cpu0 = cpuNs(pids);
  const t0 = process.hrtime.bigint();
  let r;
  if (wrkPath) {
    const script = join(tmp, `${name}.lua`);
    writeFileSync(script, route.lua(name) + WRK_DONE);
    const out = await new Promise((resolve, reject) => {
      const child = spawn(wrkPath, ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--timeout", "10s", "-s", script, base], { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (d) => (text += d));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
    });
    const line = out.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error(`no result from wrk:\n${out}`);
    const w = JSON.parse(line.slice(7));
    r = { total: w.requests, seconds: w.durationUs / 1e6, p50Ms: w.p50Us / 1000, p99Ms: w.p99Us / 1000, maxMs: w.maxUs / 1000, non2xx: w.non2xx, errors: w.errors };
  } else {
    let n = 0;
    const res = await new Promise((resolve, reject) => {
      autocannon(
        {
          url: base,
          connections: CONNECTIONS,
          duration: seconds,
          requests: [{ setupRequest: (req) => { const x = route.node(n++, name); return { ...req, method: x.method ?? "GET", path: x.path, body: x.body, headers: x.body ? { "content-type": "application/json" } : {} }; } }],
        },
        (err, out) => (err ? reject(err) : resolve(out)),
      );
    });
    r = { total: res.requests.total, seconds: res.duration, p50Ms: res.latency.p50, p99Ms: res.latency.p99, maxMs: res.latency.max, non2xx: res.non2xx, errors: res.errors };
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuMs = (cpuNs(pids) - cpu0) / 1e6;
  return {
    requestsPerSec: Math.round(r.total / r.seconds),
    p50Ms: round(r.p50Ms, 2),
    p99Ms: round(r.p99Ms, 2),
    maxMs: round(r.maxMs, 2),
    non2xx: r.non2xx,
    errors: r.errors,
    total: r.total,
    workerdCpuMsPerRequest: round(cpuMs / Math.max(1, r.total), 3),
    workerdCores: round(cpuMs / 1000 / wallS, 2),
  };
}

/** `count` requests one at a time: workerd's CPU for each, and every status seen. */
async function sequential(base, route, count, pids) {
  const cpu = [];
  const statuses = {};
  for (let n = 0; n < count; n++) {
    const x = route.node(n, "sequential");
    const init = x.body ? { method: x.method, body: x.body, headers: { "content-type": "application/json" } } : {};
    const before = cpuNs(pids);
    const res = await fetch(base + x.path, init);
    await res.arrayBuffer();
    cpu.push((cpuNs(pids) - before) / 1e6);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
  cpu.sort((a, b) => a - b);
  const at = (p) => cpu[Math.min(cpu.length - 1, Math.floor(p * cpu.length))];
  return {
    requests: count,
    statuses,
    meanMs: round(cpu.reduce((a, b) => a + b, 0) / cpu.length, 3),
    p50Ms: round(at(0.5), 3),
    p99Ms: round(at(0.99), 3),
    maxMs: round(cpu[cpu.length - 1], 3),
  };
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ---- the run ----------------------------------------------------------------------------
const server = await startServer();
try {
  await ready(server.base);
  const pids = workerdPids();
  if (pids.length === 0) throw new Error("no workerd process found under this one");
  const w = await workload(server.base);
  const list = routes(w, `${process.pid}-${Date.now().toString(36)}`);
  const loadBefore = loadavg().map((x) => round(x, 2));
  const results = {};
  const only = process.env.BENCH_ROUTES?.split(",");
  for (const [name, route] of Object.entries(list)) {
    if (only && !only.includes(name)) continue;
    console.error(`bench worker: ${route.label}: warm-up ${WARMUP} s, load ${DURATION} s, ${SEQUENTIAL[name]} sequential`);
    await load(server.base, route, `${name}-warmup`, WARMUP, pids);
    const r = await load(server.base, route, name, DURATION, pids);
    r.cpuPerRequest = await sequential(server.base, route, SEQUENTIAL[name], pids);
    results[name] = r;
    console.error(`bench worker: ${route.label}: ${JSON.stringify(r)}`);
  }
  const out = {
    generatedAt: new Date().toISOString(),
    server: SERVER,
    serverDescription: server.description,
    loadGenerator: wrkPath ? `wrk ${wrkVersion} (1 thread)` : `autocannon ${JSON.parse(readFileSync(join(root, "node_modules/autocannon/package.json"), "utf8")).version}`,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    connections: CONNECTIONS,
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg().map((x) => round(x, 2)) },
    workload: {
      availabilityQueries: w.availability.length,
      carts: w.carts.length,
      cartLines: 10,
      catalogueSkus: w.skus,
      inStockSkus: w.inStock,
      skusPerAvailabilityQuery: 5,
      radiusKm: 30,
    },
    cartLines: 10,
    ...results,
  };
  writeFileSync(join(root, "bench/worker-results.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(JSON.stringify(out, null, 2));
} finally {
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
}
