"""How far the optimiser's root bound is from the optimum, against what an LP and a MILP solver's
root node reach on the same problems: where a stronger relaxation could come from.

Reads the problems that `tests/sourcing_optimizer_perf.rs` writes with `OPT_PERF_DUMP=dir`
(each with the engine's optimum `cost` and its root bound `root`: the certified bound of a
one-node search) and prints, per problem and as a summary, the gap to the optimum of:

* root: the engine's root bound (Lagrangian ascent with its cover cuts and shipment count);
* LP: the linear relaxation of the strong formulation (bench/sourcing/milp.py's model);
* cuts: HiGHS's bound after its root node with presolve, restarts and heuristics off (its
  cutting planes on the same LP);
* root+: HiGHS's bound after its root node as it runs by default (presolve, reduced-cost fixing
  from its incumbents and restart, cuts).

Run:
    mkdir -p /tmp/dump && OPT_PERF_DUMP=/tmp/dump OPT_PERF_SIZES=10x50 cargo test --release \\
        --test sourcing_optimizer_perf -- --ignored --nocapture
    $(scripts/python-env.sh | tail -n1) bench/sourcing/root_gap.py /tmp/dump/*.json [--worst N]

`--worst N` keeps the N problems of largest root gap (HiGHS then runs on those only).
"""

import json
import sys

import highspy


def model(p, integer, options):
    """The strong formulation of the dumped problem `p` (the engine's pure `Problem`)."""
    q = p["demand"]
    total = sum(q)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        h.setOptionValue(key, value)
    y = [h.addVariable(0, 1, c["f"]) for c in p["candidates"]]
    rows = [[] for _ in q]
    for i, c in enumerate(p["candidates"]):
        mine = []
        for j, s in c["stock"]:
            s = min(s, q[j])
            if s <= 0:
                continue
            x = h.addVariable(0, s, c["c"])
            h.addConstr(x - s * y[i] <= 0)
            rows[j].append(x)
            mine.append(x)
        cap = total if c["cap"] < 0 else min(c["cap"], total)
        if mine and cap < sum(min(s, q[j]) for j, s in c["stock"]):
            h.addConstr(sum(mine) - cap * y[i] <= 0)
    for j, xs in enumerate(rows):
        h.addConstr(sum(xs) == q[j])
    if p["k"] >= 0:
        h.addConstr(sum(y) <= p["k"])
    if integer:
        for v in y:
            h.setInteger(v)
    h.minimize()
    info = h.getInfo()
    return info.mip_dual_bound if integer else info.objective_function_value


def root_gap(p):
    return (p["cost"] - p["root"]) / p["cost"] if p["cost"] > 0 else 0.0


def gaps(p):
    cost = p["cost"]
    bare = {"presolve": "off", "mip_allow_restart": False, "mip_heuristic_effort": 0.0}
    values = {
        "root": p["root"],
        "LP": model(p, False, {}),
        "cuts": model(p, True, {"mip_max_nodes": 1, **bare}),
        "root+": model(p, True, {"mip_max_nodes": 1}),
    }
    return {k: (cost - v) / cost if cost > 0 else 0.0 for k, v in values.items()}


def main():
    args = sys.argv[1:]
    worst = 0
    if "--worst" in args:
        at = args.index("--worst")
        worst = int(args[at + 1])
        del args[at : at + 2]
    problems = []
    for path in args:
        with open(path) as f:
            problems.append((path.rsplit("/", 1)[-1].removesuffix(".json"), json.load(f)))
    # The problems with the largest root gap first (those need the most nodes); with --worst N,
    # only those N are solved and summarised.
    problems.sort(key=lambda r: -root_gap(r[1]))
    if worst:
        problems = problems[:worst]
    rows = [(name, gaps(p)) for name, p in problems]
    keys = ["root", "LP", "cuts", "root+"]
    print(f"{'problem':<32}" + "".join(f"{k + ' gap':>11}" for k in keys))
    for name, g in rows:
        print(f"{name:<32}" + "".join(f"{100 * g[k]:>10.2f}%" for k in keys))
    if rows:
        n = len(rows)
        print(f"{'mean of ' + str(n):<32}" + "".join(f"{100 * sum(g[k] for _, g in rows) / n:>10.2f}%" for k in keys))
        closed = sum(1 for _, g in rows if g["root+"] < 1e-6)
        print(f"closed at HiGHS's root: {closed}/{n}; with cuts alone: {sum(1 for _, g in rows if g['cuts'] < 1e-6)}/{n}")


if __name__ == "__main__":
    main()
