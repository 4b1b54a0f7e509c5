//! Random pure problems and the invariants every solution must satisfy.

use atsource::sourcing::optimizer::{Candidate, Problem, Solution, Status, DEFAULT_BUDGET};

/// A random tiny problem (`n <= 8` candidates, `m <= 5` lines). Costs are multiples of 1/4 so
/// that ties are exact; a quarter of the instances have no cost at all (everything ties).
pub fn tiny(rng: &mut fastrand::Rng) -> Problem {
    let n = rng.usize(1..=8);
    let m = rng.usize(1..=5);
    let demand: Vec<u64> = (0..m).map(|_| rng.u64(1..=4)).collect();
    let density = [0.3, 0.5, 0.7, 0.9][rng.usize(0..4)];
    let free = rng.u8(0..4) == 0;
    let uniform = rng.u8(0..5) == 0;
    let mut keys: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut keys);
    let candidates = (0..n)
        .map(|i| {
            let mut stock = Vec::new();
            for j in 0..m as u32 {
                if rng.f64() < density {
                    stock.push((j, rng.u64(1..=5)));
                }
            }
            let (fixed, unit) = if free {
                (0.0, 0.0)
            } else if uniform {
                (4.0, 0.5)
            } else {
                (rng.u32(0..=40) as f64 / 4.0, rng.u32(0..=12) as f64 / 4.0)
            };
            Candidate {
                fixed,
                unit,
                capacity: if rng.bool() {
                    None
                } else {
                    Some(rng.u64(0..=8))
                },
                stock,
                key: keys[i],
            }
        })
        .collect();
    Problem {
        demand,
        candidates,
        max_shipments: if rng.bool() {
            None
        } else {
            Some(rng.u32(1..=4))
        },
        allow_partial: rng.bool(),
        budget: DEFAULT_BUDGET,
    }
}

/// Checks that `s` is a valid plan for `p` and returns the units it ships.
pub fn check_plan(p: &Problem, s: &Solution) -> u64 {
    let m = p.demand.len();
    let mut per_line = vec![0u64; m];
    let mut cost = 0.0;
    let mut seen = Vec::new();
    for sh in &s.shipments {
        assert!(!seen.contains(&sh.candidate), "candidate shipped twice");
        seen.push(sh.candidate);
        let c = &p.candidates[sh.candidate];
        let mut units = 0;
        for &(j, u) in &sh.lines {
            assert!(u > 0);
            let stock: u64 = c.stock.iter().filter(|e| e.0 == j).map(|e| e.1).sum();
            assert!(u <= stock, "exceeds stock");
            per_line[j as usize] += u;
            units += u;
        }
        assert_eq!(units, sh.units);
        assert!(units > 0);
        if let Some(cap) = c.capacity {
            assert!(units <= cap, "exceeds capacity");
        }
        let expect = c.fixed + units as f64 * c.unit;
        assert!((sh.cost - expect).abs() <= 1e-9 * expect.abs().max(1.0));
        cost += sh.cost;
    }
    let keys: Vec<u32> = s
        .shipments
        .iter()
        .map(|sh| p.candidates[sh.candidate].key)
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "shipments not by key");
    if let Some(k) = p.max_shipments {
        assert!(s.shipments.len() <= k as usize, "too many shipments");
    }
    assert!((s.cost - cost).abs() <= 1e-9 * cost.abs().max(1.0));
    let mut missing = vec![0u64; m];
    for &(j, u) in &s.unfulfilled {
        missing[j as usize] += u;
    }
    for j in 0..m {
        assert!(per_line[j] <= p.demand[j], "line over-shipped");
        assert_eq!(
            per_line[j] + missing[j],
            p.demand[j],
            "unfulfilled does not add up"
        );
    }
    let shipped: u64 = per_line.iter().sum();
    match s.status {
        Status::Complete => assert!(s.unfulfilled.is_empty()),
        Status::Partial => assert!(shipped > 0 && !s.unfulfilled.is_empty()),
        Status::Unfulfillable => assert!(s.shipments.is_empty()),
    }
    assert!(s.lower_bound <= s.cost + 1e-9 * s.cost.abs().max(1.0));
    if s.optimal {
        assert_eq!(s.lower_bound, s.cost);
    }
    shipped
}

/// A random medium problem (`n` candidates, few lines, at most 2 or 3 shipments): large enough for
/// the optimiser's core-based bounds, small enough to enumerate every set of 3.
pub fn medium(rng: &mut fastrand::Rng, n: usize) -> Problem {
    let m = rng.usize(2..=4);
    let demand: Vec<u64> = (0..m).map(|_| rng.u64(1..=3)).collect();
    let mut keys: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut keys);
    let candidates = (0..n)
        .map(|i| {
            let mut stock = Vec::new();
            for j in 0..m as u32 {
                if rng.f64() < 0.35 {
                    stock.push((j, rng.u64(1..=3)));
                }
            }
            Candidate {
                fixed: rng.u32(8..=40) as f64 / 4.0,
                unit: rng.u32(0..=8) as f64 / 4.0,
                capacity: if rng.u8(0..3) == 0 {
                    Some(rng.u64(1..=5))
                } else {
                    None
                },
                stock,
                key: keys[i],
            }
        })
        .collect();
    Problem {
        demand,
        candidates,
        max_shipments: Some(rng.u32(2..=3)),
        allow_partial: rng.bool(),
        budget: DEFAULT_BUDGET,
    }
}

/// A random cart of 1 to `max_lines` lines of demo catalogue SKUs, each of 1 to `max_qty` units,
/// as request JSON.
pub fn demo_lines(
    rng: &mut fastrand::Rng,
    catalogue: &[atsource::demo::Product],
    max_lines: usize,
    max_qty: u32,
) -> Vec<serde_json::Value> {
    (0..rng.usize(1..=max_lines))
        .map(|_| {
            let p = &catalogue[rng.usize(..catalogue.len())];
            serde_json::json!({ "sku": p.sku, "qty": rng.u32(1..=max_qty) })
        })
        .collect()
}
