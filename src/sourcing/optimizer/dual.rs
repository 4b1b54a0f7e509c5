//! A starting point for the multipliers: a primal-dual ascent in the style of Jain and Vazirani.
//!
//! All lines' multipliers rise together from 0, like a clock. A candidate "pays" from the moment
//! the clock passes its unit cost, at a rate equal to its stock on the lines still rising; it opens
//! when the payments cover its fixed cost. A line stops rising once the open candidates hold its
//! demand. The result is a dual in which fixed costs are shared fairly among the lines that use
//! them — much closer to the optimum than a per-line guess, so the subgradient ascent that follows
//! needs few steps. Any multipliers give a valid bound, so the approximations made here (capacity
//! ignored, `K` ignored) cost quality only, never validity.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::bound::IN;
use super::instance::Instance;

#[derive(PartialEq)]
struct Event {
    time: f64,
    cand: u32,
    /// 0: the clock reaches the candidate's unit cost; otherwise the version of a tight time.
    version: u32,
}

impl Eq for Event {}

impl Ord for Event {
    fn cmp(&self, o: &Self) -> Ordering {
        // Earliest first (BinaryHeap is a max-heap); then by candidate, for determinism.
        o.time
            .total_cmp(&self.time)
            .then(o.cand.cmp(&self.cand))
            .then(o.version.cmp(&self.version))
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Multipliers for the candidates in `active` (statuses in `status`).
pub(super) fn ascent(inst: &Instance, status: &[u8], active: &[u32]) -> Vec<f64> {
    let (m, n) = (inst.m(), inst.n());
    // Holders of each line among the active candidates: (candidate, units).
    let mut count = vec![0usize; m + 1];
    for &i in active {
        for e in inst.row(i as usize) {
            count[inst.line[e] as usize + 1] += 1;
        }
    }
    for j in 0..m {
        count[j + 1] += count[j];
    }
    let mut fill = count.clone();
    let mut holders = vec![(0u32, 0u64); count[m]];
    for &i in active {
        for e in inst.row(i as usize) {
            let j = inst.line[e] as usize;
            holders[fill[j]] = (i, inst.qty[e]);
            fill[j] += 1;
        }
    }
    let mut lambda = vec![0.0f64; m];
    let mut frozen = vec![false; m];
    let mut supply = vec![0u64; m];
    let mut w = vec![0.0f64; n];
    let mut rate = vec![0.0f64; n];
    let mut since = vec![0.0f64; n];
    let mut version = vec![1u32; n];
    let mut open = vec![false; n];
    let mut started = vec![false; n];
    let mut heap = BinaryHeap::new();
    let mut rising = m;
    // Opening a candidate: its stock counts; lines it completes stop rising.
    let mut to_open: Vec<u32> = Vec::new();
    for &i in active {
        let iu = i as usize;
        w[iu] = inst.f[iu];
        if status[iu] == IN {
            to_open.push(i);
        } else {
            heap.push(Event {
                time: inst.c[iu],
                cand: i,
                version: 0,
            });
        }
    }
    let mut t = 0.0f64;
    loop {
        while let Some(i) = to_open.pop() {
            let iu = i as usize;
            if open[iu] {
                continue;
            }
            open[iu] = true;
            for e in inst.row(iu) {
                let j = inst.line[e] as usize;
                if frozen[j] {
                    continue;
                }
                supply[j] = supply[j].saturating_add(inst.qty[e]);
                if supply[j] < inst.q[j] {
                    continue;
                }
                frozen[j] = true;
                rising -= 1;
                lambda[j] = t;
                for &(h, s) in &holders[count[j]..count[j + 1]] {
                    let hu = h as usize;
                    if open[hu] || !started[hu] {
                        continue;
                    }
                    w[hu] -= rate[hu] * (t - since[hu]);
                    since[hu] = t;
                    rate[hu] -= s as f64;
                    version[hu] += 1;
                    if rate[hu] > 1e-12 {
                        heap.push(Event {
                            time: t + w[hu].max(0.0) / rate[hu],
                            cand: h,
                            version: version[hu],
                        });
                    }
                }
            }
        }
        if rising == 0 {
            break;
        }
        let Some(ev) = heap.pop() else { break };
        let iu = ev.cand as usize;
        if open[iu] {
            continue;
        }
        t = ev.time.max(t);
        if ev.version == 0 {
            // The clock passes the unit cost: the candidate starts paying on its rising lines.
            started[iu] = true;
            since[iu] = t;
            rate[iu] = inst
                .row(iu)
                .filter(|&e| !frozen[inst.line[e] as usize])
                .map(|e| inst.qty[e] as f64)
                .sum();
            version[iu] += 1;
            if rate[iu] > 1e-12 {
                heap.push(Event {
                    time: t + w[iu].max(0.0) / rate[iu],
                    cand: ev.cand,
                    version: version[iu],
                });
            }
        } else if ev.version == version[iu] {
            to_open.push(ev.cand);
        }
    }
    for j in 0..m {
        if !frozen[j] {
            lambda[j] = t;
        }
    }
    lambda
}
