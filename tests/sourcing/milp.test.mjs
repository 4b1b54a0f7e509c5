// The optimiser against an independent exact solver: random instances (bench/sourcing/instances.mjs)
// solved by HiGHS (bench/sourcing/milp.py, venv installed on first use by scripts/python-env.sh).
// For each: the plan is valid under the contract (costs recomputed with our own haversine, ATS,
// capacity, exact cart, maxShipments), the status matches, and the cost equals the MILP optimum
// with `optimal: true`. Also replays tests/sourcing/regressions/*.json.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Engine, init } from "../../pkg/index.node.js";
import { buildEngine, checkPlan, generate, generateDemo, milpProblem, request } from "../../bench/sourcing/instances.mjs";
import { solveMilp } from "../../bench/sourcing/reference.mjs";

const regressions = fileURLToPath(new URL("./regressions/", import.meta.url));

function instances() {
  const out = [];
  let seed = 1000;
  for (const family of ["mixed", "store-heavy"]) {
    for (const [lines, locations] of [[5, 20], [10, 50]]) {
      for (let i = 0; i < 4; i++) out.push(generate(family, { lines, locations, seed: seed++, ineligible: i % 2 === 0 }));
      for (const maxShipments of [1, 2, 3]) out.push(generate(family, { lines, locations, seed: seed++, maxShipments }));
      out.push(generate(family, { lines, locations, seed: seed++, infeasible: true }));
    }
  }
  for (const [lines, locations] of [[5, 20], [10, 50], [10, 154]]) {
    out.push(generateDemo({ lines, locations, seed: seed++ }));
    out.push(generateDemo({ lines, locations, seed: seed++, maxShipments: 2 }));
  }
  for (const f of readdirSync(regressions).filter((f) => f.endsWith(".json")).sort()) {
    out.push(JSON.parse(readFileSync(join(regressions, f), "utf8")));
  }
  return out;
}

await init();
const cases = instances();
let reference;
const engines = new Map();

before(() => {
  for (const inst of cases) engines.set(inst.id, buildEngine(Engine, inst));
  reference = solveMilp(cases.map((inst) => milpProblem(inst, engines.get(inst.id))), { timeLimitS: 60 });
});

for (const [i, inst] of cases.entries()) {
  test(`source matches the MILP optimum: ${inst.id}`, () => {
    const engine = engines.get(inst.id);
    const plan = engine.source(request(inst));
    const milp = reference.results[i];
    assert.equal(milp.id, inst.id);
    assert.notEqual(milp.status, "timeout", "the MILP did not finish");
    assert.deepEqual(checkPlan(inst, engine, plan), []);
    assert.equal(plan.status, milp.status, "status");
    assert.equal(plan.optimal, true, "optimal");
    if (milp.status === "complete") {
      const tol = 1e-6 * Math.max(1, milp.cost);
      assert.ok(
        Math.abs(plan.totalCost - milp.cost) <= tol,
        `engine ${plan.totalCost} vs MILP ${milp.cost} (MILP plan ${JSON.stringify(milp.plan)})`,
      );
      assert.ok(Math.abs(plan.lowerBound - plan.totalCost) <= tol, "lowerBound of an optimal plan");
    }
  });
}

test("the plan checker catches broken plans", () => {
  const inst = cases.find((c) => c.family === "mixed");
  const engine = engines.get(inst.id);
  const plan = engine.source(request(inst));
  assert.equal(plan.status, "complete");
  const broken = (mutate) => {
    const copy = structuredClone(plan);
    mutate(copy);
    return checkPlan(inst, engine, copy);
  };
  assert.deepEqual(broken(() => {}), []);
  assert.notDeepEqual(broken((p) => (p.shipments[0].cost += 0.01)), []);
  assert.notDeepEqual(broken((p) => (p.totalCost += 0.01)), []);
  assert.notDeepEqual(broken((p) => (p.shipments[0].lines[0].qty += 1)), []);
  assert.notDeepEqual(broken((p) => p.shipments[0].lines.pop()), []);
  assert.notDeepEqual(broken((p) => (p.shipments[0].location = "nowhere")), []);
  assert.notDeepEqual(broken((p) => (p.shipments[0].distanceKm += 1)), []);
});

test("the instances cover every status and constraint", () => {
  const statuses = new Set(cases.map((c) => engines.get(c.id).source(request(c)).status));
  assert.deepEqual([...statuses].sort(), ["complete", "unfulfillable"]);
  assert.ok(cases.some((c) => c.profile.maxShipments === 1));
  assert.ok(cases.some((c) => c.locations?.some((l) => l.capacityUnits !== undefined)));
  assert.ok(cases.some((c) => c.locations?.some((l) => l.active === false || l.ship === false)));
});
