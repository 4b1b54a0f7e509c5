//! Depth-first branch and bound over "candidate ships / does not ship".
//!
//! Each node fixes some candidates IN or OUT. Its Lagrangian bound (warm-started from the parent's
//! multipliers) prunes it when no completion can beat the incumbent — on cost, or, when only a tie
//! on cost is possible, on the shipment count and keys. The relaxation's open set is priced as a
//! candidate plan; reduced costs fix candidates whose forcing would exceed the incumbent; the
//! search branches on the free candidate the relaxation likes best, IN first. One node is one unit
//! of the budget; when it runs out, the smallest bound among the nodes left open is the proven
//! lower bound.

use super::bound::{Lagrangian, NodeView, Schedule, FREE, IN, OUT};
use super::dominance::{Dominance, Propagated};
use super::heuristic::Incumbent;
use super::instance::Instance;

/// The ascent at the root: patient, since every node inherits its multipliers — but under a
/// large budget it gives up once the pace of the last steps shows the incumbent is out of reach
/// (branching then costs less than polishing a bound that cannot prune).
const ROOT: Schedule = Schedule {
    steps: 1000,
    theta: 2.0,
    patience: 8,
    floor: 1e-3,
    give_up: false,
    deflect: true,
};
/// The ascent at every other node, warm-started from its parent.
const NODE: Schedule = Schedule {
    steps: 30,
    theta: 1.0,
    patience: 4,
    floor: 0.004,
    give_up: true,
    deflect: true,
};
/// The ascent of the shipment-count bound.
const COUNT: Schedule = Schedule {
    steps: 200,
    theta: 2.0,
    patience: 10,
    floor: 1e-3,
    give_up: true,
    deflect: true,
};
/// Budgets below this count as small (see `Search::certify`); the default is well above.
const CERTIFY_BELOW: u64 = 2_000;
/// Above this many candidates, the ascent works on a core of the most promising ones.
const CORE: usize = 48;

/// What a search established.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Outcome {
    /// True when the search ran to the end: the incumbent (or its absence) is proven.
    pub finished: bool,
    /// Proven lower bound on the cost of any plan (`+inf` when none exists).
    pub lower_bound: f64,
    /// Nodes explored.
    pub nodes: u64,
}

struct Node {
    status: Box<[u8]>,
    in_real: usize,
    lambda: Box<[f64]>,
    bound: f64,
    fresh: bool,
    /// The parent's core at these multipliers (empty: compute one).
    core: Vec<u32>,
}

struct Search<'a> {
    inst: &'a Instance,
    inc: &'a mut Incumbent,
    lag: Lagrangian,
    active: Vec<u32>,
    supply: Box<[u64]>,
    scratch: Vec<u32>,
    /// Free capacities (`u128`: the integer type the optimiser's other sorts sort, so that std's
    /// sort is instantiated once in the wasm build).
    caps: Vec<u128>,
    chosen: Box<[bool]>,
    core: Vec<u32>,
    visits: u64,
    /// Every plan ships from at least this many real candidates.
    least: usize,
    /// A small budget: the search will likely stop early and certify the smallest open bound,
    /// so the root ascent runs its full course rather than giving up on reaching the incumbent.
    certify: bool,
    /// Dominating pairs: a dominated candidate ships only with its dominators.
    dom: Dominance,
    /// Workspace of the tie rule in `pruned`: forced ranks, free ranks, sort keys.
    ties: (Vec<u32>, Vec<u32>, Vec<u128>),
}

/// Runs the search with at most `budget` nodes, improving `inc`; every plan ships from at
/// least `least` real candidates ([`fewest_shipments_bound`]).
/// `spare`: the bound's vectors of an earlier ascent on the same rows, reused.
pub(super) fn run(
    inst: &Instance,
    inc: &mut Incumbent,
    budget: u64,
    least: usize,
    spare: Option<Lagrangian>,
) -> Outcome {
    let n = inst.n();
    let status = root_status(inst);
    let lag = match spare {
        Some(lag) => lag.renew(inst),
        None => Lagrangian::new(inst),
    };
    let root = Node {
        status: status.into(),
        in_real: 0,
        lambda: lag.lambda.clone(),
        bound: f64::NEG_INFINITY,
        fresh: false,
        core: Vec::new(),
    };
    let mut s = Search {
        inst,
        inc,
        lag,
        active: Vec::new(),
        supply: vec![0; inst.m()].into(),
        scratch: Vec::new(),
        caps: Vec::new(),
        chosen: vec![false; n].into(),
        core: Vec::new(),
        visits: 0,
        least,
        certify: budget < CERTIFY_BELOW,
        dom: Dominance::new(inst),
        ties: (Vec::new(), Vec::new(), Vec::new()),
    };
    let mut stack = vec![root];
    let mut nodes = 0u64;
    let mut dive = true;
    while !stack.is_empty() {
        if nodes >= budget {
            break;
        }
        // Depth first; under a small budget, each dive ends by resuming from the open node of
        // smallest bound instead, which raises the bound certified when the budget runs out.
        if !dive && s.certify {
            let mut at = stack.len() - 1;
            for (k, nd) in stack.iter().enumerate() {
                if nd.bound < stack[at].bound {
                    at = k;
                }
            }
            let last = stack.len() - 1;
            stack.swap(at, last);
        }
        let Some(node) = stack.pop() else { break };
        let before = stack.len();
        nodes += 1;
        s.process(node, nodes == 1, &mut stack);
        dive = stack.len() > before;
    }
    let finished = stack.is_empty();
    let open = stack.iter().fold(f64::INFINITY, |a, nd| a.min(nd.bound));
    let lower_bound = s.inc.ub().map_or(open, |u| u.min(open));
    Outcome {
        finished,
        lower_bound,
        nodes,
    }
}

impl Search<'_> {
    fn process(&mut self, mut node: Node, root: bool, stack: &mut Vec<Node>) {
        let inst = self.inst;
        if node.in_real > inst.k {
            return;
        }
        let mut excluded = false;
        if !self.dom.is_empty() {
            match self.dom.propagate(&mut node.status, &mut node.in_real) {
                Propagated::Infeasible => return,
                Propagated::Changed => {
                    node.fresh = true;
                    excluded = true;
                }
                Propagated::Same => {}
            }
            if node.in_real > inst.k {
                return;
            }
        }
        if node.in_real == inst.k {
            for st in node.status.iter_mut() {
                if *st == FREE {
                    *st = OUT;
                }
            }
        }
        if !root && self.pruned(node.bound, &node) {
            // The incumbent improved since the node was created.
            return;
        }
        self.active.clear();
        self.active
            .extend((0..inst.n() as u32).filter(|&i| node.status[i as usize] != OUT));
        // Only an exclusion can make the lines impossible to cover.
        if (root || !node.fresh || excluded) && !self.can_cover() {
            return;
        }
        if node.fresh {
            self.offer_in(&node.status);
        }
        let slots = inst.k - node.in_real;
        let need = self.least.saturating_sub(node.in_real);
        self.lag.lambda.copy_from_slice(&node.lambda);
        let active = std::mem::take(&mut self.active);
        self.lag.cover_cuts(inst, &active);
        let view = NodeView {
            status: &node.status,
            active: &active,
            slots,
            need,
        };
        // The root's effort grows with the candidates: a large tree repays a tight start.
        let plan = if root {
            Schedule {
                steps: (100 + 2 * active.len()).min(ROOT.steps),
                give_up: !self.certify,
                ..ROOT
            }
        } else {
            NODE
        };
        let ub = self.inc.ub();
        let (value, bound) = if active.len() <= CORE {
            let v = self.lag.ascend(inst, &view, ub, plan);
            (v, v)
        } else {
            // Many candidates: ascend on a core — those the starting multipliers like best,
            // inherited from the parent, which priced them at these very multipliers — then
            // price every candidate once at the multipliers found. Any multipliers give a valid
            // bound, so the core only affects how good it is.
            let mut core = std::mem::take(&mut node.core);
            core.retain(|&i| node.status[i as usize] != OUT);
            let mut first = f64::NEG_INFINITY;
            if core.is_empty() {
                first = self.lag.evaluate(inst, &view);
                self.lag
                    .core(&view, CORE + 4 * self.lag.chosen.len(), &mut core);
            } else {
                for &i in &active {
                    if node.status[i as usize] == IN && !core.contains(&i) {
                        core.push(i);
                    }
                }
            }
            let core_view = NodeView {
                active: &core,
                ..view
            };
            let _ = self.lag.ascend(inst, &core_view, ub, plan);
            let v = self.lag.evaluate(inst, &view);
            self.lag
                .core(&view, CORE + 4 * self.lag.chosen.len(), &mut core);
            self.core = core;
            (v, v.max(first))
        };
        let open: Vec<u32> = self.lag.open_set(&view).to_vec();
        self.active = active;
        let bound = bound.max(node.bound);
        if bound == f64::INFINITY || self.pruned(bound, &node) {
            return;
        }
        // Price the relaxation's open set; completing it greedily when it falls short is
        // dearer, so only now and then.
        self.visits += 1;
        if root || self.visits % 16 == 0 {
            self.inc.complete(inst, &open, &self.active);
        } else {
            let _ = self.inc.offer_and_polish(inst, &open);
        }
        if self.pruned(bound, &node) {
            return;
        }
        let changed = self.fix_by_reduced_cost(value, &mut node);
        if changed && node.in_real > inst.k {
            return;
        }
        let Some(branch) = self.branching_candidate(value, &node, slots, need) else {
            if changed || node.fresh {
                self.offer_in(&node.status);
            }
            return;
        };
        // Children's bounds from this relaxation — of the node as it was before the fixing above
        // (`slots`, `need` from then), a superset of both children: the branch candidate forced
        // either way.
        let (in_bound, out_bound) = if self.lag.chosen.contains(&(branch as u32)) {
            (value, self.lag.without(value, branch, need, slots))
        } else {
            (self.lag.with(value, branch, need, slots), value)
        };
        let mut out = Node {
            status: node.status.clone(),
            in_real: node.in_real,
            lambda: self.lag.lambda.clone(),
            bound: bound.max(out_bound),
            fresh: changed,
            core: self.core.clone(),
        };
        out.status[branch] = OUT;
        node.status[branch] = IN;
        let inn = Node {
            status: node.status,
            in_real: node.in_real + 1,
            lambda: out.lambda.clone(),
            bound: bound.max(in_bound),
            fresh: true,
            core: std::mem::take(&mut self.core),
        };
        if !self.pruned(out.bound, &out) {
            stack.push(out);
        }
        if !self.pruned(inn.bound, &inn) {
            stack.push(inn);
        }
    }

    /// True when the node's candidates can hold every line and every unit (ignoring `K`).
    fn can_cover(&mut self) -> bool {
        let inst = self.inst;
        self.supply.fill(0);
        let mut cap = 0u64;
        for &i in &self.active {
            cap = cap.saturating_add(inst.cap[i as usize]);
            for e in inst.row(i as usize) {
                let j = inst.line[e] as usize;
                self.supply[j] = self.supply[j].saturating_add(inst.qty[e]);
            }
        }
        cap >= inst.total && self.supply.iter().zip(&inst.q).all(|(s, q)| s >= q)
    }

    fn offer_in(&mut self, status: &[u8]) {
        self.scratch.clear();
        self.scratch
            .extend((0..self.inst.n() as u32).filter(|&i| status[i as usize] == IN));
        let set = std::mem::take(&mut self.scratch);
        let _ = self.inc.offer_and_polish(self.inst, &set);
        self.scratch = set;
    }

    /// True when no completion of `node` can beat the incumbent, given a cost bound.
    fn pruned(&mut self, bound: f64, node: &Node) -> bool {
        let inst = self.inst;
        let Some(best) = self.inc.best.as_ref() else {
            return false;
        };
        if bound > best.cost + inst.tol {
            return true;
        }
        if bound < best.cost - inst.tol {
            return false;
        }
        // Only a tie on cost is possible: fewer shipments or smaller keys must be reachable.
        let target = best.keys.len();
        let least = self.fewest_shipments(node);
        if least != target {
            return least > target;
        }
        let Some(best) = self.inc.best.as_ref() else {
            return false;
        };
        // The workspace's vectors, reused from tie to tie.
        let (fixed, free, keys) = (&mut self.ties.0, &mut self.ties.1, &mut self.ties.2);
        fixed.clear();
        fixed.extend(
            (0..inst.n())
                .filter(|&i| node.status[i] == IN && inst.is_real(i))
                .map(|i| inst.rank[i]),
        );
        if fixed.len() > target {
            return true;
        }
        free.clear();
        free.extend(
            (0..inst.n())
                .filter(|&i| node.status[i] == FREE)
                .map(|i| inst.rank[i]),
        );
        // Sorted by value (a key of 0) through the optimiser's one integer sort: this path runs
        // on cost ties only.
        crate::order::sort_by_wide_key(free, keys, |_| 0);
        fixed.extend(free.iter().take(target - fixed.len()));
        crate::order::sort_by_wide_key(fixed, keys, |_| 0);
        fixed.as_slice() >= best.keys.as_slice()
    }

    /// A lower bound on the shipments of any plan in the node: the forced ones, plus enough of
    /// the largest free capacities to carry what the forced ones cannot.
    fn fewest_shipments(&mut self, node: &Node) -> usize {
        let inst = self.inst;
        self.supply.fill(0);
        let mut cap = 0u64;
        for i in 0..inst.n() {
            if node.status[i] != IN {
                continue;
            }
            cap = cap.saturating_add(inst.cap[i]);
            for e in inst.row(i) {
                let j = inst.line[e] as usize;
                self.supply[j] = self.supply[j].saturating_add(inst.qty[e]);
            }
        }
        let mut lines_short = false;
        let mut can = 0u64;
        for (s, &q) in self.supply.iter().zip(&inst.q) {
            lines_short |= *s < q;
            can += (*s).min(q);
        }
        let deficit = inst.total - can.min(cap).min(inst.total);
        if deficit == 0 && !lines_short {
            return node.in_real.max(self.least);
        }
        self.caps.clear();
        self.caps.extend(
            (0..inst.n())
                .filter(|&i| node.status[i] == FREE)
                .map(|i| u128::from(inst.cap[i])),
        );
        self.caps.sort_unstable();
        let mut sum = 0u64;
        let mut extra = 0usize;
        // Largest first.
        for &c in self.caps.iter().rev() {
            if sum >= deficit {
                break;
            }
            sum += c as u64;
            extra += 1;
        }
        if sum < deficit {
            return usize::MAX;
        }
        (node.in_real + extra.max(1)).max(self.least)
    }

    /// Fixes free candidates whose forcing IN (or OUT) provably costs more than the incumbent.
    /// Returns true when some candidate was forced IN.
    fn fix_by_reduced_cost(&mut self, value: f64, node: &mut Node) -> bool {
        let inst = self.inst;
        let Some(ub) = self.inc.ub() else {
            return false;
        };
        let limit = ub + inst.tol;
        let (slots, need) = (
            inst.k - node.in_real,
            self.least.saturating_sub(node.in_real),
        );
        let lag = &self.lag;
        let mut forced_in = false;
        for &i in &lag.chosen {
            self.chosen[i as usize] = true;
        }
        for &i in &lag.chosen {
            let i = i as usize;
            if node.status[i] == FREE && lag.without(value, i, need, slots) > limit {
                node.status[i] = IN;
                node.in_real += 1;
                forced_in = true;
            }
        }
        for &i in &self.active {
            let i = i as usize;
            if node.status[i] == FREE && !self.chosen[i] && lag.with(value, i, need, slots) > limit
            {
                node.status[i] = OUT;
            }
        }
        for &i in &lag.chosen {
            self.chosen[i as usize] = false;
        }
        forced_in
    }

    /// The free candidate to branch on: the relaxation's favourite among those it opens, else the
    /// one closest to being opened.
    fn branching_candidate(
        &self,
        value: f64,
        node: &Node,
        slots: usize,
        need: usize,
    ) -> Option<usize> {
        let status = &node.status;
        let inst = self.inst;
        // Among the candidates the relaxation opens, the one whose exclusion raises the bound most.
        let mut pick: Option<(f64, u32, usize)> = None;
        for &i in &self.lag.chosen {
            let i = i as usize;
            if status[i] != FREE {
                continue;
            }
            let v = self.lag.without(value, i, need, slots);
            if pick.is_none_or(|(pv, pr, _)| v > pv || (v == pv && inst.rank[i] < pr)) {
                pick = Some((v, inst.rank[i], i));
            }
        }
        if let Some((_, _, i)) = pick {
            return Some(i);
        }
        self.active
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| status[i] == FREE)
            .min_by(|&a, &b| {
                self.lag.w[a]
                    .total_cmp(&self.lag.w[b])
                    .then(inst.rank[a].cmp(&inst.rank[b]))
            })
    }
}

/// The root's statuses: every candidate free, the virtual one (partial plans) in.
fn root_status(inst: &Instance) -> Vec<u8> {
    let mut status = vec![FREE; inst.n()];
    if let Some(d) = inst.dummy {
        status[d] = IN;
    }
    status
}

/// A lower bound on the shipments of every plan, given the incumbent's shipment count `known`:
/// the Lagrangian bound of the same problem with every fixed cost 1 and every unit cost 0,
/// rounded up. A lower bound on the shipments strengthens every cost bound (and decides ties); a
/// plan of one shipment already meets the trivial bound: nothing to compute.
/// Also returns the bound's vectors, for the search to reuse.
pub(super) fn fewest_shipments_bound(
    inst: &mut Instance,
    known: Option<usize>,
) -> (usize, Option<Lagrangian>) {
    if known == Some(1) {
        return (1, None);
    }
    inst.counting(|count| {
        let n = count.n();
        let status = root_status(count);
        let active: Vec<u32> = (0..n as u32).collect();
        let view = NodeView {
            status: &status,
            active: &active,
            slots: count.k,
            need: 0,
        };
        let mut lag = Lagrangian::new(count);
        lag.cover_cuts(count, &active);
        // Stop as soon as the rounded bound reaches the incumbent's count: it cannot go higher.
        let target = known.map(|k| k as f64 - 1.0 + 1e-3);
        let lb = lag.ascend(count, &view, target, COUNT);
        let least = if lb.is_finite() && lb > 0.0 {
            (lb - 1e-6).ceil() as usize
        } else {
            0
        };
        (least, Some(lag))
    })
}
