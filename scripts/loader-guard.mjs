// Patches wasm-bindgen's generated loader (pkg/wasm/atsource.js, built by scripts/build.sh) so
// that using the package before `init()` throws the engine's coded error (`not_initialized`)
// instead of a TypeError about reading a property of `undefined`, a freed engine's method
// `engine_freed` instead of wasm-bindgen's "null pointer passed to rust", a call into an engine
// from inside another of its calls (an argument's getter) `engine_busy`, a method called
// without its engine (`const { ats } = engine`) `invalid_input` naming `this`, and disposing of
// an engine already freed a no-op. Until the module is
// instantiated, `wasm` holds a proxy that throws on any access; the two "already initialised"
// checks compare against it. Each pattern must match exactly as often as expected (the
// wasm-bindgen version is pinned): anything else fails the build rather than ship a loader half
// patched.
//
// Traps: every call into the module goes through a wrapper (one per export the loader names,
// with the export's own parameters, written here: each its own function, which V8 inlines like
// the call it wraps) that hands a WebAssembly.RuntimeError to glue.js's `trapped`, which codes
// it (`out_of_memory`, `internal_error`) and marks the engine whose method trapped as failed;
// such an engine's methods are then `engine_failed`, and freeing it releases it whole. The
// wasm module (second argument) is instantiated with inert imports to read the parameter counts.
// Run: node scripts/loader-guard.mjs <path to atsource.js> <path to atsource_bg.wasm>
import { readFileSync, writeFileSync } from "node:fs";
import binaryen from "binaryen";

const [file, wasmFile] = process.argv.slice(2);
if (!file || !wasmFile) {
  console.error("usage: node scripts/loader-guard.mjs <atsource.js> <atsource_bg.wasm>");
  process.exit(2);
}
let text = readFileSync(file, "utf8");
const patches = [
  [
    "let wasmModule, wasmInstance, wasm;",
    1,
    "// atsource (scripts/loader-guard.mjs): a call before `init()` is a coded error.\n" +
      "const NOT_READY = new Proxy({}, { get() { throw codedError(" +
      "\"atsource is not initialised: `await init()` before using the engine\", " +
      "\"not_initialized\", undefined, \"AtsourceError\"); } });\n" +
      "let wasmModule, wasmInstance, wasm = NOT_READY;",
  ],
  ["if (wasm !== undefined) return wasm;", 2, "if (wasm !== NOT_READY) return wasm;"],
  // wasm-bindgen's own refusals: a method of an engine already freed is `engine_freed`.
  [
    "throw new Error(getStringFromWasm0(arg0, arg1));",
    1,
    "throw bindingError(getStringFromWasm0(arg0, arg1));",
  ],
  [
    "let WASM_VECTOR_LEN = 0;",
    1,
    "function bindingError(message) {\n" +
      "    if (message === \"null pointer passed to rust\") return codedError(\"this Engine was freed (`engine.free()`): create another one\", \"engine_freed\", undefined, \"AtsourceError\");\n" +
      "    if (message.startsWith(\"recursive use of an object\") || message.startsWith(\"attempted to take ownership\")) return codedError(\"this Engine is in the middle of another call (one made from inside an argument's getter or toJSON): call it after that one returns\", \"engine_busy\", undefined, \"AtsourceError\");\n" +
      "    return new Error(message);\n" +
      "}\n\nlet WASM_VECTOR_LEN = 0;",
  ],
  // Disposing of an engine already freed does nothing (`using engine = new Engine()` around a
  // block that calls `engine.free()` itself): disposal is idempotent, as the explicit resource
  // management proposal asks. `free()` itself still says `engine_freed` the second time.
  [
    "if (Symbol.dispose) Engine.prototype[Symbol.dispose] = Engine.prototype.free;",
    1,
    "if (Symbol.dispose) Engine.prototype[Symbol.dispose] = function () {\n" +
      "    if (!(this instanceof Engine) || this.__wbg_ptr !== 0) Engine.prototype.free.call(this);\n" +
      "};",
  ],
];
// A method called on something other than an engine (taken off it, `const { ats } = engine`, or
// called with another `this`) is `invalid_input` naming `this`, not a TypeError about reading
// `__wbg_ptr` of `undefined` (nor, for an object without it, `engine_freed`).
const methodCall = /wasm\.engine_(\w+)\(this\.__wbg_ptr\b/g;
const methods = text.match(methodCall)?.length ?? 0;
if (methods < 10) {
  console.error(`loader-guard: expected the Engine methods' calls \`wasm.engine_*(this.__wbg_ptr\` in ${file}, found ${methods}`);
  process.exit(1);
}
text = text.replace(methodCall, "wasm.engine_$1(enginePtr(this)");
patches.push([
  "let WASM_VECTOR_LEN = 0;",
  1,
  "function enginePtr(engine) {\n" +
    "    if (engine instanceof Engine) {\n" +
    "        if (failedEngines.size !== 0 && failedEngines.has(engine.__wbg_ptr)) throw engineFailed();\n" +
    "        return engine.__wbg_ptr;\n" +
    "    }\n" +
    "    throw codedError(\"an Engine method was called without its engine (taken off it, as in `const { ats } = engine`): call it on the engine, or bind it\", \"invalid_input\", \"this\", \"AtsourceError\");\n" +
    "}\n\nlet WASM_VECTOR_LEN = 0;",
]);
// The wrappers, for the exports the loader names (`wasm.<name>`; the engine methods' first
// argument is the engine's pointer).
const methodNames = new Set([...text.matchAll(/wasm\.(engine_\w+)\(enginePtr\(this\)/g)].map((m) => m[1]));
const named = [...new Set([...text.matchAll(/\bwasm\.(\w+)/g)].map((m) => m[1]))].sort();
// The module's stack pointer, exported: a call cut short by an exception (a trap, or a JS
// exception thrown through its frames) leaves it where those frames moved it, and each such call
// would take some of the 1 MiB stack for good (1,500 to 2,600 traps, and every call failed). The
// outermost wrapper puts it back. Names are kept (wasm-opt's --no-inline patterns read them);
// the features are the module's own (rustc's target_features section, which binaryen reads).
binaryen.setDebugInfo(true);
const ir = binaryen.readBinary(readFileSync(wasmFile));
if (!ir.getGlobal("__stack_pointer")) {
  console.error(`loader-guard: ${wasmFile} has no global named __stack_pointer`);
  process.exit(1);
}
ir.addGlobalExport("__stack_pointer", "__stack_pointer");
if (!ir.validate()) {
  console.error(`loader-guard: ${wasmFile} does not validate once its stack pointer is exported`);
  process.exit(1);
}
const bytes = ir.emitBinary();
ir.dispose();
writeFileSync(wasmFile, bytes);
const module = new WebAssembly.Module(bytes);
const inert = {};
for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
  if (kind !== "function") {
    console.error(`loader-guard: the module imports a ${kind} (${from}.${name}); only functions are expected`);
    process.exit(1);
  }
  (inert[from] ??= {})[name] = () => {};
}
const exports = new WebAssembly.Instance(module, inert).exports;
const members = named.map((name) => {
  const value = exports[name];
  if (value === undefined) {
    console.error(`loader-guard: the loader names wasm.${name}, which the module does not export`);
    process.exit(1);
  }
  if (typeof value !== "function") return `        ${name}: x.${name},`;
  const params = Array.from({ length: value.length }, (_, i) => `a${i}`).join(", ");
  const engine = methodNames.has(name) ? "a0" : "undefined";
  return `        ${name}(${params}) { depth++; try { return x.${name}(${params}); } catch (e) { throw cut(e, ${engine}); } finally { depth--; } },`;
});
if (methodNames.size < 10 || !members.some((m) => m.startsWith("        memory:"))) {
  console.error(`loader-guard: expected the engine methods and the memory among the loader's names, found ${named.join(" ")}`);
  process.exit(1);
}
const snippet = text.match(/^import \{[^}]*\bcodedError\b[^}]*\} from '(\.\/snippets\/[^']+)';$/m);
if (!snippet) {
  console.error(`loader-guard: ${file} does not import codedError from the glue snippet`);
  process.exit(1);
}
patches.push(
  [
    snippet[0],
    1,
    `${snippet[0]}\nimport { engineFailed, failedEngines, trapped } from '${snippet[1]}';`,
  ],
  ["    wasm = instance.exports;", 1, "    wasm = guardTraps(instance.exports);"],
  [
    "let WASM_VECTOR_LEN = 0;",
    1,
    "// atsource (scripts/loader-guard.mjs): every call into the module, a trap made a coded error.\n" +
      "function guardTraps(x) {\n" +
      "    // The stack pointer with no call under way; calls in progress, the outermost first.\n" +
      "    const sp = x.__stack_pointer;\n" +
      "    const top = sp.value;\n" +
      "    let depth = 0;\n" +
      "    // A call cut short: the outermost puts the stack pointer back where it starts.\n" +
      "    const cut = (e, engine) => {\n" +
      "        if (depth === 1) sp.value = top;\n" +
      "        return trapped(e, engine);\n" +
      "    };\n" +
      "    return {\n" + members.join("\n") + "\n    };\n}\n\n" +
      "// Frees an engine: gives back its handle's hold (wasm-bindgen's Rc count) and, for one that\n" +
      "// trapped, each hold a call cut short by a trap left; a call of it still running keeps its\n" +
      "// own, and the engine goes when that call ends.\n" +
      "function releaseEngine(ptr) {\n" +
      "    const cut = failedEngines.get(ptr);\n" +
      "    if (cut === undefined) return wasm.__wbg_engine_free(ptr, 1);\n" +
      "    failedEngines.delete(ptr);\n" +
      "    for (let i = 0; i <= cut; i++) wasm.__wbg_engine_free(ptr, 1);\n" +
      "}\n\nlet WASM_VECTOR_LEN = 0;",
  ],
  // free() as the collector frees (wasm-bindgen's own asks for the value whole, and throws when a
  // call of the engine is running: from inside an argument's getter it threw engine_busy, yet the
  // engine went when that call ended).
  [
    "        const ptr = this.__destroy_into_raw();\n        wasm.__wbg_engine_free(ptr, 0);",
    1,
    "        const ptr = this.__destroy_into_raw();\n        releaseEngine(ptr);",
  ],
  [
    "new FinalizationRegistry(ptr => wasm.__wbg_engine_free(ptr, 1));",
    1,
    // A throw from a finalizer is uncaught (Node exits): whatever freeing throws stays here.
    "new FinalizationRegistry(ptr => { try { releaseEngine(ptr); } catch { /* the module failed */ } });",
  ],
);
for (const [from, count, to] of patches) {
  const found = text.split(from).length - 1;
  if (found !== count) {
    console.error(`loader-guard: expected ${count} of ${JSON.stringify(from)} in ${file}, found ${found}`);
    process.exit(1);
  }
  text = text.replaceAll(from, to);
}
if (!/^import \{[^}]*\bcodedError\b[^}]*\} from '\.\/snippets\//m.test(text)) {
  console.error(`loader-guard: ${file} does not import codedError from the glue snippet`);
  process.exit(1);
}
writeFileSync(file, text);
