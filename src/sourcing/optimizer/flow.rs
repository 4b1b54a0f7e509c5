//! The cheapest assignment of units to a fixed set of candidates.
//!
//! Unit costs depend on the candidate only, so the load vectors a set can ship form a polymatroid
//! and the greedy is exact: take candidates by increasing unit cost (then rank) and give each as
//! many units as possible without lowering the loads of those before it. Each step is an
//! incremental max-flow: direct units first, then augmenting paths that reroute lines among
//! earlier candidates. Only a candidate that is full and whose capacity binds ("hub") can lie on
//! such a path — one with room left would have taken the units already — so the searches stay
//! small, and most carts (no binding capacity) never search at all.

use super::instance::Instance;

const NONE: u32 = u32::MAX;

/// Reusable state of one assignment.
#[derive(Debug, Clone)]
pub(super) struct Flow {
    /// Units per stock entry (valid for the candidates of the last run).
    x: Box<[u64]>,
    /// Units still wanted per line.
    resid: Box<[u64]>,
    /// Units per candidate (valid for the candidates of the last run).
    load: Box<[u64]>,
    /// Candidate of each stock entry.
    owner: Box<[u32]>,
    /// Hub entries per line, as linked lists.
    head: Box<[u32]>,
    next: Box<[u32]>,
    /// Entry of the current candidate on each line.
    cur: Box<[u32]>,
    line_seen: Box<[u32]>,
    line_par: Box<[u32]>,
    cand_seen: Box<[u32]>,
    cand_par: Box<[u32]>,
    stamp: u32,
    queue: Vec<u32>,
    /// Candidates of the last run, in processing order.
    order: Vec<u32>,
    /// Units of the last run not shipped.
    remaining: u64,
    /// Sort keys of [`Flow::assign`] and [`Flow::used`].
    keys: Vec<u128>,
}

impl Flow {
    /// Workspace sized for `inst`.
    pub fn new(inst: &Instance) -> Self {
        let (m, n, e) = (inst.m(), inst.n(), inst.line.len());
        let mut owner = vec![0u32; e];
        for i in 0..n {
            for k in inst.row(i) {
                owner[k] = i as u32;
            }
        }
        Flow {
            x: vec![0; e].into(),
            resid: vec![0; m].into(),
            load: vec![0; n].into(),
            owner: owner.into(),
            head: vec![NONE; m].into(),
            next: vec![NONE; e].into(),
            cur: vec![NONE; m].into(),
            line_seen: vec![0; m].into(),
            line_par: vec![NONE; m].into(),
            cand_seen: vec![0; n].into(),
            cand_par: vec![NONE; n].into(),
            stamp: 0,
            queue: Vec::new(),
            order: Vec::new(),
            remaining: 0,
            keys: Vec::new(),
        }
    }

    /// Cheapest assignment of `set`; returns the units shipped (the virtual candidate included).
    pub fn assign(&mut self, inst: &Instance, set: &[u32]) -> u64 {
        self.order.clear();
        self.order.extend_from_slice(set);
        // By unit cost, then rank (ranks are unique).
        crate::order::sort_by_wide_key(&mut self.order, &mut self.keys, |i| {
            let i = i as usize;
            u128::from(crate::order::total_order_bits(inst.c[i])) << 64
                | u128::from(inst.rank[i]) << 32
        });
        self.run(inst)
    }

    /// The most units `set` can ship (in any assignment).
    pub fn max_units(&mut self, inst: &Instance, set: &[u32]) -> u64 {
        self.order.clear();
        self.order.extend_from_slice(set);
        self.run(inst)
    }

    fn run(&mut self, inst: &Instance) -> u64 {
        self.resid.copy_from_slice(&inst.q);
        self.head.fill(NONE);
        self.remaining = inst.total;
        for &i in &self.order {
            self.load[i as usize] = 0;
            for e in inst.row(i as usize) {
                self.x[e] = 0;
            }
        }
        let mut hubs = false;
        for p in 0..self.order.len() {
            let i = self.order[p] as usize;
            if self.remaining == 0 {
                break;
            }
            let mut room = inst.cap[i];
            for e in inst.row(i) {
                let j = inst.line[e] as usize;
                let t = inst.qty[e].min(self.resid[j]).min(room);
                self.x[e] = t;
                self.resid[j] -= t;
                room -= t;
            }
            let direct = inst.cap[i] - room;
            self.load[i] = direct;
            self.remaining -= direct;
            if hubs && room > 0 && self.remaining > 0 {
                self.augment_into(inst, i);
            }
            if inst.binding[i] && self.load[i] == inst.cap[i] {
                hubs = true;
                for e in inst.row(i) {
                    let j = inst.line[e] as usize;
                    self.next[e] = self.head[j];
                    self.head[j] = e as u32;
                }
            }
        }
        inst.total - self.remaining
    }

    /// Augments flow into candidate `i` along paths through hubs until none is left.
    fn augment_into(&mut self, inst: &Instance, i: usize) {
        for e in inst.row(i) {
            self.cur[inst.line[e] as usize] = e as u32;
        }
        while self.load[i] < inst.cap[i] && self.remaining > 0 {
            let Some(j) = self.search(inst) else { break };
            let ce = self.cur[j] as usize;
            let mut delta = (inst.cap[i] - self.load[i]).min(inst.qty[ce] - self.x[ce]);
            let mut l = j;
            loop {
                let back = self.line_par[l];
                if back == NONE {
                    delta = delta.min(self.resid[l]);
                    break;
                }
                let (b, a) = (back as usize, self.owner[back as usize] as usize);
                let f = self.cand_par[a] as usize;
                delta = delta.min(self.x[b]).min(inst.qty[f] - self.x[f]);
                l = inst.line[f] as usize;
            }
            self.x[ce] += delta;
            self.load[i] += delta;
            self.remaining -= delta;
            let mut l = j;
            loop {
                let back = self.line_par[l];
                if back == NONE {
                    self.resid[l] -= delta;
                    break;
                }
                let (b, a) = (back as usize, self.owner[back as usize] as usize);
                let f = self.cand_par[a] as usize;
                self.x[b] -= delta;
                self.x[f] += delta;
                l = inst.line[f] as usize;
            }
        }
        for e in inst.row(i) {
            self.cur[inst.line[e] as usize] = NONE;
        }
    }

    /// Breadth-first search from the lines still wanted, through hubs, to a line the current
    /// candidate can take more of. Returns that line.
    fn search(&mut self, inst: &Instance) -> Option<usize> {
        let stamp = self.next_stamp();
        self.queue.clear();
        for (j, &r) in self.resid.iter().enumerate() {
            if r > 0 {
                self.line_seen[j] = stamp;
                self.line_par[j] = NONE;
                self.queue.push(j as u32);
            }
        }
        let mut head = 0;
        while head < self.queue.len() {
            let j = self.queue[head] as usize;
            head += 1;
            let ce = self.cur[j];
            if ce != NONE && self.x[ce as usize] < inst.qty[ce as usize] {
                return Some(j);
            }
            let mut e = self.head[j];
            while e != NONE {
                let eu = e as usize;
                let a = self.owner[eu] as usize;
                if self.x[eu] < inst.qty[eu] && self.cand_seen[a] != stamp {
                    self.cand_seen[a] = stamp;
                    self.cand_par[a] = e;
                    for b in inst.row(a) {
                        let l = inst.line[b] as usize;
                        if self.x[b] > 0 && self.line_seen[l] != stamp {
                            self.line_seen[l] = stamp;
                            self.line_par[l] = b as u32;
                            self.queue.push(l as u32);
                        }
                    }
                }
                e = self.next[eu];
            }
        }
        None
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.line_seen.fill(0);
            self.cand_seen.fill(0);
            self.stamp = 1;
        }
        self.stamp
    }

    /// After a run: the lines from which more units could still be routed (reachable from the
    /// unmet demand through hubs). A candidate outside the last set can add at most its stock on
    /// these lines.
    pub fn reachable_lines(&mut self, inst: &Instance, out: &mut Vec<bool>) {
        // Outside `augment_into` no line has a current entry: the search visits every reachable
        // line and finds no target.
        let _ = self.search(inst);
        out.clear();
        out.resize(inst.m(), false);
        for &j in &self.queue {
            out[j as usize] = true;
        }
    }

    /// Units of the last run not shipped.
    #[inline(always)]
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Units of line `j` the last run left unshipped.
    #[inline(always)]
    pub fn resid(&self, j: usize) -> u64 {
        self.resid[j]
    }

    /// Units shipped by candidate `i` in the last run (`i` must belong to it).
    #[inline(always)]
    pub fn load(&self, i: usize) -> u64 {
        self.load[i]
    }

    /// Units of stock entry `e` in the last run (`e` must belong to one of its candidates).
    #[inline(always)]
    pub fn units(&self, e: usize) -> u64 {
        self.x[e]
    }

    /// Real candidates that ship in the last run, by rank, and the plan's cost.
    pub fn used(&mut self, inst: &Instance, out: &mut Vec<u32>) -> f64 {
        out.clear();
        out.extend(
            self.order
                .iter()
                .copied()
                .filter(|&i| self.load[i as usize] > 0 && inst.is_real(i as usize)),
        );
        crate::order::sort_by_wide_key(out, &mut self.keys, |i| {
            u128::from(inst.rank[i as usize]) << 32
        });
        out.iter()
            .map(|&i| inst.ship_cost(i as usize, self.load[i as usize]))
            .sum()
    }
}
