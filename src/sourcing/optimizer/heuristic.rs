//! The incumbent: the best plan found so far, the tie rule that ranks plans, and the greedy that
//! finds a first plan before the search starts.

use super::flow::Flow;
use super::instance::Instance;

/// A plan, as the search ranks it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    /// Total cost.
    pub cost: f64,
    /// Ranks of the real candidates that ship, ascending (their count is the shipment count).
    pub keys: Vec<u32>,
    /// Those candidates, in the same order.
    pub set: Vec<u32>,
}

/// True when a plan costing `cost` that ships from candidates of ranks `keys` (ascending) beats
/// `than`: cheaper beyond the tolerance, else fewer shipments, else smaller keys.
pub(super) fn beats(inst: &Instance, cost: f64, keys: &[u32], than: &Plan) -> bool {
    if cost < than.cost - inst.tol {
        return true;
    }
    if cost > than.cost + inst.tol {
        return false;
    }
    if keys.len() != than.keys.len() {
        return keys.len() < than.keys.len();
    }
    keys < than.keys.as_slice()
}

/// The best plan so far, and the machinery to price candidate sets.
#[derive(Debug, Clone)]
pub(super) struct Incumbent {
    /// The best plan found.
    pub best: Option<Plan>,
    /// Assignment workspace.
    pub flow: Flow,
    set: Vec<u32>,
    used: Vec<u32>,
    keys: Vec<u32>,
}

impl Incumbent {
    /// No plan yet.
    pub fn new(inst: &Instance) -> Self {
        Incumbent {
            best: None,
            flow: Flow::new(inst),
            set: Vec::new(),
            used: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// Cost of the best plan.
    pub fn ub(&self) -> Option<f64> {
        self.best.as_ref().map(|b| b.cost)
    }

    /// Prices `set` (real candidates; the virtual one is added) and keeps it if it beats the best.
    /// Returns `None` when the set cannot ship the demand, else whether it became the best.
    pub fn offer(&mut self, inst: &Instance, set: &[u32]) -> Option<bool> {
        self.set.clear();
        self.set
            .extend(set.iter().copied().filter(|&i| inst.is_real(i as usize)));
        if self.set.len() > inst.k {
            return None;
        }
        if let Some(d) = inst.dummy {
            self.set.push(d as u32);
        }
        if self.flow.assign(inst, &self.set) < inst.total {
            return None;
        }
        let cost = self.flow.used(inst, &mut self.used);
        self.keys.clear();
        self.keys
            .extend(self.used.iter().map(|&i| inst.rank[i as usize]));
        let wins = match &self.best {
            None => true,
            Some(b) => beats(inst, cost, &self.keys, b),
        };
        if wins {
            self.best = Some(Plan {
                cost,
                keys: self.keys.clone(),
                set: self.used.clone(),
            });
        }
        Some(wins)
    }

    /// Offers `set`, and when it wins, tries to drop each of its shipments in turn (most
    /// expensive fixed cost first), keeping every drop that still wins.
    pub fn offer_and_polish(&mut self, inst: &Instance, set: &[u32]) -> Option<bool> {
        let wins = self.offer(inst, set)?;
        if wins {
            self.polish(inst);
        }
        Some(wins)
    }

    fn polish(&mut self, inst: &Instance) {
        let Some(best) = self.best.as_ref() else {
            return;
        };
        let mut current = best.set.clone();
        let mut by_fixed = current.clone();
        crate::order::sort_by(&mut by_fixed, |&a, &b| {
            inst.f[b as usize]
                .total_cmp(&inst.f[a as usize])
                .then(inst.rank[a as usize].cmp(&inst.rank[b as usize]))
        });
        let mut trial = Vec::with_capacity(current.len());
        for drop in by_fixed {
            trial.clear();
            trial.extend(current.iter().copied().filter(|&i| i != drop));
            if self.offer(inst, &trial) == Some(true) {
                current.clone_from(&trial);
            }
        }
    }

    /// Greedy first plans: every single candidate, then a cover built from nothing.
    pub fn greedy(&mut self, inst: &Instance) {
        let mut one = [0u32];
        for i in 0..inst.n() {
            // Without the virtual candidate a lone candidate ships everything only if it holds
            // every line in full (stock is clipped to demand) and has the capacity: no flow needed
            // to rule the others out.
            let alone = inst.dummy.is_some()
                || (inst.row(i).len() == inst.m()
                    && inst.cap[i] >= inst.total
                    && inst
                        .row(i)
                        .all(|e| inst.qty[e] == inst.q[inst.line[e] as usize]));
            if alone && inst.is_real(i) {
                one[0] = i as u32;
                let _ = self.offer(inst, &one);
            }
        }
        let pool: Vec<u32> = (0..inst.n() as u32).collect();
        self.complete(inst, &[], &pool);
    }

    /// Completes `start` into a plan by adding candidates of `pool` by best ratio of cost to units
    /// added, then offers it, polished.
    pub fn complete(&mut self, inst: &Instance, start: &[u32], pool: &[u32]) {
        let mut chosen: Vec<u32> = start
            .iter()
            .copied()
            .filter(|&i| inst.is_real(i as usize))
            .collect();
        let mut set: Vec<u32> = Vec::new();
        let mut reach = Vec::new();
        loop {
            set.clone_from(&chosen);
            if let Some(d) = inst.dummy {
                set.push(d as u32);
            }
            if self.flow.max_units(inst, &set) >= inst.total {
                break;
            }
            if chosen.len() >= inst.k {
                return;
            }
            self.flow.reachable_lines(inst, &mut reach);
            let mut pick: Option<(f64, u32, u32)> = None;
            for &i in pool {
                let iu = i as usize;
                if !inst.is_real(iu) || set.contains(&i) {
                    continue;
                }
                // Units it adds directly; failing that, what rerouting could give it at most.
                let (mut direct, mut rerouted) = (0u64, 0u64);
                for e in inst.row(iu) {
                    let j = inst.line[e] as usize;
                    direct += inst.qty[e].min(self.flow.resid(j));
                    if reach[j] {
                        rerouted += inst.qty[e];
                    }
                }
                let gain = if direct > 0 { direct } else { rerouted };
                let gain = gain.min(inst.cap[iu]).min(self.flow.remaining());
                if gain == 0 {
                    continue;
                }
                let ratio = (inst.f[iu] + inst.c[iu] * gain as f64) / gain as f64;
                if pick.is_none_or(|(r, k, _)| ratio < r || (ratio == r && inst.rank[iu] < k)) {
                    pick = Some((ratio, inst.rank[iu], i));
                }
            }
            let Some((_, _, i)) = pick else { return };
            chosen.push(i);
        }
        let _ = self.offer_and_polish(inst, &chosen);
    }
}
