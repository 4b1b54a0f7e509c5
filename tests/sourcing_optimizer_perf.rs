//! Native timings of the optimiser alone, over the wasm benchmark's instance distributions
//! (`bench_scenario`): problem building and `optimizer::solve` timed apart, plus the certified
//! gap under a small budget.
//!
//! `cargo test --release --test sourcing_optimizer_perf -- --ignored --nocapture`
//!
//! Environment: `OPT_PERF_SIZES=5x20,10x50` picks sizes; `OPT_PERF_REF=path` checks every cost
//! against a reference file written by an earlier run (`OPT_PERF_WRITE=path` writes one), so
//! that a faster search can be checked to find the same optima. `OPT_PERF_ORACLE=1` also solves
//! each problem from its own optimum (`solve_from` the optimal plan's candidates) and prints, per
//! family and size, the solve times and nodes of a search that would know the best plan from its
//! first node: what any better heuristic could save at most. `OPT_PERF_DUMP=dir` writes each
//! problem for `bench/sourcing/root_gap.py` (its LP and a MILP solver's root bound).

mod sourcing_common;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Instant;

use atsource::sourcing::optimizer::{self, Problem};
use atsource::sourcing::{problem, source, Profiles};
use sourcing_common::network::{bench_scenario, Family};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

/// The pure problem of a scenario, the time to build it, and the time of a whole `source` call.
fn problem_of(family: Family, lines: usize, n: usize, seed: u64) -> (Problem, f64, f64) {
    let sc = bench_scenario(family, lines, n, seed);
    let profiles = Profiles::new();
    let _ = source(&sc.network, &sc.inventory, &profiles, &sc.request);
    let t = Instant::now();
    let _ = source(&sc.network, &sc.inventory, &profiles, &sc.request);
    let source_us = t.elapsed().as_secs_f64() * 1e6;
    let cart = sc.request.cart().expect("valid cart");
    let strategies = profiles
        .resolve(sc.request.profile.as_ref())
        .expect("valid profile");
    let t = Instant::now();
    let built = problem::build(&sc.network, &sc.inventory, &cart, &strategies[0]);
    let build_us = t.elapsed().as_secs_f64() * 1e6;
    (built.problem, build_us, source_us)
}

/// `solve` once to warm up, then `reps` times: the fastest run in µs, and the last answer.
fn time_solve(reps: usize, solve: impl Fn() -> optimizer::Solution) -> (f64, optimizer::Solution) {
    let mut best = f64::INFINITY;
    let mut sol = solve();
    for _ in 0..reps {
        let t = Instant::now();
        sol = solve();
        best = best.min(t.elapsed().as_secs_f64() * 1e6);
    }
    (best, sol)
}

/// Equal costs, to a relative 1e-9 of `reference`.
fn same_cost(reference: f64, cost: f64) -> bool {
    (reference - cost).abs() <= 1e-9 * (1.0 + reference.abs())
}

/// Writes `p` as JSON for an outside LP/MILP check (bench/.venv has HiGHS).
fn dump(dir: &str, key: &str, p: &Problem, cost: f64, root_bound: f64) {
    let mut out = format!(
        "{{\"cost\":{cost},\"root\":{root_bound},\"k\":{},\"demand\":{:?},\"candidates\":[",
        p.max_shipments.map_or(-1, i64::from),
        p.demand
    );
    for (i, c) in p.candidates.iter().enumerate() {
        let stock: Vec<[u64; 2]> = c.stock.iter().map(|&(j, s)| [u64::from(j), s]).collect();
        let _ = write!(
            out,
            "{}{{\"f\":{},\"c\":{},\"cap\":{},\"stock\":{:?}}}",
            if i > 0 { "," } else { "" },
            c.fixed,
            c.unit,
            c.capacity.map_or(-1, |u| u as i64),
            stock
        );
    }
    out.push_str("]}");
    std::fs::write(format!("{dir}/{key}.json"), out).expect("writable dump");
}

#[test]
#[ignore]
fn optimizer_timings() {
    let sizes: Vec<(usize, usize, u64)> =
        [(5, 20, 300), (10, 50, 300), (20, 200, 60), (40, 1000, 8)]
            .into_iter()
            .filter(|(l, n, _)| {
                std::env::var("OPT_PERF_SIZES")
                    .map_or(true, |s| s.split(',').any(|x| x == format!("{l}x{n}")))
            })
            .collect();
    let reference: HashMap<String, f64> = std::env::var("OPT_PERF_REF")
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|t| {
            t.lines()
                .filter_map(|l| {
                    let (k, v) = l.split_once(' ')?;
                    Some((k.to_string(), v.parse().ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut written = String::new();
    let mut mismatches = 0;
    println!(
        "{:<16} {:>8} {:>5} {:>8} {:>8} {:>9} {:>9} {:>9} {:>8} {:>9} {:>9} {:>10} {:>8}",
        "family",
        "size",
        "runs",
        "source",
        "build",
        "solve p50",
        "solve p99",
        "solve max",
        "optimal",
        "nodes avg",
        "nodes max",
        "b200 max",
        "b200 gap"
    );
    for family in [Family::BenchMixed, Family::BenchStoreHeavy] {
        for &(lines, n, runs) in &sizes {
            let (mut times, mut builds, mut small_times, mut sources) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let (mut optimal, mut nodes, mut max_nodes, mut gap) = (0, 0u64, 0u64, 0.0f64);
            let oracle = std::env::var("OPT_PERF_ORACLE").is_ok();
            let (mut oracle_times, mut oracle_nodes, mut oracle_max) = (Vec::new(), 0u64, 0u64);
            for seed in 1..=runs {
                let (p, build_us, source_us) = problem_of(family, lines, n, seed);
                builds.push(build_us);
                sources.push(source_us);
                let reps = if n >= 1000 { 1 } else { 3 };
                let (t, sol) = time_solve(reps, || optimizer::solve(&p));
                times.push(t);
                if std::env::var("OPT_PERF_VERBOSE").is_ok() {
                    println!(
                        "  {family:?}-{lines}x{n}-{seed} {t:.1} µs, {} nodes",
                        sol.nodes
                    );
                }
                optimal += usize::from(sol.optimal);
                nodes += sol.nodes;
                max_nodes = max_nodes.max(sol.nodes);
                let key = format!("{family:?}-{lines}x{n}-{seed}");
                if oracle {
                    let start: Vec<usize> = sol.shipments.iter().map(|s| s.candidate).collect();
                    let (t, o) = time_solve(reps, || optimizer::solve_from(&p, &start));
                    assert!(same_cost(sol.cost, o.cost));
                    oracle_times.push(t);
                    oracle_nodes += o.nodes;
                    oracle_max = oracle_max.max(o.nodes);
                }
                let _ = writeln!(written, "{key} {}", sol.cost);
                if let Some(&r) = reference.get(&key) {
                    if !same_cost(r, sol.cost) {
                        mismatches += 1;
                        println!(
                            "MISMATCH {key}: reference {r}, now {} (optimal {})",
                            sol.cost, sol.optimal
                        );
                    }
                }
                if let Ok(dir) = std::env::var("OPT_PERF_DUMP") {
                    let root = optimizer::solve(&Problem {
                        budget: 1,
                        ..p.clone()
                    });
                    dump(&dir, &key, &p, sol.cost, root.lower_bound);
                }
                let small = Problem {
                    budget: 200,
                    ..p.clone()
                };
                let (t, s) = time_solve(reps, || optimizer::solve(&small));
                small_times.push(t);
                if std::env::var("OPT_PERF_VERBOSE").is_ok() {
                    println!(
                        "  {key} budget 200: {t:.1} µs, {} nodes, cost +{:.2}%, bound -{:.2}% of the optimum",
                        s.nodes,
                        100.0 * (s.cost - sol.cost) / sol.cost,
                        100.0 * (sol.cost - s.lower_bound) / sol.cost
                    );
                }
                if s.cost > 0.0 {
                    gap = gap.max((s.cost - s.lower_bound) / s.cost);
                }
            }
            times.sort_by(f64::total_cmp);
            builds.sort_by(f64::total_cmp);
            small_times.sort_by(f64::total_cmp);
            sources.sort_by(f64::total_cmp);
            println!(
                "{:<16} {:>8} {:>5} {:>8.1} {:>8.1} {:>9.1} {:>9.1} {:>9.1} {:>7.1}% {:>9.1} {:>9} {:>10.1} {:>7.2}%",
                format!("{family:?}"),
                format!("{lines}x{n}"),
                runs,
                percentile(&sources, 0.5),
                percentile(&builds, 0.5),
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                times[times.len() - 1],
                100.0 * optimal as f64 / runs as f64,
                nodes as f64 / runs as f64,
                max_nodes,
                small_times[small_times.len() - 1],
                100.0 * gap,
            );
            if oracle {
                oracle_times.sort_by(f64::total_cmp);
                println!(
                    "{:<16} {:>8}   from the optimum: solve p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs, nodes avg {:.1}, max {}",
                    "",
                    format!("{lines}x{n}"),
                    percentile(&oracle_times, 0.5),
                    percentile(&oracle_times, 0.99),
                    oracle_times[oracle_times.len() - 1],
                    oracle_nodes as f64 / runs as f64,
                    oracle_max,
                );
            }
        }
    }
    if let Ok(path) = std::env::var("OPT_PERF_WRITE") {
        std::fs::write(path, written).expect("writable reference");
    }
    assert_eq!(mismatches, 0, "costs differ from the reference");
}
