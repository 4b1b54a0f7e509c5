// The engine demo page (`make demo` serves it at /engine.html) in headless Chromium: the engine loads the demo
// network in the page, availability near the chosen city renders, and changing the city changes
// the answer — with no page error and no console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { createStaticServer } from "../../scripts/serve.mjs";
import { chromiumTempDirs, cleanChromiumTemp, pkgDir, repoRoot, requireBuild } from "../package/helpers.mjs";

let server, origin, browser, chromiumBefore;

before(async () => {
  requireBuild();
  chromiumBefore = chromiumTempDirs();
  server = createStaticServer({ "/pkg/": pkgDir, "/": join(repoRoot, "www") });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => server.close(ok));
  cleanChromiumTemp(chromiumBefore);
});

test("the demo page shows availability near the chosen city, computed in the page", async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  await page.goto(`${origin}/engine.html`);
  await page.waitForFunction(() => window.atsourceDemo?.ready === true, null, { timeout: 30_000 });

  const rows = page.locator("#results tbody tr");
  assert.ok((await rows.count()) > 5, "a table of products");
  const status = await page.locator("#status").textContent();
  assert.match(status, /154 sites, 2000 articles/);
  assert.match(status, /près de Paris/);

  // What the page shows is what the engine in the page answers.
  const first = await rows.first().getAttribute("data-sku");
  const shown = await rows.first().locator("td").nth(2).textContent();
  const total = await page.evaluate((sku) => {
    const [a] = window.atsourceDemo.engine.availability({
      skus: [sku], near: { lat: 48.8566, lon: 2.3522 }, radiusKm: 30,
    });
    return a.total;
  }, first);
  const expected = total > 3 ? "En stock" : total > 0 ? `Plus que ${total}` : null;
  if (expected) assert.equal(shown, expected);
  else assert.ok(shown === "Rupture" || shown.startsWith("Disponible à partir du"), shown);

  // Another city, another answer.
  const before = await page.locator("#results tbody").textContent();
  const marseille = await page.locator("#city option", { hasText: "Marseille" }).first().getAttribute("value");
  await page.selectOption("#city", marseille);
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("Marseille"));
  assert.notEqual(await page.locator("#results tbody").textContent(), before);
  assert.match(await page.locator("#results tbody").textContent(), /Marseille/);

  assert.deepEqual(problems, []);
  await page.close();
});
