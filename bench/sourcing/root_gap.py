"""How far the optimiser's root bound is from the optimum, against what an LP and a MILP solver's
root node reach on the same problems: where a stronger relaxation could come from.

Reads the problems that `tests/sourcing_optimizer_perf.rs` writes with `OPT_PERF_DUMP=dir`
(each with the engine's optimum `cost` and its root bound `root`: the certified bound of a
one-node search) and prints, per problem and as a summary, the gap to the optimum of:

* root: the engine's root bound (Lagrangian ascent with its cover cuts and shipment count);
* LP: the linear relaxation of the strong formulation (bench/sourcing/milp.py's model);
* MIR: the LP with the mixed-integer roundings of each line's covering row (`sum_i a_ij y_i >=
  q_j`, for every divisor 1..q_j), the kind of cut the engine's cover cuts are;
* half: the LP with the {0,1/2}-cuts of every three and five lines' "at least kappa_j holders
  open" rows (kappa_j: the fewest holders whose stock reaches the line's demand);
* KC: the LP with each line's knapsack-cover inequalities (Carr et al.: for holders A whose stock
  falls short of the demand by r, sum over the other holders of min(a_ij, r) y_i >= r),
  separated in rounds at the LP's solution;
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

import itertools
import json
import math
import sys

import highspy


def fewest_holders(stock, q):
    """The fewest holders whose stock (clipped to the demand `q`) reaches it."""
    total = 0
    for k, s in enumerate(sorted(stock, reverse=True)):
        total += s
        if total >= q:
            return k + 1
    return None


def mir_rows(q, holders):
    """Mixed-integer roundings of each line's `sum_i a_ij y_i >= q_j`: (coefficients, rhs)."""
    for j, a in enumerate(holders):
        for d in range(1, q[j] + 1):
            beta = q[j] / d
            f = beta - math.floor(beta)
            if f < 1e-9:
                yield {i: math.ceil(ai / d) for i, ai in a.items()}, beta
            else:
                coef = {}
                for i, ai in a.items():
                    fi = ai / d - math.floor(ai / d)
                    coef[i] = math.floor(ai / d) + min(fi, f) / f
                yield coef, math.ceil(beta)


def half_rows(q, holders):
    """{0,1/2}-cuts of three and five lines' "at least kappa_j holders" rows: summed, halved,
    rounded up (Chvatal-Gomory), where the kappas sum to an odd number."""
    kappa = [fewest_holders(list(a.values()), q[j]) for j, a in enumerate(holders)]
    for size in (3, 5):
        for lines in itertools.combinations(range(len(q)), size):
            if any(kappa[j] is None for j in lines):
                continue
            total = sum(kappa[j] for j in lines)
            if total % 2 == 0:
                continue
            count = {}
            for j in lines:
                for i in holders[j]:
                    count[i] = count.get(i, 0) + 1
            yield {i: (c + 1) // 2 for i, c in count.items()}, (total + 1) // 2


def knapsack_cover_rows(q, holders, y_value):
    """The most violated knapsack-cover inequality of each line at the point `y_value`."""
    for j, a in enumerate(holders):
        held = list(a.items())
        best = None
        # A holds less than the demand; with demands of a few units, A is small.
        for size in range(q[j]):
            for sub in itertools.combinations(held, size):
                short = q[j] - sum(s for _, s in sub)
                if short <= 0:
                    continue
                inside = {i for i, _ in sub}
                coef = {i: min(s, short) for i, s in held if i not in inside}
                violation = (short - sum(v * y_value[i] for i, v in coef.items())) / short
                if violation > 1e-6 and (best is None or violation > best[0]):
                    best = (violation, coef, short)
        if best:
            yield best[1], best[2]


def model(p, integer, options, cuts=None, separate=None):
    """The strong formulation of the dumped problem `p` (the engine's pure `Problem`), with the
    rows of `cuts(q, holders)` added (holders[j]: candidate -> stock clipped to the demand)."""
    q = p["demand"]
    total = sum(q)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        h.setOptionValue(key, value)
    y = [h.addVariable(0, 1, c["f"]) for c in p["candidates"]]
    rows = [[] for _ in q]
    holders = [{} for _ in q]
    for i, c in enumerate(p["candidates"]):
        mine = []
        for j, s in c["stock"]:
            s = min(s, q[j])
            if s <= 0:
                continue
            x = h.addVariable(0, s, c["c"])
            h.addConstr(x - s * y[i] <= 0)
            rows[j].append(x)
            holders[j][i] = s
            mine.append(x)
        cap = total if c["cap"] < 0 else min(c["cap"], total)
        if mine and cap < sum(min(s, q[j]) for j, s in c["stock"]):
            h.addConstr(sum(mine) - cap * y[i] <= 0)
    for j, xs in enumerate(rows):
        h.addConstr(sum(xs) == q[j])
    if p["k"] >= 0:
        h.addConstr(sum(y) <= p["k"])
    for coef, rhs in cuts(q, holders) if cuts else ():
        h.addConstr(sum(v * y[i] for i, v in coef.items()) >= rhs)
    if integer:
        for v in y:
            h.setInteger(v)
    h.minimize()
    for _ in range(30 if separate else 0):
        y_value = h.getSolution().col_value[: len(y)]
        found = list(separate(q, holders, y_value))
        if not found:
            break
        for coef, rhs in found:
            h.addConstr(sum(v * y[i] for i, v in coef.items()) >= rhs)
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
        "MIR": model(p, False, {}, mir_rows),
        "half": model(p, False, {}, half_rows),
        "KC": model(p, False, {}, separate=knapsack_cover_rows),
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
    keys = ["root", "LP", "MIR", "half", "KC", "cuts", "root+"]
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
