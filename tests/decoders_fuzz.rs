//! Fuzzing the two decoders that take untrusted bytes: snapshots and event batches.
//!
//! proptest keeps every failing input it ever found in `proptest-regressions/` and replays it
//! first on every run; `regressions/` below holds hand-kept crashers as plain test cases.

mod common;

use atsource::Engine;
use proptest::prelude::*;

fn sample_snapshot() -> Vec<u8> {
    let mut e = common::engine();
    e.apply_events_json(
        r#"[{"id":"1","type":"set","sku":"A","location":"S1","onHand":10,"version":4},
            {"id":"2","type":"reserve","sku":"A","location":"S2","qty":2},
            {"id":"3","type":"incoming","sku":"B","location":"W1","qty":7,"date":"2026-12-24"},
            {"id":"4","type":"safetyStock","sku":"B","location":"S3","qty":1}]"#,
    )
    .unwrap();
    e.snapshot()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_load_or_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let result = Engine::from_snapshot(&bytes);
        prop_assert!(result.is_err());
    }

    #[test]
    fn damaged_snapshots_are_refused_whole(at in any::<prop::sample::Index>(), bit in 0..8u8, cut in any::<bool>()) {
        let mut bad = sample_snapshot();
        let i = at.index(bad.len());
        if cut {
            bad.truncate(i);
        } else {
            bad[i] ^= 1 << bit;
        }
        let err = Engine::from_snapshot(&bad).err();
        prop_assert!(err.as_ref().is_some_and(|e| e.code().starts_with("snapshot_")), "{:?}", err);
    }

    #[test]
    fn arbitrary_text_never_panics_the_event_decoder(text in ".{0,200}") {
        let mut e = common::engine();
        let before = e.snapshot();
        if e.apply_events_json(&text).is_err() {
            prop_assert_eq!(e.snapshot(), before);
        }
    }

    #[test]
    fn arbitrary_json_events_are_applied_or_rejected_one_by_one(
        events in prop::collection::vec(json_event(), 0..20)
    ) {
        let mut e = common::engine();
        let batch = serde_json::Value::Array(events).to_string();
        let r = e.apply_events_json(&batch).unwrap();
        let n = serde_json::from_str::<Vec<serde_json::Value>>(&batch).unwrap().len() as u32;
        prop_assert_eq!(r.applied + r.duplicates + r.stale + r.rejected.len() as u32, n);
        for sku in ["A", "B", "x"] {
            prop_assert!(e.ats(sku, None).unwrap() >= 0);
        }
    }
}

fn scalar() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|n| json!(n)),
        (-5i32..50).prop_map(|n| json!(n)),
        "[A-Za-z0-9 -]{0,8}".prop_map(Value::String),
        Just(json!("2026-12-01")),
        Just(json!([1, 2])),
        Just(json!({"x": 1})),
    ]
}

fn json_event() -> impl Strategy<Value = serde_json::Value> {
    let kinds = prop::sample::select(vec![
        "set",
        "adjust",
        "reserve",
        "release",
        "pick",
        "ship",
        "return",
        "safetyStock",
        "incoming",
        "bogus",
    ]);
    let field = prop::sample::select(vec![
        "qty", "delta", "onHand", "version", "date", "id", "sku", "location", "extra",
    ]);
    (
        kinds,
        prop::sample::select(vec!["A", "B", "x"]),
        prop::sample::select(vec!["S1", "W1", "nope"]),
        prop::collection::vec((field, scalar()), 0..4),
        any::<u8>(),
    )
        .prop_map(|(kind, sku, loc, extra, id)| {
            let mut m = serde_json::Map::new();
            m.insert("id".into(), format!("e{id}").into());
            m.insert("type".into(), kind.into());
            m.insert("sku".into(), sku.into());
            m.insert("location".into(), loc.into());
            for (k, v) in extra {
                m.insert(k.into(), v);
            }
            serde_json::Value::Object(m)
        })
}

#[test]
fn regressions() {
    // Inputs that once needed care: an empty snapshot, the bare magic, a huge announced length,
    // deeply nested arrays in a batch, a string where the batch should be.
    let mut huge = b"ATSOURCE\x01\x00\x00\x00".to_vec();
    huge.extend_from_slice(&u64::MAX.to_le_bytes());
    huge.extend_from_slice(&[0, 0, 0, 0]);
    for bytes in [&b""[..], b"ATSOURCE", &huge] {
        assert!(Engine::from_snapshot(bytes).is_err());
    }
    let mut e = common::engine();
    let nested = format!("[{}{}]", "[".repeat(200), "]".repeat(200));
    assert!(e.apply_events_json(&nested).is_ok() || e.apply_events_json(&nested).is_err());
    assert_eq!(
        e.apply_events_json(r#""[]""#).unwrap_err().code(),
        "invalid_input"
    );
}

/// A snapshot's checksum proves only that its bytes are the ones written: a payload rewritten
/// with a value `upsertLocations` refuses (a performance above 1, a negative cost), and sealed
/// again with a valid checksum, is `snapshot_corrupt`, not loaded.
#[test]
fn resealed_snapshots_holding_refused_values_are_corrupt() {
    use atsource::network::{LocationInput, LocationKind};
    use atsource::snapshot;
    let mut e = Engine::new();
    let mut l = LocationInput {
        id: "A".into(),
        name: None,
        kind: LocationKind::Store,
        lat: 48.85,
        lon: 2.35,
        active: None,
        ship: None,
        pickup: None,
        cost_per_shipment: Some(5.5),
        cost_per_unit: Some(0.25),
        performance: Some(0.75),
        capacity_units: None,
        safety_stock: None,
    };
    e.upsert_locations(vec![l.clone()]).unwrap();
    let good = e.snapshot();
    let payload = snapshot::open(&good).unwrap().to_vec();
    // postcard writes an f64 as its 8 little-endian bytes: each value is found by its bytes.
    let swap = |from: f64, to: f64| {
        let (from, to) = (from.to_le_bytes(), to.to_le_bytes());
        let at = payload
            .windows(8)
            .position(|w| w == from)
            .expect("the value's bytes");
        let mut p = payload.clone();
        p[at..at + 8].copy_from_slice(&to);
        snapshot::seal(&p)
    };
    assert!(
        Engine::from_snapshot(&swap(0.75, 0.5)).is_ok(),
        "a valid rewrite loads"
    );
    for (from, to) in [
        (0.75, 1.0000000000000002),
        (0.75, f64::NAN),
        (5.5, -5.49e303),
        (0.25, -0.25),
        (48.85, 91.0),
    ] {
        let err = Engine::from_snapshot(&swap(from, to)).err();
        assert_eq!(
            err.map(|e| e.code()),
            Some("snapshot_corrupt"),
            "{from} -> {to}"
        );
    }
    // The same values are what upsertLocations refuses.
    l.performance = Some(1.0000000000000002);
    assert!(e.upsert_locations(vec![l]).is_err());
}

/// Reserved and picking units never go below 0 through events, and a safety stock is never
/// negative: a resealed snapshot holding one (which would sell more than is on hand) is
/// `snapshot_corrupt`, while the same rewrite to a reachable value loads.
#[test]
fn resealed_snapshots_holding_negative_holds_are_corrupt() {
    use atsource::snapshot;
    let mut e = common::engine();
    let events = r#"[
        {"id":"1","type":"set","sku":"A","location":"S1","onHand":5},
        {"id":"2","type":"reserve","sku":"A","location":"S1","qty":3},
        {"id":"3","type":"pick","sku":"A","location":"S1","qty":1},
        {"id":"4","type":"reserve","sku":"A","location":"S1","qty":1},
        {"id":"5","type":"safetyStock","sku":"A","location":"S1","qty":6}
    ]"#;
    e.apply_events_json(events).unwrap();
    assert_eq!(e.ats("A", Some("S1")).unwrap(), 0);
    let good = e.snapshot();
    let payload = snapshot::open(&good).unwrap().to_vec();
    // The position's columns, as zigzag varints: onHand 5, reserved 3, picking 1, safety 6
    // (stored as 7).
    let columns = [10u8, 6, 2, 14];
    let at = payload
        .windows(4)
        .position(|w| w == columns)
        .expect("the position's columns");
    let rewrite = |k: usize, byte: u8| {
        let mut p = payload.clone();
        p[at + k] = byte;
        Engine::from_snapshot(&snapshot::seal(&p))
    };
    // Reachable: reserved 0 and no safety stock of its own.
    let ok = rewrite(1, 0).expect("a valid rewrite loads");
    assert_eq!(ok.ats("A", Some("S1")).unwrap(), 0);
    assert!(rewrite(3, 0).is_ok());
    // reserved -3, picking -1, safety -2 (stored -1).
    for (k, byte) in [(1, 5), (2, 1), (3, 1)] {
        assert_eq!(
            rewrite(k, byte).err().map(|e| e.code()),
            Some("snapshot_corrupt"),
            "column {k} rewritten to {byte}"
        );
    }
}

/// Expected supply holds units (> 0) per day, days in order: a resealed snapshot with a
/// negative or zero quantity is `snapshot_corrupt`.
#[test]
fn resealed_snapshots_holding_bad_supply_are_corrupt() {
    use atsource::snapshot;
    let mut e = common::engine();
    let events =
        r#"[{"id":"1","type":"incoming","sku":"A","location":"S1","qty":7,"date":"2026-12-01"}]"#;
    e.apply_events_json(events).unwrap();
    let good = e.snapshot();
    let payload = snapshot::open(&good).unwrap().to_vec();
    // The entry as the snapshot's postcard writes it: the day (days since 1970), then the units
    // (7, as the zigzag varint 14).
    let entry = postcard::to_allocvec(&(20_788i32, 7i32)).unwrap();
    let at = payload
        .windows(entry.len())
        .position(|w| w == entry)
        .expect("the supply entry")
        + entry.len()
        - 1;
    let rewrite = |byte: u8| {
        let mut p = payload.clone();
        p[at] = byte;
        Engine::from_snapshot(&snapshot::seal(&p))
    };
    assert!(rewrite(16).is_ok(), "8 units expected: loads");
    for byte in [13, 0] {
        assert_eq!(
            rewrite(byte).err().map(|e| e.code()),
            Some("snapshot_corrupt"),
            "quantity rewritten to {byte}"
        );
    }
}

/// Costs stored by an earlier build above today's ceiling (1e9), in a snapshot's location or in
/// a restored profile, are read at the ceiling: plans stay finite numbers.
#[test]
fn stored_costs_above_the_ceiling_are_read_at_it() {
    use atsource::snapshot;
    use atsource::sourcing::{Profile, SourceRequest};
    let mut e = Engine::new();
    let locations = r#"[{"id":"S1","kind":"store","lat":48.86,"lon":2.34,"costPerShipment":1234.5678},
                        {"id":"S2","kind":"store","lat":48.87,"lon":2.36}]"#;
    e.upsert_locations(serde_json::from_str(locations).unwrap())
        .unwrap();
    e.apply_events_json(
        r#"[{"id":"1","type":"set","sku":"A","location":"S1","onHand":5},
            {"id":"2","type":"set","sku":"B","location":"S2","onHand":5}]"#,
    )
    .unwrap();
    let payload = snapshot::open(&e.snapshot()).unwrap().to_vec();
    let cost = 1234.5678f64.to_le_bytes();
    let at = payload
        .windows(8)
        .position(|w| w == cost)
        .expect("the location's cost");
    let mut p = payload.clone();
    p[at..at + 8].copy_from_slice(&1e308f64.to_le_bytes());
    let mut e = Engine::from_snapshot(&snapshot::seal(&p)).expect("an earlier build's cost loads");
    let cart = |profile: &str| {
        SourceRequest::from_json(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}},{{"sku":"B","qty":1}}],"destination":{{"lat":48.85,"lon":2.35}}{profile}}}"#
        ))
        .unwrap()
    };
    let plan = e.source(&cart("")).unwrap();
    assert!(
        plan.total_cost.is_finite() && plan.total_cost >= 1e9,
        "{}",
        plan.total_cost
    );
    // A profile an earlier build stored with a cost far above the ceiling.
    let old: Profile = atsource::from_json(r#"{"costPerShipment":1e308}"#).unwrap();
    assert!(
        e.set_profile("old", old.clone()).is_err(),
        "refused coming in"
    );
    e.restore_profile("old", old).unwrap();
    let plan = e.source(&cart(r#","profile":"old""#)).unwrap();
    assert!(
        plan.total_cost.is_finite() && plan.lower_bound.is_finite(),
        "{plan:?}"
    );
    assert!(plan.total_cost >= 3e9, "{}", plan.total_cost);
}

/// A snapshot's SKU count sizes the SKU table before a name is read: a resealed payload that
/// announces four billion SKUs is `snapshot_corrupt` (postcard sees the count is beyond its
/// bytes, and the reservation is bounded by them anyway), and so are more names than stocks,
/// more stocks than names and a name twice, each saying which.
#[test]
fn resealed_snapshots_announcing_more_skus_than_they_hold_are_corrupt() {
    use atsource::snapshot;
    let empty = Engine::new().snapshot();
    let payload = snapshot::open(&empty).unwrap().to_vec();
    // postcard: no locations (0), then the SKU names' count (0), the stocks' count (0), ...
    assert_eq!(&payload[..3], &[0, 0, 0]);
    // Two names, A and B; an empty stock is a byte string of two bytes (no positions, no
    // optional column).
    let (a, b, stock) = ([0x01, b'A'], [0x01, b'B'], [0x02, 0x00, 0x00]);
    let with = |names: &[&[u8]], stocks: usize| {
        let mut skus = vec![names.len() as u8];
        names.iter().for_each(|n| skus.extend_from_slice(n));
        skus.push(stocks as u8);
        (0..stocks).for_each(|_| skus.extend_from_slice(&stock));
        let mut p = payload.clone();
        p.splice(1..3, skus);
        Engine::from_snapshot(&snapshot::seal(&p))
    };
    let refused = |r: Result<Engine, atsource::Error>| {
        let e = r.expect_err("refused");
        assert_eq!(e.code(), "snapshot_corrupt");
        e.to_string()
    };
    let mut huge = payload.clone();
    huge.splice(1..2, [0xff, 0xff, 0xff, 0xff, 0x0f]);
    refused(Engine::from_snapshot(&snapshot::seal(&huge)));
    let differ = "SKU table and stock table differ in length";
    assert!(refused(with(&[&a, &b], 1)).contains(differ));
    assert!(refused(with(&[&a], 2)).contains(differ));
    assert!(refused(with(&[&a, &a], 2)).contains("SKU `A` appears twice"));
    let e = with(&[&a, &b], 2).expect("two SKUs, no positions");
    assert_eq!(e.stats().skus, 2);
    assert_eq!(e.inventory().sku_index("B"), Some(1));
}
