// The storefront components as the worker serves them: each module of www/ that a retailer's
// page loads for <atsource-availability> and <atsource-delivery-options> (`atsource-*.js`),
// minified on its own by esbuild (imports and exports kept, nothing bundled). Used by
// assets.mjs, which writes them into public/, and by scripts/widget-size.mjs, which holds them
// to the widget's budget: the budget counts what is sent, the sources keep their comments.
import { transformSync } from "esbuild";

/** True for the files of www/ that are served minified. */
export const isComponent = (name) => /^atsource-[\w-]+\.js$/.test(name);

/** `code` (an ES module) minified, as it is served. */
export function minifyModule(code) {
  return transformSync(code, { minify: true, format: "esm", target: "es2022", legalComments: "none" }).code;
}
