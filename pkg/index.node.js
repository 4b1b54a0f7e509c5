// Node entry: reads the .wasm from disk (fetch cannot load file: URLs) and compiles it off the
// main thread with WebAssembly.compile before instantiating.
import { readFile } from "node:fs/promises";
import { initSync } from "./wasm/atsource.js";

export * from "./wasm/atsource.js";

let ready;

/**
 * Loads the engine. Idempotent: every call returns the same promise, so concurrent callers
 * share one load; a failed load is forgotten so that a later call can retry.
 * @returns {Promise<void>}
 */
export function init() {
  if (ready === undefined) {
    ready = readFile(new URL("./wasm/atsource_bg.wasm", import.meta.url))
      .then((bytes) => WebAssembly.compile(bytes))
      .then(
        (module) => {
          initSync({ module });
        },
        (err) => {
          ready = undefined;
          throw err;
        },
      );
  }
  return ready;
}
