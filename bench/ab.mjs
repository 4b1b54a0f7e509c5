// Shared by the A/B scripts (bench/sourcing-ab.mjs, bench/promise-ab.mjs, bench/availability-*.mjs):
// two builds of the package loaded side by side in one process, so that their calls can be
// interleaved.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { init } from "../pkg/index.node.js";

/**
 * The two package directories named by the first two command-line arguments, loaded and
 * initialised (with this checkout's package, which the instance generators use), and the
 * remaining arguments; prints `usage` and exits when a directory is missing.
 */
export async function twoBuilds(usage) {
  const [dirA, dirB, ...rest] = process.argv.slice(2);
  if (!dirA || !dirB) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const load = (dir) => import(pathToFileURL(resolve(dir, "index.node.js")).href);
  const [A, B] = [await load(dirA), await load(dirB)];
  await Promise.all([A.init(), B.init(), init()]);
  return { A, B, rest };
}

/**
 * The availability benchmark's scenario (bench/wasm.mjs) for builds `A` and `B`: an engine each on
 * the 1,000-location demo network, its SKUs, and 200 query points around random locations with
 * the radius reaching their 50 nearest (drawn from `random`).
 */
export function availabilityScenario(A, B, random) {
  const demo = A.demoNetwork({ stores: 996, warehouses: 4, skus: 2000 });
  const engines = [A, B].map(({ Engine }) => {
    const e = new Engine();
    e.upsertLocations(demo.locations);
    for (let i = 0; i < demo.events.length; i += 100_000) {
      e.applyEvents(JSON.stringify(demo.events.slice(i, i + 100_000)), { changes: false });
    }
    return e;
  });
  const locations = engines[0].locations();
  const km = (a, b) => A.distanceKm(a.lat, a.lon, b.lat, b.lon);
  const points = Array.from({ length: 200 }, () => {
    const base = locations[Math.floor(random() * locations.length)];
    const near = { lat: base.lat + (random() - 0.5) * 0.2, lon: base.lon + (random() - 0.5) * 0.2 };
    const d = locations.map((l) => km(near, l)).sort((a, b) => a - b);
    return { near, radiusKm: d[49] + 1e-6 };
  });
  return { engines, skus: demo.catalogue.map((p) => p.sku), points };
}
