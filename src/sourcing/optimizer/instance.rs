//! The problem in solver form: stock merged, clipped to demand and stored row-wise, useless
//! candidates dropped, tie-break ranks assigned, and an optional virtual candidate that absorbs
//! the units a partial plan leaves unshipped.

use super::Problem;

/// Fields are boxed slices rather than vectors: indexing them is then a plain slice access,
/// which the size-optimised build inlines (a `Vec` index is a call there).
/// A preprocessed problem.
#[derive(Debug, Clone)]
pub(super) struct Instance {
    /// Demand per line.
    pub q: Box<[u64]>,
    /// Total demand.
    pub total: u64,
    /// Fixed cost per candidate.
    pub f: Box<[f64]>,
    /// Unit cost per candidate.
    pub c: Box<[f64]>,
    /// Effective capacity: `min(capacity, Σ stock)`, >= 1.
    pub cap: Box<[u64]>,
    /// True when the capacity is below the candidate's total stock (lines compete for it).
    pub binding: Box<[bool]>,
    /// Row starts into `line`/`qty` (length `n + 1`).
    pub start: Box<[usize]>,
    /// Line of each stock entry (rows sorted by line).
    pub line: Box<[u32]>,
    /// Units of each stock entry, in `1..=q[line]`.
    pub qty: Box<[u64]>,
    /// The same, as floats (for the bounds).
    pub qtyf: Box<[f64]>,
    /// `cap` as floats.
    pub capf: Box<[f64]>,
    /// Tie-break rank (order of the caller's keys); the virtual candidate has `u32::MAX`.
    pub rank: Box<[u32]>,
    /// Index into [`Problem::candidates`] (`usize::MAX` for the virtual candidate).
    pub orig: Box<[usize]>,
    /// The virtual candidate, if any: free, not a shipment, not counted in `k`.
    pub dummy: Option<usize>,
    /// At most this many real candidates may ship.
    pub k: usize,
    /// Costs closer than this are equal.
    pub tol: f64,
}

fn cost(x: f64) -> f64 {
    // Callers validate costs; a NaN must not poison comparisons all the same.
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// The vectors of an [`Instance`] while it is built.
struct Builder {
    f: Vec<f64>,
    c: Vec<f64>,
    cap: Vec<u64>,
    binding: Vec<bool>,
    start: Vec<usize>,
    line: Vec<u32>,
    qty: Vec<u64>,
    orig: Vec<usize>,
}

impl Builder {
    /// Room for `n` candidates and `entries` stock entries: no vector grows while it is built.
    fn with_capacity(n: usize, entries: usize) -> Self {
        let mut start = Vec::with_capacity(n + 1);
        start.push(0);
        Builder {
            f: Vec::with_capacity(n),
            c: Vec::with_capacity(n),
            cap: Vec::with_capacity(n),
            binding: Vec::with_capacity(n),
            start,
            line: Vec::with_capacity(entries),
            qty: Vec::with_capacity(entries),
            orig: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, f: f64, c: f64, cap: u64, sum: u64, row: &[(u32, u64)], orig: usize) {
        self.f.push(f);
        self.c.push(c);
        self.cap.push(cap);
        self.binding.push(cap < sum);
        for &(j, s) in row {
            self.line.push(j);
            self.qty.push(s);
        }
        self.start.push(self.line.len());
        self.orig.push(orig);
    }
}

impl Instance {
    /// Preprocesses `p`; `unshipped` adds a virtual candidate that may leave that many units unshipped.
    pub fn new(p: &Problem, unshipped: Option<u64>) -> Self {
        let m = p.demand.len();
        let q = p.demand.clone();
        let total = q.iter().fold(0u64, |a, &b| a.saturating_add(b));
        let n = p.candidates.len();
        let entries: usize = p.candidates.iter().map(|c| c.stock.len()).sum();
        // Room for the virtual candidate only when there is one: a vector whose length is its
        // capacity becomes a boxed slice without a copy.
        let virtual_row = unshipped.is_some_and(|u| u > 0);
        let mut b = Builder::with_capacity(
            n + usize::from(virtual_row),
            entries + if virtual_row { m } else { 0 },
        );
        let mut row: Vec<(u32, u64)> = Vec::with_capacity(m);
        for (idx, cand) in p.candidates.iter().enumerate() {
            row.clear();
            // Rows usually come sorted by line, each line once (`problem::build` fills them
            // line by line): then there is nothing to sort or merge.
            let mut sorted = true;
            let mut last = None;
            for &(j, s) in &cand.stock {
                if (j as usize) < m && s > 0 {
                    sorted &= last.is_none_or(|l| l < j);
                    last = Some(j);
                    row.push((j, s));
                }
            }
            if !sorted {
                // Rare: the crate's shared sort, not one more instantiation of std's.
                crate::order::sort_by_key(&mut row, |e| e.0);
                row.dedup_by(|later, first| {
                    if later.0 == first.0 {
                        first.1 = first.1.saturating_add(later.1);
                        true
                    } else {
                        false
                    }
                });
            }
            let mut sum = 0u64;
            for e in row.iter_mut() {
                e.1 = e.1.min(q[e.0 as usize]);
                sum = sum.saturating_add(e.1);
            }
            let cap = cand.capacity.unwrap_or(u64::MAX).min(sum);
            if cap == 0 {
                continue;
            }
            b.push(cost(cand.fixed), cost(cand.unit), cap, sum, &row, idx);
        }
        let real = b.f.len();
        // Ranks: candidates by (key, index in the problem), as one integer each, sorted by std's
        // integer sort (a sort with a key function is a call per comparison in the wasm build);
        // the low 32 bits carry the candidate (a network's locations are counted in u32).
        let mut order: Vec<u128> = (0..real)
            .map(|i| {
                let o = b.orig[i];
                let key = p.candidates.get(o).map_or(u32::MAX, |c| c.key);
                u128::from(key) << 96 | (o as u128) << 32 | i as u128
            })
            .collect();
        order.sort_unstable();
        let mut rank = vec![0u32; real];
        for (r, &e) in order.iter().enumerate() {
            rank[e as u32 as usize] = r as u32;
        }
        let k = p.max_shipments.map_or(usize::MAX, |k| k as usize).min(real);
        let max_f = b.f.iter().fold(0.0f64, |a, &b| a.max(b));
        let max_c = b.c.iter().fold(0.0f64, |a, &b| a.max(b));
        let scale = 1.0 + max_f * k.min(total as usize) as f64 + total as f64 * max_c;
        let tol = if scale.is_finite() {
            1e-12 * scale
        } else {
            0.0
        };
        let mut dummy = None;
        if let Some(free) = unshipped.filter(|&u| u > 0) {
            let row: Vec<(u32, u64)> = (0..m as u32)
                .map(|j| (j, q[j as usize]))
                .filter(|e| e.1 > 0)
                .collect();
            b.push(0.0, 0.0, free.min(total), total, &row, usize::MAX);
            rank.push(u32::MAX);
            dummy = Some(real);
        }
        Instance {
            q: q.into(),
            total,
            capf: b.cap.iter().map(|&u| u as f64).collect(),
            qtyf: b.qty.iter().map(|&u| u as f64).collect(),
            f: b.f.into(),
            c: b.c.into(),
            cap: b.cap.into(),
            binding: b.binding.into(),
            start: b.start.into(),
            line: b.line.into(),
            qty: b.qty.into(),
            rank: rank.into(),
            orig: b.orig.into(),
            dummy,
            k,
            tol,
        }
    }

    /// `f` run on the same problem where a plan costs its number of shipments: the costs and
    /// the tolerance are swapped in for the call, the rows shared rather than copied.
    pub fn counting<R>(&mut self, f: impl FnOnce(&Instance) -> R) -> R {
        let n = self.n();
        let mut fixed: Box<[f64]> = (0..n)
            .map(|i| if self.is_real(i) { 1.0 } else { 0.0 })
            .collect();
        let mut unit: Box<[f64]> = vec![0.0; n].into();
        let mut tol = 1e-9;
        std::mem::swap(&mut self.f, &mut fixed);
        std::mem::swap(&mut self.c, &mut unit);
        std::mem::swap(&mut self.tol, &mut tol);
        let out = f(self);
        std::mem::swap(&mut self.f, &mut fixed);
        std::mem::swap(&mut self.c, &mut unit);
        std::mem::swap(&mut self.tol, &mut tol);
        out
    }

    /// Number of lines.
    #[inline(always)]
    pub fn m(&self) -> usize {
        self.q.len()
    }

    /// Number of candidates, the virtual one included.
    #[inline(always)]
    pub fn n(&self) -> usize {
        self.f.len()
    }

    /// Stock entries of candidate `i`.
    #[inline(always)]
    pub fn row(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i]..self.start[i + 1]
    }

    /// True for a candidate that is a real location.
    #[inline(always)]
    pub fn is_real(&self, i: usize) -> bool {
        self.dummy != Some(i)
    }

    /// Cost of `units` shipped from `i` (0 when nothing ships).
    pub fn ship_cost(&self, i: usize, units: u64) -> f64 {
        if units == 0 || !self.is_real(i) {
            0.0
        } else {
            self.f[i] + units as f64 * self.c[i]
        }
    }
}
