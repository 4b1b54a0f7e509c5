//! `availability` against the contract read literally: for each SKU, every location that offers
//! the mode, lies within the radius and has `ats(sku, location) > 0`, nearest first (ties by
//! location order), the list capped by `limit`, the total over all of them. Random networks
//! mix SKUs stocked at most locations (kept as bitmaps) and at a few (kept as lists), with
//! reservations, picks, own and inherited safety stock, inactive and pickup-only locations.

mod common;

use atsource::inventory::{AvailabilityQuery, FulfilmentMode};
use atsource::network::{haversine_km, GeoPoint, LocationKind};
use atsource::Engine;
use common::loc;

struct Case {
    engine: Engine,
    points: Vec<(String, GeoPoint, bool, bool, bool)>,
    skus: Vec<String>,
}

fn case(rng: &mut fastrand::Rng) -> Case {
    let n = rng.usize(1..300);
    let mut inputs = Vec::new();
    let mut points = Vec::new();
    for i in 0..n {
        let p = GeoPoint {
            lat: 43.0 + rng.f64() * 6.0,
            lon: -1.0 + rng.f64() * 8.0,
        };
        let kind = if rng.u8(..) < 20 {
            LocationKind::Warehouse
        } else {
            LocationKind::Store
        };
        let mut l = loc(&format!("L{i:03}"), kind, p.lat, p.lon);
        l.active = Some(rng.u8(..) > 25);
        l.ship = Some(rng.u8(..) > 40);
        if rng.bool() {
            l.safety_stock = Some(f64::from(rng.u8(0..3)));
        }
        let pickup = kind == LocationKind::Store && rng.u8(..) > 60;
        l.pickup = Some(pickup);
        points.push((
            l.id.clone(),
            p,
            l.active.unwrap_or(true),
            l.ship.unwrap_or(true),
            pickup,
        ));
        inputs.push(l);
    }
    let mut engine = Engine::new();
    engine.upsert_locations(inputs).unwrap();
    let skus: Vec<String> = (0..8).map(|s| format!("SKU-{s}")).collect();
    let mut events = Vec::new();
    for (s, sku) in skus.iter().enumerate() {
        // Dense SKUs first, then sparser ones.
        let density = [0.9, 0.5, 0.3, 0.1, 0.03, 0.01, 0.5, 0.8][s];
        for (id, ..) in &points {
            if rng.f64() >= density {
                continue;
            }
            let k = events.len();
            let e = |t: &str, field: &str, v: i64| {
                format!(
                    r#"{{"id":"e{k}{t}","type":"{t}","sku":"{sku}","location":"{id}","{field}":{v}}}"#
                )
            };
            events.push(e("set", "onHand", rng.i64(0..12)));
            if rng.u8(..) < 60 {
                events.push(e("reserve", "qty", rng.i64(0..5)));
            }
            if rng.u8(..) < 30 {
                events.push(e("pick", "qty", rng.i64(0..3)));
            }
            if rng.u8(..) < 30 {
                events.push(e("safetyStock", "qty", rng.i64(0..4)));
            }
        }
    }
    let report = engine
        .apply_events_json(&format!("[{}]", events.join(",")))
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    Case {
        engine,
        points,
        skus,
    }
}

#[test]
fn availability_lists_what_a_scan_of_every_location_lists() {
    let mut rng = fastrand::Rng::with_seed(2026);
    for round in 0..60 {
        let c = case(&mut rng);
        for _ in 0..10 {
            let near = GeoPoint {
                lat: 43.0 + rng.f64() * 6.0,
                lon: -1.0 + rng.f64() * 8.0,
            };
            let radius = rng.f64() * 400.0;
            let mode = if rng.bool() {
                FulfilmentMode::Ship
            } else {
                FulfilmentMode::Pickup
            };
            let limit = rng.usize(0..40);
            // Every SKU nine times over, with unknown ones between: more SKUs than one round
            // of the prefetching loop answers (64), in the order asked.
            let asked: Vec<String> = (0..9)
                .flat_map(|k| {
                    let mut round = c.skus.clone();
                    round.insert(k % (c.skus.len() + 1), format!("UNKNOWN-{k}"));
                    round
                })
                .collect();
            let query = AvailabilityQuery {
                skus: asked.clone(),
                near: Some(near),
                radius_km: Some(radius),
                limit: Some(limit as f64),
                mode: Some(mode),
                ..AvailabilityQuery::default()
            };
            let got = c.engine.availability(&query).unwrap();
            assert_eq!(got.len(), asked.len());
            for (sku, answer) in asked.iter().zip(&got) {
                assert_eq!(&answer.sku, sku);
                let mut want: Vec<(f64, usize, i64)> = c
                    .points
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, _, active, ship, pickup))| {
                        *active
                            && match mode {
                                FulfilmentMode::Ship => *ship,
                                FulfilmentMode::Pickup => *pickup,
                            }
                    })
                    .map(|(i, (id, p, ..))| {
                        let ats = c.engine.ats(sku, Some(id)).unwrap();
                        (haversine_km(*p, near), i, ats)
                    })
                    .filter(|&(d, _, ats)| d <= radius && ats > 0)
                    .collect();
                want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let total: i64 = want.iter().map(|w| w.2).sum();
                assert_eq!(answer.sku, *sku);
                assert_eq!(answer.total, total, "round {round}, {sku}");
                let listed: Vec<(String, i64)> = answer
                    .locations
                    .iter()
                    .map(|l| (l.id.clone(), l.ats))
                    .collect();
                let expected: Vec<(String, i64)> = want
                    .iter()
                    .take(limit)
                    .map(|w| (c.points[w.1].0.clone(), w.2))
                    .collect();
                assert_eq!(listed, expected, "round {round}, {sku}, radius {radius}");
            }
        }
    }
}

/// The packed form the binding turns into objects (`Inventory::availability_packed`) decodes,
/// as `src/wasm/glue.js` does, into exactly the answer of `availability`, expected supply and
/// "available from" dates included.
#[test]
fn packed_answers_decode_to_the_same_answers() {
    use atsource::demo::{self, DemoOptions};
    let mut engine = Engine::new();
    let net = demo::load(&mut engine, &DemoOptions::default()).unwrap();
    let skus: Vec<String> = net.catalogue.iter().map(|p| p.sku.clone()).collect();
    let ids: Vec<String> = engine
        .network()
        .all()
        .iter()
        .map(|l| l.id.clone())
        .collect();
    let mut with_supply = 0;
    for (k, chunk) in skus.chunks(40).enumerate() {
        let mut query = AvailabilityQuery {
            skus: chunk.to_vec(),
            today: Some(demo::DEMO_TODAY.to_string()),
            qty: Some(1.0 + (k % 3) as f64),
            ..AvailabilityQuery::default()
        };
        if k % 2 == 0 {
            query.near = Some(GeoPoint {
                lat: 48.8566,
                lon: 2.3522,
            });
            query.radius_km = Some(50.0 + 50.0 * k as f64);
            query.limit = Some(7.0);
        }
        let want = engine.availability(&query).unwrap();
        let names: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let packed = engine
            .inventory()
            .availability_packed(engine.network(), &query, &names)
            .unwrap();
        let dates: Vec<&str> = if packed.dates.is_empty() {
            Vec::new()
        } else {
            packed.dates.split('\n').collect()
        };
        let mut n = packed.numbers.iter().copied();
        let mut next = || n.next().unwrap();
        // Names are cut from `names` by UTF-16 lengths, as JS slices them.
        let names: Vec<u16> = packed.names.encode_utf16().collect();
        let mut at = 0;
        for w in &want {
            let len = next() as usize;
            assert_eq!(String::from_utf16(&names[at..at + len]).unwrap(), w.sku);
            at += len;
            assert_eq!(next() as i64, w.total, "{}", w.sku);
            let listed = next() as usize;
            assert_eq!(listed, w.locations.len());
            for l in &w.locations {
                assert_eq!(ids[next() as usize], l.id);
                assert_eq!(next() as i64, l.ats);
                let d = next();
                assert_eq!(if d.is_nan() { None } else { Some(d) }, l.distance_km);
            }
            let supply = next() as usize;
            assert_eq!(supply, w.incoming.len(), "{}", w.sku);
            for line in &w.incoming {
                assert_eq!(dates[next() as usize], line.date);
                assert_eq!(next() as i64, line.qty);
            }
            let from = next();
            let from = (from >= 0.0).then(|| dates[from as usize].to_string());
            assert_eq!(from, w.available_from, "{}", w.sku);
            with_supply += usize::from(supply > 0);
        }
        assert_eq!(n.next(), None, "nothing left over");
        assert_eq!(at, names.len(), "every name used");
    }
    assert!(with_supply > 0, "the demo has expected supply to check");
}

/// Buffers kept from one query to the next (`availability_packed_in`, as the wasm binding
/// keeps them) answer every query as fresh ones do: through queries near and far, with and
/// without `near`, refused ones (which must leave the buffers as they were), and a network that
/// grows between queries.
#[test]
fn kept_buffers_answer_as_fresh_ones() {
    use atsource::inventory::{AvailabilityBuffers, PackedAvailability};
    let mut rng = fastrand::Rng::with_seed(7);
    for round in 0..20 {
        let mut c = case(&mut rng);
        let mut buf = AvailabilityBuffers::default();
        let mut out = PackedAvailability::default();
        for k in 0..40 {
            if k == 20 {
                // More locations: the kept tables no longer fit the network.
                let extra: Vec<_> = (0..rng.usize(1..80))
                    .map(|i| {
                        let (lat, lon) = (43.0 + rng.f64() * 6.0, -1.0 + rng.f64() * 8.0);
                        loc(&format!("M{i:03}"), LocationKind::Store, lat, lon)
                    })
                    .collect();
                c.engine.upsert_locations(extra).unwrap();
            }
            let near = rng.u8(..) > 40;
            let query = AvailabilityQuery {
                skus: c.skus.clone(),
                near: near.then(|| GeoPoint {
                    lat: 43.0 + rng.f64() * 6.0,
                    lon: -1.0 + rng.f64() * 8.0,
                }),
                // One query in ten is refused (a negative radius).
                radius_km: near.then(|| {
                    if rng.u8(..10) == 0 {
                        -1.0
                    } else {
                        rng.f64() * 300.0
                    }
                }),
                limit: Some(rng.usize(0..30) as f64),
                mode: Some(if rng.bool() {
                    FulfilmentMode::Ship
                } else {
                    FulfilmentMode::Pickup
                }),
                ..AvailabilityQuery::default()
            };
            let names: Vec<&str> = c.skus.iter().map(String::as_str).collect();
            let (inventory, network) = (c.engine.inventory(), c.engine.network());
            let fresh = inventory.availability_packed(network, &query, &names);
            // Every third query unnamed, as the binding's short way asks.
            let named = k % 3 != 0;
            let kept = inventory
                .availability_packed_in(network, &query, &names, named, &mut buf, &mut out);
            match fresh {
                Ok(mut fresh) => {
                    assert!(kept.is_ok(), "round {round}, query {k}");
                    if !named {
                        unname(&mut fresh);
                    }
                    // Bit for bit: a distance without `near` is NaN.
                    let bits = |p: &PackedAvailability| -> Vec<u64> {
                        p.numbers.iter().map(|x| x.to_bits()).collect()
                    };
                    assert_eq!(bits(&out), bits(&fresh), "round {round}, query {k}");
                    assert_eq!((&out.names, &out.dates), (&fresh.names, &fresh.dates));
                }
                Err(e) => assert_eq!(kept, Err(e), "round {round}, query {k}"),
            }
        }
    }
}

/// `p` as an unnamed answer has it: no names, each SKU's name length 0 (the layout of
/// `PackedAvailability`: per SKU its name's length, total, `n`, `n` x 3, `m`, `m` x 2, from).
fn unname(p: &mut atsource::inventory::PackedAvailability) {
    p.names.clear();
    let mut at = 0;
    while at < p.numbers.len() {
        p.numbers[at] = 0.0;
        let listed = p.numbers[at + 2] as usize;
        let supply_at = at + 3 + 3 * listed;
        let supply = p.numbers[supply_at] as usize;
        at = supply_at + 1 + 2 * supply + 1;
    }
    assert_eq!(at, p.numbers.len(), "the layout walked to its end");
}
