// engine.availability through two builds of the package, interleaved: the benchmark's scenario
// (bench/wasm.mjs: the 1,000-location demo network, queries around random locations with the
// radius reaching their 50 nearest, random SKUs), each query asked of both builds in turn,
// alternating which goes first, the answers compared as JSON. Prints p50 per SKU count and the
// ratio B/A; exits 1 when an answer differs.
// Run: node bench/availability-ab.mjs <pkg dir A> <pkg dir B> [SKU counts, e.g. 0,20,100]
// (a package dir is a copy of pkg/ after `make build`, e.g. cp -r pkg /tmp/pkg-before)
import { availabilityScenario, twoBuilds } from "./ab.mjs";
import { rng } from "./rng.mjs";

const { A, B, rest } = await twoBuilds("node bench/availability-ab.mjs <pkg dir A> <pkg dir B> [counts]");
const counts = (rest[0] ?? "20,100").split(",").map(Number);
const random = rng(7);
const { engines, skus, points: queries } = availabilityScenario(A, B, random);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

let differ = 0;
for (const n of counts) {
  const times = [[], []];
  const calls = n <= 20 ? 4000 : 1500;
  for (let i = 0; i < calls + 200; i++) {
    const q = queries[i % queries.length];
    const query = { skus: Array.from({ length: n }, () => skus[Math.floor(random() * skus.length)]), near: q.near, radiusKm: q.radiusKm, limit: 50 };
    const answers = [];
    for (const k of i & 1 ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      answers[k] = engines[k].availability(query);
      const us = (performance.now() - t0) * 1000;
      if (i >= 200) times[k].push(us); // the first 200 rounds warm both builds up
    }
    if (JSON.stringify(answers[0]) !== JSON.stringify(answers[1])) differ++;
  }
  const [a, b] = times.map(median);
  console.log(`${String(n).padStart(3)} SKUs  A p50 ${a.toFixed(1)} µs  B p50 ${b.toFixed(1)} µs  B/A ${(b / a).toFixed(3)}`);
}
console.log(`answers that differ: ${differ}`);
process.exitCode = differ > 0 ? 1 : 0;
