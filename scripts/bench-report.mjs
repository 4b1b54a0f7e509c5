// Merges the benchmark outputs into bench/results.json and a readable bench/RESULTS.md:
//   bench/size.json          wasm sizes (scripts/build.sh)
//   bench/wasm-results.json  the engine through the wasm boundary (bench/wasm.mjs)
//   bench/sourcing-results.json  the sourcing optimiser against HiGHS (bench/sourcing.mjs)
//   bench/worker-results.json  the edge worker under load (bench/worker.mjs)
//   <criterion>/**/new/estimates.json  the native core (cargo bench --bench core)
// A missing input is reported and skipped, so a partial run still yields a report.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { markdownTable, SOURCING_HEADER, sourcingRows, wasmRows } from "./bench-format.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const criterionDir = process.env.CRITERION_HOME ?? join(root, "target", "criterion");

function readJson(path) {
  if (!existsSync(path)) {
    console.warn(`bench-report: ${relative(root, path)} missing, skipped`);
    return null;
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Every criterion benchmark: its id, median and mean time (ns) and throughput if declared. */
function criterionResults(dir) {
  if (!existsSync(dir)) {
    console.warn(`bench-report: no criterion results under ${relative(root, dir)}, skipped`);
    return [];
  }
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (!entry.isDirectory() || entry.name === "report") continue;
      if (entry.name === "new" && existsSync(join(p, "estimates.json"))) {
        const est = JSON.parse(readFileSync(join(p, "estimates.json"), "utf8"));
        const meta = existsSync(join(p, "benchmark.json"))
          ? JSON.parse(readFileSync(join(p, "benchmark.json"), "utf8"))
          : {};
        const id = meta.full_id ?? relative(dir, d).split(sep).join("/");
        const medianNs = est.median.point_estimate;
        const result = { id, medianNs, meanNs: est.mean.point_estimate };
        const elements = meta.throughput?.Elements;
        const bytes = meta.throughput?.Bytes ?? meta.throughput?.BytesDecimal;
        if (elements) result.elementsPerSec = (elements * 1e9) / medianNs;
        if (bytes) result.bytesPerSec = (bytes * 1e9) / medianNs;
        out.push(result);
      } else {
        walk(p);
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

function duration(ns) {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

function throughput(r) {
  if (r.elementsPerSec) return `${Math.round(r.elementsPerSec).toLocaleString("en-US")} elem/s`;
  if (r.bytesPerSec) return `${(r.bytesPerSec / 2 ** 20).toFixed(1)} MiB/s`;
  return "";
}

const size = readJson(join(root, "bench", "size.json"));
const wasm = readJson(join(root, "bench", "wasm-results.json"));
const sourcing = readJson(join(root, "bench", "sourcing-results.json"));
const worker = readJson(join(root, "bench", "worker-results.json"));
const core = criterionResults(criterionDir);

const results = { generatedAt: new Date().toISOString(), size: size?.wasm ?? null, wasm, sourcing, worker, core };
writeFileSync(join(root, "bench", "results.json"), JSON.stringify(results, null, 2) + "\n");

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const md = [
  "# Benchmark results",
  "",
  `Generated ${results.generatedAt} by \`make bench\` on this repository's build machine (2 cores); ` +
    "numbers from a shared machine are indicative. Raw data: `bench/results.json`.",
  "",
];
if (size) {
  md.push(
    "## Package size (`pkg/wasm/atsource_bg.wasm`)",
    "",
    markdownTable(
      ["raw", "gzip", "brotli", "gzip budget", "cargo output"],
      [[kb(size.wasm.raw), kb(size.wasm.gzip), kb(size.wasm.brotli), kb(size.wasm.gzipBudget), kb(size.wasm.cargoRaw)]],
    ),
    "",
  );
}
if (wasm) {
  md.push(
    `## Through the wasm boundary (Node ${wasm.node}, \`bench/wasm.mjs\`)`,
    "",
    `Availability network: ${wasm.availability.network}.`,
    "",
    markdownTable(["scenario", "result"], wasmRows(wasm)),
    "",
  );
}
if (sourcing) {
  const d = sourcing.deliveryOptions;
  const b = sourcing.groups[0]?.smallBudget.searchBudget;
  md.push(
    `## Sourcing against an exact MILP (Node ${sourcing.node}, HiGHS ${sourcing.highspy}, \`bench/sourcing.mjs\`)`,
    "",
    "Random carts over generated networks (*mixed*: a few deep warehouses; *store-heavy*: one " +
      "warehouse, shallow stores) and over the demo network (its nearest locations; 154 at most). " +
      "`engine.source` timed through the wasm under the default search budget, without pricing " +
      "`costlier` explanations (`priceExplanations: false`; the last column is the default, priced, " +
      "which adds up to `explainBudget` = 4 optimiser runs); *= MILP optimum*: " +
      "plans valid under the contract, of the MILP's cost and marked `optimal`; *MILP* is HiGHS on " +
      `the same instances in the same run (capped at ${sourcing.milpTimeLimitS} s, a timeout leaves ` +
      `the instance unverified); *budget*: the same instances with \`searchBudget: ${b}\`, max gap ` +
      "= (totalCost - lowerBound) / totalCost.",
    "",
    markdownTable(SOURCING_HEADER, sourcingRows(sourcing)),
    "",
    `\`deliveryOptions\`, ${d.carts} random ${d.lines}-line carts over the demo network: ` +
      `p50 ${d.p50Us} µs, p99 ${d.p99Us} µs (target ${d.targetP99Us} µs).`,
    "",
  );
}
if (worker) {
  const ms = (x) => (x === undefined ? "" : `${x} ms`);
  const row = (name, r) => [
    name,
    `${r.requestsPerSec}`,
    ms(r.p50Ms),
    ms(r.p99Ms),
    `${r.non2xx}${r.errors ? ` (+${r.errors} socket errors)` : ""}`,
    ms(r.workerdCpuMsPerRequest),
    r.cpuPerRequest ? `${ms(r.cpuPerRequest.p50Ms)} / ${ms(r.cpuPerRequest.p99Ms)} (n = ${r.cpuPerRequest.requests})` : "",
  ];
  const rows = [];
  if (worker.availability) rows.push(row("GET /v1/availability (5 random SKUs, 30 km around a random town)", worker.availability));
  if (worker.source10Lines) rows.push(row(`POST /v1/source (random ${worker.cartLines}-line carts, plan + delivery options)`, worker.source10Lines));
  if (worker.reservations) rows.push(row("POST /v1/reservations (1 unit of a random SKU, new key each)", worker.reservations));
  const server = worker.serverDescription ?? "`wrangler dev` on loopback";
  const generator = worker.loadGenerator ?? "autocannon";
  md.push(
    `## The edge worker under load (\`bench/worker.mjs\`: ${generator}, ${worker.connections} connections, ` +
      `${worker.durationSeconds} s per route after ${worker.warmupSeconds ?? 0} s of warm-up, against ${server})`,
    "",
    markdownTable(
      ["route", "requests/s", "p50", "p99", "4xx/5xx", "workerd CPU per request under load (mean)", "workerd CPU per request, sequential p50 / p99"],
      rows,
    ),
    "",
    "*workerd CPU*: the CPU time of every thread of the workerd process (`/proc/<pid>/task/*/schedstat`), " +
      "under load divided by the requests answered; sequentially, read before each request and after its answer, " +
      "one request at a time (HTTP, handler, engine, GC, replica syncs, and for reservations the ledger Durable Object)." +
      (worker.loadAverage ? ` Load average during the run: ${worker.loadAverage.before.join(", ")} (before), ${worker.loadAverage.after.join(", ")} (after), on ${worker.cores} cores.` : ""),
    "",
  );
}
if (core.length) {
  md.push(
    "## Native core (criterion, `cargo bench --bench core`)",
    "",
    markdownTable(
      ["benchmark", "median", "mean", "throughput"],
      core.map((r) => [r.id, duration(r.medianNs), duration(r.meanNs), throughput(r)]),
    ),
    "",
  );
}
writeFileSync(join(root, "bench", "RESULTS.md"), md.join("\n"));
console.log(md.join("\n"));
console.log("bench-report: wrote bench/results.json and bench/RESULTS.md");
