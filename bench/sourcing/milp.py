"""Exact reference optimum of sourcing problems, by HiGHS (highspy), independent of the engine.

Reads {"problems": [...]} (as written by bench/sourcing/instances.mjs `milpProblem`) from the
file given as argv[1] (or stdin) and writes {"results": [...]} to argv[2] (or stdout).

For eligible locations l with fixed cost f_l, unit cost c_l, capacity cap_l, stock s_lk, demand
q_k and at most K shipments:

    minimise   sum_l f_l y_l + sum_lk c_l x_lk
    subject to sum_l x_lk = q_k                 every SKU k
               x_lk <= min(s_lk, q_k) y_l       every l, k with stock
               sum_k x_lk <= cap_l y_l          every l with a binding capacity
               sum_l y_l <= K                   when K is set
               y_l binary, x_lk >= 0

x is left continuous: once y is fixed, the constraints on x are those of a bipartite flow network
(locations -> SKUs, integer capacities), whose matrix is totally unimodular, so the best
continuous x has the same cost as the best integer one and an integral optimal vertex; the MILP
optimum is therefore the optimum over integer plans, with 1 binary per location instead of one
integer per (location, SKU). The problem is solved to optimality (relative gap 0, absolute gap 1e-9 of the cost scale). Each result carries
the status ("complete", "unfulfillable" or "timeout"), the cost of the solution recomputed from
its rounded integer values, the dual bound, the plan and the solve time in seconds.
"""

import json
import sys
import time

import highspy

TIME_LIMIT_S = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0


def solve(problem):
    demand = problem["demand"]
    locs = problem["locations"]
    max_shipments = problem.get("maxShipments")

    # Columns: y_l, then x_lk for the (l, k) with stock. Rows built column by column (CSC).
    cols = []  # (cost, lower, upper, [(row, value)])
    rows = []  # (lower, upper)
    inf = highspy.kHighsInf

    def add_row(lower, upper):
        rows.append((lower, upper))
        return len(rows) - 1

    demand_rows = [add_row(q, q) for q in demand]
    ship_row = add_row(-inf, max_shipments) if max_shipments is not None else None
    x_index = []  # (location index, sku index, column)
    y_cols = []
    scale = 1.0
    for li, loc in enumerate(locs):
        ubs = [min(s, q) if s > 0 else 0 for s, q in zip(loc["stock"], demand)]
        if sum(ubs) == 0 or (loc["capacity"] is not None and loc["capacity"] <= 0):
            continue
        y_entries = []
        y_col = len(cols)
        y_cols.append(y_col)
        cols.append(None)  # y_l, filled below once its entries are known
        cap = loc["capacity"]
        cap_row = add_row(-inf, 0) if cap is not None and cap < sum(ubs) else None
        if ship_row is not None:
            y_entries.append((ship_row, 1.0))
        if cap_row is not None:
            y_entries.append((cap_row, -float(cap)))
        for k, ub in enumerate(ubs):
            if ub == 0:
                continue
            if cap is not None:
                ub = min(ub, cap)
            link = add_row(-inf, 0)
            y_entries.append((link, -float(ub)))
            entries = [(demand_rows[k], 1.0), (link, 1.0)]
            if cap_row is not None:
                entries.append((cap_row, 1.0))
            x_index.append((li, k, len(cols)))
            cols.append((loc["unit"], 0.0, float(ub), entries))
            scale += loc["unit"] * ub
        cols[y_col] = (loc["fixed"], 0.0, 1.0, y_entries)
        scale += loc["fixed"]

    lp = highspy.HighsLp()
    lp.num_col_ = len(cols)
    lp.num_row_ = len(rows)
    lp.col_cost_ = [c[0] for c in cols]
    lp.col_lower_ = [c[1] for c in cols]
    lp.col_upper_ = [c[2] for c in cols]
    lp.row_lower_ = [r[0] for r in rows]
    lp.row_upper_ = [r[1] for r in rows]
    start, index, value = [0], [], []
    for c in cols:
        for r, v in sorted(c[3]):
            index.append(r)
            value.append(v)
        start.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    integral = set(y_cols)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if j in integral else highspy.HighsVarType.kContinuous for j in range(len(cols))
    ]

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-9 * scale)
    h.setOptionValue("time_limit", TIME_LIMIT_S)
    t0 = time.perf_counter()
    h.passModel(lp)
    h.run()
    seconds = time.perf_counter() - t0
    status = h.getModelStatus()
    result = {"id": problem["id"], "seconds": seconds, "model": h.modelStatusToString(status)}
    if status == highspy.HighsModelStatus.kInfeasible:
        result["status"] = "unfulfillable"
        return result
    values = list(h.getSolution().col_value) if len(cols) else []
    has_solution = status == highspy.HighsModelStatus.kOptimal or (
        len(values) == len(cols) and h.getInfo().primal_solution_status == 2
    )
    result["status"] = "complete" if status == highspy.HighsModelStatus.kOptimal else "timeout"
    result["bound"] = h.getInfo().mip_dual_bound
    if not has_solution:
        return result
    # The cost of the solution, recomputed: each location that ships pays its fixed cost once.
    units = {}
    shipped = [0.0] * len(demand)
    for li, k, col in x_index:
        q = values[col]
        if q > 1e-9:
            units.setdefault(li, {})[k] = q
            shipped[k] += q
    assert all(abs(s - q) <= 1e-6 for s, q in zip(shipped, demand)), (problem["id"], shipped, demand)
    assert max_shipments is None or len(units) <= max_shipments
    result["cost"] = sum(locs[li]["fixed"] + locs[li]["unit"] * sum(lines.values()) for li, lines in units.items())
    result["plan"] = {
        locs[li]["id"]: {problem["skus"][k]: round(q, 6) for k, q in lines.items()} for li, lines in units.items()
    }
    return result


def main():
    src = open(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "-" else sys.stdin
    problems = json.load(src)["problems"]
    results = [solve(p) for p in problems]
    out = json.dumps({"highspy": highspy.Highs().version(), "results": results})
    if len(sys.argv) > 2 and sys.argv[2] != "-":
        with open(sys.argv[2], "w") as f:
            f.write(out)
    else:
        sys.stdout.write(out)


if __name__ == "__main__":
    main()
