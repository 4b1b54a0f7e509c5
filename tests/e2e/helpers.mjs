// Shared by the browser end-to-end tests: the real worker as `make demo` runs it
// (scripts/demo.sh: wrangler dev, demo network, dev token, assets) on a free port with its state
// in a temporary directory, one headless Chromium per test file, axe-core and screenshots.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { freePort, repoRoot, spawnDemo, tempDir } from "../worker/helpers.mjs";
import { chromiumTempDirs, cleanChromiumTemp } from "../package/helpers.mjs";

export { repoRoot };
export const TOKEN = "dev-token";
const artefacts = join(repoRoot, "test-results", "e2e");

/** scripts/demo.sh on a free port; resolves with its base URL once it prints its banner. */
export async function startDemo() {
  const tmp = tempDir("e2e");
  const port = await freePort();
  const options = { port, stateDir: join(tmp.dir, "state"), logDir: join(tmp.dir, "logs") };
  let demo = await spawnDemo(options);
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    /** Stops the worker as Ctrl-C would (its port refuses connections, its sockets drop); its state stays. */
    async down() {
      await demo.stop();
    },
    /** Starts it again on the same port with the same state, as `make demo` would. */
    async up() {
      demo = await spawnDemo(options);
    },
    async stop() {
      await demo.stop();
      tmp.cleanup();
    },
    /** JSON over HTTP; `token` sends the dev bearer token. */
    async api(method, path, body, { token = false } = {}) {
      const res = await fetch(base + path, { method, body: body === undefined ? undefined : JSON.stringify(body),
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${TOKEN}` } : {}) } });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
  };
}

/** Headless Chromium; its ~12 MB of /tmp scratch directories are removed when it closes. */
export async function launch() {
  const before = chromiumTempDirs();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  browser.on("disconnected", () => cleanChromiumTemp(before));
  return browser;
}

/**
 * A page in its own context that records uncaught errors in `errors` and console errors in
 * `consoleErrors` (a refused request is logged there by Chromium itself).
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.consoleErrors = [];
  page.on("pageerror", (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(m.text()));
  return page;
}

/** Every position of `sku` set to 0 except `keep` (`{ location: onHand }`), buffers removed there. */
export async function stockOnly(demo, sku, keep, tag) {
  const pos = await demo.api("GET", `/v1/inventory/positions?skus=${sku}`, undefined, { token: true });
  const events = pos.json.positions.filter((p) => !(p.location in keep))
    .map((p) => ({ id: `${tag}-${p.location}`, type: "set", sku, location: p.location, onHand: 0 }));
  for (const [location, onHand] of Object.entries(keep)) {
    events.push({ id: `${tag}-ss-${location}`, type: "safetyStock", sku, location, qty: 0 });
    events.push({ id: `${tag}-${location}`, type: "set", sku, location, onHand });
  }
  const res = await demo.api("POST", "/v1/inventory/events", { events }, { token: true });
  if (res.status !== 200 || res.json.rejected.length) throw new Error(`stockOnly: ${JSON.stringify(res.json)}`);
}

/** `{ onHand, reserved, picking, ats }` of one position, strongly consistent. */
export async function position(demo, sku, location) {
  const res = await demo.api("GET", `/v1/inventory/positions?skus=${sku}&location=${location}`, undefined, { token: true });
  return res.json.positions.find((p) => p.location === location);
}

/** axe-core's serious and critical violations on the page, as readable lines. */
export async function seriousViolations(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * A full-page screenshot under test-results/e2e/ (the artefact), and when `docs` the visible part
 * beside it, held under 300 KB; with UPDATE_SCREENSHOTS=1 that one also replaces the README's
 * copy in docs/screenshots/ (tracked: a plain test run leaves the tree clean).
 */
export async function screenshot(page, name, { docs = true } = {}) {
  mkdirSync(artefacts, { recursive: true });
  await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true, animations: "disabled" });
  if (!docs) return;
  const visible = join(artefacts, `${name}.docs.png`);
  await page.screenshot({ path: visible, animations: "disabled" });
  if (statSync(visible).size > 300 * 1024) throw new Error(`${name}: screenshot over 300 KB`);
  if (process.env.UPDATE_SCREENSHOTS !== "1") return;
  mkdirSync(join(repoRoot, "docs", "screenshots"), { recursive: true });
  copyFileSync(visible, join(repoRoot, "docs", "screenshots", `${name}.png`));
}
