// Node entry: reads the .wasm from disk (fetch cannot load file: URLs), then compiles and
// instantiates it synchronously. V8 compiles wasm functions lazily, so compiling is mostly
// validating 560 KB of code: about 4.5 ms on the main thread, where WebAssembly.compile's hop to
// a background thread and back costs ~0.6 ms more in total (bench/wasm.mjs, cold start).
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
      .then((bytes) => {
        initSync({ module: new WebAssembly.Module(bytes) });
      })
      .catch((err) => {
        ready = undefined;
        throw err;
      });
  }
  return ready;
}
