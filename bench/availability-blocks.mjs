// engine.availability through two builds of the package in blocks: 400 queries on one build,
// then 400 on the other, 24 blocks in ABBA order, p50 per build. Unlike bench/availability-ab.mjs
// (calls alternating), each block runs with its own engine's data warm in the caches, as a
// single engine does: per-call alternation makes the two engines' data evict each other, which
// exaggerates changes to memory traffic. The scenario is bench/wasm.mjs's (the 1,000-location
// demo network, queries around random locations reaching their 50 nearest). With `same`, every
// query asks for the same SKUs (a SKU's data then stays cached): against a run without it, on
// one build (A = B), what the first reads of random SKUs' data cost.
// Run: node bench/availability-blocks.mjs <pkg dir A> <pkg dir B> [SKU count, default 20] [same]
import { availabilityScenario, twoBuilds } from "./ab.mjs";
import { rng } from "./rng.mjs";

const { A, B, rest } = await twoBuilds("node bench/availability-blocks.mjs <pkg dir A> <pkg dir B> [count] [same]");
const n = Number(rest[0] ?? 20);
const same = rest[1] === "same";
const random = rng(7);
const { engines, skus, points } = availabilityScenario(A, B, random);
const pick = (j) => skus[same ? (j * 37) % skus.length : Math.floor(random() * skus.length)];
const queries = Array.from({ length: 4000 }, (_, i) => {
  const p = points[i % points.length];
  return { skus: Array.from({ length: n }, (_, j) => pick(j)), near: p.near, radiusKm: p.radiusKm, limit: 50 };
});

// Warm-up (V8 tiers the hot functions up in background threads), then the blocks.
for (const e of engines) {
  const until = performance.now() + 400;
  for (let i = 0; performance.now() < until; i++) e.availability(queries[i % queries.length]);
}
const BLOCK = 400;
const times = [[], []];
let at = 0;
for (let block = 0; block < 24; block++) {
  const k = (block & 1) ^ ((block >> 1) & 1); // A B B A A B B A ...
  for (let i = 0; i < BLOCK; i++) {
    const q = queries[(at + i) % queries.length];
    const t0 = performance.now();
    engines[k].availability(q);
    times[k].push((performance.now() - t0) * 1000);
  }
  if (k === 1) at += BLOCK; // each query is asked of both builds
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [a, b] = times.map(median);
console.log(`${n} SKUs${same ? " (the same ones)" : ""}, blocks: A p50 ${a.toFixed(1)} µs  B p50 ${b.toFixed(1)} µs  B/A ${(b / a).toFixed(3)}`);
