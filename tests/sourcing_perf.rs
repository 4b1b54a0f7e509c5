//! Native timing sanity check of `source` (the criterion benches come later):
//! `cargo test --release --test sourcing_perf -- --ignored --nocapture`.

mod sourcing_common;

use std::time::Instant;

use atsource::sourcing::{source, Profiles, Status};
use sourcing_common::network::{bench_scenario, scenario, Family};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

#[test]
#[ignore]
fn timings() {
    let profiles = Profiles::new();
    println!(
        "{:<12} {:>8} {:>5} {:>10} {:>10} {:>10} {:>8} {:>9} {:>9}",
        "family", "size", "runs", "p50 µs", "p99 µs", "max µs", "optimal", "nodes avg", "nodes max"
    );
    for family in [
        Family::Mixed,
        Family::StoreHeavy,
        Family::BenchMixed,
        Family::BenchStoreHeavy,
    ] {
        for (lines, locations, runs) in [
            (5, 20, 1000),
            (10, 50, 1000),
            (20, 200, 300),
            (40, 1000, 100),
        ] {
            let mut times = Vec::with_capacity(runs);
            let (mut optimal, mut nodes, mut max_nodes, mut complete) = (0, 0u64, 0u64, 0);
            for seed in 0..runs as u64 {
                let sc = match family {
                    Family::Mixed | Family::StoreHeavy => scenario(family, lines, locations, seed),
                    _ => bench_scenario(family, lines, locations, seed),
                };
                // Warm the caches once, then time a second call.
                let _ = source(&sc.network, &sc.inventory, &profiles, &sc.request);
                let t = Instant::now();
                let plan = source(&sc.network, &sc.inventory, &profiles, &sc.request)
                    .expect("valid request");
                times.push(t.elapsed().as_secs_f64() * 1e6);
                optimal += usize::from(plan.optimal);
                complete += usize::from(plan.status == Status::Complete);
                nodes += plan.search_nodes;
                max_nodes = max_nodes.max(plan.search_nodes);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{:<12} {:>8} {:>5} {:>10.1} {:>10.1} {:>10.1} {:>7.1}% {:>9.1} {:>9}   ({complete} complete)",
                format!("{family:?}"),
                format!("{lines}x{locations}"),
                runs,
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                times[times.len() - 1],
                100.0 * optimal as f64 / runs as f64,
                nodes as f64 / runs as f64,
                max_nodes,
            );
        }
    }
}
