//! The embedded demo network: deterministic, realistic, loadable without a single rejection,
//! and scalable for the benchmarks.

use std::collections::HashSet;
use std::time::Instant;

use atsource::demo::{self, find_cities, DemoNetwork, DemoOptions, CITIES};
use atsource::inventory::{AvailabilityQuery, EventInput};
use atsource::network::{GeoPoint, LocationKind};
use atsource::Engine;

fn default_network() -> DemoNetwork {
    demo::generate(&DemoOptions::default())
}

/// (location, onHand) of every `set` event of `sku`.
fn counts<'a>(net: &'a DemoNetwork, sku: &str) -> Vec<(&'a str, i32)> {
    net.events
        .iter()
        .filter_map(|e| match e {
            EventInput::Set {
                sku: s,
                location,
                on_hand,
                ..
            } if s == sku => Some((location.as_str(), *on_hand)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_same_options_give_byte_identical_output() {
    let a = serde_json::to_string(&default_network()).unwrap();
    let b = serde_json::to_string(&default_network()).unwrap();
    assert_eq!(a, b);
    let other = demo::generate(&DemoOptions {
        seed: 7,
        ..DemoOptions::default()
    });
    assert_ne!(a, serde_json::to_string(&other).unwrap());
    // The towns do not depend on the seed, only the draws do.
    assert_eq!(
        other.locations.iter().map(|l| &l.id).collect::<Vec<_>>(),
        default_network()
            .locations
            .iter()
            .map(|l| &l.id)
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_smaller_catalogue_is_a_prefix_of_the_default_one() {
    let small = demo::generate(&DemoOptions {
        skus: 100,
        stores: 10,
        ..DemoOptions::default()
    });
    assert_eq!(small.catalogue[..], default_network().catalogue[..100]);
}

#[test]
fn default_counts_and_unique_ids() {
    let net = default_network();
    let stores = net
        .locations
        .iter()
        .filter(|l| l.kind == LocationKind::Store)
        .count();
    let warehouses = net.locations.len() - stores;
    assert_eq!((stores, warehouses), (150, 4));
    assert_eq!(net.catalogue.len(), 2_000);
    assert_eq!(net.today, demo::DEMO_TODAY);

    let ids: HashSet<_> = net.locations.iter().map(|l| &l.id).collect();
    assert_eq!(ids.len(), net.locations.len());
    let skus: HashSet<_> = net.catalogue.iter().map(|p| &p.sku).collect();
    assert_eq!(skus.len(), net.catalogue.len());
    let events: HashSet<_> = net.events.iter().map(|e| e.id()).collect();
    assert_eq!(events.len(), net.events.len());

    assert!(ids.contains(&"WH-LYON".to_string()));
    assert!(ids.contains(&"ST-PARIS-01".to_string()));
    assert!(ids.contains(&"ST-LYON-01".to_string()));
    let paris = net
        .locations
        .iter()
        .filter(|l| l.id.starts_with("ST-PARIS-"))
        .count();
    assert!(paris >= 5, "{paris} Paris stores");
}

#[test]
fn every_location_validates_with_realistic_attributes() {
    let net = default_network();
    let mut inactive = 0;
    for (i, input) in net.locations.iter().enumerate() {
        let l = input.clone().validate(&format!("[{i}]")).unwrap();
        assert!(
            (41.0..51.2).contains(&l.lat) && (-5.2..9.6).contains(&l.lon),
            "{l:?}"
        );
        inactive += usize::from(!l.active);
        match l.kind {
            LocationKind::Warehouse => {
                assert!(!l.pickup);
                assert!((0.95..=0.99).contains(&l.performance));
                assert!(l.cost_per_unit < 0.5);
            }
            LocationKind::Store => {
                assert!(l.pickup);
                assert!((0.70..=0.99).contains(&l.performance));
                assert!((2.0..=5.0).contains(&l.cost_per_shipment));
                assert!((0.5..=1.5).contains(&l.cost_per_unit));
                assert!(l.safety_stock <= 2);
                assert!(l.capacity_units.is_none_or(|c| (20..=200).contains(&c)));
            }
        }
    }
    assert!(inactive <= 2, "{inactive} inactive locations");
}

#[test]
fn the_catalogue_reads_like_a_french_shop() {
    let net = default_network();
    let categories: HashSet<_> = net.catalogue.iter().map(|p| p.category.as_str()).collect();
    for c in [
        "Chemises",
        "Jeans",
        "Robes",
        "Chaussures",
        "Linge de lit",
        "Bougies",
    ] {
        assert!(categories.contains(c), "no {c}");
    }
    for p in &net.catalogue {
        assert!(p.sku.starts_with(&p.model), "{p:?}");
        assert!(p.name.contains(" — "), "{p:?}");
        let cents = (p.price * 100.0).round();
        assert!(
            p.price > 0.0 && (cents - p.price * 100.0).abs() < 1e-6,
            "{p:?}"
        );
        assert!([99.0, 90.0, 50.0].contains(&(cents % 100.0)), "{p:?}");
        assert!(p.weight_grams > 0);
        assert!(["Mode", "Maison"].contains(&p.department.as_str()));
    }
    let models: HashSet<_> = net.catalogue.iter().map(|p| &p.model).collect();
    assert!(
        models.len() > 100 && models.len() < 600,
        "{} models",
        models.len()
    );
}

#[test]
fn the_city_table_covers_france_with_public_coordinates() {
    assert!(CITIES.len() >= 150);
    let regions: HashSet<_> = CITIES.iter().map(|c| c.region).collect();
    assert_eq!(regions.len(), 13, "every metropolitan region");
    for c in CITIES {
        assert!(c.postcode.len() == 5 && c.postcode.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            (41.0..51.2).contains(&c.lat) && (-5.2..9.6).contains(&c.lon),
            "{c:?}"
        );
    }
    let bastille = find_cities("75011");
    assert_eq!(bastille.len(), 1);
    assert_eq!(bastille[0].district, Some("Bastille"));
    assert_eq!(find_cities("saint-eti")[0].name, "Saint-Étienne");
    assert!(find_cities("paris").len() >= 5);
    assert!(find_cities(" ").is_empty());
}

#[test]
fn loading_applies_every_event_without_rejection() {
    let net = default_network();
    let mut engine = Engine::new();
    engine.upsert_locations(net.locations.clone()).unwrap();
    let typed: Vec<_> = net.events.iter().map(|e| e.to_event().unwrap()).collect();
    let report = engine.apply_events(&typed);
    assert!(report.rejected.is_empty(), "{:?}", &report.rejected[..1]);
    assert_eq!(report.applied as usize, net.events.len());
    assert_eq!((report.duplicates, report.stale), (0, 0));

    let sets = net
        .events
        .iter()
        .filter(|e| matches!(e, EventInput::Set { .. }))
        .count();
    let stats = engine.stats();
    assert_eq!(stats.positions as usize, sets);
    assert_eq!(stats.locations, 154);

    // `load` does the same, and a second load is all duplicates.
    let mut loaded = Engine::new();
    let again = demo::load(&mut loaded, &DemoOptions::default()).unwrap();
    assert_eq!(again, net);
    assert_eq!(loaded.stats().positions, stats.positions);
    let total = |e: &Engine| -> i64 {
        net.catalogue
            .iter()
            .map(|p| e.ats(&p.sku, None).unwrap())
            .sum()
    };
    let before = total(&loaded);
    assert_eq!(before, total(&engine));
    // More events than the engine remembers ids for: what it remembers is skipped, the
    // counts it forgot replay as stale versions, so the reservations do not count twice.
    assert!(net.events.len() > 100_000);
    demo::load(&mut loaded, &DemoOptions::default()).unwrap();
    assert_eq!(loaded.stats().positions, stats.positions);
    assert_eq!(total(&loaded), before);
}

#[test]
fn warehouses_are_deep_and_stores_shallow() {
    let net = default_network();
    let kind = |id: &str| {
        net.locations
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.kind)
            .unwrap()
    };
    let (mut wh, mut st) = (Vec::new(), Vec::new());
    for e in &net.events {
        if let EventInput::Set {
            location, on_hand, ..
        } = e
        {
            match kind(location) {
                LocationKind::Warehouse => wh.push(*on_hand),
                LocationKind::Store => st.push(*on_hand),
            }
        }
    }
    let mean = |v: &[i32]| v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64;
    assert!(
        mean(&wh) > 20.0 * mean(&st),
        "{} vs {}",
        mean(&wh),
        mean(&st)
    );
    assert!(st.iter().all(|&q| (0..=8).contains(&q)));
    assert!(wh.iter().all(|&q| (0..=2_000).contains(&q)));
    // Stores carry 30–60% of the catalogue on average, and some positions are sold out.
    let coverage = st.len() as f64 / (150.0 * 2_000.0);
    assert!((0.3..=0.6).contains(&coverage), "coverage {coverage}");
    assert!(st.iter().filter(|&&q| q == 0).count() > st.len() / 20);
    let reserves = net
        .events
        .iter()
        .filter(|e| matches!(e, EventInput::Reserve { .. }))
        .count();
    assert!(reserves > 100, "{reserves} reservations");
}

#[test]
fn some_skus_are_out_of_stock_everywhere_with_supply_on_the_way() {
    let mut engine = Engine::new();
    let net = demo::load(&mut engine, &DemoOptions::default()).unwrap();
    let sold_out: Vec<&str> = net
        .catalogue
        .iter()
        .map(|p| p.sku.as_str())
        .filter(|sku| engine.ats(sku, None).unwrap() == 0)
        .collect();
    assert!(
        (5..=60).contains(&sold_out.len()),
        "{} SKUs sold out",
        sold_out.len()
    );
    // Out of stock, yet known: the positions exist at zero ("Rupture", not "unknown SKU").
    assert!(sold_out.iter().any(|sku| !counts(&net, sku).is_empty()));
    let incoming: Vec<&str> = net
        .events
        .iter()
        .filter_map(|e| match e {
            EventInput::Incoming { sku, date, .. } => {
                assert!(date.as_str() > demo::DEMO_TODAY);
                Some(sku.as_str())
            }
            _ => None,
        })
        .collect();
    assert!(sold_out.iter().any(|s| incoming.contains(s)));

    let query = AvailabilityQuery {
        skus: sold_out.iter().map(|s| s.to_string()).collect(),
        today: Some(demo::DEMO_TODAY.to_string()),
        ..AvailabilityQuery::default()
    };
    let answer = engine.availability(&query).unwrap();
    assert!(answer.iter().all(|a| a.total == 0));
    assert!(answer.iter().any(|a| a.available_from.is_some()));
}

#[test]
fn availability_near_paris_lists_stores_by_distance() {
    let mut engine = Engine::new();
    let net = demo::load(&mut engine, &DemoOptions::default()).unwrap();
    let query = AvailabilityQuery {
        skus: net
            .catalogue
            .iter()
            .take(200)
            .map(|p| p.sku.clone())
            .collect(),
        near: Some(GeoPoint {
            lat: 48.8566,
            lon: 2.3522,
        }),
        radius_km: Some(30.0),
        ..AvailabilityQuery::default()
    };
    let answer = engine.availability(&query).unwrap();
    let best = answer.iter().max_by_key(|a| a.locations.len()).unwrap();
    assert!(best.locations.len() >= 5, "{best:?}");
    let d: Vec<f64> = best
        .locations
        .iter()
        .map(|l| l.distance_km.unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    assert!(d.iter().all(|&km| km <= 30.0));
    // Paris stores, and the Roissy distribution centre some 23 km out.
    let stores = best
        .locations
        .iter()
        .filter(|l| l.id.starts_with("ST-"))
        .count();
    assert!(stores >= 5, "{best:?}");
    assert!(best
        .locations
        .iter()
        .all(|l| l.id.starts_with("ST-") || l.id == "WH-PARIS"));
    assert!(answer.iter().filter(|a| a.total > 0).count() > 100);
}

#[test]
fn scaled_to_a_thousand_locations() {
    let opts = DemoOptions {
        stores: 996,
        warehouses: 4,
        skus: 300,
        ..DemoOptions::default()
    };
    let mut engine = Engine::new();
    let net = demo::load(&mut engine, &opts).unwrap();
    assert_eq!(engine.stats().locations, 1_000);
    let ids: HashSet<_> = net.locations.iter().map(|l| &l.id).collect();
    assert_eq!(ids.len(), 1_000);
    assert!(ids.contains(&"ST-PARIS-15".to_string()));
    assert!(ids.contains(&"ST-LYON-03".to_string()));
    // More stores than towns: the extra ones stand a few kilometres from the first.
    let points: HashSet<(u64, u64)> = net
        .locations
        .iter()
        .map(|l| (l.lat.to_bits(), l.lon.to_bits()))
        .collect();
    assert_eq!(points.len(), 1_000);

    let more_hubs = DemoOptions {
        warehouses: 10,
        stores: 0,
        skus: 10,
        ..DemoOptions::default()
    };
    let hubs = demo::generate(&more_hubs);
    assert_eq!(hubs.locations.len(), 10);
    assert!(hubs.locations.iter().any(|l| l.id == "WH-PARIS-2"));
}

#[test]
fn dense_options_stock_every_sku_everywhere() {
    let opts = DemoOptions {
        stores: 46,
        warehouses: 4,
        skus: 200,
        density: Some(1.0),
        ..DemoOptions::default()
    };
    let mut engine = Engine::new();
    demo::load(&mut engine, &opts).unwrap();
    assert_eq!(engine.stats().positions, 200 * 50);
    let bad = DemoOptions {
        density: Some(1.5),
        ..DemoOptions::default()
    };
    let err = demo::load(&mut Engine::new(), &bad).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

/// Each size is bounded on its own: with no SKUs (or no locations) the pairs bound holds
/// nothing, and a hundred million warehouses trapped the module (found by a fuzzing helper).
#[test]
fn sizes_are_bounded_one_by_one() {
    for (opts, field) in [
        (
            DemoOptions {
                skus: 0,
                warehouses: 100_000_000,
                ..DemoOptions::default()
            },
            "warehouses",
        ),
        (
            DemoOptions {
                skus: 0,
                stores: 100_000_000,
                warehouses: 0,
                ..DemoOptions::default()
            },
            "stores",
        ),
        (
            DemoOptions {
                skus: 100_000_000,
                stores: 0,
                warehouses: 0,
                ..DemoOptions::default()
            },
            "skus",
        ),
        (
            DemoOptions {
                skus: 5_000,
                stores: 1_000,
                ..DemoOptions::default()
            },
            "skus",
        ),
    ] {
        let err = demo::load(&mut Engine::new(), &opts).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("invalid_input", Some(field)),
            "{opts:?}"
        );
    }
    let largest = DemoOptions {
        skus: 0,
        stores: 9_996,
        warehouses: 4,
        ..DemoOptions::default()
    };
    demo::load(&mut Engine::new(), &largest).unwrap();
}

#[test]
fn timing_of_the_default_network() {
    let start = Instant::now();
    let net = default_network();
    let generated = start.elapsed();
    let mut engine = Engine::new();
    demo::load(&mut engine, &DemoOptions::default()).unwrap();
    let loaded = start.elapsed() - generated;
    println!(
        "default network: {} locations, {} SKUs, {} events, {} positions; \
         generate {generated:?}, generate + load {loaded:?}",
        net.locations.len(),
        net.catalogue.len(),
        net.events.len(),
        engine.stats().positions
    );
}

/// The benchmark's dense network: 10,000 SKUs × 100 locations = 1,000,000 positions.
/// `cargo test --release --test demo_network -- --ignored --nocapture`
#[test]
#[ignore = "a million positions: run in release with --ignored"]
fn a_million_positions() {
    let opts = DemoOptions {
        stores: 96,
        warehouses: 4,
        skus: 10_000,
        density: Some(1.0),
        ..DemoOptions::default()
    };
    let start = Instant::now();
    let net = demo::generate(&opts);
    let generated = start.elapsed();
    let mut engine = Engine::new();
    let again = demo::load(&mut engine, &opts).unwrap();
    let loaded = start.elapsed() - generated;
    assert_eq!(again.events.len(), net.events.len());
    assert_eq!(engine.stats().positions, 1_000_000);
    println!(
        "dense network: {} events, {} positions; generate {generated:?}, generate + load {loaded:?}",
        net.events.len(),
        engine.stats().positions
    );
}
