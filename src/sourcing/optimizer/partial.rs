//! The top level: complete plans first; when none exists, the largest number of units at most `K`
//! candidates can ship, then the cheapest plan shipping that many.

use super::heuristic::Incumbent;
use super::instance::Instance;
use super::search;
use super::{Problem, Shipment, Solution, Status};

/// Nodes of the cost search's first look, when the shipment limit binds (see `solve`).
const QUICK_LOOK: u64 = 64;

/// Solves `p` (see the module documentation of [`super`]), offering the set `start` (indices into
/// `p.candidates`) as a first complete plan. `searched`: the caller already searched `p` for a
/// complete plan and found none, and `Some(true)` when that search proved none exists; the
/// complete search is then not run again, and the partial one has the whole budget.
pub(super) fn solve(p: &Problem, start: &[usize], searched: Option<bool>) -> Solution {
    let mut inst = Instance::new(p, None);
    let mut budget = p.budget.max(1);
    let mut nodes = 0u64;
    let mut inc = Incumbent::new(&inst);
    let all: Vec<u32> = (0..inst.n() as u32).collect();
    let most = inc.flow.max_units(&inst, &all);
    let mut proven_none = most < inst.total || searched == Some(true);
    if !proven_none && searched.is_none() && !start.is_empty() {
        // Candidates dropped by the preprocessing (nothing to ship) are left out.
        let set: Vec<u32> = (0..inst.n())
            .filter(|&i| start.contains(&inst.orig[i]))
            .map(|i| i as u32)
            .collect();
        let _ = inc.offer_and_polish(&inst, &set);
    }
    // The most units at most K candidates ship, when a search found them; a cost search that
    // already finished (see below).
    let mut units_found = None;
    let mut first = None;
    if !proven_none
        && searched.is_none()
        && (2..inst.n()).contains(&inst.k)
        && budget > 4 * QUICK_LOOK
    {
        // With at most K shipments (K >= 2: one is tried exhaustively), the cost search proves
        // that no complete plan exists from its bounds, often at once, but for a cart scattered
        // over many stores only by exhausting the sets: thousands of nodes. So it first has a
        // few nodes; then the units' search asks the question directly, on a quarter of the
        // budget (its best set, when it ships everything, is a first complete plan); then the
        // cost search runs again on what is left.
        let quick = find(&mut inst, &mut inc, QUICK_LOOK.min(budget));
        nodes += quick.2;
        budget = budget.saturating_sub(quick.2).max(1);
        if quick.0 {
            first = Some(quick);
        } else {
            let found = most_units(&inst, &mut inc, budget / 4);
            nodes += found.2;
            budget -= found.2;
            if found.0 == inst.total {
                let _ = inc.offer_and_polish(&inst, &found.3);
            } else if found.1 {
                proven_none = true;
            }
            units_found = Some(found);
        }
    }
    if !proven_none && searched.is_none() {
        let (finished, lower_bound, used) = match first {
            Some(quick) => (quick.0, quick.1, 0),
            None => find(&mut inst, &mut inc, budget),
        };
        nodes += used;
        budget = budget.saturating_sub(used);
        if inc.best.is_none() && !finished && inst.k < inst.n() && units_found.is_none() {
            // The budget ran out before any complete plan showed up, the shipment limit in the
            // way of the cost greedy: the units' greedy (no search) may still find one, unless
            // the units' search above (which starts with it) already ran.
            let (units, _, _, set) = most_units(&inst, &mut inc, 0);
            if units == inst.total {
                let _ = inc.offer_and_polish(&inst, &set);
            }
        }
        if inc.best.is_some() {
            return finish(
                &inst,
                &mut inc,
                Status::Complete,
                finished,
                lower_bound,
                nodes,
            );
        }
        proven_none = finished;
    }
    if !p.allow_partial || most == 0 {
        return unfulfillable(&inst, proven_none, nodes);
    }
    let (units, proven_units, used, shipping) = match units_found {
        _ if inst.k >= inst.n() => (most, true, 0, all),
        // Proven by the units' search above: not searched again.
        Some((units, true, _, set)) => (units, true, 0, set),
        _ => most_units(&inst, &mut inc, budget),
    };
    nodes += used;
    budget = budget.saturating_sub(used);
    // The most units proven short of the demand: no complete plan exists, whatever the cost
    // search found out (after `solve_partial`'s caller ran out of budget, say).
    proven_none |= proven_units && units < inst.total;
    if units == 0 {
        return unfulfillable(&inst, proven_none && proven_units, nodes);
    }
    let mut with_gap = Instance::new(p, Some(inst.total - units));
    let mut inc = Incumbent::new(&with_gap);
    // The set that ships `units` is a first plan: however soon the budget runs out, the answer
    // ships that many. Both instances list the real candidates alike; the virtual one comes last.
    let _ = inc.offer_and_polish(&with_gap, &shipping);
    let (finished, lower_bound, used) = find(&mut with_gap, &mut inc, budget.max(1));
    nodes += used;
    if inc.best.is_none() {
        return unfulfillable(&inst, false, nodes);
    }
    if units == inst.total {
        // The complete search ran out of budget before finding what the units' search found: a
        // complete plan after all (no virtual candidate), and this search was over complete plans.
        return finish(
            &with_gap,
            &mut inc,
            Status::Complete,
            finished,
            lower_bound,
            nodes,
        );
    }
    let proven = proven_none && proven_units && finished;
    finish(
        &with_gap,
        &mut inc,
        Status::Partial,
        proven,
        lower_bound,
        nodes,
    )
}

/// Greedy, then (unless one shipment at most is allowed, where trying every candidate alone is
/// exhaustive) the search. Returns (finished, lower bound, nodes).
fn find(inst: &mut Instance, inc: &mut Incumbent, budget: u64) -> (bool, f64, u64) {
    inc.greedy(inst);
    if inst.k <= 1 {
        let lb = inc.ub().unwrap_or(f64::INFINITY);
        return (true, lb, 0);
    }
    let (least, spare) =
        search::fewest_shipments_bound(inst, inc.best.as_ref().map(|b| b.keys.len()));
    let out = search::run(inst, inc, budget, least, spare);
    (out.finished, out.lower_bound, out.nodes)
}

fn unfulfillable(inst: &Instance, proven: bool, nodes: u64) -> Solution {
    Solution {
        status: Status::Unfulfillable,
        cost: 0.0,
        lower_bound: 0.0,
        optimal: proven,
        shipments: Vec::new(),
        unfulfilled: inst
            .q
            .iter()
            .enumerate()
            .filter(|e| *e.1 > 0)
            .map(|(j, &q)| (j as u32, q))
            .collect(),
        nodes,
    }
}

fn finish(
    inst: &Instance,
    inc: &mut Incumbent,
    status: Status,
    proven: bool,
    lower_bound: f64,
    nodes: u64,
) -> Solution {
    let mut set = inc.best.as_ref().map(|b| b.set.clone()).unwrap_or_default();
    if let Some(d) = inst.dummy {
        set.push(d as u32);
    }
    inc.flow.assign(inst, &set);
    let mut shipments = Vec::new();
    let mut unfulfilled = Vec::new();
    for &i in &set {
        let i = i as usize;
        let lines: Vec<(u32, u64)> = inst
            .row(i)
            .filter(|&e| inc.flow.units(e) > 0)
            .map(|e| (inst.line[e], inc.flow.units(e)))
            .collect();
        if !inst.is_real(i) {
            unfulfilled = lines;
            continue;
        }
        let units = inc.flow.load(i);
        if units > 0 {
            shipments.push(Shipment {
                candidate: inst.orig[i],
                lines,
                units,
                cost: inst.ship_cost(i, units),
            });
        }
    }
    // The best set was ranked by rank; keep that order.
    let cost = shipments.iter().fold(0.0, |sum: f64, s| sum + s.cost);
    let lower_bound = if proven { cost } else { lower_bound.min(cost) };
    Solution {
        status,
        cost,
        lower_bound,
        optimal: proven,
        shipments,
        unfulfilled,
        nodes,
    }
}

/// The most units at most `K` real candidates can ship: depth-first over sets in decreasing
/// capacity order, bounded by submodularity (a set gains at most the sum of its members' gains,
/// and a candidate gains at most its stock on lines still reachable). Returns (units, proven,
/// nodes, a set shipping that many).
fn most_units(inst: &Instance, inc: &mut Incumbent, budget: u64) -> (u64, bool, u64, Vec<u32>) {
    let mut order: Vec<u32> = (0..inst.n() as u32).collect();
    crate::order::sort_by_key(&mut order, |&i| {
        (
            std::cmp::Reverse(inst.cap[i as usize]),
            inst.rank[i as usize],
        )
    });
    // Greedy first: the candidate adding most units, K times (each pick adds units, so the last
    // set ships the most).
    let mut set: Vec<u32> = Vec::new();
    let mut best = 0u64;
    for _ in 0..inst.k {
        let mut pick: Option<(u64, u32)> = None;
        for &i in &order {
            if set.contains(&i) {
                continue;
            }
            set.push(i);
            let u = inc.flow.max_units(inst, &set);
            set.pop();
            if u > best && pick.is_none_or(|(pu, _)| u > pu) {
                pick = Some((u, i));
            }
        }
        let Some((u, i)) = pick else { break };
        best = u;
        set.push(i);
    }
    let mut dfs = UnitsDfs {
        inst,
        inc,
        order,
        best,
        best_set: set,
        nodes: 0,
        budget,
        stopped: false,
        reach: Vec::new(),
        gains: Vec::new(),
    };
    let mut set = Vec::new();
    dfs.visit(&mut set, 0);
    (dfs.best, !dfs.stopped, dfs.nodes, dfs.best_set)
}

struct UnitsDfs<'a> {
    inst: &'a Instance,
    inc: &'a mut Incumbent,
    order: Vec<u32>,
    best: u64,
    /// A set shipping `best` units.
    best_set: Vec<u32>,
    nodes: u64,
    budget: u64,
    stopped: bool,
    reach: Vec<bool>,
    gains: Vec<u64>,
}

impl UnitsDfs<'_> {
    fn visit(&mut self, set: &mut Vec<u32>, from: usize) {
        let inst = self.inst;
        if self.best == inst.total {
            return;
        }
        if self.nodes >= self.budget {
            self.stopped = true;
            return;
        }
        self.nodes += 1;
        let units = self.inc.flow.max_units(inst, set);
        if units > self.best {
            self.best = units;
            self.best_set.clone_from(set);
        }
        if set.len() >= inst.k || units == inst.total {
            return;
        }
        self.inc.flow.reachable_lines(inst, &mut self.reach);
        let left = inst.total - units;
        let mut gains: Vec<(u64, usize)> = Vec::new();
        for p in from..self.order.len() {
            let i = self.order[p] as usize;
            let mut g = 0u64;
            for e in inst.row(i) {
                if self.reach[inst.line[e] as usize] {
                    g += inst.qty[e];
                }
            }
            let g = g.min(inst.cap[i]).min(left);
            if g > 0 {
                gains.push((g, p));
            }
        }
        self.gains.clear();
        self.gains.extend(gains.iter().map(|g| g.0));
        crate::order::sort_by(&mut self.gains, |a, b| b.cmp(a));
        let room = inst.k - set.len();
        let optimistic: u64 = self.gains.iter().take(room).sum();
        if units + optimistic <= self.best {
            return;
        }
        for (_, p) in gains {
            set.push(self.order[p]);
            self.visit(set, p + 1);
            set.pop();
            if self.stopped || self.best == inst.total {
                return;
            }
        }
    }
}
