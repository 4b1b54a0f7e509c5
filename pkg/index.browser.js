// Browser entry (also the default for bundlers and plain ESM): fetches the .wasm next to this
// file and compiles it while it streams. Vite and webpack 5 recognise the
// `new URL(..., import.meta.url)` pattern and ship the .wasm as an asset; with esbuild, the .wasm
// is copied to wasm/ beside the bundle (README.md).
import wasmBindgenInit from "./wasm/atsource.js";

export * from "./wasm/atsource.js";

let ready;

/**
 * The response holding the engine's .wasm, or a coded error (`wasm_not_found`) naming where it
 * was looked for: a bundler that did not ship it, or a server answering a missing file with its
 * index page, would otherwise surface as a MIME-type warning and "expected magic word 00 61 73 6d".
 */
async function fetchWasm(url) {
  const notFound = (why) => {
    const err = new Error(
      `atsource: the engine's .wasm was not found at ${url} (${why}): ship node_modules/atsource/wasm/atsource_bg.wasm ` +
        "there (see the package README's notes on bundlers)",
    );
    err.name = "AtsourceError";
    err.code = "wasm_not_found";
    return err;
  };
  let res;
  try {
    res = await fetch(url);
  } catch (cause) {
    throw Object.assign(notFound(String(cause?.message ?? cause)), { cause });
  }
  if (!res.ok) throw notFound(`HTTP ${res.status}`);
  if (/^text\/html\b/i.test(res.headers.get("content-type") ?? "")) throw notFound("an HTML page came instead");
  return res;
}

/**
 * Loads the engine. Idempotent: every call returns the same promise, so concurrent callers
 * share one download; a failed load is forgotten so that a later call can retry.
 * @returns {Promise<void>}
 */
export function init() {
  if (ready === undefined) {
    ready = fetchWasm(new URL("./wasm/atsource_bg.wasm", import.meta.url))
      .then((module_or_path) => wasmBindgenInit({ module_or_path }))
      .then(
        () => undefined,
        (err) => {
          ready = undefined;
          throw err;
        },
      );
  }
  return ready;
}
