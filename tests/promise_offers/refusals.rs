//! Bad requests and bad configurations: refused with a code and the field's path.

use super::*;

fn error(request: &Value) -> (String, String) {
    let e = split_cart();
    let err = options(&e, request).unwrap_err();
    (err.code().to_string(), err.field().to_string())
}

fn pair(code: &str, field: &str) -> (String, String) {
    (code.to_string(), field.to_string())
}

#[test]
fn bad_requests_are_refused_with_a_code_and_a_field() {
    let ok = request(&[("A", 1)], PARIS, TUESDAY, json!({}));
    assert!(options(&split_cart(), &ok).is_ok());
    let with = |k: &str, v: Value| {
        let mut r = ok.clone();
        r[k] = v;
        r
    };
    for now in [
        "2026-12-08 10:00",
        "1969-12-31T10:00",
        "9999-12-31T10:00",
        "2026-12-08T10:00Z",
        "2026-12-08T10:00+01:00",
        "2026-13-01T10:00",
        "tomorrow",
    ] {
        assert_eq!(
            error(&with("now", json!(now))),
            pair("invalid_input", "now"),
            "{now}"
        );
    }
    let mut no_now = ok.clone();
    no_now.as_object_mut().unwrap().remove("now");
    assert_eq!(error(&no_now), pair("invalid_input", "now"));
    assert_eq!(error(&with("now", json!(12))), pair("invalid_input", "now"));
    assert_eq!(
        error(&with("cartValue", json!(-1))),
        pair("invalid_input", "cartValue")
    );
    let lines = json!([{ "sku": "A", "qty": 1, "unitPrice": -5 }]);
    assert_eq!(
        error(&with("lines", lines)),
        pair("invalid_input", "lines[0].unitPrice")
    );
    let lines = json!([{ "sku": "A", "qty": 0 }]);
    assert_eq!(
        error(&with("lines", lines)),
        pair("invalid_quantity", "lines[0].qty")
    );
    assert_eq!(
        error(&with("lines", json!([]))),
        pair("invalid_input", "lines")
    );
    let dest = json!({ "lat": null, "lon": 2.3 });
    assert_eq!(
        error(&with("destination", dest)),
        pair("invalid_input", "destination.lat")
    );
    let dest = json!({ "lat": 48.8, "lon": 200 });
    assert_eq!(
        error(&with("destination", dest)),
        pair("invalid_input", "destination.lon")
    );
    assert_eq!(
        error(&with("profile", json!("nope"))),
        pair("unknown_profile", "profile")
    );
    let bad = json!({ "maxShipments": 0 });
    assert_eq!(
        error(&with("profile", bad)),
        pair("invalid_profile", "profile.maxShipments")
    );
    let bad = json!({ "colour": "red" });
    assert_eq!(error(&with("profile", bad)).0, "invalid_profile");
    assert_eq!(
        error(&with("extra", json!(1))),
        pair("invalid_input", "extra")
    );
}

#[test]
fn a_nan_destination_is_refused() {
    let e = split_cart();
    let req = DeliveryRequest {
        lines: vec![LineInput {
            sku: "A".into(),
            qty: 1.0,
            unit_price: Some(f64::NAN),
        }],
        destination: GeoPoint {
            lat: f64::NAN,
            lon: 2.0,
        },
        profile: None,
        now: Some(TUESDAY.into()),
        price_explanations: None,
        pickup_at: None,
        cart_value: None,
        delivery: None,
    };
    let err = promise::delivery_options(
        e.network(),
        e.inventory(),
        e.profiles(),
        &req,
        &DeliveryConfig::default(),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("invalid_input", "destination.lat")
    );
    let req = DeliveryRequest {
        destination: GeoPoint {
            lat: 48.0,
            lon: 2.0,
        },
        ..req
    };
    let err = promise::delivery_options(
        e.network(),
        e.inventory(),
        e.profiles(),
        &req,
        &DeliveryConfig::default(),
    )
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("invalid_input", "lines[0].unitPrice")
    );
}

#[test]
fn bad_configurations_are_refused_with_the_field_path() {
    let cases = [
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "transit": [{ "minDays": 3, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].transit[0].maxDays",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": -1, "transit": [{ "minDays": 1, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].basePrice",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "transit": [] }] }),
            "delivery.serviceLevels[0].transit",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "transit": [{ "minDays": 1, "maxDays": 2 }, { "maxKm": 10, "minDays": 1, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].transit[0].maxKm",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "transit": [{ "maxKm": 100, "minDays": 1, "maxDays": 2 }, { "maxKm": 50, "minDays": 1, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].transit[1].maxKm",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "transit": [{ "minDays": 1.5, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].transit[0].minDays",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "maxShipments": 0, "transit": [{ "minDays": 1, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].maxShipments",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "deliveryDays": [], "transit": [{ "minDays": 1, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].deliveryDays",
        ),
        (
            json!({ "serviceLevels": [
            { "id": "s", "basePrice": 1, "transit": [{ "minDays": 1, "maxDays": 2 }] },
            { "id": "s", "basePrice": 2, "transit": [{ "minDays": 1, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[1].id",
        ),
        (
            json!({ "serviceLevels": [{ "id": "s", "basePrice": 1, "deliveryDays": ["funday"], "transit": [{ "minDays": 1, "maxDays": 2 }] }] }),
            "delivery.serviceLevels[0].deliveryDays[0]",
        ),
        (
            json!({ "store": { "cutoffHour": 20 } }),
            "delivery.store.cutoffHour",
        ),
        (
            json!({ "warehouse": { "openHour": 23, "closeHour": 22 } }),
            "delivery.warehouse.closeHour",
        ),
        (
            json!({ "store": { "processingHours": 1000 } }),
            "delivery.store.processingHours",
        ),
        (
            json!({ "store": { "openDays": [] } }),
            "delivery.store.openDays",
        ),
        (
            json!({ "locations": { "W-PARIS": { "cutoffHour": 23 } } }),
            "delivery.locations.W-PARIS.cutoffHour",
        ),
        (
            json!({ "holidays": ["2026-02-30"] }),
            "delivery.holidays[0]",
        ),
        (json!({ "country": "DE" }), "delivery.country"),
        (
            json!({ "clickAndCollect": { "maxStores": 0 } }),
            "delivery.clickAndCollect.maxStores",
        ),
        (
            json!({ "clickAndCollect": { "maxDistanceKm": -3 } }),
            "delivery.clickAndCollect.maxDistanceKm",
        ),
        (json!({ "currency": "" }), "delivery.currency"),
        (json!({ "currency": "€" }), "delivery.currency"),
        (json!({ "currency": "EURO" }), "delivery.currency"),
        (json!({ "levels": [] }), "delivery.levels"),
    ];
    for (delivery, field) in cases {
        let r = request(
            &[("A", 1)],
            PARIS,
            TUESDAY,
            json!({ "delivery": delivery.clone() }),
        );
        assert_eq!(
            error(&r),
            pair("invalid_delivery_config", field),
            "{delivery}"
        );
    }
}

#[test]
fn the_default_configuration_is_valid_and_round_trips_through_json() {
    let config = DeliveryConfig::default();
    config.validate("").unwrap();
    let text = serde_json::to_string(&config).unwrap();
    let back: DeliveryConfig = atsource::from_json(&text).unwrap();
    assert_eq!(back, config);
    // `{}` is the default.
    let empty: DeliveryConfig = atsource::from_json("{}").unwrap();
    assert_eq!(empty, config);
    let ids: Vec<&str> = config
        .service_levels
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(ids, ["standard", "express", "next-day"]);
    let err: PromiseError = DeliveryConfig {
        currency: String::new(),
        ..config
    }
    .validate("profile.delivery")
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("invalid_delivery_config", "profile.delivery.currency")
    );
}
