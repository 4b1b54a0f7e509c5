// `make demo`'s worker for real: scripts/demo.sh runs `wrangler dev` with worker/wrangler.toml
// (assets, Durable Objects, the demo network, the dev token) on a free loopback port with its
// state in a temporary directory; stopped and started again, it keeps its reservations and orders.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { minifyModule } from "../../worker/scripts/minify.mjs";
import { freePort, repoRoot, spawnDemo, tempDir } from "./helpers.mjs";

const tmp = tempDir("demo");
after(() => tmp.cleanup());

/** Starts scripts/demo.sh on `port` with this test's state; resolves once it prints its banner. */
function startDemo(port) {
  return spawnDemo({ port, stateDir: join(tmp.dir, "state"), logDir: join(tmp.dir, "logs"), timeoutMs: 90_000 });
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
    for (const dts of ["/pkg/index.d.ts", "/pkg/wasm/atsource.d.ts"]) {
      assert.equal((await fetch(`${base}${dts}`)).headers.get("content-type"), "text/plain; charset=utf-8", dts);
    }
    // Every module the browser entry imports, transitively (wasm-bindgen's JS snippets
    // included), is served: the engine page (/engine.html) loads the package from /pkg/.
    const pending = ["/pkg/index.browser.js"];
    const seen = new Set();
    while (pending.length > 0) {
      const path = pending.pop();
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      for (const [, spec] of (await res.text()).matchAll(/(?:import|export)[^"';]*?from\s*["'](\.[^"']+)["']/g)) {
        pending.push(new URL(spec, `${base}${path}`).pathname);
      }
    }
    assert.ok([...seen].some((p) => p.includes("/snippets/")), `the snippets are among ${[...seen].join(", ")}`);
    assert.equal((await fetch(`${base}/engine.html`)).status, 200);
    // The widget goes out as scripts/widget-size.mjs weighs it: minified.
    for (const name of ["atsource-widget.js", "atsource-common.js", "atsource-cities.js", "atsource-delivery-options.js"]) {
      const served = await (await fetch(`${base}/${name}`)).text();
      assert.equal(served, minifyModule(readFileSync(join(repoRoot, "www", name), "utf8")), name);
    }
    const health = await (await fetch(`${base}/v1/health`)).json();
    assert.equal(health.ok, true);
    // A chunked body past its limit is refused, and the worker answers the next request at
    // once (a body cancelled mid-stream left it hanging under wrangler dev).
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let sent = 0;
    const stream = new ReadableStream({
      pull(c) {
        if (sent >= 300_000) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const big = await fetch(`${base}/v1/source`, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" });
    assert.equal(big.status, 413);
    assert.equal((await big.json()).error.code, "payload_too_large");
    const next = await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(next.status, 200);
    assert.equal((await next.json()).ok, true);
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
