// Cold start (compile + instantiate, as bench/wasm.mjs measures it) of two builds of the package,
// in fresh processes alternating between the builds, 20 each: on a shared machine whose speed
// drifts, the comparison bench/wasm.mjs's single figure cannot make. Fresh processes still vary
// by several percent from run to run (two copies of one build: up to 4% apart), so the module's
// compile alone is also timed in this process, 30 times per build alternating (each copy of the
// bytes made distinct by a custom section, so that V8 compiles it anew): that figure moves by
// about 1% between runs.
// Run: node bench/coldstart-ab.mjs <pkg dir A> <pkg dir B>
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dirs = process.argv.slice(2, 4).map((d) => resolve(d));
if (dirs.length !== 2) {
  console.error("usage: node bench/coldstart-ab.mjs <pkg dir A> <pkg dir B>");
  process.exit(2);
}
const child = (dir) => `
import { readFileSync } from "node:fs";
const bytes = readFileSync(new URL("wasm/atsource_bg.wasm", ${JSON.stringify(pathToFileURL(`${dir}/`).href)}));
const { initSync } = await import(${JSON.stringify(pathToFileURL(`${dir}/wasm/atsource.js`).href)});
const t0 = performance.now();
const module = new WebAssembly.Module(bytes);
const t1 = performance.now();
initSync({ module });
const t2 = performance.now();
console.log(JSON.stringify([t1 - t0, t2 - t1, t2 - t0]));`;
const runs = dirs.map(() => []);
for (let i = 0; i < 20; i++) {
  for (const k of i & 1 ? [0, 1] : [1, 0]) {
    runs[k].push(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", child(dirs[k])], { encoding: "utf8" })));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [k, name] of ["A", "B"].entries()) {
  const [compile, instantiate, total] = [0, 1, 2].map((c) => median(runs[k].map((r) => r[c])).toFixed(2));
  console.log(`${name} ${dirs[k]}: compile ${compile} ms, instantiate ${instantiate} ms, total ${total} ms (median of 20)`);
}

const bases = dirs.map((d) => readFileSync(`${d}/wasm/atsource_bg.wasm`));
const compiles = dirs.map(() => []);
for (let r = 0; r < 30; r++) {
  for (const [k, base] of bases.entries()) {
    // An empty custom section named "x" holding two bytes that differ per compile.
    const extra = new Uint8Array([0, 4, 1, 120, r, k]);
    const bytes = new Uint8Array(base.length + extra.length);
    bytes.set(base);
    bytes.set(extra, base.length);
    const t0 = performance.now();
    new WebAssembly.Module(bytes);
    compiles[k].push(performance.now() - t0);
  }
}
for (const [k, name] of ["A", "B"].entries()) {
  console.log(`${name}: compile in this process ${median(compiles[k]).toFixed(2)} ms (median of 30, ${bases[k].length} bytes)`);
}
