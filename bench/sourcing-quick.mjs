// A quick look at engine.source latency through the wasm package, without the MILP cross-check:
// the instances and timing loop of bench/sourcing.mjs (same generator, same seeds, same counts),
// p50/p99 per family x size, plus the worst certified gap under searchBudget 200. Unpriced
// (`priceExplanations: false`), as the benchmark's p50/p99 columns; `priced` times the default.
// Run: node bench/sourcing-quick.mjs [5x20,10x50,...] [priced]   (default: every size)
import { Engine, init } from "../pkg/index.node.js";
import { buildEngine, family as familyInstances, request } from "./sourcing/instances.mjs";

const SIZES = [
  [5, 20, 40, 40, 50],
  [10, 50, 40, 20, 200],
  [20, 200, 12, 5, 1000],
  [40, 1000, 3, 2, 20000],
];
const pick = process.argv[2] && process.argv[2] !== "priced" ? process.argv[2].split(",") : undefined;
const priced = process.argv.includes("priced");
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

await init();
for (const [lines, n, count, reps, target] of SIZES) {
  if (pick && !pick.includes(`${lines}x${n}`)) continue;
  for (const family of ["mixed", "store-heavy", "demo"]) {
    const locations = family === "demo" ? Math.min(n, 154) : n;
    const items = familyInstances(family, { lines, n, count }).map((inst) => {
      const engine = buildEngine(Engine, inst);
      const ask = (r) => (priced ? r : { ...r, priceExplanations: false });
      return { engine, req: ask(request(inst)), small: ask(request(inst, { searchBudget: 200 })) };
    });
    const run = (key) => {
      // At least 300 ms of warm-up, as bench/sourcing.mjs: V8 tiers the wasm up in the background.
      const warm = performance.now() + 300;
      do for (const it of items) it.engine.source(it[key]);
      while (performance.now() < warm);
      const samples = [];
      for (let r = 0; r < reps; r++) {
        for (const it of items) {
          const t0 = process.hrtime.bigint();
          it.engine.source(it[key]);
          samples.push(Number(process.hrtime.bigint() - t0) / 1e3);
        }
      }
      return samples;
    };
    const full = run("req");
    const small = run("small");
    let gap = 0;
    let optimal = 0;
    for (const it of items) {
      optimal += it.engine.source(it.req).optimal ? 1 : 0;
      const p = it.engine.source(it.small);
      if (p.totalCost > 0) gap = Math.max(gap, (p.totalCost - p.lowerBound) / p.totalCost);
    }
    const us = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);
    console.log(
      `${family.padEnd(12)} ${`${lines}x${locations}`.padEnd(8)} p50 ${us(quantile(full, 0.5)).padStart(10)}` +
        ` p99 ${us(quantile(full, 0.99)).padStart(10)} (target ${us(target)})  optimal ${optimal}/${count}` +
        `  budget200 p99 ${us(quantile(small, 0.99))} gap ${(100 * gap).toFixed(2)}%`,
    );
  }
}
