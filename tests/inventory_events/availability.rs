//! Availability near a point, and the date from which supply on its way sells.

use super::*;

fn near_paris() -> AvailabilityQuery {
    AvailabilityQuery {
        skus: vec!["A".into(), "Z".into()],
        near: Some(GeoPoint {
            lat: 48.8566,
            lon: 2.3522,
        }),
        radius_km: Some(50.0),
        ..Default::default()
    }
}

#[test]
fn availability_sorts_by_distance_and_limits_the_list_not_the_total() {
    let mut e = engine();
    apply(
        &mut e,
        &[
            set("1", "A", "S1", 2, None),
            set("2", "A", "S2", 3, None),
            set("3", "A", "S3", 5, None),
            set("4", "A", "W1", 50, None),
        ],
    );
    let got = e.availability(&near_paris()).unwrap();
    let ids: Vec<&str> = got[0].locations.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["S1", "S2", "S3"],
        "the Lyon warehouse is outside 50 km"
    );
    assert_eq!(got[0].total, 2 + 3 + 4);
    assert!(got[0].locations[0].distance_km.unwrap() < 0.01);
    assert_eq!(
        (got[1].sku.as_str(), got[1].total, got[1].locations.len()),
        ("Z", 0, 0)
    );

    let limited = e
        .availability(&AvailabilityQuery {
            limit: Some(1.0),
            ..near_paris()
        })
        .unwrap();
    assert_eq!((limited[0].locations.len(), limited[0].total), (1, 9));

    let everywhere = e
        .availability(&AvailabilityQuery {
            skus: vec!["A".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(everywhere[0].total, 59);
    assert_eq!(
        everywhere[0].locations[0].id, "W1",
        "without `near`, most stock first"
    );

    let pickup = e
        .availability(&AvailabilityQuery {
            mode: Some(FulfilmentMode::Pickup),
            skus: vec!["A".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(pickup[0].total, 9, "warehouses offer no click & collect");
}

#[test]
fn availability_rejects_bad_queries() {
    let e = engine();
    let bad = [
        AvailabilityQuery {
            radius_km: Some(-1.0),
            ..near_paris()
        },
        AvailabilityQuery {
            radius_km: Some(10.0),
            near: None,
            ..near_paris()
        },
        AvailabilityQuery {
            near: Some(GeoPoint {
                lat: f64::NAN,
                lon: 2.0,
            }),
            ..near_paris()
        },
        AvailabilityQuery {
            limit: Some(1.5),
            ..near_paris()
        },
        AvailabilityQuery {
            today: Some("tomorrow".into()),
            ..near_paris()
        },
    ];
    for q in bad {
        assert_eq!(
            e.availability(&q).unwrap_err().code(),
            "invalid_input",
            "{q:?}"
        );
    }
}

/// Locations at the same distance from the shopper (one address, or one ring) list by id,
/// whatever order they were upserted in.
#[test]
fn equal_distances_list_by_location_id() {
    let mut e = atsource::Engine::new();
    for id in ["S-C", "S-A"] {
        e.upsert_locations(vec![loc(id, LocationKind::Store, 45.0, 5.0)])
            .unwrap();
    }
    e.upsert_locations(vec![
        loc("S-D", LocationKind::Store, 45.0, 5.0),
        loc("S-B", LocationKind::Store, 45.0, 5.0),
        loc("NEAR", LocationKind::Store, 45.01, 5.0),
    ])
    .unwrap();
    let ids = ["S-C", "S-A", "S-D", "S-B", "NEAR"];
    let events: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, l)| set(&i.to_string(), "A", l, 1, None))
        .collect();
    apply(&mut e, &events);
    let answer = e
        .availability(&AvailabilityQuery {
            skus: vec!["A".into()],
            near: Some(GeoPoint {
                lat: 45.02,
                lon: 5.0,
            }),
            ..AvailabilityQuery::default()
        })
        .unwrap();
    let got: Vec<&str> = answer[0].locations.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(got, ["NEAR", "S-A", "S-B", "S-C", "S-D"]);
}

#[test]
fn future_supply_gives_an_available_from_date() {
    let mut e = engine();
    json(
        &mut e,
        r#"[{"id":"1","type":"set","sku":"A","location":"S1","onHand":1},
            {"id":"2","type":"incoming","sku":"A","location":"S2","qty":2,"date":"2026-12-10"},
            {"id":"3","type":"incoming","sku":"A","location":"S1","qty":5,"date":"2026-12-03"},
            {"id":"4","type":"incoming","sku":"A","location":"S1","qty":1,"date":"2026-11-01"}]"#,
    );
    let q = |qty: f64| AvailabilityQuery {
        qty: Some(qty),
        today: Some("2026-11-25".into()),
        ..near_paris()
    };
    let a = &e.availability(&q(1.0)).unwrap()[0];
    assert_eq!(a.available_from, None, "in stock today");
    assert_eq!(a.incoming.len(), 2, "late supply (before today) is ignored");
    assert_eq!(
        e.availability(&q(6.0)).unwrap()[0]
            .available_from
            .as_deref(),
        Some("2026-12-03")
    );
    assert_eq!(
        e.availability(&q(8.0)).unwrap()[0]
            .available_from
            .as_deref(),
        Some("2026-12-10")
    );
    assert_eq!(
        e.availability(&q(9.0)).unwrap()[0].available_from,
        None,
        "supply never covers 9"
    );
}

/// Supply fills a position's deficit (units reserved or picking beyond what is on hand, safety
/// stock) before any of it sells: `availableFrom` is the first day on which receiving what is
/// expected by then would really bring the sellable total to `qty`, and no earlier day would.
#[test]
fn available_from_counts_only_the_supply_that_would_sell() {
    // The audit's case: safety stock 1 at S3 (the location's), nothing on hand, 1 expected.
    let mut e = engine();
    json(
        &mut e,
        r#"[{"id":"1","type":"set","sku":"A","location":"S3","onHand":0},
            {"id":"2","type":"incoming","sku":"A","location":"S3","qty":1,"date":"2026-12-03"},
            {"id":"3","type":"set","sku":"A","location":"S1","onHand":0},
            {"id":"4","type":"reserve","sku":"A","location":"S1","qty":4},
            {"id":"5","type":"incoming","sku":"A","location":"S1","qty":3,"date":"2026-12-05"},
            {"id":"6","type":"incoming","sku":"A","location":"S1","qty":3,"date":"2026-12-09"}]"#,
    );
    let from = |e: &atsource::Engine, qty: f64| {
        let q = AvailabilityQuery {
            qty: Some(qty),
            today: Some("2026-11-25".into()),
            ..near_paris()
        };
        let a = e.availability(&q).unwrap().remove(0);
        (a.available_from, a.incoming.len())
    };
    // S3's unit only fills its safety stock; S1's first 3 units only part of its backlog of 4.
    assert_eq!(from(&e, 1.0), (Some("2026-12-09".into()), 3));
    assert_eq!(from(&e, 2.0), (Some("2026-12-09".into()), 3));
    assert_eq!(from(&e, 3.0), (None, 3));

    // Random positions and supply: receiving what `availableFrom` counts on sells `qty`.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let days = ["2026-12-01", "2026-12-02", "2026-12-04", "2026-12-08"];
    for case in 0..300 {
        let mut e = engine();
        let mut events = Vec::new();
        let mut supply: Vec<(&str, &str, u64)> = Vec::new();
        for l in ["S1", "S2", "S3"] {
            let id = events.len();
            events.push(format!(
                r#"{{"id":"{id}","type":"set","sku":"A","location":"{l}","onHand":{}}}"#,
                next(6)
            ));
            for (kind, n) in [
                ("reserve", next(5)),
                ("pick", next(3)),
                ("safetyStock", next(3)),
            ] {
                if n > 0 && next(2) == 0 {
                    let id = events.len();
                    events.push(format!(
                        r#"{{"id":"{id}","type":"{kind}","sku":"A","location":"{l}","qty":{n}}}"#
                    ));
                }
            }
            for day in days {
                if next(3) == 0 {
                    let (id, qty) = (events.len(), 1 + next(4));
                    events.push(format!(r#"{{"id":"{id}","type":"incoming","sku":"A","location":"{l}","qty":{qty},"date":"{day}"}}"#));
                    supply.push((l, day, qty));
                }
            }
        }
        json(&mut e, &format!("[{}]", events.join(",")));
        let qty = 1 + next(8);
        let q = AvailabilityQuery {
            qty: Some(qty as f64),
            today: Some("2026-11-25".into()),
            ..near_paris()
        };
        let a = e.availability(&q).unwrap().remove(0);
        // The sellable total once everything expected up to `last` has been received.
        let total_by = |last: &str| {
            let mut e = e.clone();
            let receipts: Vec<String> = supply
                .iter()
                .filter(|s| s.1 <= last)
                .enumerate()
                .map(|(k, (l, _, n))| {
                    format!(
                        r#"{{"id":"r{k}","type":"adjust","sku":"A","location":"{l}","delta":{n}}}"#
                    )
                })
                .collect();
            json(&mut e, &format!("[{}]", receipts.join(",")));
            e.availability(&near_paris()).unwrap()[0].total
        };
        if a.total >= qty as i64 {
            assert_eq!(a.available_from, None, "case {case}: in stock today");
            continue;
        }
        match a.available_from.as_deref() {
            Some(day) => {
                assert!(
                    total_by(day) >= qty as i64,
                    "case {case}: {day} does not sell {qty}"
                );
                let before = days
                    .iter()
                    .rev()
                    .find(|d| **d < day)
                    .copied()
                    .unwrap_or("2026-11-25");
                assert!(
                    total_by(before) < qty as i64,
                    "case {case}: {before} already sells {qty}"
                );
            }
            None => assert!(
                total_by("2026-12-31") < qty as i64,
                "case {case}: all supply sells {qty}"
            ),
        }
    }
}
