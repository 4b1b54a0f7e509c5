//! Locations: the contract's defaults, and bad ones refused whole.

use super::*;

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
