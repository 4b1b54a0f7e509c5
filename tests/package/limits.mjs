// The batch cap and free() from inside a call of the engine's own, checked alike in headless
// Chromium (browser.test.mjs) and in workerd (../workerd/package.test.mjs), as consumer.test.mjs
// (the cap) and memory.test.mjs (free()) check them in Node: a batch over 4,194,304 events is refused whole, as an array (sparse or
// not: at once) and as text, and nothing of it applies; free() from a getter of source()'s
// argument returns, that call answers, later calls are engine_freed.
import assert from "node:assert/strict";

/**
 * Runs in the runtime under test, its source text embedded in the page or the worker (so it
 * imports nothing): what the engine answers, as plain data.
 */
export function limits(Engine) {
  const errorOf = (f) => {
    try {
      f();
      return null;
    } catch (err) {
      return { error: err instanceof Error, name: err.name, code: err.code, field: err.field, message: err.message };
    }
  };
  const engine = new Engine();
  engine.upsertLocations([{ id: "PAR", kind: "store", lat: 48.8566, lon: 2.3522 }]);
  engine.applyEvents([{ id: "1", type: "set", sku: "S", location: "PAR", onHand: 8 }]);
  const MAX = 2 ** 22;
  const before = Array.from(engine.snapshot());
  // Made before the clock starts: allocating thirty million holes alone takes V8 ~0.1-0.3 s.
  const batches = [new Array(30_000_000), new Array(MAX + 1)];
  const t0 = performance.now();
  const arrays = batches.map((batch) => errorOf(() => engine.applyEvents(batch)));
  const arrayMs = performance.now() - t0;
  const adjust = { id: "long-1", type: "adjust", sku: "S", location: "PAR", delta: 1 };
  const long = errorOf(() => engine.applyEvents(`[${JSON.stringify(adjust)}${",null".repeat(MAX)}]`));
  const unchanged = JSON.stringify(Array.from(engine.snapshot())) === JSON.stringify(before);
  const atsAfterRefusals = engine.ats("S", "PAR");
  const applied = engine.applyEvents([adjust]).applied;
  const ats = engine.ats("S", "PAR");
  const doomed = new Engine();
  doomed.upsertLocations([{ id: "PAR", kind: "store", lat: 48.8566, lon: 2.3522 }]);
  doomed.applyEvents([{ id: "1", type: "set", sku: "S", location: "PAR", onHand: 3 }]);
  let freed = "getter not called";
  const cart = {
    lines: [{ sku: "S", qty: 1 }],
    get destination() {
      freed = errorOf(() => doomed.free());
      return { lat: 48.85, lon: 2.35 };
    },
  };
  let status = null;
  const outer = errorOf(() => {
    status = doomed.source(cart).status;
  });
  const later = [errorOf(() => doomed.stats()), errorOf(() => doomed.ats("S", "PAR"))];
  return { arrays, arrayMs, long, unchanged, atsAfterRefusals, applied, ats, freed, outer, status, later };
}

/** Checks what `limits` answered. */
export function assertLimits(r) {
  const message = "events: a batch holds at most 4194304 events: apply them in smaller batches";
  const refused = { error: true, name: "AtsourceError", code: "invalid_input", field: "events", message };
  // Thirty million holes, then one event over the cap: refused before JSON.stringify walks them.
  assert.deepEqual(r.arrays, [refused, refused]);
  assert.ok(r.arrayMs < 1000, `arrays refused in ${r.arrayMs} ms`);
  // The same length as text: the engine counts it and refuses it before any event applies. Not
  // timed (nor in Node): it copies and scans the 20 MB, and the first time grows the wasm memory
  // too (0.8-1.5 s in Chromium).
  assert.deepEqual(r.long, refused);
  assert.equal(r.unchanged, true, "the snapshot is byte for byte the same after the refusals");
  assert.equal(r.atsAfterRefusals, 8, "nothing of a refused batch applies");
  assert.deepEqual([r.applied, r.ats], [1, 9], "the engine still applies events");
  // free() from the cart's getter returned, the call answered, later calls are engine_freed.
  assert.equal(r.freed, null, "free() inside a call of its own returns");
  assert.deepEqual([r.outer, r.status], [null, "complete"]);
  for (const later of r.later) {
    assert.deepEqual([later?.error, later?.name, later?.code], [true, "AtsourceError", "engine_freed"]);
  }
}
