mod sourcing_common;
use atsource::sourcing::{source, Profiles};
use sourcing_common::network::{scenario, Family};

#[test]
#[ignore]
fn heavy() {
    let profiles = Profiles::new();
    let fam = match std::env::var("FAM").as_deref() { Ok("mixed") => Family::Mixed, _ => Family::StoreHeavy };
    let lines: usize = std::env::var("LINES").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    let locs: usize = std::env::var("LOCS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let runs: u64 = std::env::var("RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let scs: Vec<_> = (0..runs).map(|s| scenario(fam, lines, locs, s)).collect();
    let t = std::time::Instant::now();
    let mut nodes = 0;
    for _ in 0..3 {
        for sc in &scs {
            let plan = source(&sc.network, &sc.inventory, &profiles, &sc.request).unwrap();
            nodes += plan.search_nodes;
        }
    }
    let evals = atsource::sourcing::optimizer::take_evals();
    println!("{:?} per call, nodes {} evals {}", t.elapsed() / (3 * runs as u32), nodes / (3 * runs), evals / (3 * runs));
}

#[test]
#[ignore]
fn gaps() {
    use atsource::sourcing::{optimizer, problem, ProfileRef};
    let fam = match std::env::var("FAM").as_deref() { Ok("mixed") => Family::Mixed, _ => Family::StoreHeavy };
    let lines: usize = std::env::var("LINES").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    let locs: usize = std::env::var("LOCS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let runs: u64 = std::env::var("RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    for seed in 0..runs {
        let sc = scenario(fam, lines, locs, seed);
        let cart = sc.request.cart().unwrap();
        let Some(ProfileRef::Inline(p)) = &sc.request.profile else { panic!() };
        let st = p.strategies("").unwrap();
        let b = problem::build(&sc.network, &sc.inventory, &cart, &st[0]);
        let full = optimizer::solve(&b.problem);
        let mut p1 = b.problem.clone();
        p1.budget = 1;
        let root = optimizer::solve(&p1);
        println!("seed {seed}: cands {} opt {:.3} ({} ships) root lb {:.3} gap {:.2}% ub-after-root {:.3} nodes {}",
            b.problem.candidates.len(), full.cost, full.shipments.len(), root.lower_bound,
            100.0 * (full.cost - root.lower_bound) / full.cost, root.cost, full.nodes);
    }
}

#[test]
#[ignore]
fn with_ub() {
    use atsource::sourcing::{optimizer, problem, ProfileRef};
    let fam = match std::env::var("FAM").as_deref() { Ok("mixed") => Family::Mixed, _ => Family::StoreHeavy };
    let lines: usize = std::env::var("LINES").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    let locs: usize = std::env::var("LOCS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let runs: u64 = std::env::var("RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    for seed in 0..runs {
        let sc = scenario(fam, lines, locs, seed);
        let cart = sc.request.cart().unwrap();
        let Some(ProfileRef::Inline(p)) = &sc.request.profile else { panic!() };
        let st = p.strategies("").unwrap();
        let b = problem::build(&sc.network, &sc.inventory, &cart, &st[0]);
        std::env::remove_var("ATS_UB");
        let t = std::time::Instant::now();
        let full = optimizer::solve(&b.problem);
        let t1 = t.elapsed();
        std::env::set_var("ATS_UB", format!("{}", full.cost));
        let t = std::time::Instant::now();
        let known = optimizer::solve(&b.problem);
        let t2 = t.elapsed();
        println!("seed {seed}: nodes {} ({t1:?}) with opt known: {} ({t2:?})", full.nodes, known.nodes);
    }
}

#[test]
#[ignore]
fn dominance() {
    use atsource::sourcing::{problem, ProfileRef};
    let fam = match std::env::var("FAM").as_deref() { Ok("mixed") => Family::Mixed, _ => Family::StoreHeavy };
    let lines: usize = std::env::var("LINES").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    let locs: usize = std::env::var("LOCS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    for seed in 0..5 {
        let sc = scenario(fam, lines, locs, seed);
        let cart = sc.request.cart().unwrap();
        let Some(ProfileRef::Inline(p)) = &sc.request.profile else { panic!() };
        let st = p.strategies("").unwrap();
        let b = problem::build(&sc.network, &sc.inventory, &cart, &st[0]);
        let c = &b.problem.candidates;
        let dense: Vec<Vec<u64>> = c.iter().map(|x| { let mut v = vec![0; lines]; for &(j, q) in &x.stock { v[j as usize] = q; } v }).collect();
        let cap = |i: usize| c[i].capacity.unwrap_or(u64::MAX).min(dense[i].iter().sum());
        let mut dominated = 0;
        for bi in 0..c.len() {
            if (0..c.len()).any(|a| a != bi && c[a].fixed <= c[bi].fixed && c[a].unit <= c[bi].unit && c[a].capacity.unwrap_or(u64::MAX) >= cap(bi) && (0..lines).all(|j| dense[a][j] >= dense[bi][j]) && (c[a].fixed < c[bi].fixed || c[a].unit < c[bi].unit || a < bi)) {
                dominated += 1;
            }
        }
        println!("seed {seed}: {} candidates, {dominated} dominated", c.len());
    }
}
