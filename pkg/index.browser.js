// Browser entry (also the default for bundlers and plain ESM): fetches the .wasm next to this
// file and compiles it while it streams. Vite and webpack 5 recognise the
// `new URL(..., import.meta.url)` pattern and ship the .wasm as an asset; with esbuild, the .wasm
// is copied to wasm/ beside the bundle (README.md).
import wasmBindgenInit from "./wasm/atsource.js";

export * from "./wasm/atsource.js";

let ready;

/**
 * Loads the engine. Idempotent: every call returns the same promise, so concurrent callers
 * share one download; a failed load is forgotten so that a later call can retry.
 * @returns {Promise<void>}
 */
export function init() {
  if (ready === undefined) {
    ready = wasmBindgenInit({
      module_or_path: new URL("./wasm/atsource_bg.wasm", import.meta.url),
    }).then(
      () => undefined,
      (err) => {
        ready = undefined;
        throw err;
      },
    );
  }
  return ready;
}
