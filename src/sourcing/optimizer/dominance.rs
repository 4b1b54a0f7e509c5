//! Dominance between candidates.
//!
//! Candidate `A` dominates `B` when `A` can take over any load of `B` at no greater cost: at least
//! the stock of `B` on each of its lines, at least its capacity, and `f_A + u c_A <= f_B + u c_B`
//! for every load `1 <= u <= U_B` (checked at both ends). Then a plan shipping from `B` but not
//! from `A` is never the answer: moving `B`'s units to `A` gives a plan no dearer, with as many
//! shipments or fewer — strictly better under the tie rule when `A`'s key comes first, or when it
//! is cheaper by more than the tolerance for every load (then no other pair is kept). So in the
//! answer, `B` ships only if every candidate dominating it ships: the search forces those in with
//! `B`, and rules `B` out as soon as one of them is out.
//!
//! Dominated stores are common (a store holding one or two of the cart's SKUs, near a store that
//! holds them and more); the pairs are found through each `B`'s least-held line, within a bounded
//! number of checks so that large networks pay little.

use super::bound::{FREE, IN, OUT};
use super::instance::Instance;

/// Pair checks allowed per candidate (the search for dominators stops there; fewer pairs are
/// only less pruning).
const CHECKS_PER_CANDIDATE: usize = 48;

/// For each candidate, the candidates that dominate it.
#[derive(Debug, Clone, Default)]
pub(super) struct Dominance {
    start: Box<[u32]>,
    by: Box<[u32]>,
}

/// Outcome of [`Dominance::propagate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Propagated {
    /// Nothing changed.
    Same,
    /// Some candidates changed (forced in or ruled out).
    Changed,
    /// An IN candidate has a dominator that is OUT: the node holds no answer.
    Infeasible,
}

impl Dominance {
    /// Finds dominating pairs among the real candidates of `inst`.
    pub fn new(inst: &Instance) -> Self {
        let (n, m) = (inst.n(), inst.m());
        // Holders of each line, by line.
        let mut count = vec![0u32; m + 1];
        for i in 0..n {
            if inst.is_real(i) {
                for e in inst.row(i) {
                    count[inst.line[e] as usize + 1] += 1;
                }
            }
        }
        for j in 0..m {
            count[j + 1] += count[j];
        }
        let mut fill = count.clone();
        let mut holders = vec![0u32; count[m] as usize];
        for i in 0..n {
            if inst.is_real(i) {
                for e in inst.row(i) {
                    let j = inst.line[e] as usize;
                    holders[fill[j] as usize] = i as u32;
                    fill[j] += 1;
                }
            }
        }
        let mut start = Vec::with_capacity(n + 1);
        let mut by = Vec::new();
        start.push(0u32);
        let mut budget = CHECKS_PER_CANDIDATE * n;
        for b in 0..n {
            if inst.is_real(b) && budget > 0 {
                let rb = inst.row(b);
                let rare = rb
                    .clone()
                    .map(|e| inst.line[e] as usize)
                    .min_by_key(|&j| (count[j + 1] - count[j], j));
                if let Some(j) = rare {
                    for &a in &holders[count[j] as usize..count[j + 1] as usize] {
                        if budget == 0 {
                            break;
                        }
                        budget -= 1;
                        if a as usize != b && dominates(inst, a as usize, b) {
                            by.push(a);
                        }
                    }
                }
            }
            start.push(by.len() as u32);
        }
        Dominance {
            start: start.into(),
            by: by.into(),
        }
    }

    /// True when no pair was found.
    pub fn is_empty(&self) -> bool {
        self.by.is_empty()
    }

    /// Applies "B ships only if its dominators ship" to `status` until nothing changes: an IN
    /// candidate forces its dominators IN, an OUT dominator rules its FREE dominated ones OUT.
    /// `in_real` counts the IN real candidates.
    pub fn propagate(&self, status: &mut [u8], in_real: &mut usize) -> Propagated {
        let mut result = Propagated::Same;
        loop {
            let mut changed = false;
            for b in 0..status.len() {
                let doms = &self.by[self.start[b] as usize..self.start[b + 1] as usize];
                match status[b] {
                    IN => {
                        for &a in doms {
                            match status[a as usize] {
                                OUT => return Propagated::Infeasible,
                                FREE => {
                                    status[a as usize] = IN;
                                    *in_real += 1;
                                    changed = true;
                                }
                                _ => {}
                            }
                        }
                    }
                    FREE if doms.iter().any(|&a| status[a as usize] == OUT) => {
                        status[b] = OUT;
                        changed = true;
                    }
                    _ => {}
                }
            }
            if !changed {
                return result;
            }
            result = Propagated::Changed;
        }
    }
}

/// True when `a` dominates `b` (see the module documentation).
fn dominates(inst: &Instance, a: usize, b: usize) -> bool {
    if inst.cap[a] < inst.cap[b] {
        return false;
    }
    let u = inst.cap[b] as f64;
    let one = (inst.f[b] + inst.c[b]) - (inst.f[a] + inst.c[a]);
    let all = (inst.f[b] + u * inst.c[b]) - (inst.f[a] + u * inst.c[a]);
    let saving = one.min(all);
    if !(saving >= 0.0 && (inst.rank[a] < inst.rank[b] || saving > inst.tol)) {
        return false;
    }
    // Rows are sorted by line: walk `a`'s row alongside `b`'s.
    let ra = inst.row(a);
    let (la, qa) = (&inst.line[ra.clone()], &inst.qty[ra]);
    let mut p = 0;
    for e in inst.row(b) {
        let j = inst.line[e];
        while p < la.len() && la[p] < j {
            p += 1;
        }
        if p == la.len() || la[p] != j || qa[p] < inst.qty[e] {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::{Candidate, Problem};
    use super::*;

    /// Fixed cost, unit cost, capacity, stock, key.
    type Spec<'a> = (f64, f64, Option<u64>, &'a [(u32, u64)], u32);

    fn problem(cands: &[Spec]) -> Problem {
        Problem {
            demand: vec![2, 2],
            candidates: cands
                .iter()
                .map(|&(fixed, unit, capacity, stock, key)| Candidate {
                    fixed,
                    unit,
                    capacity,
                    stock: stock.to_vec(),
                    key,
                })
                .collect(),
            max_shipments: None,
            allow_partial: false,
            budget: 100,
        }
    }

    fn pairs(p: &Problem) -> Vec<(u32, u32)> {
        let inst = Instance::new(p, None);
        let d = Dominance::new(&inst);
        (0..inst.n())
            .flat_map(|b| {
                let s = d.start[b] as usize..d.start[b + 1] as usize;
                d.by[s].iter().map(move |&a| (a, b as u32))
            })
            .collect()
    }

    #[test]
    fn identical_candidates_break_ties_by_key() {
        let p = problem(&[
            (1.0, 1.0, None, &[(0, 2)], 5),
            (1.0, 1.0, None, &[(0, 2)], 3),
        ]);
        // Candidate 1 has the smaller key: it dominates 0, not the other way round.
        assert_eq!(pairs(&p), vec![(1, 0)]);
    }

    #[test]
    fn needs_stock_capacity_and_costs_for_every_load() {
        // 0 holds more lines, 1 fewer: 0 dominates 1 only if no dearer at loads 1 and 2.
        let more: &[(u32, u64)] = &[(0, 2), (1, 2)];
        let less: &[(u32, u64)] = &[(0, 2)];
        assert_eq!(
            pairs(&problem(&[
                (1.0, 1.0, None, more, 9),
                (2.0, 1.0, None, less, 0)
            ])),
            vec![(0, 1)]
        );
        // Cheaper fixed cost but dearer units: at 2 units 0 costs 5 against 4.5.
        assert!(pairs(&problem(&[
            (1.0, 2.0, None, more, 9),
            (2.5, 1.0, None, less, 0)
        ]))
        .is_empty());
        // Too little capacity.
        assert!(pairs(&problem(&[
            (1.0, 1.0, Some(1), more, 9),
            (2.0, 1.0, None, less, 0)
        ]))
        .is_empty());
        // Less stock on the shared line.
        let thin: &[(u32, u64)] = &[(0, 1), (1, 2)];
        assert!(pairs(&problem(&[
            (1.0, 1.0, None, thin, 9),
            (2.0, 1.0, None, less, 0)
        ]))
        .is_empty());
        // As cheap but a later key: a tie the dominated candidate would win.
        assert!(pairs(&problem(&[
            (2.0, 1.0, None, more, 9),
            (2.0, 1.0, None, less, 0)
        ]))
        .is_empty());
    }

    #[test]
    fn propagation_forces_dominators_in_and_dominated_out() {
        let p = problem(&[
            (1.0, 1.0, None, &[(0, 2)], 0),
            (2.0, 1.0, None, &[(0, 2)], 1),
        ]);
        let inst = Instance::new(&p, None);
        let d = Dominance::new(&inst);
        let mut status = [FREE, IN];
        let mut in_real = 1;
        assert_eq!(d.propagate(&mut status, &mut in_real), Propagated::Changed);
        assert_eq!((status, in_real), ([IN, IN], 2));
        let mut status = [OUT, FREE];
        assert_eq!(d.propagate(&mut status, &mut in_real), Propagated::Changed);
        assert_eq!(status, [OUT, OUT]);
        let mut status = [OUT, IN];
        assert_eq!(
            d.propagate(&mut status, &mut in_real),
            Propagated::Infeasible
        );
    }
}
