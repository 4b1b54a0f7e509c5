//! Delivery options over the embedded demo network: every offer is consistent with its plan and
//! the calendar, and the call is fast. Timing (release):
//! `cargo test --release --test promise_demo -- --ignored --nocapture`.

use std::collections::BTreeMap;
use std::time::Instant;

use atsource::demo::{self, DemoNetwork, DemoOptions};
use atsource::inventory::Day;
use atsource::promise::{
    self, CollectSource, DeliveryConfig, DeliveryOptions, DeliveryRequest, Weekday,
};
use atsource::sourcing::Status;
use atsource::Engine;
use serde_json::json;

const NOW: &str = "2026-12-01T10:00"; // the demo's today, a Tuesday

const CITIES: [(&str, f64, f64); 5] = [
    ("Paris", 48.8566, 2.3522),
    ("Lyon", 45.7640, 4.8357),
    ("Marseille", 43.2965, 5.3698),
    ("Rennes", 48.1173, -1.6778),
    ("Lille", 50.6292, 3.0573),
];

fn demo() -> (Engine, DemoNetwork) {
    let mut e = Engine::new();
    let net = demo::load(&mut e, &DemoOptions::default()).unwrap();
    (e, net)
}

/// Cart `k`: 10 distinct in-stock SKUs, spread over the catalogue, with their prices.
fn cart(e: &Engine, net: &DemoNetwork, k: usize) -> Vec<(String, f64)> {
    let n = net.catalogue.len();
    (0..n)
        .map(|i| &net.catalogue[(k * 7919 + i * 191) % n])
        .filter(|p| e.ats(&p.sku, None).unwrap() >= 2)
        .map(|p| (p.sku.clone(), p.price))
        .take(10)
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect()
}

fn request(lines: &[(String, f64)], city: usize) -> DeliveryRequest {
    let (_, lat, lon) = CITIES[city];
    let r = json!({
        "lines": lines.iter().map(|(s, p)| json!({ "sku": s, "qty": 1, "unitPrice": p })).collect::<Vec<_>>(),
        "destination": { "lat": lat, "lon": lon },
        "now": NOW,
    });
    DeliveryRequest::from_json(&r.to_string()).unwrap()
}

fn run(e: &Engine, r: &DeliveryRequest) -> DeliveryOptions {
    promise::delivery_options(
        e.network(),
        e.inventory(),
        e.profiles(),
        r,
        &DeliveryConfig::default(),
    )
    .unwrap()
}

#[test]
fn demo_offers_agree_with_their_plans_and_the_calendar() {
    let (e, net) = demo();
    let today = Day::parse(&NOW[..10]).unwrap();
    for k in 0..4 {
        let lines = cart(&e, &net, k);
        assert_eq!(lines.len(), 10);
        for (city, (name, _, _)) in CITIES.iter().enumerate() {
            let r = request(&lines, city);
            let o = run(&e, &r);
            let value: f64 = lines.iter().map(|l| l.1).sum();
            assert!((o.cart_value - value).abs() < 1e-9);
            assert!(!o.home.is_empty(), "{name}: {:#?}", o.unavailable);
            assert_eq!(o.home.len() + o.unavailable.len(), 3);
            for h in &o.home {
                assert_eq!(h.plan.status, Status::Complete);
                assert_eq!(h.parcels as usize, h.plan.shipments.len());
                assert_eq!(h.shipments.len(), h.plan.shipments.len());
                let mut shipped: BTreeMap<&str, u64> = BTreeMap::new();
                for s in h.plan.shipments.iter().flat_map(|s| &s.lines) {
                    *shipped.entry(s.sku.as_str()).or_default() += s.qty;
                }
                assert_eq!(shipped.len(), 10);
                assert!(shipped.values().all(|&q| q == 1));
                let (first, last) = (
                    Day::parse(&h.earliest).unwrap(),
                    Day::parse(&h.latest).unwrap(),
                );
                assert!(
                    today < first && first <= last,
                    "{}: {} {}",
                    h.id,
                    h.earliest,
                    h.latest
                );
                for d in [first, last] {
                    assert_ne!(Weekday::of(d), Weekday::Sunday);
                }
                if h.id == "standard" {
                    assert_eq!(h.free, value >= 50.0);
                }
                if h.id == "next-day" {
                    assert_eq!((h.parcels, h.earliest.as_str()), (1, "2026-12-02"));
                }
            }
            let c = &o.click_and_collect;
            assert!(c.len() <= 3);
            assert!(c.windows(2).all(|w| w[0].distance_km <= w[1].distance_km));
            for opt in c {
                assert!(opt.distance_km <= 30.0);
                match opt.source {
                    CollectSource::Store => {
                        assert!(opt.ready_at.is_some() && opt.ready_in_minutes.is_some())
                    }
                    CollectSource::Transfer => {
                        assert!(opt.ready_on.is_some());
                        assert!(opt.transfer_from.as_deref().unwrap().starts_with("WH-"));
                    }
                }
            }
            if city == 0 {
                assert!(!c.is_empty(), "Paris has stores");
            }
            assert_eq!(
                serde_json::to_string(&o).unwrap(),
                serde_json::to_string(&run(&e, &r)).unwrap()
            );
        }
    }
}

/// Each level's plan is the plan `source` finds under the level's own constraints (reach and
/// parcel limit as a profile): whether the level sourced the cart itself or reused a wider
/// level's optimal plan that already met them.
#[test]
fn each_level_plan_is_the_optimum_under_its_own_constraints() {
    let (e, net) = demo();
    let config = DeliveryConfig::default();
    let mut checked = 0;
    for k in 0..4 {
        let lines = cart(&e, &net, k);
        for (city, &(name, lat, lon)) in CITIES.iter().enumerate() {
            let o = run(&e, &request(&lines, city));
            for h in &o.home {
                let level = config.service_levels.iter().find(|l| l.id == h.id).unwrap();
                if level.same_day_dispatch == Some(true) {
                    continue; // also restricted to locations that can still send today
                }
                let mut profile = json!({ "explainBudget": 0 });
                if let Some(km) = level.transit.last().and_then(|b| b.max_km) {
                    profile["maxDistanceKm"] = json!(km);
                }
                if let Some(n) = level.max_shipments {
                    profile["maxShipments"] = json!(n);
                }
                let r = json!({
                    "lines": lines.iter().map(|(s, _)| json!({ "sku": s, "qty": 1 })).collect::<Vec<_>>(),
                    "destination": { "lat": lat, "lon": lon },
                    "profile": profile,
                });
                let mut alone = e
                    .source(&atsource::sourcing::SourceRequest::from_json(&r.to_string()).unwrap())
                    .unwrap();
                let mut offered = h.plan.clone();
                (alone.search_nodes, offered.search_nodes) = (0, 0);
                assert_eq!(
                    serde_json::to_value(&offered).unwrap(),
                    serde_json::to_value(&alone).unwrap(),
                    "{} from {name}",
                    h.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked}");
}

/// `quote` answers what `source` and `deliveryOptions` answer separately, though it sources the
/// cart once for the plan and the levels that plan fits.
#[test]
fn a_quote_is_the_plan_and_the_delivery_options() {
    let (mut e, net) = demo();
    e.set_profile(
        "near-first",
        serde_json::from_value(json!({ "costPerKm": 0.02, "costPerShipment": 4 })).unwrap(),
    )
    .unwrap();
    let strip = |mut p: atsource::sourcing::Plan| {
        p.search_nodes = 0;
        serde_json::to_value(p).unwrap()
    };
    for k in 0..3 {
        let lines = cart(&e, &net, k);
        for (city, (name, _, _)) in CITIES.iter().enumerate() {
            for extra in [
                json!({}),
                json!({ "profile": "near-first", "priceExplanations": false }),
            ] {
                let mut r = serde_json::to_value(request(&lines, city)).unwrap();
                r.as_object_mut()
                    .unwrap()
                    .extend(extra.as_object().unwrap().clone());
                let req = DeliveryRequest::from_json(&r.to_string()).unwrap();
                let q = e.quote(&req).unwrap();
                let mut src = req.to_source_request();
                src.profile = req.profile.clone();
                src.price_explanations = req.price_explanations;
                assert_eq!(strip(q.plan.clone()), strip(e.source(&src).unwrap()));
                let mut alone = e.delivery_options(&req).unwrap();
                let mut quoted = q.delivery_options;
                for h in alone.home.iter_mut().chain(quoted.home.iter_mut()) {
                    h.plan.search_nodes = 0;
                }
                assert_eq!(quoted, alone, "{name} {k}");
            }
        }
    }
    // Bad input is refused as by deliveryOptions.
    let r = json!({ "lines": [{ "sku": "X", "qty": 0 }], "destination": { "lat": 48.8, "lon": 2.3 }, "now": NOW });
    let err = e
        .quote(&DeliveryRequest::from_json(&r.to_string()).unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "invalid_quantity");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

#[test]
#[ignore]
fn timing_of_a_10_line_cart_over_the_demo_network() {
    let (e, net) = demo();
    let requests: Vec<DeliveryRequest> = (0..200)
        .flat_map(|k| {
            let lines = cart(&e, &net, k);
            (0..CITIES.len()).map(move |c| request(&lines, c))
        })
        .collect();
    for r in requests.iter().take(50) {
        run(&e, r);
    }
    // Each request runs 5 times and keeps its fastest run: the percentiles then describe the
    // requests, not the scheduler of a busy machine.
    let best = |f: &mut dyn FnMut()| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e6
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut times = Vec::with_capacity(requests.len());
    let mut json_times = Vec::with_capacity(requests.len());
    let mut source_times = Vec::with_capacity(requests.len());
    for r in &requests {
        times.push(best(&mut || assert!(!run(&e, r).home.is_empty())));
        // The whole JSON round trip, as the binding does it.
        let text = serde_json::to_string(r).unwrap();
        json_times.push(best(&mut || {
            let req = DeliveryRequest::from_json(&text).unwrap();
            assert!(!serde_json::to_string(&run(&e, &req)).unwrap().is_empty());
        }));
        // The plain sourcing of the same cart, for comparison.
        let plain = r.to_source_request();
        source_times.push(best(&mut || assert!(e.source(&plain).is_ok())));
    }
    times.sort_by(f64::total_cmp);
    json_times.sort_by(f64::total_cmp);
    source_times.sort_by(f64::total_cmp);
    for (what, t) in [
        ("core", &times),
        ("JSON in/out", &json_times),
        ("engine.source alone", &source_times),
    ] {
        println!(
            "deliveryOptions, 10 lines, demo network, {} runs, {what}: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
            t.len(),
            percentile(t, 0.5),
            percentile(t, 0.99),
            t[t.len() - 1]
        );
    }
}
