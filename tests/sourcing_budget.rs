//! The node budget: a search stopped early says so, and its lower bound is a true bound.

mod sourcing_common;

use atsource::sourcing::optimizer::{solve, Candidate, Problem, Status};
use atsource::sourcing::{source, ProfileRef, Profiles};
use sourcing_common::brute::brute_force;
use sourcing_common::network::{carrier_profile, scenario, Family};
use sourcing_common::random::check_plan;

/// Shallow stock everywhere and similar fixed costs: covering needs several shipments and the
/// bounds are not tight at once.
fn hard(rng: &mut fastrand::Rng) -> Problem {
    let m = 6;
    let candidates = (0..10u32)
        .map(|key| {
            let mut stock = Vec::new();
            for j in 0..m as u32 {
                if rng.f64() < 0.4 {
                    stock.push((j, 1));
                }
            }
            Candidate {
                fixed: 5.0 + rng.f64() * 5.0,
                unit: rng.f64(),
                capacity: None,
                stock,
                key,
            }
        })
        .collect();
    Problem {
        demand: (0..m).map(|_| rng.u64(1..=2)).collect(),
        candidates,
        max_shipments: None,
        allow_partial: false,
        budget: 1,
    }
}

#[test]
fn a_tiny_budget_certifies_a_true_lower_bound() {
    let mut rng = fastrand::Rng::with_seed(99);
    let mut stopped = 0;
    for case in 0..150 {
        let mut p = hard(&mut rng);
        let exact = brute_force(&p);
        let early = solve(&p);
        check_plan(&p, &early);
        assert!(early.lower_bound <= early.cost + 1e-9);
        if exact.status == Status::Complete {
            assert!(
                early.lower_bound <= exact.cost + 1e-9,
                "case {case}: bound {} above the optimum {}",
                early.lower_bound,
                exact.cost
            );
            if early.status == Status::Complete {
                assert!(early.cost >= exact.cost - 1e-9);
            }
        }
        if !early.optimal {
            stopped += 1;
            assert!(early.nodes <= 1);
        }
        p.budget = atsource::sourcing::optimizer::DEFAULT_BUDGET;
        let full = solve(&p);
        assert!(full.optimal);
        assert_eq!(full.status, exact.status);
        assert!((full.cost - exact.cost).abs() <= 1e-9 * exact.cost.max(1.0));
    }
    assert!(stopped >= 10, "only {stopped} searches were cut short");
}

#[test]
fn search_budget_in_a_profile_stops_the_search_and_reports_the_gap() {
    let profiles = Profiles::new();
    let mut cut = 0;
    for seed in 0..6 {
        let mut sc = scenario(Family::StoreHeavy, 20, 200, seed);
        let full = source(&sc.network, &sc.inventory, &profiles, &sc.request).unwrap();
        assert!(full.optimal);
        let mut p = carrier_profile();
        p.search_budget = Some(1.0);
        sc.request.profile = Some(ProfileRef::Inline(Box::new(p)));
        let early = source(&sc.network, &sc.inventory, &profiles, &sc.request).unwrap();
        assert!(early.lower_bound <= full.total_cost + 1e-9);
        assert!(early.total_cost >= full.total_cost - 1e-9 || early.shipments.is_empty());
        if !early.optimal {
            cut += 1;
            // The gap may be 0: cost proven, the tie rule (fewer shipments, then ids) not yet.
            assert!(early.lower_bound <= early.total_cost);
            assert!(early.search_nodes <= 1);
        }
    }
    assert!(
        cut > 0,
        "store-heavy carts of 20 lines need more than one node"
    );
}
