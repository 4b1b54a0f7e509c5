// <atsource-availability> embedded in someone else's page (another origin, no framework), talking
// to `make demo`'s real worker: French and English, postcode entry by keyboard, a SKU out of
// stock everywhere, future supply, the worker unreachable or restarted (message, retries by
// itself, retry), no layout shift, axe-core, and no uncaught page error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launch, openPage, screenshot, seriousViolations, startDemo, stockOnly } from "./helpers.mjs";

let demo, browser, host, hostBase;
const pages = new Map();

before(async () => {
  demo = await startDemo();
  browser = await launch();
  // The retailer's own site: one static page per test, the widget loaded from the worker.
  host = createServer((req, res) => {
    const body = pages.get(req.url);
    res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(body ?? "");
  });
  await new Promise((ok) => host.listen(0, "127.0.0.1", ok));
  hostBase = `http://127.0.0.1:${host.address().port}`;
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => host?.close(ok));
  await demo?.stop();
});

/** Serves a host page carrying the widget with `attrs` (or the given markup) at `/name.html`. */
function register(name, attrs, lang = "fr") {
  const markup = typeof attrs === "string" ? attrs : `<atsource-availability ${Object.entries(attrs).map(([k, v]) => `${k}="${v}"`).join(" ")}></atsource-availability>`;
  pages.set(`/${name}.html`, `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Boutique ${name}</title>
<link rel="icon" href="data:,"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:640px;margin:1rem auto;padding:0 1rem"><main><h1>Lampe Étretat</h1>
<script type="module" src="${demo.base}/atsource-widget.js"></script>
${markup}<p id="below">Description du produit.</p></main></body></html>`);
}

/** Opens a registered host page, measuring layout shifts from the start. */
async function embed(name, attrs, lang = "fr", { setup, viewport = { width: 700, height: 700 }, context = {} } = {}) {
  register(name, attrs, lang);
  const page = await openPage(browser, { viewport, ...context });
  await page.addInitScript(() => {
    // The event bubbles out of the element (composed), so the host page hears it too.
    document.addEventListener("atsource-change", (e) => { window.changes = [...(window.changes || []), e.detail]; });
    window.layoutShift = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.layoutShift += e.value; })
      .observe({ type: "layout-shift", buffered: true });
  });
  await setup?.(page);
  await page.goto(`${hostBase}/${name}.html`);
  return page;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Resolves once `ok()` holds, polling; fails after `ms`. */
async function until(ok, ms, what) {
  for (const end = Date.now() + ms; !ok(); await sleep(50)) if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
}

const state = (page) => page.evaluate(() => document.querySelector("atsource-availability").availability);
const waitState = (page) => page.waitForFunction(() => document.querySelector("atsource-availability").availability);

test("French, on another site: bands, delivery estimate, nearest stores, the API's numbers, no layout shift", { timeout: 60_000 }, async () => {
  const sku = "LUM-0001-TER";
  const page = await embed("fr", { sku, lat: 48.85, lon: 2.35, "radius-km": 50, mode: "ship", lang: "fr" });
  await waitState(page);
  const api = await demo.api("GET", `/v1/availability?skus=${sku}&lat=48.85&lon=2.35&radiusKm=50&mode=ship`);
  assert.deepEqual(await state(page), api.json[0]);
  assert.deepEqual((await page.evaluate(() => window.changes)).at(-1), api.json[0], "atsource-change carries the state");
  const w = page.locator("atsource-availability");
  await w.locator(".delivery").waitFor();
  assert.match(await w.locator(".band").innerText(), /^(En stock|Plus que \d)$/);
  assert.match(await w.locator(".delivery").innerText(), /^Livraison estimée (le|entre le) \w+ \d+/);
  assert.equal(await w.locator("li[data-location]").count(), 3);
  assert.match(await w.locator("li[data-location]").first().innerText(), /km[\s\S]*Retrait prêt/);
  assert.match(await w.locator("li[data-location]").first().innerText(), / — \d+,\d km/, "a French decimal comma");
  assert.ok((await page.evaluate(() => window.layoutShift)) < 0.05, "no layout shift");
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, "widget-fr");
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test("English, click & collect mode, on a phone-sized screen", { timeout: 60_000 }, async () => {
  const page = await embed("en", { sku: "LUM-0001-NOI", lat: 45.764, lon: 4.8357, "radius-km": 30, mode: "pickup", lang: "en" }, "en",
    { viewport: { width: 360, height: 740 } });
  await waitState(page);
  const w = page.locator("atsource-availability");
  await w.locator("li[data-location]").first().waitFor();
  assert.match(await w.locator(".band").innerText(), /^(In stock|Only \d left|Out of stock|Available from .+)$/);
  assert.match(await w.locator(".box").innerText(), /within 30 km · updated live/);
  assert.match(await w.locator(".box").innerText(), /Nearest stores/);
  assert.match(await w.locator("li[data-location]").first().innerText(), /Pickup ready/);
  assert.match(await w.locator("li[data-location]").first().innerText(), / — \d+\.\d km/, "an English decimal point");
  assert.equal(await w.locator(".delivery").count(), 0, "no home delivery line in pickup mode");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no horizontal scroll at 360 px");
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, "widget-en");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("without lat/lon it asks: an unknown place, then a postcode typed and sent with the keyboard; 'Changer de lieu' puts the focus in the field", { timeout: 60_000 }, async () => {
  const page = await embed("ask", { sku: "LUM-0001-SAU", lang: "fr" });
  const w = page.locator("atsource-availability");
  const input = w.getByLabel("Code postal ou ville");
  await input.fill("99999");
  await input.press("Enter");
  await w.locator("[role=alert]", { hasText: "Code postal ou ville inconnu." }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await input.fill("69002");
  await input.press("Enter");
  await waitState(page);
  await w.locator("p", { hasText: "Près de Lyon" }).waitFor();
  const a = await state(page);
  assert.ok(a.locations.every((l) => l.distanceKm <= 50), "within the default 50 km of Lyon");
  // The place is remembered for the next product page of the same shop.
  assert.equal(JSON.parse(await page.evaluate(() => localStorage.getItem("atsource:place"))).postcode, "69002");
  // "Changer de lieu" is a real button: reachable and usable from the keyboard.
  await w.getByRole("button", { name: "Changer de lieu" }).focus();
  await page.keyboard.press("Enter");
  await w.getByLabel("Code postal ou ville").waitFor();
  // The button is gone: the focus moves to the field, not to the top of the page.
  assert.equal(await w.evaluate((e) => e.shadowRoot.activeElement?.name), "place");
  await page.keyboard.type("Bordeaux");
  await page.keyboard.press("Enter");
  await w.locator("p", { hasText: "Près de Bordeaux" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("one shopper, one place: a place chosen in one widget is every widget's without lat/lon, in the page and the shop's other tabs", { timeout: 60_000 }, async () => {
  const markup = `<atsource-availability id="a" sku="LUM-0001-TER"></atsource-availability>
<atsource-availability id="b" sku="LUM-0001-NOI"></atsource-availability>
<atsource-availability id="fixed" sku="LUM-0001-TER" lat="43.2965" lon="5.3698" place="Marseille"></atsource-availability>`;
  const page = await embed("shared", markup);
  const [a, b] = [page.locator("#a"), page.locator("#b")];
  await a.getByLabel("Code postal ou ville").fill("Lyon");
  await a.getByLabel("Code postal ou ville").press("Enter");
  for (const w of [a, b]) await w.locator("p", { hasText: "Près de Lyon" }).waitFor({ timeout: 5000 });
  // Another product page of the same shop, open in a second tab.
  const other = await page.context().newPage();
  await other.goto(`${hostBase}/shared.html`);
  await other.locator("#b p", { hasText: "Près de Lyon" }).waitFor();
  // "Changer de lieu" → Paris in the second widget: the first follows, and so does the other tab.
  await b.getByRole("button", { name: "Changer de lieu" }).click();
  await b.getByLabel("Code postal ou ville").fill("Paris");
  await b.getByLabel("Code postal ou ville").press("Enter");
  for (const w of [a, b, other.locator("#a"), other.locator("#b")]) await w.locator("p", { hasText: "Près de Paris" }).waitFor({ timeout: 5000 });
  const paris = await demo.api("GET", "/v1/availability?skus=LUM-0001-TER&lat=48.8603&lon=2.3412&radiusKm=50&mode=ship");
  await page.waitForFunction((total) => document.querySelector("#a").availability?.total === total, paris.json[0].total);
  assert.deepEqual(await page.evaluate(() => document.querySelector("#a").availability), paris.json[0]);
  // A widget given its own point keeps it.
  await page.locator("#fixed p", { hasText: "Près de Marseille" }).waitFor();
  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.errors ?? [], []);
  await page.context().close();
});

test("without lat/lon: located at once where the shopper allowed it before, asked first elsewhere", { timeout: 90_000 }, async () => {
  const bordeaux = { latitude: 44.8378, longitude: -0.5792 };
  const near = await demo.api("GET", "/v1/availability?skus=LUM-0001-TER&lat=44.8378&lon=-0.5792&radiusKm=50&mode=ship");
  // Counts the position requests the page makes.
  const spy = (page) => page.addInitScript(() => {
    const get = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
    window.located = 0;
    navigator.geolocation.getCurrentPosition = (...args) => { window.located++; return get(...args); };
  });

  // Allowed already (this site, an earlier visit): no click needed.
  const allowed = await embed("geo", { sku: "LUM-0001-TER", lang: "fr" }, "fr",
    { setup: spy, context: { geolocation: bordeaux, permissions: ["geolocation"] } });
  await waitState(allowed);
  assert.equal((await state(allowed)).total, near.json[0].total);
  // "Changer de lieu" then shows the form and locates nobody unasked.
  const w = allowed.locator("atsource-availability");
  await w.getByRole("button", { name: "Changer de lieu" }).click();
  await w.getByLabel("Code postal ou ville").waitFor();
  await sleep(500);
  assert.equal(await allowed.evaluate(() => window.located), 1);
  assert.deepEqual(allowed.errors, []);
  await allowed.context().close();

  // Allowed, but the position is slow to come (a phone's GPS) and the shopper starts typing: what
  // they type stays, and the position, when it comes, does not replace it.
  const slow = (page) => page.addInitScript(() => {
    const get = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
    navigator.geolocation.getCurrentPosition = (ok, ...rest) => get((p) => setTimeout(() => ok(p), 1500), ...rest);
  });
  const typing = await embed("geo", { sku: "LUM-0001-TER", lang: "fr" }, "fr",
    { setup: slow, context: { geolocation: bordeaux, permissions: ["geolocation"] } });
  const field = typing.locator("atsource-availability").getByLabel("Code postal ou ville");
  await field.pressSequentially("Lyo");
  await sleep(2500);
  assert.equal(await field.inputValue(), "Lyo");
  assert.equal(await state(typing), null);
  await field.press("n");
  await field.press("Enter");
  await typing.locator("atsource-availability p", { hasText: "Près de Lyon" }).waitFor({ timeout: 5000 });
  assert.deepEqual(typing.errors, []);
  await typing.context().close();

  // Not allowed yet: the form, no prompt until the shopper clicks "Utiliser ma position".
  const asked = await embed("geo", { sku: "LUM-0001-TER", lang: "fr" }, "fr", { setup: spy, context: { geolocation: bordeaux } });
  const form = asked.locator("atsource-availability");
  await form.getByLabel("Code postal ou ville").waitFor();
  await sleep(500);
  assert.equal(await asked.evaluate(() => window.located), 0);
  assert.equal(await state(asked), null);
  await asked.context().grantPermissions(["geolocation"]);
  await form.getByRole("button", { name: "Utiliser ma position" }).click();
  await waitState(asked);
  assert.equal((await state(asked)).total, near.json[0].total);
  assert.deepEqual(asked.errors, []);
  await asked.context().close();
});

test("a SKU out of stock everywhere says so; one with supply on the way gives its date", { timeout: 60_000 }, async () => {
  const sku = "LUM-0001-SAB";
  await stockOnly(demo, sku, {}, "oos");
  // Reads are answered by edge replicas at most 1 s behind the ledger (worker/README.md).
  await new Promise((r) => setTimeout(r, 1100));
  const api = (await demo.api("GET", `/v1/availability?skus=${sku}&lat=48.85&lon=2.35&radiusKm=50`)).json[0];
  const page = await embed("oos", { sku, lat: 48.85, lon: 2.35, lang: "fr" });
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability?.total === 0);
  const w = page.locator("atsource-availability");
  const expected = api.availableFrom ? /^Disponible à partir du \w+ \d+ \w+$/ : /^Rupture$/;
  assert.match(await w.locator(".band").innerText(), expected);
  await w.locator(".box", { hasText: "Livraison à domicile indisponible" }).waitFor();
  await page.context().close();

  // The demo network has supply due for this one (GET /v1/availability: availableFrom).
  const soon = await embed("soon", { sku: "CHE-0002-CAM-L", lat: 48.85, lon: 2.35, lang: "fr" });
  await waitState(soon);
  const s = await state(soon);
  assert.equal(s.total, 0);
  assert.ok(s.availableFrom);
  assert.match(await soon.locator("atsource-availability .band").innerText(), /^Disponible à partir du /);
  assert.deepEqual(soon.errors, []);
  await soon.context().close();
});

test("none within the radius but a warehouse far away delivers: the band says home delivery, not out of stock", { timeout: 60_000 }, async () => {
  const sku = "LUM-0004-NAT"; // no supply expected in the demo network
  await stockOnly(demo, sku, { "WH-LYON": 12 }, "far"); // ~390 km from Paris
  await new Promise((r) => setTimeout(r, 1100)); // edge replicas <= 1 s behind
  const page = await embed("far", { sku, lat: 48.85, lon: 2.35, lang: "fr" });
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability?.total === 0);
  const w = page.locator("atsource-availability");
  await w.locator(".delivery", { hasText: /^Livraison estimée / }).waitFor();
  assert.equal(await w.locator(".band").innerText(), "Livrable à domicile");
  assert.equal(await w.locator(".band").getAttribute("data-band"), "ship");
  // In pickup mode the same SKU has nothing to offer near the shopper: out of stock.
  await w.evaluate((el) => el.setAttribute("mode", "pickup"));
  await w.locator(".band", { hasText: /^Rupture$/ }).waitFor();
  // Back to ship: a sale closing the warehouse's stock makes it out of stock, once the
  // delivery estimate is read again.
  await w.evaluate((el) => el.setAttribute("mode", "ship"));
  await w.locator(".band", { hasText: /^Livrable à domicile$/ }).waitFor();
  await page.locator("atsource-availability[data-live]").waitFor();
  await stockOnly(demo, sku, {}, "far-gone");
  await w.locator(".band", { hasText: /^Rupture$/ }).waitFor({ timeout: 5000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the last unit near sells while a far warehouse holds some: from 'Plus que 1' to 'Livrable à domicile', never a false 'Rupture'", { timeout: 60_000 }, async () => {
  const sku = "LUM-0003-SAB"; // no supply expected in the demo network
  await stockOnly(demo, sku, { "ST-PARIS-01": 1, "WH-LYON": 12 }, "last");
  await new Promise((r) => setTimeout(r, 1100));
  const page = await embed("last", { sku, lat: 48.85, lon: 2.35, lang: "fr" });
  const w = page.locator("atsource-availability");
  await w.locator(".band", { hasText: /^Plus que 1$/ }).waitFor();
  await page.locator("atsource-availability[data-live]").waitFor();
  // Every band the page showed and every announcement, from now on.
  await w.evaluate((el) => {
    window.said = [];
    const root = el.shadowRoot;
    new MutationObserver(() => window.said.push(`band:${root.querySelector(".band")?.textContent}`, `sr:${root.querySelector("[role=status]").textContent}`))
      .observe(root, { subtree: true, childList: true, characterData: true });
  });
  const held = await demo.api("POST", "/v1/reservations", { idempotencyKey: "last-1", lines: [{ sku, qty: 1 }], destination: { lat: 48.85, lon: 2.35 }, pickup: "ST-PARIS-01" });
  assert.equal(held.status, 201, JSON.stringify(held.json));
  await w.locator(".band", { hasText: /^Livrable à domicile$/ }).waitFor({ timeout: 5000 });
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability?.total === 0);
  const said = await page.evaluate(() => window.said);
  assert.ok(!said.some((x) => x.endsWith(":Rupture")), said.join(" | "));
  assert.ok(said.includes("sr:Livrable à domicile"), said.join(" | "));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the worker unreachable: a clear message, tries again by itself, and 'Réessayer' recovers at once, no uncaught error", { timeout: 60_000 }, async () => {
  let reads = 0;
  const page = await embed("down", { sku: "LUM-0001-TER", lat: 48.85, lon: 2.35, lang: "fr" }, "fr", {
    setup: async (p) => {
      p.on("request", (r) => { if (new URL(r.url()).pathname === "/v1/availability") reads++; });
      await p.route(`${demo.base}/v1/**`, (r) => r.abort("connectionrefused"));
    },
  });
  const w = page.locator("atsource-availability");
  await w.locator("[role=alert]", { hasText: "Impossible de joindre le service de disponibilité." }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  // Backing off: a first retry 0.5 s after the failure, the next 1 s later, then 2 s later...
  await until(() => reads >= 3, 4000, "two automatic retries");
  // ...so a click right after the third failure is answered before the next automatic retry.
  await page.unroute(`${demo.base}/v1/**`);
  await w.getByRole("button", { name: "Réessayer" }).click();
  await waitState(page);
  await w.locator(".band").waitFor();
  assert.equal(reads, 4, "the click's own read");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the worker stopped and started again: the widget retries by itself, re-reads the numbers and is live again, no reload", { timeout: 60_000 }, async () => {
  const sku = "LUM-0003-NOI";
  await stockOnly(demo, sku, { "ST-PARIS-01": 4 }, "restart");
  await sleep(1100);
  const page = await embed("restart", { sku, lat: 48.85, lon: 2.35, lang: "fr" });
  const w = page.locator("atsource-availability");
  const total = (n) => page.waitForFunction((n) => document.querySelector("atsource-availability").availability?.total === n, n, { timeout: 3000 });
  await page.locator("atsource-availability[data-live]").waitFor();
  await total(4);
  await demo.down();
  await w.locator("[role=alert]", { hasText: "Impossible de joindre le service de disponibilité." }).waitFor();
  await demo.up();
  // Received while the widget had no stream: only a re-read shows it.
  const receipt = (id, delta) => demo.api("POST", "/v1/inventory/events", { events: [{ id, type: "adjust", sku, location: "ST-PARIS-01", delta }] }, { token: true });
  assert.equal((await receipt("restart-1", 2)).status, 200);
  // Retries back off 0.5, 1, 2, 4 s from the drop: back well within 10 s, with no click.
  await page.locator("atsource-availability[data-live]").waitFor({ timeout: 10_000 });
  await total(6);
  assert.equal(await w.locator("[role=alert]").count(), 0);
  // And the stream pushes again.
  assert.equal((await receipt("restart-2", 1)).status, 200);
  await total(7);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** GET /v1/availability for the widget's own query, once the edge replicas have caught up (<= 1 s). */
async function settledApi(sku, lat, lon, radiusKm = 50, mode = "ship") {
  await new Promise((r) => setTimeout(r, 1100));
  return (await demo.api("GET", `/v1/availability?skus=${sku}&lat=${lat}&lon=${lon}&radiusKm=${radiusKm}&mode=${mode}`)).json[0];
}

test("live updates keep future supply: after each push the state is GET /v1/availability's, then 'Disponible à partir du'", { timeout: 60_000 }, async () => {
  const sku = "LUM-0003-TER";
  await stockOnly(demo, sku, { "ST-PARIS-01": 2 }, "supply");
  // Expected at the store itself: what it lacks once its 2 units are reserved is nothing, so
  // the 5 units will sell (at the warehouse they would first fill its safety stock).
  const due = await demo.api("POST", "/v1/inventory/events", { events: [{ id: "supply-due", type: "incoming", sku, location: "ST-PARIS-01", qty: 5, date: "2027-01-10" }] }, { token: true });
  assert.equal(due.status, 200);
  const first = await settledApi(sku, 48.85, 2.35);
  assert.ok(first.total === 2 && first.incoming?.length, JSON.stringify(first));
  const page = await embed("supply", { sku, lat: 48.85, lon: 2.35, lang: "fr" });
  await page.locator("atsource-availability[data-live]").waitFor();
  assert.deepEqual(await state(page), first);
  const reserve = (key) => demo.api("POST", "/v1/reservations", { idempotencyKey: key, lines: [{ sku, qty: 1 }], destination: { lat: 48.85, lon: 2.35 } });
  // One unit left: the total stays above 0, the expected supply is still part of the answer.
  assert.equal((await reserve("supply-1")).status, 201);
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability.total === 1);
  assert.deepEqual(await state(page), await settledApi(sku, 48.85, 2.35));
  // The last unit: no stock, but a date.
  assert.equal((await reserve("supply-2")).status, 201);
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability.total === 0);
  const last = await settledApi(sku, 48.85, 2.35);
  assert.ok(last.availableFrom, JSON.stringify(last));
  assert.deepEqual(await state(page), last);
  assert.deepEqual((await page.evaluate(() => window.changes)).at(-1), last, "atsource-change carries it too");
  // The band, once the delivery estimate says nothing comes from farther away either.
  await page.locator("atsource-availability .band", { hasText: /^Disponible à partir du \w+ 10 janvier$/ }).waitFor({ timeout: 3000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("expected supply shows live: an incoming event for a SKU out of stock near the widget dates it within a second", { timeout: 60_000 }, async () => {
  const sku = "LUM-0002-TER";
  await stockOnly(demo, sku, { "ST-PARIS-01": 0 }, "incoming");
  const before = await settledApi(sku, 48.85, 2.35);
  assert.ok(before.total === 0 && !before.availableFrom, JSON.stringify(before));
  const versions = []; // the re-reads that name the ledger version they need
  const page = await embed("incoming", { sku, lat: 48.85, lon: 2.35, lang: "fr" }, "fr",
    { setup: (p) => p.on("request", (r) => { const u = new URL(r.url()), v = u.searchParams.get("version"); if (v && u.pathname === "/v1/availability") versions.push(Number(v)); }) });
  await page.locator("atsource-availability[data-live]").waitFor();
  const due = await demo.api("POST", "/v1/inventory/events",
    { events: [{ id: "incoming-due", type: "incoming", sku, location: "ST-PARIS-01", qty: 3, date: "2027-02-12" }] }, { token: true });
  assert.equal(due.status, 200);
  // The push says supply moved; the widget asks at once for an answer at least that recent.
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability.availableFrom, null, { timeout: 1000 });
  assert.ok(versions.length === 1 && versions[0] >= due.json.version, `${versions} after ${due.json.version}`);
  assert.equal((await state(page)).availableFrom, "2027-02-12");
  assert.equal((await page.evaluate(() => window.changes)).at(-1).availableFrom, "2027-02-12", "atsource-change carries it");
  assert.match(await page.locator("atsource-availability .band").innerText(), /^Disponible à partir du \w+ 12 février$/);
  assert.deepEqual(await state(page), await settledApi(sku, 48.85, 2.35));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a live update while the shopper types a new place leaves the field, its caret and focus alone", { timeout: 60_000 }, async () => {
  const sku = "LUM-0002-BLC";
  await stockOnly(demo, sku, { "ST-PARIS-01": 2 }, "typing");
  await new Promise((r) => setTimeout(r, 1100));
  const page = await embed("typing", { sku, lat: 48.85, lon: 2.35, lang: "fr" });
  await page.locator("atsource-availability[data-live]").waitFor();
  const w = page.locator("atsource-availability");
  await w.getByRole("button", { name: "Changer de lieu" }).click();
  const input = w.getByLabel("Code postal ou ville");
  await input.click();
  await page.keyboard.type("Bordea");
  await page.keyboard.press("ArrowLeft");
  const ingest = await demo.api("POST", "/v1/inventory/events",
    { events: [{ id: "typing-receipt", type: "adjust", sku, location: "ST-PARIS-01", delta: 3 }] }, { token: true });
  assert.equal(ingest.status, 200);
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability.total === 5);
  await new Promise((r) => setTimeout(r, 1500)); // and past the re-read that follows a push
  assert.equal(await input.inputValue(), "Bordea");
  assert.deepEqual(await w.evaluate((e) => { const a = e.shadowRoot.activeElement; return [a?.name, a?.selectionStart]; }), ["place", 5]);
  await page.keyboard.press("End");
  await page.keyboard.type("ux");
  await page.keyboard.press("Enter");
  await w.locator("p", { hasText: "Près de Bordeaux" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a live update keeps the keyboard focus on 'Changer de lieu'", { timeout: 60_000 }, async () => {
  const sku = "LUM-0002-NOI";
  await stockOnly(demo, sku, { "ST-PARIS-01": 2 }, "focus");
  await new Promise((r) => setTimeout(r, 1100));
  const page = await embed("focus", { sku, lat: 48.85, lon: 2.35, lang: "fr" });
  await page.locator("atsource-availability[data-live]").waitFor();
  const w = page.locator("atsource-availability");
  await w.locator(".delivery").waitFor();
  await w.getByRole("button", { name: "Changer de lieu" }).focus();
  await demo.api("POST", "/v1/inventory/events", { events: [{ id: "focus-receipt", type: "adjust", sku, location: "ST-PARIS-01", delta: 1 }] }, { token: true });
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability.total === 3);
  await new Promise((r) => setTimeout(r, 1500)); // and past the re-read that follows a push
  assert.equal(await w.evaluate((e) => e.shadowRoot.activeElement?.textContent), "Changer de lieu");
  await page.keyboard.press("Enter");
  await w.getByLabel("Code postal ou ville").waitFor();
  await page.context().close();
});

test("the documented embedding loads once: one availability read, one source call, one WebSocket", { timeout: 60_000 }, async () => {
  const seen = { availability: 0, source: 0, sockets: 0 };
  const page = await embed("once", { sku: "LUM-0001-TER", lat: 48.85, lon: 2.35, "radius-km": 50, mode: "ship", lang: "fr" }, "fr", {
    setup: (p) => {
      p.on("request", (r) => {
        const path = new URL(r.url()).pathname;
        if (path === "/v1/availability") seen.availability++;
        if (path === "/v1/source") seen.source++;
      });
      p.on("websocket", () => seen.sockets++);
    },
  });
  await page.locator("atsource-availability[data-live]").waitFor();
  await page.locator("atsource-availability .delivery").waitFor();
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(seen, { availability: 1, source: 1, sockets: 1 });
  assert.equal((await page.evaluate(() => window.changes)).length, 1, "one atsource-change");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a first answer older than what the stream pushed before the widget joined is caught up at once (the hello's version)", { timeout: 60_000 }, async () => {
  const sku = "LUM-0001-TER";
  // Something pushed, so that the stream's hello carries a version.
  const pushed = await demo.api("POST", "/v1/inventory/events", { events: [{ id: "hello-v", type: "adjust", sku: "LUM-0001-SAB", location: "ST-PARIS-01", delta: 1 }] }, { token: true });
  assert.equal(pushed.status, 200);
  await sleep(300);
  const api = (await demo.api("GET", `/v1/availability?skus=${sku}&lat=48.85&lon=2.35&radiusKm=50&mode=ship`)).json[0];
  assert.ok(api.total > 0);
  // The first read answers as a replica behind the ledger would: one unit more, at version 1.
  let first = true;
  const page = await embed("stale-first", { sku, lat: 48.85, lon: 2.35, lang: "fr" }, "fr", {
    setup: (p) => p.route("**/v1/availability?**", async (route) => {
      if (!first) return route.continue();
      first = false;
      const res = await route.fetch();
      const [a] = await res.json();
      const stale = { ...a, total: a.total + 1, locations: a.locations.map((l, i) => (i === 0 ? { ...l, ats: l.ats + 1 } : l)) };
      await route.fulfill({ response: res, headers: { ...res.headers(), "x-atsource-version": "1" }, json: [stale] });
    }),
  });
  await page.waitForFunction((total) => document.querySelector("atsource-availability").availability?.total === total, api.total, { timeout: 5000 });
  assert.deepEqual(await state(page), api);
  const changes = await page.evaluate(() => window.changes);
  assert.equal(changes.at(-1).total, api.total);
  assert.equal(changes[0].total, api.total + 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an invalid radius-km (not a number, negative) falls back to the default 50 km", { timeout: 60_000 }, async () => {
  const sku = "LUM-0001-TER";
  const api = (await demo.api("GET", `/v1/availability?skus=${sku}&lat=48.85&lon=2.35&radiusKm=50&mode=ship`)).json[0];
  for (const [name, radius] of [["radius-abc", "abc"], ["radius-neg", "-5"]]) {
    const page = await embed(name, { sku, lat: 48.85, lon: 2.35, "radius-km": radius, lang: "fr" });
    const w = page.locator("atsource-availability");
    await w.locator(".band").waitFor();
    assert.deepEqual(await state(page), api, radius);
    assert.match(await w.locator(".box").innerText(), /dans un rayon de 50 km/);
    assert.equal(await w.locator("[role=alert]").count(), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  // A valid radius with decimals is written the French way.
  const page = await embed("radius-dec", { sku, lat: 48.85, lon: 2.35, "radius-km": 20.5, lang: "fr" });
  await page.locator("atsource-availability .box", { hasText: "dans un rayon de 20,5 km" }).waitFor();
  await page.context().close();
});

test("place lookup: every Paris postcode, towns typed without hyphens or accents, arrondissements, a département's town", { timeout: 60_000 }, async () => {
  const page = await embed("lookup", { sku: "LUM-0001-TER", lang: "fr" });
  const found = await page.evaluate(async (base) => {
    const { findPlace } = await import(`${base}/atsource-widget.js`);
    const typed = ["75002", "75004", "75005", "75007", "75010", "75019", "75116", "saint etienne", "Saint Etienne", "St-Étienne",
      "Villeneuve d'Ascq", "villeneuve d ascq", "Villeneuve-d’Ascq", "Paris 15", "Paris 1er", "paris 16e", "Lyon 3", "92400", "13090",
      "99999", "Bordea", "69002 Lyon"];
    return Object.fromEntries(typed.map((t) => { const c = findPlace(t); return [t, c && `${c.postcode} ${c.name}`]; }));
  }, demo.base);
  for (let n = 1; n <= 20; n++) {
    const pc = `750${String(n).padStart(2, "0")}`;
    assert.equal(await page.evaluate(async ([base, pc]) => (await import(`${base}/atsource-widget.js`)).findPlace(pc)?.postcode, [demo.base, pc]), pc);
  }
  assert.deepEqual(found, {
    "75002": "75002 Paris", "75004": "75004 Paris", "75005": "75005 Paris", "75007": "75007 Paris", "75010": "75010 Paris",
    "75019": "75019 Paris", "75116": "75116 Paris", "saint etienne": "42000 Saint-Étienne", "Saint Etienne": "42000 Saint-Étienne",
    "St-Étienne": "42000 Saint-Étienne", "Villeneuve d'Ascq": "59650 Villeneuve-d'Ascq", "villeneuve d ascq": "59650 Villeneuve-d'Ascq",
    "Villeneuve-d’Ascq": "59650 Villeneuve-d'Ascq", "Paris 15": "75015 Paris", "Paris 1er": "75001 Paris", "paris 16e": "75016 Paris",
    "Lyon 3": "69003 Lyon", "92400": "92100 Boulogne-Billancourt", "13090": "13001 Marseille", "99999": null, "Bordea": "33000 Bordeaux",
    "69002 Lyon": "69002 Lyon",
  });
  // And through the form, by keyboard.
  const input = page.locator("atsource-availability").getByLabel("Code postal ou ville");
  await input.fill("saint etienne");
  await input.press("Enter");
  await page.locator("atsource-availability p", { hasText: "Près de Saint-Étienne" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("an element that leaves the page while loading or waiting to reconnect opens no stream and asks nothing more", { timeout: 60_000 }, async () => {
  let sockets = 0, reads = 0;
  const page = await embed("leave", { sku: "LUM-0001-TER", lat: 48.85, lon: 2.35, lang: "fr" }, "fr", {
    setup: async (p) => {
      p.on("websocket", () => sockets++);
      p.on("request", (r) => { if (new URL(r.url()).pathname === "/v1/availability") reads++; });
      // The page keeps a handle on each WebSocket, to drop one as a network would.
      await p.addInitScript(() => {
        const Native = WebSocket;
        window.sockets = [];
        window.WebSocket = class extends Native { constructor(...a) { super(...a); window.sockets.push(this); } };
      });
    },
  });
  await page.locator("atsource-availability[data-live]").waitFor();
  assert.equal(sockets, 1);
  // Removed 5 ms after it was added: its first read is still under way.
  await page.evaluate(() => {
    const e = document.createElement("atsource-availability");
    for (const [k, v] of [["sku", "LUM-0001-TER"], ["lat", "45.76"], ["lon", "4.83"]]) e.setAttribute(k, v);
    e.id = "brief";
    document.body.append(e);
    window.brief = e;
    setTimeout(() => e.remove(), 5);
  });
  // The first element's stream drops; it leaves the page before its reconnection is due (500 ms).
  await page.evaluate(() => { window.sockets[0].close(); document.querySelector("atsource-availability").remove(); });
  const before = reads;
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(sockets, 1, "no stream opened after leaving the page");
  assert.ok(reads <= before + 1, `at most the brief element's first read (${reads - before})`);
  assert.equal(await page.evaluate(() => "live" in window.brief.dataset), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a point out of range asks for a place, a refused request says why and is not retried, no product clears the answer", { timeout: 60_000 }, async () => {
  let reads = 0;
  const page = await embed("refused", { sku: "LUM-0001-TER", lat: 48.85, lon: 2.35, lang: "fr" }, "fr",
    { setup: (p) => p.on("request", (r) => { if (new URL(r.url()).pathname === "/v1/availability") reads++; }) });
  await waitState(page);
  const w = page.locator("atsource-availability");
  const nulls = () => page.evaluate(() => window.changes.filter((c) => c === null).length);
  // Latitude 200 (or "48.85abc") is no point: the place form, and no answer for the old point.
  for (const lat of ["200", "48.85abc"]) {
    await page.evaluate((v) => document.querySelector("atsource-availability").setAttribute("lat", v), lat);
    await w.locator("form").waitFor();
    assert.equal(await state(page), null, lat);
    assert.equal(await w.locator("text=Impossible de joindre").count(), 0);
  }
  assert.equal(await nulls(), 1, "one atsource-change with null");
  await page.evaluate(() => document.querySelector("atsource-availability").setAttribute("lat", "48.85"));
  await waitState(page);
  // A SKU the API refuses (over 200 characters): its reason, no retry button, no stale answer.
  await page.evaluate(() => document.querySelector("atsource-availability").setAttribute("sku", "S".repeat(201)));
  await w.locator("[role=alert]", { hasText: "Demande refusée" }).waitFor();
  assert.equal(await w.locator("button", { hasText: "Réessayer" }).count(), 0);
  assert.equal(await state(page), null);
  const refused = reads;
  await sleep(1600); // past the first two automatic retries of an unreachable worker
  assert.equal(reads, refused, "a refused request is not sent again");
  // No product: an empty element, no answer.
  await page.evaluate(() => document.querySelector("atsource-availability").setAttribute("sku", "LUM-0001-TER"));
  await waitState(page);
  await page.evaluate(() => document.querySelector("atsource-availability").removeAttribute("sku"));
  await page.waitForFunction(() => document.querySelector("atsource-availability").availability === null);
  assert.equal(await w.locator(".box").innerText(), "");
  assert.equal(await nulls(), 3);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("delivery options show prices in the currency of the profile's delivery configuration", { timeout: 60_000 }, async () => {
  const sku = "LUM-0003-TER";
  await stockOnly(demo, sku, { "WH-PARIS": 5 }, "chf");
  const swiss = { delivery: { currency: "CHF", serviceLevels: [{ id: "eco", name: "Économique", basePrice: 7.9, transit: [{ minDays: 2, maxDays: 3 }] }] } };
  const put = await demo.api("PUT", "/v1/profiles/swiss-e2e", swiss, { token: true });
  assert.equal(put.status, 200, put.text);
  const lines = JSON.stringify([{ sku, qty: 1, unitPrice: 29.9 }]).replaceAll('"', "&quot;");
  pages.set("/chf.html", `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Panier</title><link rel="icon" href="data:,"></head>
<body><main><script type="module" src="${demo.base}/atsource-delivery-options.js"></script>
<atsource-delivery-options api="${demo.base}" profile="swiss-e2e" lat="48.85" lon="2.35" lines="${lines}"></atsource-delivery-options></main></body></html>`);
  const page = await openPage(browser, {});
  await page.goto(`${hostBase}/chf.html`);
  const price = page.locator("atsource-delivery-options .price").first();
  await price.waitFor();
  const text = (await price.textContent()).replace(/\s/g, " ");
  assert.match(text, /^7,90 CHF$/, text);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("inside a framework's open or closed shadow root it speaks the page's language", { timeout: 60_000 }, async () => {
  const markup = `<shop-card shadow="open"></shop-card><shop-card shadow="closed"></shop-card>
<script>customElements.define("shop-card", class extends HTMLElement {
  connectedCallback() {
    const root = this.attachShadow({ mode: this.getAttribute("shadow") });
    root.innerHTML = '<atsource-availability sku="LUM-0001-TER" lat="48.85" lon="2.35"></atsource-availability>';
    (window.inner ||= []).push(root.firstElementChild);
  }
});</script>`;
  const page = await embed("shadow-lang", markup, "en");
  for (const shadow of [0, 1]) {
    await page.waitForFunction((i) => window.inner?.[i]?.shadowRoot.querySelector(".band"), shadow);
    const text = await page.evaluate((i) => window.inner[i].shadowRoot.querySelector(".box").innerText, shadow);
    assert.match(text, /^(In stock|Only \d left)\n[\s\S]*within 50 km · updated live/, ["open", "closed"][shadow]);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a lang it does not speak (de, es) gives way to the nearest ancestor's French or English", { timeout: 60_000 }, async () => {
  const widget = (id, lang) => `<atsource-availability id="${id}" lang="${lang}" sku="LUM-0001-TER" lat="48.85" lon="2.35"></atsource-availability>`;
  const markup = `<div lang="es">${widget("de-in-es", "de")}</div><div lang="FR-ch">${widget("de-in-fr", "de")}</div>${widget("en-gb", "en-GB")}`;
  const page = await embed("lang-fallback", markup, "en");
  for (const [id, said] of [["de-in-es", /within 50 km/], ["de-in-fr", /dans un rayon de 50 km/], ["en-gb", /within 50 km/]]) {
    await page.waitForFunction((i) => document.getElementById(i)?.shadowRoot.querySelector(".band"), id);
    assert.match(await page.locator(`#${id} .box`).innerText(), said, id);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("mode matches whatever its case, as HTML's enumerated attributes do: PICKUP is click & collect", { timeout: 60_000 }, async () => {
  const sku = "LUM-0004-TER";
  await stockOnly(demo, sku, { "WH-PARIS": 5 }, "upper");
  const pickup = await settledApi(sku, 48.85, 2.35, 50, "pickup");
  assert.equal(pickup.total, 0, "a warehouse offers no pickup");
  const page = await embed("upper", { sku, lat: 48.85, lon: 2.35, mode: "PICKUP", lang: "fr" });
  await waitState(page);
  assert.deepEqual(await state(page), pickup);
  const w = page.locator("atsource-availability");
  await w.locator(".box", { hasText: /Aucun magasin proche|Retrait prêt/ }).waitFor();
  assert.equal(await w.locator(".delivery").count(), 0, "no home delivery line in pickup mode");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
