// Runs bench/sourcing/milp.py (HiGHS) on problems from instances.mjs `milpProblem`, in the venv
// that scripts/python-env.sh creates on first use.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
let python;

/** The venv's python, installing the pinned highspy when missing. */
export function pythonEnv() {
  python ??= execFileSync(join(root, "scripts", "python-env.sh"), { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
    .trim()
    .split("\n")
    .pop();
  return join(root, python);
}

/** Solves every problem exactly; returns { highspy, results } in the problems' order. */
export function solveMilp(problems, { timeLimitS = 60 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "atsource-milp-"));
  try {
    const input = join(dir, "in.json");
    const output = join(dir, "out.json");
    writeFileSync(input, JSON.stringify({ problems }));
    execFileSync(pythonEnv(), [join(root, "bench", "sourcing", "milp.py"), input, output, String(timeLimitS)], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    return JSON.parse(readFileSync(output, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
