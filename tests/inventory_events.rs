//! The contract's event table, ATS formula, availability and alerts, on exact numbers.

mod common;

use atsource::inventory::{AlertKind, AvailabilityQuery, FulfilmentMode, ThresholdRule};
use atsource::network::{GeoPoint, LocationKind};
use common::{apply, engine, loc, set};

fn json(e: &mut atsource::Engine, events: &str) -> atsource::inventory::ApplyReport {
    e.apply_events_json(events).unwrap()
}

#[test]
fn every_event_type_moves_the_position_as_the_contract_says() {
    let mut e = engine();
    let r = json(
        &mut e,
        r#"[
        {"id":"1","type":"set","sku":"A","location":"S1","onHand":10},
        {"id":"2","type":"adjust","sku":"A","location":"S1","delta":5},
        {"id":"3","type":"reserve","sku":"A","location":"S1","qty":4},
        {"id":"4","type":"pick","sku":"A","location":"S1","qty":3},
        {"id":"5","type":"ship","sku":"A","location":"S1","qty":2},
        {"id":"6","type":"release","sku":"A","location":"S1","qty":9},
        {"id":"7","type":"return","sku":"A","location":"S1","qty":1},
        {"id":"8","type":"safetyStock","sku":"A","location":"S1","qty":2}
    ]"#,
    );
    assert_eq!(
        (r.applied, r.duplicates, r.stale, r.rejected.len()),
        (8, 0, 0, 0)
    );
    let p = e.position("A", "S1").unwrap().unwrap();
    // onHand 10+5-2+1 = 14; reserved 4-3 = 1, then released to 0 (never below); picking 3-2 = 1.
    assert_eq!(
        (p.on_hand, p.reserved, p.picking, p.safety_stock),
        (14, 0, 1, 2)
    );
    assert_eq!(e.ats("A", Some("S1")).unwrap(), 14 - 1 - 2);
    assert_eq!(r.changes.len(), 1);
    assert_eq!((r.changes[0].before, r.changes[0].after), (0, 11));
}

#[test]
fn safety_stock_inactive_locations_and_totals() {
    let mut e = engine();
    apply(
        &mut e,
        &[
            set("a", "A", "S1", 5, None),
            set("b", "A", "S3", 5, None),
            set("c", "A", "W1", 100, None),
        ],
    );
    assert_eq!(
        e.ats("A", Some("S3")).unwrap(),
        4,
        "location safety stock 1 applies"
    );
    json(
        &mut e,
        r#"[{"id":"d","type":"safetyStock","sku":"A","location":"S3","qty":0}]"#,
    );
    assert_eq!(
        e.ats("A", Some("S3")).unwrap(),
        5,
        "the position's own safety stock overrides the location's"
    );
    assert_eq!(e.ats("A", None).unwrap(), 110);
    // `qty: null` removes the position's own buffer: the location's applies again, and a
    // snapshot keeps the removal. Without `qty` the event is refused, not read as a removal.
    let r = json(
        &mut e,
        r#"[{"id":"d2","type":"safetyStock","sku":"A","location":"S3"},
            {"id":"d3","type":"safetyStock","sku":"A","location":"S3","qty":null}]"#,
    );
    assert_eq!(r.applied, 1);
    assert_eq!(
        (r.rejected[0].index, r.rejected[0].code.as_str()),
        (0, "missing_field")
    );
    assert_eq!(e.ats("A", Some("S3")).unwrap(), 4, "the location's 1 again");
    assert_eq!(e.position("A", "S3").unwrap().unwrap().safety_stock, 1);
    let restored = atsource::Engine::from_snapshot(&e.snapshot()).unwrap();
    assert_eq!(restored.ats("A", Some("S3")).unwrap(), 4);
    json(
        &mut e,
        r#"[{"id":"d4","type":"safetyStock","sku":"A","location":"S3","qty":0}]"#,
    );
    assert_eq!(e.ats("A", None).unwrap(), 110);
    let mut w1 = loc("W1", LocationKind::Warehouse, 45.60, 5.10);
    w1.active = Some(false);
    e.upsert_locations(vec![w1]).unwrap();
    assert_eq!(
        e.ats("A", Some("W1")).unwrap(),
        0,
        "inactive locations sell nothing"
    );
    assert_eq!(e.ats("A", None).unwrap(), 10);
    assert_eq!(e.ats("UNKNOWN-SKU", None).unwrap(), 0);
    assert_eq!(
        e.ats("A", Some("NOPE")).unwrap_err().code(),
        "unknown_location"
    );
}

#[test]
fn duplicates_stale_and_rejections_are_reported_per_event() {
    let mut e = engine();
    let r = json(
        &mut e,
        r#"[
        {"id":"v2","type":"set","sku":"A","location":"S1","onHand":10,"version":2},
        {"id":"v1","type":"set","sku":"A","location":"S1","onHand":99,"version":1},
        {"id":"v2","type":"set","sku":"A","location":"S1","onHand":50,"version":3},
        {"id":"x1","type":"reserve","sku":"A","location":"NOWHERE","qty":1},
        {"id":"x2","type":"reserve","sku":"A","location":"S1","qty":-1},
        {"id":"x3","type":"reserve","sku":"A","location":"S1","qty":1.5},
        {"id":"x4","type":"explode","sku":"A","location":"S1","qty":1},
        {"id":"x5","type":"reserve","location":"S1","qty":1},
        null,
        {"id":"ok","type":"reserve","sku":"A","location":"S1","qty":3}
    ]"#,
    );
    assert_eq!((r.applied, r.stale, r.duplicates), (2, 1, 1));
    let codes: Vec<(usize, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.index, x.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (3, "unknown_location"),
            (4, "invalid_quantity"),
            (5, "invalid_quantity"),
            (6, "unknown_type"),
            (7, "missing_field"),
            (8, "not_an_object")
        ]
    );
    assert!(
        r.rejected[4].message.contains("sku"),
        "{}",
        r.rejected[4].message
    );
    assert_eq!(e.ats("A", Some("S1")).unwrap(), 7);
    // A rejected event's id is not remembered: once corrected it applies.
    let r = json(
        &mut e,
        r#"[{"id":"x2","type":"reserve","sku":"A","location":"S1","qty":1}]"#,
    );
    assert_eq!(r.applied, 1);
    assert_eq!(e.ats("A", Some("S1")).unwrap(), 6);
}

#[test]
fn an_overflowing_count_is_refused_naming_its_field() {
    let mut e = engine();
    let r = json(
        &mut e,
        r#"[
        {"id":"a","type":"set","sku":"A","location":"S1","onHand":2000000000},
        {"id":"b","type":"adjust","sku":"A","location":"S1","delta":2000000000},
        {"id":"c","type":"return","sku":"A","location":"S1","qty":2000000000}
    ]"#,
    );
    let got: Vec<(usize, &str, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.index, x.code.as_str(), x.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "invalid_quantity", "delta: would overflow the position"),
            (2, "invalid_quantity", "qty: would overflow the position"),
        ]
    );
    assert_eq!(
        e.ats("A", Some("S1")).unwrap(),
        2_000_000_000,
        "nothing half-applied"
    );
}

#[test]
fn a_batch_that_is_not_an_array_is_invalid_input() {
    let mut e = engine();
    for bad in ["", "{}", "[", "42", r#"{"events":[]}"#] {
        assert_eq!(
            e.apply_events_json(bad).unwrap_err().code(),
            "invalid_input",
            "{bad}"
        );
    }
    assert_eq!(e.stats().positions, 0);
}

#[test]
fn a_batch_of_more_than_max_batch_events_is_refused_whole() {
    use atsource::inventory::MAX_BATCH_EVENTS;
    let mut e = engine();
    let first = r#"{"id":"b1","type":"set","sku":"A","location":"S1","onHand":5}"#;
    let batch = |n: usize| format!("[{first}{}]", ",null".repeat(n - 1));
    let err = e
        .apply_events_json(&batch(MAX_BATCH_EVENTS + 1))
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("invalid_input", Some("events")));
    assert!(err.to_string().contains("at most 4194304 events"), "{err}");
    assert_eq!(e.stats().positions, 0, "nothing of a refused batch applies");
    let report = e.apply_events_json(&batch(MAX_BATCH_EVENTS)).unwrap();
    assert_eq!(
        (report.applied, report.rejected.len()),
        (1, MAX_BATCH_EVENTS - 1)
    );
    assert_eq!(e.ats("A", Some("S1")).unwrap(), 5);
}

#[test]
fn event_ids_are_remembered_for_the_last_100000() {
    let mut e = engine();
    let events: Vec<_> = (0..100_001)
        .map(|i| common::set(&format!("id-{i}"), "A", "S1", i % 7, None))
        .collect();
    apply(&mut e, &events);
    assert_eq!(e.stats().remembered_events, 100_000);
    let again = apply(&mut e, &events[events.len() - 100_000..]);
    assert_eq!(again.duplicates, 100_000);
    let first = apply(&mut e, &events[..1]);
    assert_eq!(
        first.applied, 1,
        "the oldest id was forgotten: memory is bounded"
    );
}

#[test]
fn events_applied_with_remember_false_neither_check_nor_take_room_among_the_remembered_ids() {
    use atsource::inventory::ApplyOptions;
    let mut e = engine();
    apply(&mut e, &[common::set("erp-1", "A", "S1", 10, None)]);
    let unremembered = ApplyOptions {
        remember: false,
        ..Default::default()
    };
    // 100,001 moves of the writer's own (one id, applied each time): the integration's id is
    // still remembered, the writer's never was.
    let holds: Vec<_> = (0..100_001)
        .map(|i| {
            format!(
                r#"{{"id":"own","type":"{}","sku":"A","location":"S1","qty":1}}"#,
                ["reserve", "release"][i % 2]
            )
        })
        .collect();
    let report = e
        .apply_events_json_with(&format!("[{}]", holds.join(",")), unremembered)
        .unwrap();
    assert_eq!((report.applied, report.duplicates), (100_001, 0));
    assert_eq!(e.stats().remembered_events, 1);
    assert_eq!(e.position("A", "S1").unwrap().unwrap().reserved, 1);
    let retry = apply(&mut e, &[common::set("erp-1", "A", "S1", 99, None)]);
    assert_eq!(
        retry.duplicates, 1,
        "the integration's retry is still a duplicate"
    );
    // Remembered ids do not stop an unremembered event either.
    let again = e
        .apply_events_json_with(
            r#"[{"id":"erp-1","type":"adjust","sku":"A","location":"S1","delta":1}]"#,
            unremembered,
        )
        .unwrap();
    assert_eq!(again.applied, 1);
    assert_eq!(e.position("A", "S1").unwrap().unwrap().on_hand, 11);
}

#[test]
fn alerts_report_low_out_and_back_in_stock() {
    let mut e = engine();
    e.set_alert_threshold(ThresholdRule {
        sku: Some("A".into()),
        location: None,
        low: Some(3.0),
    })
    .unwrap();
    apply(
        &mut e,
        &[set("1", "A", "S1", 10, None), set("2", "B", "S1", 2, None)],
    );
    let r = json(
        &mut e,
        r#"[{"id":"3","type":"reserve","sku":"A","location":"S1","qty":8},
            {"id":"4","type":"adjust","sku":"B","location":"S1","delta":-2}]"#,
    );
    let kinds: Vec<(&str, AlertKind)> = r.alerts.iter().map(|a| (a.sku.as_str(), a.kind)).collect();
    assert_eq!(
        kinds,
        vec![("A", AlertKind::Low), ("B", AlertKind::OutOfStock)]
    );
    assert_eq!(r.alerts[0].threshold, Some(3));
    let r = json(
        &mut e,
        r#"[{"id":"5","type":"return","sku":"B","location":"S1","qty":1}]"#,
    );
    assert_eq!(r.alerts[0].kind, AlertKind::BackInStock);
    assert!(e
        .set_alert_threshold(ThresholdRule {
            sku: None,
            location: None,
            low: Some(-2.0)
        })
        .is_err());
    // A rule for an unknown location or an empty SKU is refused, and nothing is stored.
    let before = e.snapshot();
    let rule = |sku: Option<&str>, location: Option<&str>| ThresholdRule {
        sku: sku.map(String::from),
        location: location.map(String::from),
        low: Some(1.0),
    };
    let code = |e: &mut atsource::Engine, r| e.set_alert_threshold(r).unwrap_err().code();
    assert_eq!(
        code(&mut e, rule(None, Some("NOWHERE"))),
        "unknown_location"
    );
    assert_eq!(
        code(&mut e, rule(Some("B"), Some("NOWHERE"))),
        "unknown_location"
    );
    assert_eq!(code(&mut e, rule(Some(""), None)), "invalid_input");
    assert_eq!(e.snapshot(), before);
    // `low` is required: `{}` is not the removal of the default rule (`{"low": null}` is).
    let missing = atsource::from_json::<ThresholdRule>("{}").unwrap_err();
    assert_eq!(missing.field, "low");
    let removal: ThresholdRule = atsource::from_json(r#"{"low":null}"#).unwrap();
    assert_eq!(removal.low, None);
}

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

#[test]
fn bad_locations_are_refused_whole() {
    let mut e = engine();
    let before = e.network().all().to_vec();
    type Spoil = Box<dyn Fn(&mut atsource::network::LocationInput)>;
    let cases: Vec<(&str, Spoil)> = vec![
        ("[1].lat", Box::new(|l| l.lat = f64::NAN)),
        ("[1].lon", Box::new(|l| l.lon = 181.0)),
        ("[1].performance", Box::new(|l| l.performance = Some(1.2))),
        (
            "[1].costPerUnit",
            Box::new(|l| l.cost_per_unit = Some(-1.0)),
        ),
        // A cost so large that a plan's cost would overflow to Infinity (an auditor's 1e308).
        (
            "[1].costPerShipment",
            Box::new(|l| l.cost_per_shipment = Some(1e308)),
        ),
        (
            "[1].capacityUnits",
            Box::new(|l| l.capacity_units = Some(-3.0)),
        ),
        ("[1].safetyStock", Box::new(|l| l.safety_stock = Some(0.5))),
        ("[1].id", Box::new(|l| l.id = String::new())),
    ];
    for (field, spoil) in cases {
        let mut bad = loc("NEW", LocationKind::Store, 1.0, 1.0);
        spoil(&mut bad);
        let err = e
            .upsert_locations(vec![loc("S1", LocationKind::Warehouse, 0.0, 0.0), bad])
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(
            err.to_string().starts_with(field),
            "{err} should name {field}"
        );
        assert_eq!(e.network().all(), &before[..], "nothing half-applied");
    }
}

#[test]
fn location_defaults_follow_the_contract() {
    let mut e = atsource::Engine::new();
    e.upsert_locations(atsource::from_json(r#"[{"id":"S","kind":"store","lat":1,"lon":2},{"id":"W","kind":"warehouse","lat":1,"lon":2}]"#).unwrap())
        .unwrap();
    let s = &e.network().all()[0];
    assert_eq!(
        (s.name.as_str(), s.active, s.ship, s.pickup, s.performance),
        ("S", true, true, true, 1.0)
    );
    assert_eq!(
        (
            s.cost_per_shipment,
            s.cost_per_unit,
            s.capacity_units,
            s.safety_stock
        ),
        (0.0, 0.0, None, 0)
    );
    assert!(
        !e.network().all()[1].pickup,
        "warehouses offer no pickup by default"
    );
    let typo = atsource::from_json::<Vec<atsource::network::LocationInput>>(
        r#"[{"id":"S","kind":"store","lat":1,"lon":2,"costPerShipmet":3}]"#,
    );
    assert!(typo.unwrap_err().to_string().contains("costPerShipmet"));
}

#[test]
fn packed_changes_list_what_the_report_lists() {
    let mut a = engine();
    json(
        &mut a,
        r#"[{"id":"0","type":"set","sku":"B","location":"S2","onHand":4}]"#,
    );
    let mut b = a.clone();
    let batch = r#"[
        {"id":"1","type":"set","sku":"A","location":"S1","onHand":10},
        {"id":"2","type":"reserve","sku":"B","location":"S2","qty":1},
        {"id":"3","type":"set","sku":"A","location":"W1","onHand":3},
        {"id":"4","type":"reserve","sku":"A","location":"S1","qty":2},
        {"id":"5","type":"adjust","sku":"A","location":"S9","delta":1},
        {"id":"6","type":"safetyStock","sku":"B","location":"S2","qty":0},
        {"id":"7","type":"reserve","sku":"C","location":"S3","qty":0}
    ]"#;
    let want = json(&mut a, batch);
    let (report, packed) = b
        .apply_events_json_packed(batch, Default::default())
        .unwrap();
    assert!(report.changes.is_empty());
    assert_eq!(report.rejected, want.rejected);
    assert_eq!(report.alerts, want.alerts);
    assert_eq!(packed.numbers.len(), 4 * want.changes.len());
    assert_eq!(
        packed.skus,
        ["A", "B"],
        "each changed SKU named once, in order"
    );
    // Location indexes are the engine's own (new locations are numbered in spatial order).
    let ids: Vec<&str> = b.network().all().iter().map(|l| l.id.as_str()).collect();
    let got: Vec<(String, String, i64, i64)> = packed
        .numbers
        .chunks(4)
        .map(|c| {
            (
                packed.skus[c[0] as usize].clone(),
                ids[c[1] as usize].to_string(),
                c[2] as i64,
                c[3] as i64,
            )
        })
        .collect();
    let expected: Vec<(String, String, i64, i64)> = want
        .changes
        .iter()
        .map(|c| (c.sku.clone(), c.location.clone(), c.before, c.after))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(a.snapshot(), b.snapshot(), "same state either way");
}

/// Coordinates given as JSON text, as JS's JSON.stringify writes them (the shortest text that
/// reads back as the same number, often 17 digits), come back exactly: a best-effort float
/// parser is one unit in the last place off for a good share of them.
#[test]
fn coordinates_read_from_json_are_exactly_the_numbers_written() {
    let mut rng = fastrand::Rng::with_seed(17);
    let points: Vec<(f64, f64)> = (0..2000)
        .map(|_| (42.0 + 9.0 * rng.f64(), -4.0 + 12.0 * rng.f64()))
        .collect();
    let items: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (lat, lon))| {
            format!(
                r#"{{"id":"L{i}","kind":"store","lat":{},"lon":{}}}"#,
                serde_json::to_string(lat).unwrap(),
                serde_json::to_string(lon).unwrap()
            )
        })
        .collect();
    let mut e = atsource::Engine::new();
    e.upsert_locations(atsource::from_json(&format!("[{}]", items.join(","))).unwrap())
        .unwrap();
    let mut off = 0;
    for l in e.network().all() {
        let i: usize = l.id[1..].parse().unwrap();
        off += usize::from((l.lat, l.lon) != points[i]);
    }
    assert_eq!(
        off, 0,
        "{off} of 2000 locations read back other coordinates"
    );
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

/// A value of the wrong type in a field that takes one of a few names (`"mode": 5`) says so,
/// rather than serde_json's "expected value" (its word for malformed JSON, which stays).
#[test]
fn a_name_field_of_the_wrong_type_says_so() {
    let err = atsource::from_json::<AvailabilityQuery>(r#"{"skus":["S"],"mode":5}"#).unwrap_err();
    assert_eq!(err.field, "mode");
    assert_eq!(
        err.message,
        "invalid type: expected one of this field's names, as a string"
    );
    let malformed =
        atsource::from_json::<AvailabilityQuery>(r#"{"skus":["S"],"mode":}"#).unwrap_err();
    assert_eq!(malformed.message, "expected value");
}
