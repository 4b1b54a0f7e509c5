// Holds the storefront widget to its budget: the JavaScript a retailer's page loads for
// <atsource-availability> and <atsource-delivery-options> (every module reachable from
// www/atsource-widget.js, no wasm), gzipped, at most 15 KB.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

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
const raw = Buffer.concat(files.map((f) => readFileSync(f)));
const gz = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`widget: ${files.length} modules, ${kb(raw.length)} raw, ${kb(gz)} gzip (budget ${kb(BUDGET)})`);
if (gz > BUDGET) {
  console.error(`widget: over budget by ${kb(gz - BUDGET)}`);
  process.exit(1);
}
