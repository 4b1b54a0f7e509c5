// workerd / Cloudflare Workers entry. Workers forbid compiling wasm from bytes at run time, so
// the .wasm is imported as a module (wrangler and miniflare turn it into a WebAssembly.Module
// when the upload is built) and instantiated synchronously.
import wasmModule from "./wasm/atsource_bg.wasm";
import { initSync } from "./wasm/atsource.js";

export * from "./wasm/atsource.js";

let ready;

/**
 * Loads the engine. Idempotent and cheap: the module is already compiled, instantiation is
 * synchronous and happens once.
 * @returns {Promise<void>}
 */
export function init() {
  if (ready === undefined) {
    try {
      initSync({ module: wasmModule });
      ready = Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return ready;
}
