//! The relaxation at given multipliers: each candidate's worth (a continuous knapsack) and
//! the bound, the best `K` of the free candidates opened.

use super::{by_worth, greater, lesser, worth_of, Lagrangian, NodeView, IN};
use crate::sourcing::optimizer::instance::Instance;

/// The pass over candidate `i`'s row that [`Lagrangian::worth`] begins with, at multipliers
/// `lambda` (lines) and `cut` (cover cuts, read when `cuts`): its fixed cost less the cuts it
/// pays, the units of the lines worth more than its unit cost, and their gain (each sum in row
/// order). Inlined at both callers: the optimiser's innermost loop.
#[inline(always)]
fn row_pass(inst: &Instance, i: usize, lambda: &[f64], cut: &[f64], cuts: bool) -> (f64, f64, f64) {
    let ci = inst.c[i];
    let r = inst.row(i);
    let lines = &inst.line[r.clone()];
    let qty = &inst.qtyf[r];
    // Cover cuts pay each open holder of their line, whatever it ships; with cuts, their sum
    // and the knapsack's gain are taken in one pass over the row (two sums, each in row order
    // as apart).
    let mut w = inst.f[i];
    let mut units = 0.0;
    let mut gained = 0.0;
    if cuts {
        for (&j, &s) in lines.iter().zip(qty) {
            w -= cut[j as usize];
            let gain = lambda[j as usize] - ci;
            if gain > 0.0 {
                gained += gain * s;
                units += s;
            }
        }
    } else {
        for (&j, &s) in lines.iter().zip(qty) {
            let gain = lambda[j as usize] - ci;
            if gain > 0.0 {
                gained += gain * s;
                units += s;
            }
        }
    }
    (w, units, gained)
}

impl Lagrangian {
    /// `w_i` at the current multipliers; with `supply`, adds the knapsack's units per line.
    /// Written with slices and hand-rolled loops: the size-optimised build inlines neither
    /// `Vec` methods nor sort closures, and this is the optimiser's innermost loop.
    fn worth(&mut self, inst: &Instance, i: usize, supply: bool) -> f64 {
        let ci = inst.c[i];
        let r = inst.row(i);
        let lines = &inst.line[r.clone()];
        let qty = &inst.qtyf[r];
        let m = self.need.len();
        let (lambda, cut) = self.lambda.split_at(m);
        let (w, units, gained) = row_pass(inst, i, lambda, cut, self.cuts);
        if self.cuts && supply {
            let out = &mut self.supply[m..];
            for &j in lines {
                out[j as usize] += 1.0;
            }
        }
        if units <= inst.capf[i] {
            if supply {
                let out = &mut self.supply[..m];
                for (&j, &s) in lines.iter().zip(qty) {
                    if lambda[j as usize] > ci {
                        out[j as usize] += s;
                    }
                }
            }
            return w - gained;
        }
        // The capacity binds: fill it with the lines worth most (insertion sort by decreasing
        // multiplier, then entry order; rows are short).
        let mut w = w;
        let knap = &mut self.knap;
        let mut len = 0;
        for (k, &j) in lines.iter().enumerate() {
            let l = lambda[j as usize];
            if l > ci {
                let mut p = len;
                while p > 0 && knap[p - 1].0 < l {
                    knap[p] = knap[p - 1];
                    p -= 1;
                }
                knap[p] = (l, k as u32);
                len += 1;
            }
        }
        let mut room = inst.capf[i];
        for &(l, k) in &knap[..len] {
            if room <= 0.0 {
                break;
            }
            let t = lesser(qty[k as usize], room);
            room -= t;
            w -= (l - ci) * t;
            if supply {
                self.supply[lines[k as usize] as usize] += t;
            }
        }
        w
    }

    /// The bound at the current multipliers; fills `w`, `chosen` and `supply`.
    pub(super) fn eval(&mut self, inst: &Instance, node: &NodeView) -> f64 {
        let m = inst.m();
        let mut value: f64 = self.lambda[..m]
            .iter()
            .zip(&inst.q)
            .map(|(l, &q)| l * q as f64)
            .sum::<f64>()
            + self
                .need
                .iter()
                .zip(&self.lambda[m..])
                .map(|(n, mu)| n * mu)
                .sum::<f64>();
        self.buf.clear();
        self.supply.fill(0.0);
        self.first_left = f64::INFINITY;
        // Negatives into `buf`; the rest only counted, unless `need` asks for some of them.
        let mut free = 0usize;
        for &i in node.active {
            let iu = i as usize;
            // A forced candidate's knapsack counts towards the supply: filled in the same pass.
            let forced = node.status[iu] == IN;
            // A free candidate whose capacity does not bind (most of them) is priced here, by
            // the row pass inlined; the others by `worth`, which begins with the same pass.
            let open = if forced {
                None
            } else {
                let (lambda, cut) = self.lambda.split_at(m);
                let (w, units, gained) = row_pass(inst, iu, lambda, cut, self.cuts);
                (units <= inst.capf[iu]).then_some(w - gained)
            };
            let w = match open {
                Some(w) => w,
                None => self.worth(inst, iu, forced),
            };
            self.w[iu] = w;
            if forced {
                value += w;
            } else {
                free += 1;
                if w < 0.0 {
                    self.buf.push(by_worth(w, inst.rank[iu], i));
                } else if w < self.first_left {
                    self.first_left = w;
                }
            }
        }
        self.free = free;
        self.negatives = self.buf.len();
        self.chosen.clear();
        if node.need > node.slots || node.need > self.free {
            self.take = 0;
            return f64::INFINITY;
        }
        self.take = self.negatives.max(node.need).min(node.slots);
        if self.take > self.negatives {
            // Fill up to `need` with the smallest non-negative worths.
            self.first_left = f64::INFINITY;
            for &i in node.active {
                let iu = i as usize;
                if node.status[iu] != IN && self.w[iu] >= 0.0 {
                    self.buf.push(by_worth(self.w[iu], inst.rank[iu], i));
                }
            }
        }
        if self.take < self.buf.len() {
            self.buf.select_nth_unstable(self.take);
            self.first_left = self.buf[self.take..]
                .iter()
                .fold(self.first_left, |a, &e| lesser(a, worth_of(e)));
            self.buf.truncate(self.take);
        }
        self.last_chosen = 0.0;
        for k in 0..self.buf.len() {
            let (w, i) = (worth_of(self.buf[k]), self.buf[k] as u32);
            self.last_chosen = if k == 0 {
                w
            } else {
                greater(self.last_chosen, w)
            };
            value += w;
            self.chosen.push(i);
            self.worth(inst, i as usize, true);
        }
        value
    }
}
