//! The contract's event table, ATS formula, availability and alerts, on exact numbers.

#[path = "../common/mod.rs"]
mod common;

mod availability;
mod locations;

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
