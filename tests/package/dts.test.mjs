// The public TypeScript surface: no `any`, and no change that nobody meant. The generated
// declarations are snapshotted in atsource.d.ts.snap; after an intended API change, refresh it
// with `UPDATE_SNAPSHOTS=1 node --test tests/package/dts.test.mjs` and commit the diff.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pkgDir, repoRoot, requireBuild } from "./helpers.mjs";

const snapshotPath = join(repoRoot, "tests", "package", "atsource.d.ts.snap");
// wasm-bindgen appends the loader's declarations (InitInput, InitOutput: the raw wasm exports,
// typed with `any`, internal) after the public API; everything before this marker is public.
const INTERNAL_MARKER = "export type InitInput";

function publicDeclarations() {
  requireBuild();
  const generated = readFileSync(join(pkgDir, "wasm", "atsource.d.ts"), "utf8");
  const cut = generated.indexOf(INTERNAL_MARKER);
  assert.ok(cut > 0, `generated .d.ts has no "${INTERNAL_MARKER}" section marker`);
  return generated.slice(0, cut).trimEnd() + "\n";
}

// Declarations without comments, so that "any" in a doc comment does not count.
const code = (text) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

test("no `any` in the public declarations", () => {
  const sources = {
    "pkg/index.d.ts": readFileSync(join(pkgDir, "index.d.ts"), "utf8"),
    "pkg/wasm/atsource.d.ts (public part)": publicDeclarations(),
  };
  for (const [name, text] of Object.entries(sources)) {
    const hits = code(text)
      .split("\n")
      .filter((line) => /\bany\b/.test(line));
    assert.deepEqual(hits, [], `${name} uses \`any\``);
  }
});

test("the loader section is where the public part ends", () => {
  const internal = readFileSync(join(pkgDir, "wasm", "atsource.d.ts"), "utf8").split(INTERNAL_MARKER)[1];
  // If wasm-bindgen moved public items below the marker, they would escape the `any` check.
  for (const line of code(internal).split("\n")) {
    if (/^export (class|interface|type|function|const) /.test(line)) {
      assert.match(line, /\b(InitInput|InitOutput|SyncInitInput|initSync|__wbg_init)\b/, line);
    }
  }
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
