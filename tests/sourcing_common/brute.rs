//! An independent exhaustive solver for tiny pure problems: every subset of candidates, each
//! priced by a textbook successive-shortest-path min-cost flow (Bellman-Ford), sharing no code with
//! the optimiser.

use atsource::sourcing::optimizer::{cost_tolerance, Problem, Status};

/// The exhaustive answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Brute {
    pub status: Status,
    pub cost: f64,
    /// Candidate indexes of the best plan, sorted by key.
    pub set: Vec<usize>,
    /// Units shipped.
    pub units: u64,
}

struct Arc {
    to: usize,
    cap: i64,
    cost: f64,
}

/// Min-cost flow of value at most `want` from lines to the sink through the candidates in `set`.
/// Returns (units, cost of the units).
pub fn min_cost_flow(p: &Problem, set: &[usize], want: u64) -> (u64, f64) {
    let m = p.demand.len();
    let (s, t) = (0, 1);
    let line = |j: usize| 2 + j;
    let cand = |k: usize| 2 + m + k;
    let nodes = 2 + m + set.len();
    let mut arcs: Vec<Arc> = Vec::new();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let add = |arcs: &mut Vec<Arc>,
               adj: &mut Vec<Vec<usize>>,
               a: usize,
               b: usize,
               cap: i64,
               cost: f64| {
        adj[a].push(arcs.len());
        arcs.push(Arc { to: b, cap, cost });
        adj[b].push(arcs.len());
        arcs.push(Arc {
            to: a,
            cap: 0,
            cost: -cost,
        });
    };
    for (j, &q) in p.demand.iter().enumerate() {
        add(&mut arcs, &mut adj, s, line(j), q as i64, 0.0);
    }
    for (k, &i) in set.iter().enumerate() {
        let c = &p.candidates[i];
        for &(j, qty) in &c.stock {
            if (j as usize) < m {
                add(
                    &mut arcs,
                    &mut adj,
                    line(j as usize),
                    cand(k),
                    qty.min(1 << 40) as i64,
                    0.0,
                );
            }
        }
        let cap = c.capacity.unwrap_or(1 << 40).min(1 << 40) as i64;
        add(&mut arcs, &mut adj, cand(k), t, cap, c.unit);
    }
    let mut units = 0u64;
    let mut cost = 0.0;
    while units < want {
        let mut dist = vec![f64::INFINITY; nodes];
        let mut via = vec![usize::MAX; nodes];
        dist[s] = 0.0;
        for _ in 0..nodes {
            let mut changed = false;
            for a in 0..nodes {
                if dist[a].is_infinite() {
                    continue;
                }
                for &e in &adj[a] {
                    let arc = &arcs[e];
                    if arc.cap > 0 && dist[a] + arc.cost < dist[arc.to] - 1e-12 {
                        dist[arc.to] = dist[a] + arc.cost;
                        via[arc.to] = e;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if dist[t].is_infinite() {
            break;
        }
        let mut push = (want - units) as i64;
        let mut v = t;
        while v != s {
            let e = via[v];
            push = push.min(arcs[e].cap);
            v = arcs[e ^ 1].to;
        }
        let mut v = t;
        while v != s {
            let e = via[v];
            arcs[e].cap -= push;
            arcs[e ^ 1].cap += push;
            v = arcs[e ^ 1].to;
        }
        units += push as u64;
        cost += push as f64 * dist[t];
    }
    (units, cost)
}

/// Every subset of `0..n` with at most `k` members, the empty one included.
pub fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    fn grow(n: usize, k: usize, from: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(cur.clone());
        if cur.len() == k {
            return;
        }
        for i in from..n {
            cur.push(i);
            grow(n, k, i + 1, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    grow(n, k, 0, &mut Vec::new(), &mut out);
    out
}

/// Every subset of at most `max_shipments` candidates; the contract's objective and tie rule.
pub fn brute_force(p: &Problem) -> Brute {
    let n = p.candidates.len();
    let k = p.max_shipments.map_or(n, |k| (k as usize).min(n));
    assert!(n <= 12 || k <= 3, "brute force is for tiny problems");
    let total: u64 = p.demand.iter().sum();
    let tol = cost_tolerance(p);
    let subsets = subsets(n, k);
    let most = subsets
        .iter()
        .map(|s| min_cost_flow(p, s, total).0)
        .max()
        .unwrap_or(0);
    let empty = Brute {
        status: Status::Unfulfillable,
        cost: 0.0,
        set: Vec::new(),
        units: 0,
    };
    if most == 0 || (most < total && !p.allow_partial) {
        return empty;
    }
    let status = if most == total {
        Status::Complete
    } else {
        Status::Partial
    };
    let mut best: Option<(f64, Vec<u32>, Vec<usize>)> = None;
    for s in &subsets {
        let (units, var) = min_cost_flow(p, s, most);
        if units < most {
            continue;
        }
        let cost = var + s.iter().map(|&i| p.candidates[i].fixed).sum::<f64>();
        let mut keys: Vec<u32> = s.iter().map(|&i| p.candidates[i].key).collect();
        keys.sort_unstable();
        let wins = match &best {
            None => true,
            Some((bc, bk, _)) => {
                if cost < bc - tol {
                    true
                } else if cost > bc + tol {
                    false
                } else if keys.len() != bk.len() {
                    keys.len() < bk.len()
                } else {
                    keys < *bk
                }
            }
        };
        if wins {
            let mut set = s.clone();
            set.sort_by_key(|&i| p.candidates[i].key);
            best = Some((cost, keys, set));
        }
    }
    match best {
        None => empty,
        Some((cost, _, set)) => Brute {
            status,
            cost,
            set,
            units: most,
        },
    }
}

/// Brute force by enumerating integer assignments line by line (for the tiniest problems):
/// an independent check of [`min_cost_flow`] itself. Returns the cheapest variable cost of
/// shipping `want` units from `set`, or `None`.
pub fn enumerate_assignments(p: &Problem, set: &[usize], want: u64) -> Option<f64> {
    #[allow(clippy::too_many_arguments)]
    fn rec(
        p: &Problem,
        set: &[usize],
        j: usize,
        left: &mut Vec<u64>,
        shipped: u64,
        want: u64,
        cost: f64,
        best: &mut Option<f64>,
    ) {
        if j == p.demand.len() {
            if shipped == want && best.is_none_or(|b| cost < b) {
                *best = Some(cost);
            }
            return;
        }
        // Split between 0 and q_j units of line j among the set's candidates.
        let q = p.demand[j];
        let mut split = vec![0u64; set.len()];
        loop {
            let sum: u64 = split.iter().sum();
            if sum <= q && shipped + sum <= want {
                let ok = split.iter().enumerate().all(|(k, &x)| {
                    let stock: u64 = p.candidates[set[k]]
                        .stock
                        .iter()
                        .filter(|e| e.0 as usize == j)
                        .map(|e| e.1)
                        .sum();
                    x <= stock && x <= left[k]
                });
                if ok {
                    let mut c = cost;
                    for (k, &x) in split.iter().enumerate() {
                        left[k] -= x;
                        c += x as f64 * p.candidates[set[k]].unit;
                    }
                    rec(p, set, j + 1, left, shipped + sum, want, c, best);
                    for (k, &x) in split.iter().enumerate() {
                        left[k] += x;
                    }
                }
            }
            // Next split (odometer over 0..=q).
            let mut d = 0;
            loop {
                if d == split.len() {
                    return;
                }
                if split[d] < q {
                    split[d] += 1;
                    break;
                }
                split[d] = 0;
                d += 1;
            }
        }
    }
    let mut left: Vec<u64> = set
        .iter()
        .map(|&i| p.candidates[i].capacity.unwrap_or(u64::MAX / 4))
        .collect();
    let mut best = None;
    rec(p, set, 0, &mut left, 0, want, 0.0, &mut best);
    best
}
