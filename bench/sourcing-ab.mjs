// engine.source through two builds of the package, interleaved call by call on the same
// instances as bench/sourcing-quick.mjs, `priceExplanations: false` (the issue's p50/p99
// columns; pass `priced` for the default), and the two answers compared: a change that should
// not alter plans is checked and timed in one run on a noisy machine.
// Run: node bench/sourcing-ab.mjs <pkg dir A> <pkg dir B> [5x20,10x50,...] [priced]
// (a package dir is a copy of pkg/ after `make build`, e.g. cp -r pkg /tmp/pkg-before)
import { demoNetwork } from "../pkg/index.node.js";
import { twoBuilds } from "./ab.mjs";
import { family as familyInstances, request } from "./sourcing/instances.mjs";

const { A, B, rest } = await twoBuilds("node bench/sourcing-ab.mjs <pkg dir A> <pkg dir B> [sizes] [priced]");
const [sizesArg, pricedArg] = rest;

const SIZES = [
  [5, 20, 40, 40],
  [10, 50, 40, 20],
  [20, 200, 12, 5],
  [40, 1000, 3, 2],
];
const pick = sizesArg?.split(",");
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const us = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);
const build = (Engine, inst) => {
  const e = new Engine();
  e.upsertLocations(inst.locations);
  e.applyEvents(inst.events);
  return e;
};
const demo = demoNetwork();
const demoEngines = [build(A.Engine, demo), build(B.Engine, demo)];

let differ = 0;
for (const [lines, n, count, reps] of SIZES) {
  if (pick && !pick.includes(`${lines}x${n}`)) continue;
  for (const family of ["mixed", "store-heavy", "demo"]) {
    const locations = family === "demo" ? Math.min(n, 154) : n;
    const items = familyInstances(family, { lines, n, count }).map((inst) => {
      const req = request(inst);
      if (pricedArg !== "priced") req.priceExplanations = false;
      const engines = inst.demo ? demoEngines : [build(A.Engine, inst), build(B.Engine, inst)];
      return { engines, req };
    });
    for (const { engines, req } of items) {
      const [a, b] = engines.map((e) => JSON.stringify(e.source(req)));
      if (a !== b) differ++;
    }
    const samples = [[], []];
    for (let r = 0; r < reps; r++) {
      for (const { engines, req } of items) {
        // Alternate which build goes first.
        for (const k of r % 2 ? [0, 1] : [1, 0]) {
          const t0 = process.hrtime.bigint();
          engines[k].source(req);
          samples[k].push(Number(process.hrtime.bigint() - t0) / 1e3);
        }
      }
    }
    const [a, b] = samples.map((s) => `p50 ${us(quantile(s, 0.5)).padStart(9)} p99 ${us(quantile(s, 0.99)).padStart(9)}`);
    console.log(`${family.padEnd(12)} ${`${lines}x${locations}`.padEnd(8)} A ${a} | B ${b}`);
  }
}
console.log(`answers that differ: ${differ}`);
process.exitCode = differ > 0 ? 1 : 0;
