//! Writes the JSON of many plans to `$ATSOURCE_GOLDEN` (one per line), to compare two builds'
//! answers bit for bit: `ATSOURCE_GOLDEN=/tmp/a.jsonl cargo test --release --test
//! sourcing_golden -- --ignored`.

mod sourcing_common;

use std::io::Write;

use atsource::demo::{self, DemoOptions};
use atsource::sourcing::{source, ProfileRef, Profiles, SourceRequest};
use atsource::Engine;
use serde_json::json;
use sourcing_common::network::{bench_scenario, scenario, Family};
use sourcing_common::random::demo_lines;

#[test]
#[ignore]
fn golden() {
    let Ok(path) = std::env::var("ATSOURCE_GOLDEN") else {
        return;
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let families = [
        Family::Mixed,
        Family::StoreHeavy,
        Family::BenchMixed,
        Family::BenchStoreHeavy,
    ];
    let sizes = [(5, 20, 30), (10, 50, 20), (20, 200, 6), (40, 1000, 1)];
    for (lines, n, count) in sizes {
        for family in families {
            for seed in 0..count as u64 {
                let sc = if matches!(family, Family::Mixed | Family::StoreHeavy) {
                    scenario(family, lines, n, seed)
                } else {
                    bench_scenario(family, lines, n, seed)
                };
                for variant in 0..4 {
                    let mut request = sc.request.clone();
                    if let Some(ProfileRef::Inline(p)) = &request.profile {
                        let mut p = (**p).clone();
                        match variant {
                            0 => request.price_explanations = Some(false),
                            1 => {}
                            2 => {
                                p.search_budget = Some(200.0);
                                p.max_shipments = Some(2.0);
                                p.allow_partial = Some(true);
                            }
                            _ => {
                                p.max_distance_km = Some(60.0);
                                p.explain_budget = Some(12.0);
                            }
                        }
                        request.profile = Some(ProfileRef::Inline(Box::new(p)));
                    }
                    let plan =
                        source(&sc.network, &sc.inventory, &Profiles::new(), &request).unwrap();
                    writeln!(out, "{}", serde_json::to_string(&plan).unwrap()).unwrap();
                }
            }
        }
    }
    let mut engine = Engine::new();
    let net = demo::load(&mut engine, &DemoOptions::default()).unwrap();
    let mut rng = fastrand::Rng::with_seed(11);
    for k in 0..200 {
        let lines = demo_lines(
            &mut rng,
            &net.catalogue,
            10,
            if k % 5 == 0 { 30 } else { 3 },
        );
        let some: Vec<&str> = net
            .locations
            .iter()
            .step_by(3)
            .map(|l| l.id.as_str())
            .collect();
        let ranked = json!({ some[0]: 1, some[1]: 2, some[2]: 3, some[5]: 2 });
        let profile = match k % 7 {
            5 => json!({ "locations": some, "costPerShipment": 3 }),
            6 => json!({ "ranks": ranked, "costPerRank": 2.5, "costPerShipment": 3 }),
            0 => json!({ "allowPartial": true, "maxShipments": 2 }),
            1 => json!({ "costPerShipment": 4.9, "costPerKm": 0.02, "maxDistanceKm": 300 }),
            2 => json!({ "maxShipments": 1, "kinds": ["store"], "costPerUnitKm": 0.001 }),
            3 => json!({ "strategies": [{ "name": "near", "maxDistanceKm": 40 }],
                         "fallback": { "name": "any", "costPerKm": 0.01 } }),
            _ => json!({ "performancePenalty": 20, "explainBudget": 8 }),
        };
        let request = json!({
            "lines": lines,
            "destination": { "lat": 43.0 + 6.0 * rng.f64(), "lon": -1.0 + 8.0 * rng.f64() },
            "profile": profile,
        });
        let request = SourceRequest::from_json(&request.to_string()).unwrap();
        let plan = engine.source(&request).unwrap();
        writeln!(out, "{}", serde_json::to_string(&plan).unwrap()).unwrap();
    }
}
