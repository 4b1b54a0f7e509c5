//! Cover cuts: a line no single active candidate can fill needs several of its holders open.

use super::Lagrangian;
use crate::sourcing::optimizer::instance::Instance;

/// Stocks tracked per line for the cover cuts: a cut asks for at most this many holders.
pub(super) const TOP: usize = 4;

impl Lagrangian {
    /// Sets the cover cuts of the node whose candidates are `active`: for each line, the fewest
    /// holders whose stock reaches the demand (counting at most [`TOP`] of them). Cuts of lines a
    /// single holder can fill are dropped and their multipliers reset.
    pub fn cover_cuts(&mut self, inst: &Instance, active: &[u32]) {
        let m = inst.m();
        for t in &mut self.top {
            *t = [0; TOP];
        }
        for &i in active {
            let iu = i as usize;
            let cap = inst.cap[iu];
            for e in inst.row(iu) {
                let t = &mut self.top[inst.line[e] as usize];
                let mut x = inst.qty[e].min(cap);
                // The list is in decreasing order: no larger than its last, no change.
                if x <= t[TOP - 1] {
                    continue;
                }
                for slot in t.iter_mut() {
                    if x > *slot {
                        std::mem::swap(&mut x, slot);
                    }
                }
            }
        }
        self.cuts = false;
        self.rows.truncate(m);
        for j in 0..m {
            let (mut sum, mut k) = (0u64, 0usize);
            for &x in &self.top[j] {
                if sum >= inst.q[j] || x == 0 {
                    break;
                }
                sum += x;
                k += 1;
            }
            // Not reached within TOP holders: more are needed, TOP at least.
            let need = if sum >= inst.q[j] { k } else { TOP };
            if need >= 2 {
                self.need[j] = need as f64;
                self.cuts = true;
                self.rows.push((m + j) as u32);
            } else {
                self.need[j] = 0.0;
                self.lambda[m + j] = 0.0;
            }
        }
    }
}
