//! The packed plan the binding turns into objects (`Plan::packed`) decodes, as
//! `src/wasm/glue.js`'s `unpackPlan` does, into exactly the JSON form of the plan: every status,
//! shipments, unfulfilled lines, strategies and explanations, priced or not.

mod sourcing_common;

use atsource::demo::{self, DemoOptions};
use atsource::network::Network;
use atsource::sourcing::packed::{REASONS, STATUSES};
use atsource::sourcing::{source, Plan, Profile, ProfileRef, Profiles, SourceRequest};
use atsource::Engine;
use serde_json::{json, Map, Value};
use sourcing_common::network::{bench_scenario, scenario, Family};
use sourcing_common::random::demo_lines;

/// A number as JSON holds it: non-finite ones are null.
fn number(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// `unpackPlan`, in Rust: the numbers and text back to the plan's JSON object. The text is cut
/// in UTF-16 code units, as JavaScript's `slice` cuts it.
fn unpack(numbers: &[f64], ids: &[String], text: &str) -> Value {
    let mut n = numbers.iter().copied();
    let mut next = || n.next().expect("packed plan ended early");
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut at = 0;
    let strings: Vec<String> = (0..next() as usize)
        .map(|_| {
            let len = next() as usize;
            at += len;
            String::from_utf16(&units[at - len..at]).unwrap()
        })
        .collect();
    assert_eq!(at, units.len(), "text left over");
    let text = |k: f64| Value::String(strings[k as usize].clone());
    let head: Vec<f64> = (0..7).map(|_| next()).collect();
    let mut plan = Map::new();
    plan.insert("status".into(), json!(STATUSES[head[0] as usize]));
    plan.insert("totalCost".into(), number(head[1]));
    plan.insert("optimal".into(), json!(head[2] == 1.0));
    plan.insert("lowerBound".into(), number(head[3]));
    let lines = |next: &mut dyn FnMut() -> f64| -> Value {
        let count = next() as usize;
        (0..count)
            .map(|_| {
                let sku = text(next());
                json!({ "sku": sku, "qty": next() as u64 })
            })
            .collect()
    };
    let mut shipments = Vec::new();
    for _ in 0..head[6] as usize {
        let location = ids[next() as usize].clone();
        let distance = number(next());
        let cost = number(next());
        shipments.push(json!({
            "location": location, "distanceKm": distance, "cost": cost, "lines": lines(&mut next),
        }));
    }
    plan.insert("shipments".into(), Value::Array(shipments));
    plan.insert("unfulfilled".into(), lines(&mut next));
    if head[5] >= 0.0 {
        plan.insert("strategy".into(), text(head[5]));
    }
    let mut explanations = Vec::new();
    for _ in 0..next() as usize {
        let mut x = Map::new();
        x.insert("location".into(), json!(ids[next() as usize]));
        x.insert("distanceKm".into(), number(next()));
        x.insert("reason".into(), json!(REASONS[next() as usize]));
        x.insert("message".into(), text(next()));
        let by = next();
        if !by.is_nan() {
            x.insert("costlierBy".into(), number(by));
        }
        let exact = next();
        if exact >= 0.0 {
            x.insert("costlierByExact".into(), json!(exact == 1.0));
        }
        explanations.push(Value::Object(x));
    }
    plan.insert("explanations".into(), Value::Array(explanations));
    plan.insert("searchNodes".into(), json!(head[4] as u64));
    assert!(n.next().is_none(), "numbers left over");
    Value::Object(plan)
}

/// Packs `plan` and checks that it decodes to its JSON form, every number bit for bit.
fn check(network: &Network, plan: &Plan) {
    let ids: Vec<String> = network.all().iter().map(|l| l.id.clone()).collect();
    let packed = plan.packed(network);
    let got = unpack(&packed.numbers, &ids, &packed.text);
    assert_eq!(got, serde_json::to_value(plan).unwrap());
}

#[test]
fn demo_carts_decode_to_their_plans() {
    let mut engine = Engine::new();
    let net = demo::load(&mut engine, &DemoOptions::default()).unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut statuses = std::collections::BTreeSet::new();
    for k in 0..60 {
        let lines = demo_lines(
            &mut rng,
            &net.catalogue,
            8,
            if k % 4 == 0 { 400 } else { 3 },
        );
        let profile = match k % 4 {
            0 => json!({ "allowPartial": true, "maxShipments": 2 }),
            1 => json!({ "costPerShipment": 4.9, "costPerKm": 0.02, "maxDistanceKm": 300 }),
            2 => json!({ "maxShipments": 1, "kinds": ["store"] }),
            _ => json!({ "performancePenalty": 20, "explainBudget": 8 }),
        };
        let request = json!({
            "lines": lines,
            "destination": { "lat": 43.0 + 6.0 * rng.f64(), "lon": -1.0 + 8.0 * rng.f64() },
            "profile": profile,
            "priceExplanations": k % 3 != 0,
        });
        let request = SourceRequest::from_json(&request.to_string()).unwrap();
        let plan = engine.source(&request).unwrap();
        statuses.insert(format!("{:?}", plan.status));
        check(engine.network(), &plan);
    }
    assert_eq!(statuses.len(), 3, "{statuses:?}");
}

#[test]
fn random_carts_decode_to_their_plans() {
    let families = [
        Family::Mixed,
        Family::StoreHeavy,
        Family::BenchMixed,
        Family::BenchStoreHeavy,
    ];
    for seed in 0..24u64 {
        let family = families[seed as usize % families.len()];
        let sc = if seed % 2 == 0 {
            scenario(family, 3 + seed as usize % 7, 40, seed)
        } else {
            bench_scenario(family, 5 + seed as usize % 6, 50, seed)
        };
        for budget in [None, Some(3.0)] {
            let mut request = sc.request.clone();
            if let Some(ProfileRef::Inline(p)) = &request.profile {
                request.profile = Some(ProfileRef::Inline(Box::new(Profile {
                    search_budget: budget,
                    explain_budget: Some(8.0),
                    ..(**p).clone()
                })));
            }
            let plan = source(&sc.network, &sc.inventory, &Profiles::new(), &request).unwrap();
            check(&sc.network, &plan);
        }
    }
}

/// The quoted names of the JS array `const NAME = [...]` in glue.js.
fn glue_table(name: &str) -> Vec<String> {
    let glue = std::fs::read_to_string("src/wasm/glue.js").unwrap();
    let start = glue.find(&format!("const {name} = [")).unwrap();
    let body = &glue[start..];
    let body = &body[body.find('[').unwrap() + 1..body.find("];").unwrap()];
    body.split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn glue_names_the_codes_as_the_core_does() {
    assert_eq!(glue_table("STATUSES"), STATUSES);
    assert_eq!(glue_table("REASONS"), REASONS);
}
