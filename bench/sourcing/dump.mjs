// Writes the instances of bench/sourcing-quick.mjs (same generator, seeds and counts) as one JSON
// file, for the native phase profile (tests/sourcing_profile.rs).
// Run: node bench/sourcing/dump.mjs [5x20,10x50,...] [out.json]   (default: every size)
import { writeFileSync } from "node:fs";
import { demoNetwork, init } from "../../pkg/index.node.js";
import { generate, generateDemo, request } from "./instances.mjs";

await init();
const pick = process.argv[2]?.split(",");
const file = process.argv[3] ?? "target/sourcing-instances.json";
const SIZES = [
  [5, 20, 40],
  [10, 50, 40],
  [20, 200, 12],
  [40, 1000, 3],
];
const instances = [];
for (const [lines, n, count] of SIZES) {
  if (pick && !pick.includes(`${lines}x${n}`)) continue;
  for (const family of ["mixed", "store-heavy", "demo"]) {
    const locations = family === "demo" ? Math.min(n, 154) : n;
    for (let i = 0; i < count; i++) {
      const inst =
        family === "demo"
          ? generateDemo({ lines, locations, seed: 1 + i })
          : generate(family, { lines, locations, seed: 1 + i });
      instances.push({
        family,
        size: `${lines}x${n}`,
        // The demo network is written once, below.
        locations: inst.demo ? null : inst.locations,
        events: inst.demo ? null : inst.events,
        request: request(inst),
      });
    }
  }
}
const demo = demoNetwork();
writeFileSync(file, JSON.stringify({ demo: { locations: demo.locations, events: demo.events }, instances }));
console.log(`${instances.length} instances -> ${file}`);
