// The worker's mapping of engine errors (worker/src/reply.ts) on the package's real errors: the
// caller's mistakes are 400 with their code, an engine's own failure (its WebAssembly memory ran
// out, and every later call of that engine) is never a 4xx but a 503 to retry, which is what the
// ledger answers after reloading its engine and what the edge answers after dropping its replica.
// The memory runs out for real, in a Node process whose wasm memory is held to 64 MiB: workerd's
// cannot be lowered from Miniflare's options.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot, tempDir, workerModules } from "./helpers.mjs";

const tmp = tempDir("faults");
after(() => tmp.cleanup());

test("engine faults (out of memory, then engine_failed) answer 503 unavailable; input errors stay 400", async () => {
  const { reply } = await workerModules(tmp.dir, ["reply"]);
  const script = join(tmp.dir, "faults.mjs");
  writeFileSync(
    script,
    [
      `import { engineError, engineUnavailable, isEngineFault } from ${JSON.stringify(reply)};`,
      `import { init, Engine } from ${JSON.stringify(pathToFileURL(join(repoRoot, "pkg", "index.node.js")).href)};`,
      "await init();",
      "const mapped = (f) => {",
      "  try { f(); return null; } catch (err) {",
      "    let reply;",
      "    try { reply = engineError(err); } catch { reply = isEngineFault(err) ? engineUnavailable(err) : 'rethrown, not a fault'; }",
      "    return { code: err.code, reply };",
      "  }",
      "};",
      "const e = new Engine();",
      'e.upsertLocations([{ id: "A", kind: "store", lat: 48.85, lon: 2.35 }]);',
      'const input = mapped(() => e.ats("S", "NOWHERE"));',
      "let oom = null;",
      "for (let k = 0; oom === null && k < 100; k++) {",
      '  oom = mapped(() => e.applyEvents(Array.from({ length: 20_000 }, (_, i) => ({ id: `${k}-${i}`, type: "set", sku: `S${k}-${i}`, location: "A", onHand: 1 })), { changes: false }));',
      "}",
      "const failed = mapped(() => e.stats());",
      "console.log(JSON.stringify({ input, oom, failed }));",
    ].join("\n"),
  );
  const out = JSON.parse(execFileSync(process.execPath, ["--wasm-max-mem-pages=1024", script], { encoding: "utf8" }));
  assert.equal(out.input.code, "unknown_location");
  assert.equal(out.input.reply.status, 400, "the caller's mistake is a 400");
  assert.equal(out.input.reply.body.error.code, "unknown_location");
  for (const [what, code] of [["oom", "out_of_memory"], ["failed", "engine_failed"]]) {
    const { reply } = out[what];
    assert.equal(out[what].code, code);
    assert.equal(reply.status, 503, `${code} is the engine's failure, not the caller's`);
    assert.equal(reply.body.error.code, "unavailable");
    assert.match(reply.body.error.message, new RegExp(code));
    assert.deepEqual(reply.headers, { "retry-after": "1" });
  }
});
