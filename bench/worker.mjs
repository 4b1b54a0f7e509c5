// Load on the edge worker under real workerd (`scripts/demo.sh`: wrangler dev, demo network),
// from this machine's loopback only, bounded in time: requests/s and latency of the read path
// (/v1/availability, /v1/source with a 10-line cart) and of the ledger (/v1/reservations).
// Writes bench/worker-results.json. Run by `make bench`; ~45 s.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = 18000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const state = mkdtempSync(join(tmpdir(), "atsource-bench-worker-"));
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

const demo = spawn("bash", [join(root, "scripts/demo.sh")], {
  env: { ...process.env, PORT: String(port), ATSOURCE_STATE_DIR: state },
  stdio: ["ignore", "ignore", "inherit"],
  detached: true,
});

async function ready() {
  for (let i = 0; i < 240; i++) {
    try {
      const r = await fetch(`${base}/v1/availability?skus=x&lat=48.85&lon=2.35`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the worker did not start");
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 10, duration: DURATION, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function summary(res) {
  return {
    requestsPerSec: Math.round(res.requests.average),
    p50Ms: res.latency.p50,
    p99Ms: res.latency.p99,
    non2xx: res.non2xx,
    errors: res.errors,
    total: res.requests.total,
  };
}

try {
  await ready();
  const catalogue = await (await fetch(`${base}/v1/catalogue`)).json();
  const products = catalogue.products ?? catalogue.catalogue ?? [];
  const skus = products.map((p) => p.sku);
  const inStock = [];
  for (let i = 0; i < skus.length && inStock.length < 10; i += 37) {
    const [a] = await (await fetch(`${base}/v1/availability?skus=${skus[i]}`)).json();
    if (a.total > 500) inStock.push(a.sku);
  }
  const cart = { lines: inStock.map((sku) => ({ sku, qty: 1 })), destination: { lat: 48.8566, lon: 2.3522 } };
  const results = {};
  results.availability = summary(await run({
    url: `${base}/v1/availability?skus=${inStock.slice(0, 5).join(",")}&lat=48.8566&lon=2.3522&radiusKm=30`,
  }));
  results.source10Lines = summary(await run({
    url: `${base}/v1/source`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(cart),
  }));
  let n = 0;
  // One unit per reservation, rotating over the in-stock SKUs so that stock lasts the run.
  const reservation = () => ({
    lines: [{ sku: inStock[n % inStock.length], qty: 1 }],
    destination: cart.destination,
    ttlSeconds: 60,
    idempotencyKey: `bench-${process.pid}-${n++}`,
  });
  results.reservations = summary(await run({
    url: `${base}/v1/reservations`,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(reservation()) }) }],
  }));
  const out = { generatedAt: new Date().toISOString(), durationSeconds: DURATION, connections: 10, cartLines: cart.lines.length, ...results };
  writeFileSync(join(root, "bench/worker-results.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(JSON.stringify(out, null, 2));
} finally {
  try { process.kill(-demo.pid, "SIGTERM"); } catch {}
  await new Promise((r) => setTimeout(r, 1000));
  rmSync(state, { recursive: true, force: true });
}
