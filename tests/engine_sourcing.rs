//! Sourcing through the engine facade: profiles registered by name, kept in snapshots, and
//! every error coded.

mod common;

use atsource::sourcing::{Profile, SourceRequest, Status};
use atsource::Engine;

fn stocked() -> Engine {
    let mut e = common::engine();
    e.apply_events_json(
        r#"[{"id":"1","type":"set","sku":"A","location":"S1","onHand":2},
            {"id":"2","type":"set","sku":"A","location":"W1","onHand":50},
            {"id":"3","type":"set","sku":"B","location":"S2","onHand":1}]"#,
    )
    .unwrap();
    e
}

fn request(json: &str) -> SourceRequest {
    SourceRequest::from_json(json).unwrap()
}

#[test]
fn a_named_profile_sources_and_survives_a_snapshot() {
    let mut e = stocked();
    let profile: Profile =
        atsource::from_json(r#"{"maxDistanceKm":50,"costPerShipment":5,"costPerUnitKm":0.01}"#)
            .unwrap();
    e.set_profile("paris", profile).unwrap();
    let req = request(
        r#"{"lines":[{"sku":"A","qty":2},{"sku":"B","qty":1}],"destination":{"lat":48.86,"lon":2.35},"profile":"paris"}"#,
    );
    let plan = e.source(&req).unwrap();
    assert_eq!(plan.status, Status::Complete);
    assert_eq!(common::shipped(&plan), 3);
    assert!(
        plan.shipments.iter().all(|s| s.location != "W1"),
        "the Lyon warehouse is beyond 50 km"
    );

    let back = Engine::from_snapshot(&e.snapshot()).unwrap();
    assert_eq!(back.profiles(), e.profiles());
    assert_eq!(back.source(&req).unwrap(), plan);
}

#[test]
fn sourcing_errors_are_coded() {
    let mut e = stocked();
    let unknown = request(
        r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.86,"lon":2.35},"profile":"nope"}"#,
    );
    assert_eq!(e.source(&unknown).unwrap_err().code(), "unknown_profile");
    let fractional =
        request(r#"{"lines":[{"sku":"A","qty":1.5}],"destination":{"lat":48.86,"lon":2.35}}"#);
    let err = e.source(&fractional).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("invalid_quantity", Some("lines[0].qty"))
    );
    let bad_profile: Profile = atsource::from_json(r#"{"minPerformance":2}"#).unwrap();
    assert_eq!(
        e.set_profile("x", bad_profile).unwrap_err().code(),
        "invalid_profile"
    );
    assert!(e.profiles().is_empty(), "nothing stored");
    assert_eq!(
        SourceRequest::from_json(
            r#"{"lines":[],"destination":{"lat":1,"lon":1},"profile":{"maxShipmentz":1}}"#
        )
        .unwrap_err()
        .code(),
        "invalid_profile"
    );
}

#[test]
fn a_plan_becomes_the_events_that_hold_it_once() {
    use atsource::sourcing::{plan_events, Hold};
    let mut e = stocked();
    let req = request(
        r#"{"lines":[{"sku":"A","qty":3},{"sku":"B","qty":1}],"destination":{"lat":48.86,"lon":2.35}}"#,
    );
    let plan = e.source(&req).unwrap();
    let before = (e.ats("A", None).unwrap(), e.ats("B", None).unwrap());
    let events = plan_events(&plan, "res-1", Hold::Reserve);
    let json = serde_json::to_string(&events).unwrap();
    assert_eq!(
        e.apply_events_json(&json).unwrap().applied as usize,
        events.len()
    );
    assert_eq!(
        (e.ats("A", None).unwrap(), e.ats("B", None).unwrap()),
        (before.0 - 3, before.1 - 1)
    );
    let retry = e.apply_events_json(&json).unwrap();
    assert_eq!(
        retry.duplicates as usize,
        events.len(),
        "a retried hold is a duplicate"
    );
    assert_eq!(e.ats("A", None).unwrap(), before.0 - 3);
    let release = serde_json::to_string(&plan_events(&plan, "res-1", Hold::Release)).unwrap();
    e.apply_events_json(&release).unwrap();
    assert_eq!(
        (e.ats("A", None).unwrap(), e.ats("B", None).unwrap()),
        before
    );
}

/// Ids with `:` in them: the events of (`A`, `X:Y`) and (`A:X`, `Y`) would share the id
/// `k:reserve:A:X:Y` unescaped, and the second would count as a duplicate (units promised and
/// not held). Escaped, every unit of the plan is held; plain ids are unchanged.
#[test]
fn plan_events_of_ids_holding_colons_never_share_an_id() {
    use atsource::network::LocationKind;
    use atsource::sourcing::{plan_events, Hold};
    let mut e = atsource::Engine::new();
    e.upsert_locations(vec![
        common::loc("A", LocationKind::Store, 48.86, 2.35),
        common::loc("A:X", LocationKind::Store, 48.87, 2.35),
        common::loc("B%3A", LocationKind::Store, 48.88, 2.35),
    ])
    .unwrap();
    e.apply_events_json(
        r#"[{"id":"1","type":"set","sku":"X:Y","location":"A","onHand":5},
            {"id":"2","type":"set","sku":"Y","location":"A:X","onHand":5},
            {"id":"3","type":"set","sku":"Z","location":"B%3A","onHand":5}]"#,
    )
    .unwrap();
    let plan = e
        .source(&request(
            r#"{"lines":[{"sku":"X:Y","qty":2},{"sku":"Y","qty":3},{"sku":"Z","qty":1}],"destination":{"lat":48.86,"lon":2.35}}"#,
        ))
        .unwrap();
    let events = plan_events(&plan, "k", Hold::Reserve);
    let ids: Vec<&str> = events.iter().map(|e| e.id()).collect();
    assert_eq!(
        ids,
        [
            "k:reserve:A:X%3AY",
            "k:reserve:A%3AX:Y",
            "k:reserve:B%253A:Z"
        ]
    );
    let report = e
        .apply_events_json(&serde_json::to_string(&events).unwrap())
        .unwrap();
    assert_eq!(report.applied, 3);
    assert_eq!(e.ats("X:Y", Some("A")).unwrap(), 3);
    assert_eq!(e.ats("Y", Some("A:X")).unwrap(), 2);
    let plain = plan_events(&plan, "res-1", Hold::Release);
    assert!(plain.iter().all(|e| e.id().starts_with("res-1:release:")));
}

/// A plan written by hand may list a SKU twice for a location (in one shipment or two) and
/// carry lines of no units: one event per (location, SKU) holds the sum, with one id, and a
/// line of 0 holds nothing.
#[test]
fn hand_written_plans_hold_each_location_and_sku_once_with_every_unit() {
    use atsource::sourcing::{parcel_events, Hold, PlanParcels};
    let mut e = stocked();
    let before = e.ats("A", Some("W1")).unwrap();
    let plan: PlanParcels = serde_json::from_str(
        r#"{"shipments":[{"location":"W1","lines":[{"sku":"A","qty":1},{"sku":"A","qty":2},{"sku":"B","qty":0}]},
                         {"location":"W1","lines":[{"sku":"A","qty":1}]}]}"#,
    )
    .unwrap();
    let events = parcel_events(&plan, "o1", Hold::Reserve);
    let ids: Vec<&str> = events.iter().map(|e| e.id()).collect();
    assert_eq!(ids, ["o1:reserve:W1:A"]);
    let report = e
        .apply_events_json(&serde_json::to_string(&events).unwrap())
        .unwrap();
    assert_eq!((report.applied, report.duplicates), (1, 0));
    assert_eq!(e.ats("A", Some("W1")).unwrap(), before - 4);
}
