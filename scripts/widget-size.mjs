// Holds the storefront widget to its budget: the JavaScript a retailer's page loads for
// <atsource-availability> and <atsource-delivery-options> (every module reachable from
// www/atsource-widget.js, no wasm), as the worker serves it (minified:
// worker/scripts/minify.mjs), each module gzipped as the response it is, at most 15 KB in all.
// The sources' own size is printed beside.
import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { isComponent, minifyModule } from "../worker/scripts/minify.mjs";

const www = resolve(dirname(fileURLToPath(import.meta.url)), "..", "www");
const BUDGET = 15 * 1024;

/** The entry and every relative module it imports, each once. */
function modules(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(file, "utf8");
  for (const m of src.matchAll(/^import\s+(?:[^"']*from\s+)?["'](\.\/[^"']+)["']/gm)) modules(join(dirname(file), m[1]), seen);
  return seen;
}

const files = [...modules(join(www, "atsource-widget.js"))];
const unserved = files.filter((f) => !isComponent(basename(f)));
if (unserved.length > 0) {
  console.error(`widget: ${unserved.join(", ")} would be served unminified: name it atsource-*.js`);
  process.exit(1);
}
// Each module is a response of its own, compressed on its own: the sum of their gzip sizes.
const gzipped = (texts) => texts.reduce((sum, t) => sum + gzipSync(t, { level: 9 }).length, 0);
const sources = files.map((f) => readFileSync(f, "utf8"));
const served = sources.map(minifyModule);
const gz = gzipped(served);
const raw = (texts) => texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `widget: ${files.length} modules as served (minified), ${kb(raw(served))} raw, ${kb(gz)} gzip (budget ${kb(BUDGET)});` +
    ` sources ${kb(raw(sources))} raw, ${kb(gzipped(sources))} gzip`,
);
if (gz > BUDGET) {
  console.error(`widget: over budget by ${kb(gz - BUDGET)}`);
  process.exit(1);
}
