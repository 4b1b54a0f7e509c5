// Runs the bundled worker in workerd on a loopback port with a small seeded network, for tools
// that speak HTTP from outside Node (schemathesis). Prints `READY <url>` and runs until killed.
// Usage: node tests/worker/serve-fixture.mjs <bundled index.js>
import { client, seed, startWorker, TEN_LOCATIONS } from "./helpers.mjs";

const mf = startWorker(process.argv[2], { listen: true });
const url = await mf.ready;
await seed(client(mf), TEN_LOCATIONS, { A: { L0: 50, L1: 30, L9: 100 }, B: { L2: 40 } });
console.log(`READY ${url.origin}`);
const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
