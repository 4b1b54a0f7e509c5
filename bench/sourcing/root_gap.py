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
* KCx: the same with flow terms: a holder counts by its units x_ij where that is smaller;
* FC: the LP with each line's extended flow covers (see `flow_cover_rows`), separated in
  rounds; FC+half: with the {0,1/2}-cuts too;
* cuts: HiGHS's bound after its root node with presolve, restarts and heuristics off (its
  cutting planes on the same LP);
* root+: HiGHS's bound after its root node as it runs by default (presolve, reduced-cost fixing
  from its incumbents and restart, cuts).

Run:
    mkdir -p /tmp/dump && OPT_PERF_DUMP=/tmp/dump OPT_PERF_SIZES=10x50 cargo test --release \\
        --test sourcing_optimizer_perf -- --ignored --nocapture
    $(scripts/python-env.sh | tail -n1) bench/sourcing/root_gap.py /tmp/dump/*.json [--worst N]

`--worst N` keeps the N problems of largest root gap (HiGHS then runs on those only).
`root_gap.py --cut-pool FILE` prints the cuts of HiGHS's root node for one problem instead, in
the model's variables (y_i: candidate i ships; x_i_j: its units of line j).
"""

import itertools
import json
import math
import sys

import highspy

# HiGHS's root node with only its cuts: no presolve, restart or heuristics (so the cuts are in
# the model's own variables, and its bound owes nothing to an incumbent).
CUTS_ONLY = {"mip_max_nodes": 1, "presolve": "off", "mip_allow_restart": False, "mip_heuristic_effort": 0.0}

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


def knapsack_cover_rows(q, holders, y_value, x_value, flows=False):
    """The most violated knapsack-cover inequality of each line at the LP's point. With `flows`,
    each holder outside A counts by its flow x_ij instead where that is smaller (valid: if no
    holder of y-term large enough opens, the units short must flow from the others)."""
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
                coef, lhs = {}, 0.0
                for i, s in held:
                    if i in inside:
                        continue
                    by_y = min(s, short) * y_value[i]
                    if flows and x_value[j][i] < by_y:
                        coef[(i, j)] = 1
                        lhs += x_value[j][i]
                    else:
                        coef[i] = min(s, short)
                        lhs += by_y
                violation = (short - lhs) / short
                if violation > 1e-6 and (best is None or violation > best[0]):
                    best = (violation, coef, short)
        if best:
            yield best[1], best[2]


def knapsack_flow_rows(q, holders, y_value, x_value):
    """`knapsack_cover_rows` with flow terms."""
    return knapsack_cover_rows(q, holders, y_value, x_value, flows=True)


def flow_cover_rows(q, holders, y_value, x_value):
    """The most violated extended flow cover of each line's flow set (sum_i x_ij <= q_j,
    x_ij <= a_ij y_i), over covers C of the holders the LP uses: with lam = a(C) - q_j > 0 and
    abar the largest stock in C,
        sum_{C+L} x_ij + sum_C (a_ij - lam)^+ (1 - y_i) <= q_j + sum_L (abar - lam) y_i,
    where L holds other holders of stock <= abar (only when abar > lam: else L is empty)."""
    for j, a in enumerate(holders):
        held = list(a.items())
        used = [(i, s) for i, s in held if y_value[i] > 1e-9 or x_value[j][i] > 1e-9]
        best = None
        for size in range(2, min(len(used), q[j] + 1) + 1):
            for cover in itertools.combinations(used, size):
                lam = sum(s for _, s in cover) - q[j]
                if lam <= 1e-9:
                    continue
                abar = max(s for _, s in cover)
                inside = {i for i, _ in cover}
                lhs = sum(x_value[j][i] + max(s - lam, 0) * (1 - y_value[i]) for i, s in cover)
                rhs = q[j]
                extra = []
                for i, s in held:
                    if i in inside or s > abar or abar <= lam:
                        continue
                    if x_value[j][i] > (abar - lam) * y_value[i] + 1e-12:
                        extra.append(i)
                        lhs += x_value[j][i]
                        rhs += (abar - lam) * y_value[i]
                if lhs - rhs > 1e-6 and (best is None or lhs - rhs > best[0]):
                    best = (lhs - rhs, cover, lam, abar, extra)
        if best:
            _, cover, lam, abar, extra = best
            # As a >= row: sum_C (a - lam)^+ y + sum_L (abar - lam) y - sum_{C+L} x
            #   >= sum_C (a - lam)^+ - q_j.
            coef, rhs = {}, -q[j]
            for i, s in cover:
                coef[(i, j)] = -1
                if s > lam:
                    coef[i] = s - lam
                    rhs += s - lam
            for i in extra:
                coef[(i, j)] = -1
                coef[i] = abar - lam
            yield coef, rhs


def model(p, integer, options, cuts=None, separate=None, pool=None):
    """The strong formulation of the dumped problem `p` (the engine's pure `Problem`), with the
    rows of `cuts(q, holders)` added (holders[j]: candidate -> stock clipped to the demand), and
    of `separate(q, holders, y, x)` at the LP's solution, round after round while it finds some.
    A row's coefficients are keyed by candidate `i` (y_i) or `(i, j)` (x_ij). With `pool`, the
    cuts HiGHS keeps are appended to it as (lower, upper, [(name, value)])."""
    q = p["demand"]
    total = sum(q)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        h.setOptionValue(key, value)
    y = [h.addVariable(0, 1, c["f"]) for c in p["candidates"]]
    rows = [[] for _ in q]
    holders = [{} for _ in q]
    flows = [{} for _ in q]
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
            flows[j][i] = x
            mine.append(x)
        cap = total if c["cap"] < 0 else min(c["cap"], total)
        if mine and cap < sum(min(s, q[j]) for j, s in c["stock"]):
            h.addConstr(sum(mine) - cap * y[i] <= 0)
    for j, xs in enumerate(rows):
        h.addConstr(sum(xs) == q[j])
    if p["k"] >= 0:
        h.addConstr(sum(y) <= p["k"])
    def var(key):
        return flows[key[1]][key[0]] if isinstance(key, tuple) else y[key]

    for coef, rhs in cuts(q, holders) if cuts else ():
        h.addConstr(sum(v * var(k) for k, v in coef.items()) >= rhs)
    if integer:
        for v in y:
            h.setInteger(v)
    if pool is not None:
        names = {v.index: f"y{i}" for i, v in enumerate(y)}
        names.update({x.index: f"x{i}_{j}" for j, f in enumerate(flows) for i, x in f.items()})

        def keep(event):
            for cut in event.cuts:
                pool.append((*cut.bounds, [(names[k], v) for k, v in zip(cut.idxs, cut.vals)]))

        h.cbMipGetCutPool.subscribe(keep)
    h.minimize()
    for _ in range(30 if separate else 0):
        value = h.getSolution().col_value
        y_value = value[: len(y)]
        x_value = [{i: value[x.index] for i, x in f.items()} for f in flows]
        found = list(separate(q, holders, y_value, x_value))
        if not found:
            break
        for coef, rhs in found:
            h.addConstr(sum(v * var(k) for k, v in coef.items()) >= rhs)
        h.minimize()
    info = h.getInfo()
    return info.mip_dual_bound if integer else info.objective_function_value


def root_gap(p):
    return (p["cost"] - p["root"]) / p["cost"] if p["cost"] > 0 else 0.0


def gaps(p):
    cost = p["cost"]
    values = {
        "root": p["root"],
        "LP": model(p, False, {}),
        "MIR": model(p, False, {}, mir_rows),
        "half": model(p, False, {}, half_rows),
        "KC": model(p, False, {}, separate=knapsack_cover_rows),
        "KCx": model(p, False, {}, separate=knapsack_flow_rows),
        "FC": model(p, False, {}, separate=flow_cover_rows),
        "FC+half": model(p, False, {}, half_rows, separate=flow_cover_rows),
        "cuts": model(p, True, CUTS_ONLY),
        "root+": model(p, True, {"mip_max_nodes": 1}),
    }
    return {k: (cost - v) / cost if cost > 0 else 0.0 for k, v in values.items()}


def print_cut_pool(path):
    """HiGHS's root cuts (`CUTS_ONLY`) for one problem."""
    with open(path) as f:
        p = json.load(f)
    pool = []
    bound = model(p, True, CUTS_ONLY, pool=pool)
    print(f"optimum {p['cost']:.6g}, HiGHS's root bound with its cuts {bound:.6g}")
    seen = set()
    for lower, upper, terms in pool:
        text = " ".join(f"{v:+.3g}*{name}" for name, v in sorted(terms))
        if text not in seen:
            seen.add(text)
            print(f"{lower:.4g} <= {text} <= {upper:.4g}")


def main():
    args = sys.argv[1:]
    if args and args[0] == "--cut-pool":
        print_cut_pool(args[1])
        return
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
    keys = ["root", "LP", "MIR", "half", "KC", "KCx", "FC", "FC+half", "cuts", "root+"]
    print(f"{'problem':<32}" + "".join(f"{k:>9}" for k in keys))
    for name, g in rows:
        print(f"{name:<32}" + "".join(f"{100 * g[k]:>8.2f}%" for k in keys))
    if rows:
        n = len(rows)
        print(f"{'mean of ' + str(n):<32}" + "".join(f"{100 * sum(g[k] for _, g in rows) / n:>8.2f}%" for k in keys))
        above = sum(1 for _, g in rows for k in keys if g[k] < -1e-9)
        if above:
            print(f"INVALID: {above} bounds above the optimum")
        closed = sum(1 for _, g in rows if g["root+"] < 1e-6)
        print(f"closed at HiGHS's root: {closed}/{n}; with cuts alone: {sum(1 for _, g in rows if g['cuts'] < 1e-6)}/{n}")


if __name__ == "__main__":
    main()
