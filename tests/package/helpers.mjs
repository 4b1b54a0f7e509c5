// Shared by the package tests: the built package, packed and installed the way a user gets it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const pkgDir = join(repoRoot, "pkg");
export const binDir = join(repoRoot, "node_modules", ".bin");

/** Fails with a useful message when `make build` has not produced pkg/wasm yet. */
export function requireBuild() {
  for (const f of ["atsource_bg.wasm", "atsource.js", "atsource.d.ts"]) {
    if (!existsSync(join(pkgDir, "wasm", f))) {
      throw new Error(`pkg/wasm/${f} is missing: run \`make build\` first`);
    }
  }
}

/** A fresh temporary directory, removed by the returned `cleanup`. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `atsource-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `npm pack`s pkg/ into `dir` and returns the tarball's path. */
export function pack(dir) {
  requireBuild();
  const out = execFileSync(
    "npm",
    ["pack", "--json", "--pack-destination", dir, "--loglevel", "error"],
    { cwd: pkgDir, encoding: "utf8" },
  );
  const [{ filename }] = JSON.parse(out);
  return join(dir, filename);
}

/**
 * A consumer project in `dir` with the packed package installed from its tarball (offline: the
 * package has no dependencies). Returns the project directory.
 */
export function installPacked(dir) {
  const tarball = pack(dir);
  const project = join(dir, "consumer");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2),
  );
  execFileSync(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--loglevel", "error", tarball],
    { cwd: project, stdio: ["ignore", "ignore", "inherit"] },
  );
  return project;
}

/** Names of the profile directories Chromium leaves in /tmp (~12 MB per launch). */
export function chromiumTempDirs() {
  return new Set(readdirSync("/tmp").filter((n) => n.startsWith("org.chromium.Chromium.scoped_dir.")));
}

/** Removes the Chromium temp directories that appeared since `before` was taken. */
export function cleanChromiumTemp(before) {
  for (const name of chromiumTempDirs()) {
    if (!before.has(name)) rmSync(join("/tmp", name), { recursive: true, force: true });
  }
}
