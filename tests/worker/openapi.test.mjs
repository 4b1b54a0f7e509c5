// worker/openapi.yaml against the implementation: every route of the router is described (and
// nothing else), then schemathesis (from PyPI, pinned) fuzzes the running worker from the
// description: no 5xx, every status and body as described, schema-valid input accepted and
// invalid input refused (exceptions and their reasons in schemathesis.toml).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, repoRoot, TOKEN, tempDir, workerDir } from "./helpers.mjs";

const SCHEMATHESIS = "4.32.5";
const venv = join(repoRoot, "tests", ".tmp", "schemathesis-venv");
const st = join(venv, "bin", "st");
const spec = readFileSync(join(workerDir, "openapi.yaml"), "utf8");
const tmp = tempDir("openapi");
after(() => tmp.cleanup());

/** The schemathesis CLI, installed into tests/.tmp on first use (make test installs what is missing). */
function ensureSchemathesis() {
  const have = existsSync(st) ? execFileSync(st, ["--version"], { encoding: "utf8" }) : "";
  if (have.includes(SCHEMATHESIS)) return;
  mkdirSync(join(repoRoot, "tests", ".tmp"), { recursive: true });
  execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
  execFileSync(join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `schemathesis==${SCHEMATHESIS}`], {
    stdio: "inherit",
  });
}

test("every route is described, and every description is a route", () => {
  const routes = new Set();
  for (const m of readFileSync(join(workerDir, "src", "index.ts"), "utf8").matchAll(/\.on\("(\w+)", "([^"]+)"/g)) {
    routes.add(`${m[1]} ${m[2]}`);
  }
  const described = new Set();
  let path = null;
  for (const line of spec.split("\n")) {
    const p = line.match(/^ {2}(\/v1\/\S+):\s*$/);
    if (p) path = p[1];
    else if (/^\S/.test(line)) path = null;
    const op = line.match(/^ {4}(get|post|put|delete|patch):\s*$/);
    if (path && op) described.add(`${op[1].toUpperCase()} ${path}`);
  }
  assert.ok(routes.size > 20);
  assert.deepEqual([...described].sort(), [...routes].sort());
});

test("schemathesis: no 5xx, responses as described, input checked as described", { timeout: 600_000 }, async () => {
  ensureSchemathesis();
  const script = bundle(join(tmp.dir, "dist"));
  const server = spawn(process.execPath, [join(repoRoot, "tests", "worker", "serve-fixture.mjs"), script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = "";
      server.stdout.on("data", (d) => {
        out += d;
        const m = out.match(/READY (\S+)/);
        if (m) resolve(m[1]);
      });
      server.once("exit", (code) => reject(new Error(`the worker exited (${code}): ${out}`)));
    });
    const args = [
      "--config-file", join(repoRoot, "tests", "worker", "schemathesis.toml"),
      "run", join(workerDir, "openapi.yaml"),
      "--url", url,
      "--header", `Authorization: Bearer ${TOKEN}`,
      "--checks", "all",
      "--max-examples", "40",
      "--seed", "20261125",
      "--no-color",
    ];
    const result = await new Promise((resolve) => {
      const run = spawn(st, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SCHEMATHESIS_TELEMETRY: "false" } });
      let out = "";
      run.stdout.on("data", (d) => (out += d));
      run.stderr.on("data", (d) => (out += d));
      run.once("exit", (code) => resolve({ code, out }));
    });
    const summary = result.out.split("\n").filter((l) => /generated|passed|failures?|Tested/.test(l)).join("\n");
    console.log(summary);
    assert.equal(result.code, 0, result.out.slice(-8000));
  } finally {
    server.kill("SIGTERM");
  }
});
