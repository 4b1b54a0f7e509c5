/// <reference lib="esnext.disposable" />
// Public declarations of the `atsource` package: every type and class generated from the Rust
// core by wasm-bindgen, plus the one hand-written entry point `init` and the shape of the errors
// the engine throws. The lib reference declares `Symbol.dispose` (engines are `Disposable`:
// `using engine = new Engine()`) for a consumer whose `lib` predates it.
export * from "./wasm/atsource.js";

/**
 * What the engine throws on bad input or a refused operation: an `Error` named `AtsourceError`
 * with a stable `code` (`invalid_input`, `unknown_location`, `invalid_quantity`,
 * `unknown_profile`, `snapshot_corrupt`, `out_of_memory`, `engine_failed`, ...) and, when one
 * field is at fault, its path in `field` (`lines[0].qty`, `[2].lat`). Declared for narrowing a
 * caught value:
 * `if ((err as AtsourceError).code === "unknown_location")`.
 */
export interface AtsourceError extends Error {
  name: "AtsourceError";
  code: string;
  field?: string;
}

/**
 * Loads and instantiates the engine's WebAssembly module. Call (and await) it once before using
 * anything else; later calls are cheap and return the same promise. In a browser, a `.wasm` that
 * is not where the package looks for it (a bundler that did not ship it, a server answering with
 * its index page) rejects with an {@link AtsourceError} of code `wasm_not_found` naming the URL;
 * a failed load is not kept, so a later call tries again.
 */
export function init(): Promise<void>;

/** A cart line of `deliveryOptions` and `quote`: the same {@link LineInput} as `source` takes. */
export type DeliveryLine = import("./wasm/atsource.js").LineInput;
