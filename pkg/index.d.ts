// Public declarations of the `atsource` package: every type and class generated from the Rust
// core by wasm-bindgen, plus the one hand-written entry point `init`.
export * from "./wasm/atsource.js";

/**
 * Loads and instantiates the engine's WebAssembly module. Call (and await) it once before using
 * anything else; later calls are cheap and return the same promise.
 */
export function init(): Promise<void>;
