// The public TypeScript surface: no `any`, and no change that nobody meant. The generated
// declarations are snapshotted in atsource.d.ts.snap; after an intended API change, refresh it
// with `UPDATE_SNAPSHOTS=1 node --test tests/package/dts.test.mjs` and commit the diff.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pkgDir, repoRoot, requireBuild } from "./helpers.mjs";

const snapshotPath = join(repoRoot, "tests", "package", "atsource.d.ts.snap");
// scripts/build.sh cuts wasm-bindgen's loader declarations (initSync, InitInput, InitOutput: the
// raw wasm exports, typed with `any`, and web types such as RequestInfo that a Node or workerd
// project does not declare): the whole file is public.
function publicDeclarations() {
  requireBuild();
  return readFileSync(join(pkgDir, "wasm", "atsource.d.ts"), "utf8").trimEnd() + "\n";
}

// Declarations without comments, so that "any" in a doc comment does not count.
const code = (text) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

test("no `any` in the public declarations", () => {
  const sources = {
    "pkg/index.d.ts": readFileSync(join(pkgDir, "index.d.ts"), "utf8"),
    "pkg/wasm/atsource.d.ts": publicDeclarations(),
  };
  for (const [name, text] of Object.entries(sources)) {
    const hits = code(text)
      .split("\n")
      .filter((line) => /\bany\b/.test(line));
    assert.deepEqual(hits, [], `${name} uses \`any\``);
  }
});

test("no loader or web-only types in the declarations (a consumer without the DOM lib compiles them)", () => {
  const names = code(publicDeclarations()).match(/\b(InitInput|InitOutput|SyncInitInput|initSync|__wbg_init|RequestInfo|Response|BufferSource|WebAssembly)\b/g);
  assert.equal(names, null);
});

test("the public declarations match the snapshot", () => {
  const current = publicDeclarations();
  if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(snapshotPath)) {
    writeFileSync(snapshotPath, current);
    if (process.env.UPDATE_SNAPSHOTS !== "1") {
      assert.fail(`no snapshot yet: wrote ${snapshotPath}; review and commit it`);
    }
    return;
  }
  const expected = readFileSync(snapshotPath, "utf8");
  assert.equal(
    current,
    expected,
    "the public .d.ts changed; if intended, run UPDATE_SNAPSHOTS=1 node --test tests/package/dts.test.mjs",
  );
});
