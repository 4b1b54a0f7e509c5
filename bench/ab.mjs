// Shared by the A/B scripts (bench/sourcing-ab.mjs, bench/promise-ab.mjs): two builds of the
// package loaded side by side in one process, so that their calls can be interleaved.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { init } from "../pkg/index.node.js";

/**
 * The two package directories named by the first two command-line arguments, loaded and
 * initialised (with this checkout's package, which the instance generators use), and the
 * remaining arguments; prints `usage` and exits when a directory is missing.
 */
export async function twoBuilds(usage) {
  const [dirA, dirB, ...rest] = process.argv.slice(2);
  if (!dirA || !dirB) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const load = (dir) => import(pathToFileURL(resolve(dir, "index.node.js")).href);
  const [A, B] = [await load(dirA), await load(dirB)];
  await Promise.all([A.init(), B.init(), init()]);
  return { A, B, rest };
}
