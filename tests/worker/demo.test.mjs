// `make demo`'s worker for real: scripts/demo.sh runs `wrangler dev` with worker/wrangler.toml
// (assets, Durable Objects, the demo network, the dev token) on a free loopback port with its
// state in a temporary directory; stopped and started again, it keeps its reservations and orders.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot, tempDir } from "./helpers.mjs";

const tmp = tempDir("demo");
after(() => tmp.cleanup());

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts scripts/demo.sh; resolves once it prints its banner. */
async function startDemo(port) {
  const child = spawn(join(repoRoot, "scripts", "demo.sh"), [], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), ATSOURCE_STATE_DIR: join(tmp.dir, "state"), WRANGLER_LOG_PATH: join(tmp.dir, "logs") },
    detached: true, // its own process group: stopping it stops wrangler and workerd too
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in 90 s:\n${out}`)), 90_000);
    const check = setInterval(() => {
      if (out.includes("atsource demo ready")) {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      }
    }, 100);
    child.once("exit", (code) => {
      clearTimeout(timer);
      clearInterval(check);
      reject(new Error(`demo exited with ${code}:\n${out}`));
    });
  });
  return {
    output: () => out,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await exited;
      // Wait for the whole group (wrangler, workerd) to be gone before reusing the state.
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(-child.pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(-child.pid, "SIGKILL");
    },
  };
}

test("make demo's worker: storefront, package, demo network, dev token, and a restart that keeps state", { timeout: 240_000 }, async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let demo = await startDemo(port);
  let reservation, order;
  try {
    assert.match(demo.output(), new RegExp(`storefront\\s+${base}/`));
    assert.match(demo.output(), /dev token\s+dev-token/);
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const wasm = await fetch(`${base}/pkg/wasm/atsource_bg.wasm`);
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    assert.equal((await fetch(`${base}/pkg/index.browser.js`)).status, 200);
    const health = await (await fetch(`${base}/v1/health`)).json();
    assert.equal(health.ok, true);
    const catalogue = await (await fetch(`${base}/v1/catalogue`)).json();
    assert.equal(catalogue.products.length, 2000);
    const sku = catalogue.products[0].sku;
    const post = (path, body, token) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    assert.equal((await post("/v1/inventory/events", { events: [] })).status, 401);
    assert.equal((await post("/v1/inventory/events", { events: [] }, "dev-token")).status, 200);
    const r = await post("/v1/reservations", { idempotencyKey: "demo-test-1", lines: [{ sku, qty: 1 }], destination: { lat: 48.8566, lon: 2.3522 } });
    assert.equal(r.status, 201);
    reservation = await r.json();
    const r2 = await post("/v1/reservations", { idempotencyKey: "demo-test-2", lines: [{ sku, qty: 1 }], destination: { lat: 48.8566, lon: 2.3522 } });
    const o = await post("/v1/orders", { reservationId: (await r2.json()).id });
    assert.equal(o.status, 201);
    order = await o.json();
  } finally {
    await demo.stop();
  }

  demo = await startDemo(port);
  try {
    const r = await (await fetch(`${base}/v1/reservations/${reservation.id}`)).json();
    assert.equal(r.status, "held");
    const o = await fetch(`${base}/v1/orders/${order.id}?token=${order.trackingToken}`);
    assert.equal(o.status, 200);
    assert.equal((await o.json()).status, "created");
  } finally {
    await demo.stop();
  }
});
