// Prints raw / gzip / brotli sizes of the shipped .wasm, writes bench/size.json, and fails when
// the gzip size exceeds the budget: download size is what a storefront page pays for.
// Usage: node scripts/size.mjs <cargo .wasm> <shipped .wasm>
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const GZIP_BUDGET = 256 * 1024;

const [cargoPath, shippedPath] = process.argv.slice(2);
if (!shippedPath) {
  console.error("usage: node scripts/size.mjs <cargo .wasm> <shipped .wasm>");
  process.exit(2);
}
const shipped = readFileSync(shippedPath);
const sizes = {
  cargoRaw: readFileSync(cargoPath).length,
  raw: shipped.length,
  // Level 9 / quality 11: what a CDN serves for a static asset.
  gzip: gzipSync(shipped, { level: 9 }).length,
  brotli: brotliCompressSync(shipped, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length,
  gzipBudget: GZIP_BUDGET,
};

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `size: ${shippedPath}: raw ${kb(sizes.raw)} (cargo ${kb(sizes.cargoRaw)}), ` +
    `gzip ${kb(sizes.gzip)} (budget ${kb(GZIP_BUDGET)}), brotli ${kb(sizes.brotli)}`,
);
mkdirSync("bench", { recursive: true });
writeFileSync("bench/size.json", JSON.stringify({ wasm: sizes }, null, 2) + "\n");

if (sizes.gzip > GZIP_BUDGET) {
  console.error(`size: gzip ${kb(sizes.gzip)} exceeds the ${kb(GZIP_BUDGET)} budget`);
  process.exit(1);
}
