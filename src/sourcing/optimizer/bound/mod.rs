//! Lagrangian lower bounds.
//!
//! Relaxing "every line gets its units" with multipliers `λ_j >= 0` splits the problem by
//! candidate: candidate `i`, if it ships, is worth `w_i = f_i + min Σ_j (c_i − λ_j) x_ij` over
//! `0 <= x_ij <= s_ij`, `Σ_j x_ij <= U_i` — a continuous knapsack, filled by decreasing `λ_j`.
//! The bound is `Σ_j λ_j q_j + Σ_{forced} w_i + Σ` of the (at most `K` − forced) most negative
//! free `w_i`. Subgradient ascent on `λ` (Polyak steps towards the incumbent) tightens it; any `λ`
//! gives a valid bound, so stopping early is always safe.

use super::instance::Instance;

mod ascent;
mod cuts;
mod relax;

use cuts::TOP;

/// The candidate may ship; the search has not decided yet.
pub(super) const FREE: u8 = 0;
/// The candidate ships (or at least may, at its fixed cost).
pub(super) const IN: u8 = 1;
/// The candidate does not ship.
pub(super) const OUT: u8 = 2;

/// How hard an ascent tries.
#[derive(Debug, Clone, Copy)]
pub(super) struct Schedule {
    /// At most this many evaluations.
    pub steps: usize,
    /// The first step's scale (Polyak's θ).
    pub theta: f64,
    /// θ halves after this many steps without progress.
    pub patience: usize,
    /// The ascent stops once θ is below this.
    pub floor: f64,
    /// Stop early when the bound will clearly not reach the incumbent.
    pub give_up: bool,
    /// Deflect each step by the previous direction.
    pub deflect: bool,
}

/// `f64::min(a, b)`, written out: in the wasm build `f64::min` is a call to the C library's
/// `fmin` (for its NaN handling), in the ascent's innermost loops. The same comparisons as
/// that `fmin`, so the same result in every case, NaN and zeros of either sign included.
#[inline(always)]
fn lesser(a: f64, b: f64) -> f64 {
    if b.is_nan() || a < b {
        a
    } else {
        b
    }
}

/// `f64::max(a, b)`, written out as the wasm build's `fmax` (see [`lesser`]).
#[inline(always)]
fn greater(a: f64, b: f64) -> f64 {
    if a.is_nan() || a < b {
        b
    } else {
        a
    }
}

/// A free candidate `i` of worth `w` and rank `rank` as one integer that orders as `w` by
/// `f64::total_cmp`, then `rank`: selecting the smallest of them is std's selection of integers,
/// compared inline, where a comparison function is a call per comparison in the wasm build.
/// Selection moves elements by the comparisons' outcomes alone, so the order it leaves is the
/// one the comparison function left.
#[inline(always)]
fn by_worth(w: f64, rank: u32, i: u32) -> u128 {
    u128::from(crate::order::total_order_bits(w)) << 64 | u128::from(rank) << 32 | u128::from(i)
}

/// The worth of a [`by_worth`] key.
#[inline(always)]
fn worth_of(key: u128) -> f64 {
    crate::order::from_total_order_bits((key >> 64) as u64)
}

/// Sets `lambda` (`2m` multipliers) to their start: each line's cheapest amortised unit cost
/// `min_i c_i + f_i / U_i` (0 when no candidate holds it), and 0 for the cuts.
fn initial(inst: &Instance, lambda: &mut [f64]) {
    let m = inst.m();
    let (lines, cuts) = lambda.split_at_mut(m);
    lines.fill(f64::INFINITY);
    cuts.fill(0.0);
    for i in 0..inst.n() {
        if !inst.is_real(i) {
            continue;
        }
        let amortised = inst.c[i] + inst.f[i] / inst.cap[i] as f64;
        for e in inst.row(i) {
            let j = inst.line[e] as usize;
            lines[j] = lesser(lines[j], amortised);
        }
    }
    for l in lines {
        if !l.is_finite() {
            *l = 0.0;
        }
    }
}

/// The part of a search node the bound reads.
pub(super) struct NodeView<'a> {
    /// FREE / IN / OUT per candidate.
    pub status: &'a [u8],
    /// Candidates not OUT, in a fixed order.
    pub active: &'a [u32],
    /// How many more real candidates may be opened.
    pub slots: usize,
    /// How many more real candidates must be opened (a valid lower bound on the shipments).
    pub need: usize,
}

/// Multipliers and the relaxation at the best multipliers found.
#[derive(Debug, Clone)]
pub(super) struct Lagrangian {
    /// The multipliers: read as a warm start, left at the best found. The first `m` belong to
    /// the lines' demands, the rest to the cover cuts.
    pub lambda: Box<[f64]>,
    /// Cover cuts: a line that no single active candidate can fill needs at least `need[j]`
    /// of its holders open (0: no cut). Their multipliers follow the lines' in `lambda`.
    need: Box<[f64]>,
    /// True when some line has a cut.
    cuts: bool,
    /// The rows of `lambda` an ascent moves, in order: every line's, then those of the lines
    /// with a cut (the others stay 0).
    rows: Vec<u32>,
    top: Box<[[u64; TOP]]>,
    best: Box<[f64]>,
    /// `w_i` per candidate (valid for the active ones).
    pub w: Box<[f64]>,
    supply: Box<[f64]>,
    /// Free candidates the relaxation opens (in no particular order).
    pub chosen: Vec<u32>,
    /// Free candidates, and how many of them have `w < 0`.
    free: usize,
    negatives: usize,
    /// How many free candidates the relaxation opens: the negatives, at least `need`, at most
    /// `slots`.
    take: usize,
    /// Largest `w` among the chosen.
    pub last_chosen: f64,
    /// Smallest `w` among the free candidates not chosen (`+inf` if none).
    pub first_left: f64,
    /// True when the relaxation's own solution ships exactly the demand: the bound is then exact
    /// for the node.
    pub exact: bool,
    dir: Box<[f64]>,
    /// Free candidates as [`by_worth`] keys.
    buf: Vec<u128>,
    /// Knapsack workspace, as long as the longest row.
    knap: Box<[(f64, u32)]>,
    /// Workspace of [`Lagrangian::core`].
    pick: Vec<u128>,
    order: Vec<u32>,
    /// During an ascent, the relaxation of the best multipliers while a later evaluation is
    /// the current one (swapped in at the end rather than evaluated again).
    saved: Saved,
}

/// The relaxation that an evaluation leaves (see [`Lagrangian::eval`]): what the search reads
/// after an ascent, kept aside for the best multipliers.
#[derive(Debug, Clone, Default)]
struct Saved {
    w: Box<[f64]>,
    supply: Box<[f64]>,
    chosen: Vec<u32>,
    free: usize,
    negatives: usize,
    take: usize,
    last_chosen: f64,
    first_left: f64,
}

impl Lagrangian {
    /// Multipliers started at each line's cheapest amortised unit cost `min_i c_i + f_i / U_i`.
    pub fn new(inst: &Instance) -> Self {
        let (m, n) = (inst.m(), inst.n());
        let mut lambda: Box<[f64]> = vec![0.0; 2 * m].into();
        initial(inst, &mut lambda);
        let rows = lambda.len();
        let longest = (0..n).map(|i| inst.row(i).len()).max().unwrap_or(0);
        Lagrangian {
            best: lambda.clone(),
            lambda,
            need: vec![0.0; m].into(),
            cuts: false,
            rows: {
                let mut rows = Vec::with_capacity(2 * m);
                rows.extend(0..m as u32);
                rows
            },
            top: vec![[0; TOP]; m].into(),
            w: vec![0.0; n].into(),
            supply: vec![0.0; rows].into(),
            chosen: Vec::new(),
            free: 0,
            negatives: 0,
            take: 0,
            last_chosen: 0.0,
            first_left: f64::INFINITY,
            exact: false,
            dir: vec![0.0; rows].into(),
            buf: Vec::new(),
            knap: vec![(0.0, 0); longest].into(),
            pick: Vec::new(),
            order: Vec::new(),
            saved: Saved::default(),
        }
    }

    /// [`Lagrangian::new`] for `inst`, in the vectors of `self`, made for an instance of the
    /// same rows (the same problem under other costs: the shipment-count bound's).
    pub fn renew(mut self, inst: &Instance) -> Self {
        let (m, n) = (inst.m(), inst.n());
        let longest = (0..n).map(|i| inst.row(i).len()).max().unwrap_or(0);
        if self.lambda.len() != 2 * m || self.w.len() != n || self.knap.len() != longest {
            return Lagrangian::new(inst);
        }
        initial(inst, &mut self.lambda);
        self.best.copy_from_slice(&self.lambda);
        self.need.fill(0.0);
        self.cuts = false;
        self.rows.truncate(m);
        self.top.fill([0; TOP]);
        self.w.fill(0.0);
        self.supply.fill(0.0);
        self.chosen.clear();
        (self.free, self.negatives, self.take) = (0, 0, 0);
        (self.last_chosen, self.first_left) = (0.0, f64::INFINITY);
        self.exact = false;
        self.dir.fill(0.0);
        self.knap.fill((0.0, 0));
        self
    }

    /// Exchanges the relaxation in place with the one kept aside (allocated on first use: most
    /// ascents of a small instance stop before they need it).
    fn swap_saved(&mut self) {
        let s = &mut self.saved;
        if s.w.len() != self.w.len() || s.supply.len() != self.supply.len() {
            s.w = vec![0.0; self.w.len()].into();
            s.supply = vec![0.0; self.supply.len()].into();
        }
        std::mem::swap(&mut self.w, &mut s.w);
        std::mem::swap(&mut self.supply, &mut s.supply);
        std::mem::swap(&mut self.chosen, &mut s.chosen);
        std::mem::swap(&mut self.free, &mut s.free);
        std::mem::swap(&mut self.negatives, &mut s.negatives);
        std::mem::swap(&mut self.take, &mut s.take);
        std::mem::swap(&mut self.last_chosen, &mut s.last_chosen);
        std::mem::swap(&mut self.first_left, &mut s.first_left);
    }

    /// The bound (from `value`, the bound at the current multipliers) with free candidate `i`,
    /// which the relaxation does not open, forced to ship.
    pub fn with(&self, value: f64, i: usize, need: usize, slots: usize) -> f64 {
        if slots == 0 {
            return f64::INFINITY;
        }
        let others = self.negatives - usize::from(self.w[i] < 0.0);
        let take = others.max(need.saturating_sub(1)).min(slots - 1);
        let mut v = value + self.w[i];
        if take < self.take {
            v -= self.last_chosen;
        }
        v
    }

    /// The bound with free candidate `i`, which the relaxation opens, forced not to ship.
    pub fn without(&self, value: f64, i: usize, need: usize, slots: usize) -> f64 {
        let others = self.negatives - usize::from(self.w[i] < 0.0);
        if need >= self.free {
            return f64::INFINITY;
        }
        let take = others.max(need).min(slots);
        let mut v = value - self.w[i];
        if take == self.take {
            v += self.first_left;
        }
        v
    }

    /// The bound at the current multipliers, leaving the relaxation (`w`, `chosen`) in place.
    pub fn evaluate(&mut self, inst: &Instance, node: &NodeView) -> f64 {
        self.eval(inst, node)
    }

    /// After an evaluation of `node`: its forced candidates and the `size` free ones with the
    /// smallest `w`, in `node.active` order.
    pub fn core(&mut self, node: &NodeView, size: usize, out: &mut Vec<u32>) {
        self.pick.clear();
        for &i in node.active {
            if node.status[i as usize] != IN {
                // By `w`, then index: the key type [`Lagrangian::eval`] selects too, so that
                // std's selection is instantiated once in the wasm build (with a comparison
                // function, once more).
                self.pick.push(by_worth(self.w[i as usize], 0, i));
            }
        }
        let cut = if self.pick.len() > size {
            self.pick.select_nth_unstable(size);
            worth_of(self.pick[size])
        } else {
            f64::INFINITY
        };
        out.clear();
        let mut taken = 0;
        for &i in node.active {
            let iu = i as usize;
            let keep = node.status[iu] == IN || (self.w[iu] < cut && taken < size);
            if keep {
                taken += usize::from(node.status[iu] != IN);
                out.push(i);
            }
        }
    }

    /// Candidates the relaxation opens, forced ones included.
    pub fn open_set(&mut self, node: &NodeView) -> &[u32] {
        self.order.clear();
        self.order.extend(
            node.active
                .iter()
                .copied()
                .filter(|&i| node.status[i as usize] == IN),
        );
        self.order.extend_from_slice(&self.chosen);
        &self.order
    }
}

#[cfg(test)]
mod tests {
    use super::{greater, lesser};

    #[test]
    fn lesser_and_greater_are_min_and_max() {
        let values = [
            -3.5,
            -1.0,
            0.5,
            2.0,
            7.25,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for a in values {
            for b in values {
                let (min, max) = (a.min(b), a.max(b));
                assert!(
                    lesser(a, b).to_bits() == min.to_bits()
                        || min.is_nan() && lesser(a, b).is_nan()
                );
                assert!(
                    greater(a, b).to_bits() == max.to_bits()
                        || max.is_nan() && greater(a, b).is_nan()
                );
            }
        }
        // Worth keys order as total_cmp, then rank, and give the worth back bit for bit.
        let bits = |x: f64| x.to_bits();
        let mut keys: Vec<(f64, u32)> = values.iter().flat_map(|&w| [(w, 2), (w, 1)]).collect();
        keys.extend([(0.0, 3), (-0.0, 4), (-f64::NAN, 5)]);
        for &(a, ra) in &keys {
            assert_eq!(bits(super::worth_of(super::by_worth(a, ra, 7))), bits(a));
            for &(b, rb) in &keys {
                let want = a.total_cmp(&b).then(ra.cmp(&rb));
                assert_eq!(
                    super::by_worth(a, ra, 7).cmp(&super::by_worth(b, rb, 7)),
                    want
                );
            }
        }
        // Zeros of opposite signs compare equal: as the wasm build's fmin and fmax, the
        // second operand for the smaller, the first for the larger.
        let bits = |x: f64| x.to_bits();
        assert_eq!(bits(lesser(0.0, -0.0)), bits(-0.0));
        assert_eq!(bits(lesser(-0.0, 0.0)), bits(0.0));
        assert_eq!(bits(greater(-0.0, 0.0)), bits(-0.0));
        assert_eq!(bits(greater(0.0, -0.0)), bits(0.0));
    }
}
