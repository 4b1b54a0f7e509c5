// The rows of the "through the wasm boundary" table, shared by bench/wasm.mjs (console) and
// scripts/bench-report.mjs (bench/RESULTS.md), so both always say the same thing.
const fmt = (n) => n.toLocaleString("en-US");
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** [scenario, result] pairs for bench/wasm-results.json. */
export function wasmRows(r) {
  const a = r.availability;
  const s = r.fromSnapshot;
  return [
    [`applyEvents, ${fmt(r.applyEvents.batch)}-event batch as an array`, `${fmt(r.applyEvents.array.eventsPerSec)} events/s`],
    [`applyEvents, ${fmt(r.applyEvents.batch)}-event batch as JSON text`, `${fmt(r.applyEvents.json.eventsPerSec)} events/s`],
    ...(r.applyEvents.jsonCountsOnly
      ? [[`applyEvents, ${fmt(r.applyEvents.batch)}-event JSON text, { changes: false }`, `${fmt(r.applyEvents.jsonCountsOnly.eventsPerSec)} events/s`]]
      : []),
    ["ats(sku, location)", `${r.ats.location.p50Ns} ns/call (p50)`],
    ["ats(sku), network total", `${r.ats.networkTotal.p50Ns} ns/call (p50)`],
    [`availability, 20 SKUs, ${a.nearest} nearest of ${fmt(a.locations)} locations`, `p50 ${a.skus20.p50Us} µs, p99 ${a.skus20.p99Us} µs`],
    [`availability, 100 SKUs, ${a.nearest} nearest of ${fmt(a.locations)} locations`, `p50 ${a.skus100.p50Us} µs, p99 ${a.skus100.p99Us} µs`],
    [`fromSnapshot, ${fmt(s.positions)} positions`, `${s.fromSnapshotMs} ms in a fresh process, ${s.fromSnapshotWarmMs} ms warm`],
    ["snapshot size", `${fmt(s.snapshotBytes)} B (${s.bytesPerPosition} B/position)`],
    ["wasm memory after init / after fromSnapshot", `${mib(s.memoryAfterInitBytes)} / ${mib(s.memoryAfterLoadBytes)}`],
    ...(r.catalogue
      ? [[`${fmt(r.catalogue.skus)} SKUs of one position each: wasm memory after fromSnapshot`, `${mib(r.catalogue.memoryAfterLoadBytes)} (snapshot ${fmt(r.catalogue.snapshotBytes)} B, loaded in ${r.catalogue.fromSnapshotMs} ms)`]]
      : []),
    ["cold start (compile + instantiate)", `${r.coldStart.p50Ms} ms (compile ${r.coldStart.compileP50Ms}, instantiate ${r.coldStart.instantiateP50Ms})`],
  ];
}

/** A plain-text table for the console. */
export function textTable(header, rows) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join("  ").trimEnd();
  return [line(header), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n");
}

/** A Markdown table. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Header of the sourcing table (bench/sourcing-results.json, bench/sourcing.mjs). */
export const SOURCING_HEADER = [
  "family",
  "lines x locations",
  "n",
  "p50",
  "p99 (target)",
  "= MILP optimum",
  "MILP median",
  "MILP / engine p50",
  "budget p99",
  "budget max gap",
  "priced explanations p50 / p99",
];

const us = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x} µs`);

/** Rows of the sourcing table, one per family x size. */
export function sourcingRows(r) {
  return r.groups.map((g) => [
    g.family,
    `${g.lines}x${g.locations}`,
    g.instances,
    us(g.p50Us),
    `${us(g.p99Us)} (${us(g.targetP99Us)})${g.p99Us <= g.targetP99Us ? "" : " MISSED"}`,
    `${g.milpOptimum}/${g.instances}` + (g.milpTimeouts ? ` (${g.milpTimeouts} MILP timeout)` : "") +
      (g.disagreements.length ? ` ${g.disagreements.length} DISAGREE` : ""),
    `${g.milpTimeouts * 2 >= g.instances ? ">= " : ""}${g.milpMedianMs} ms`,
    `${g.milpOverEngineP50}x`,
    us(g.smallBudget.p99Us),
    `${g.smallBudget.maxGapPct}%`,
    g.pricedP50Us === undefined ? "" : `${us(g.pricedP50Us)} / ${us(g.pricedP99Us)}`,
  ]);
}
