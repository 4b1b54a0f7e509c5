// wrangler's [build] step: assembles worker/public/ from www/ (served at /; the embeddable
// components minified) and the package's browser entry with its wasm (served at /pkg/). Run by
// `wrangler dev` and `wrangler deploy`.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isComponent, minifyModule } from "./minify.mjs";

const worker = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = resolve(worker, "..");
const out = join(worker, "public");
const pkg = join(root, "pkg");

for (const f of ["index.browser.js", "wasm/atsource.js", "wasm/atsource_bg.wasm"]) {
  if (!existsSync(join(pkg, f))) {
    console.error(`assets: pkg/${f} is missing: run \`make build\` first`);
    process.exit(1);
  }
}
// Built beside public/ and swapped in, so that a concurrent build never serves half a tree.
const staging = `${out}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
if (existsSync(join(root, "www"))) {
  cpSync(join(root, "www"), staging, { recursive: true });
  // The components a retailer's page embeds go out minified (minify.mjs).
  for (const name of readdirSync(staging).filter(isComponent)) {
    const file = join(staging, name);
    writeFileSync(file, minifyModule(readFileSync(file, "utf8")));
  }
}
for (const f of ["index.browser.js", "index.d.ts", "package.json"]) {
  if (!existsSync(join(pkg, f))) continue;
  mkdirSync(dirname(join(staging, "pkg", f)), { recursive: true });
  cpSync(join(pkg, f), join(staging, "pkg", f));
}
// The whole of wasm-bindgen's output: atsource.js imports its JS snippets from wasm/snippets/.
cpSync(join(pkg, "wasm"), join(staging, "pkg", "wasm"), { recursive: true, filter: (src) => !src.endsWith(".stamp") });
const old = `${out}.old-${process.pid}`;
if (existsSync(out)) renameSync(out, old);
renameSync(staging, out);
rmSync(old, { recursive: true, force: true });
console.log(`assets: ${out} (www/ at /, pkg/ at /pkg/)`);
