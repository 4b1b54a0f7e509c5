// Prints, comma-separated, the function exports of a wasm module that its JS glue never names
// (`wasm.<name>`): what rustc exports on its own (the `#[no_mangle]` memcmp of src/memcmp.rs) and
// wasm-bindgen helpers no binding uses. scripts/build.sh has wasm-opt remove them. V8 compiles a
// JS-to-wasm wrapper for each distinct signature among a module's function exports when it
// compiles the module, about 40 µs each in a fresh process, which cold start pays.
// Run: node scripts/unused-exports.mjs <module.wasm> <glue.js>
import { readFileSync } from "node:fs";

const [wasmPath, gluePath] = process.argv.slice(2);
if (!wasmPath || !gluePath) {
  console.error("usage: node scripts/unused-exports.mjs <module.wasm> <glue.js>");
  process.exit(2);
}
const glue = readFileSync(gluePath, "utf8");
const unused = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(wasmPath)))
  .filter(({ name, kind }) => kind === "function" && !glue.includes(`wasm.${name}`))
  .map(({ name }) => name);
if (unused.some((name) => !/^[A-Za-z0-9_]+$/.test(name))) {
  console.error(`unused-exports: an export name wasm-opt's list cannot carry: ${unused.join(" ")}`);
  process.exit(1);
}
console.log(unused.join(","));
