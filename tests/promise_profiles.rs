//! A delivery configuration stored in a sourcing profile: chosen after the request's own and
//! before the built-in default, validated when the profile is, kept in snapshots.

mod promise_common;

use atsource::promise::{DeliveryOptions, DeliveryRequest};
use atsource::sourcing::{Profile, Profiles, SourceRequest};
use atsource::Engine;
use promise_common::{dates, home, network, request, stock, PARIS};
use serde_json::{json, Value};

const TUESDAY: &str = "2026-12-08T10:00";

fn profile(v: Value) -> Profile {
    serde_json::from_value(v).unwrap()
}

/// A Swiss-franc economy service, delivered Monday, Wednesday and Friday in 4 to 6 days.
fn swiss() -> Value {
    json!({
        "currency": "CHF",
        "serviceLevels": [{ "id": "eco", "basePrice": 2, "transit": [{ "minDays": 4, "maxDays": 6 }],
                            "deliveryDays": ["monday", "wednesday", "friday"] }],
        "clickAndCollect": { "price": 1.5 }
    })
}

/// `engine.deliveryOptions` through the engine facade (which picks the configuration).
fn offer(e: &Engine, extra: Value) -> DeliveryOptions {
    let r = request(&[("A", 1)], PARIS, TUESDAY, extra);
    e.delivery_options(&DeliveryRequest::from_json(&r.to_string()).unwrap())
        .unwrap()
}

fn stocked() -> Engine {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    e
}

#[test]
fn a_profile_with_its_own_delivery_configuration_changes_prices_and_dates() {
    let mut e = stocked();
    e.set_profile(
        "swiss",
        profile(json!({ "costPerShipment": 5, "delivery": swiss() })),
    )
    .unwrap();
    let o = offer(&e, json!({ "profile": "swiss" }));
    assert_eq!(o.currency, "CHF");
    assert_eq!(o.home.len(), 1);
    assert_eq!(home(&o, "eco").price, 2.0);
    // Wed 9, Fri 11, Mon 14, Wed 16 (4th) .. Mon 21 (6th).
    assert_eq!(dates(&o, "eco"), ("2026-12-16".into(), "2026-12-21".into()));
    assert_eq!(o.click_and_collect.first().map(|c| c.price), Some(1.5));

    // Without the profile: the built-in default.
    let o = offer(&e, json!({}));
    assert_eq!(
        (o.currency.as_str(), home(&o, "standard").price),
        ("EUR", 3.99)
    );
    // The request's own configuration wins over the profile's.
    let o = offer(
        &e,
        json!({ "profile": "swiss", "delivery": { "currency": "GBP" } }),
    );
    assert_eq!(o.currency, "GBP");
    assert_eq!(home(&o, "standard").price, 3.99);
    // An inline profile's configuration, and the registered `default` profile's.
    let o = offer(&e, json!({ "profile": { "delivery": swiss() } }));
    assert_eq!(o.currency, "CHF");
    e.set_profile("default", profile(json!({ "delivery": swiss() })))
        .unwrap();
    assert_eq!(offer(&e, json!({})).currency, "CHF");
    // The engine reports the configuration in force (the bindings read its time zone).
    let r = request(&[("A", 1)], PARIS, TUESDAY, json!({ "profile": "swiss" }));
    let r = DeliveryRequest::from_json(&r.to_string()).unwrap();
    assert_eq!(e.delivery_config(&r).currency, "CHF");
}

#[test]
fn a_bad_delivery_configuration_is_refused_with_a_code_and_nothing_is_stored() {
    let mut e = stocked();
    e.set_profile("swiss", profile(json!({ "delivery": swiss() })))
        .unwrap();
    let before = e.profiles().clone();
    let cases = [
        (
            json!({ "delivery": { "serviceLevels": [{ "id": "x", "basePrice": -1, "transit": [{ "minDays": 1, "maxDays": 2 }] }] } }),
            "invalid_delivery_config",
            "delivery.serviceLevels[0].basePrice",
        ),
        (
            json!({ "delivery": { "currency": "" } }),
            "invalid_delivery_config",
            "delivery.currency",
        ),
        (
            json!({ "strategies": [{ "delivery": {} }] }),
            "invalid_profile",
            "strategies[0].delivery",
        ),
    ];
    for (p, code, field) in cases {
        for name in ["swiss", "new"] {
            let err = e.set_profile(name, profile(p.clone())).unwrap_err();
            assert_eq!((err.code(), err.field()), (code, Some(field)), "{p}");
        }
    }
    assert_eq!(e.profiles(), &before);
    assert_eq!(offer(&e, json!({ "profile": "swiss" })).currency, "CHF");

    // Inline, in both requests: the path starts at `profile`.
    let inline = json!({ "profile": { "delivery": { "clickAndCollect": { "maxStores": 0 } } } });
    let r = request(&[("A", 1)], PARIS, TUESDAY, inline.clone()).to_string();
    let err = e
        .delivery_options(&DeliveryRequest::from_json(&r).unwrap())
        .unwrap_err();
    let expected = (
        "invalid_delivery_config",
        Some("profile.delivery.clickAndCollect.maxStores"),
    );
    assert_eq!((err.code(), err.field()), expected);
    let mut source = json!({ "lines": [{ "sku": "A", "qty": 1 }], "destination": { "lat": PARIS.0, "lon": PARIS.1 } });
    source["profile"] = inline["profile"].clone();
    let err = e
        .source(&SourceRequest::from_json(&source.to_string()).unwrap())
        .unwrap_err();
    assert_eq!((err.code(), err.field()), expected);
    // A field of the wrong type is a decoding error, coded the same.
    let bad_type = json!({ "profile": { "delivery": { "holidays": 3 } } });
    let r = request(&[("A", 1)], PARIS, TUESDAY, bad_type).to_string();
    let err = DeliveryRequest::from_json(&r).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("invalid_delivery_config", "profile.delivery.holidays")
    );
    source["profile"] = json!({ "delivery": { "holidays": 3 } });
    let err = SourceRequest::from_json(&source.to_string()).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("invalid_delivery_config", "profile.delivery.holidays")
    );
}

#[test]
fn snapshots_keep_the_profile_delivery_configuration_and_old_profiles_still_load() {
    let mut e = stocked();
    e.set_profile("swiss", profile(json!({ "delivery": swiss() })))
        .unwrap();
    e.set_profile("plain", profile(json!({ "maxShipments": 1 })))
        .unwrap();
    let back = Engine::from_snapshot(&e.snapshot()).unwrap();
    assert_eq!(back.profiles(), e.profiles());
    let (a, b) = (
        offer(&e, json!({ "profile": "swiss" })),
        offer(&back, json!({ "profile": "swiss" })),
    );
    assert_eq!(a, b);
    assert_eq!(b.currency, "CHF");
    // A profile without one is stored as before: no `delivery` key.
    let text = serde_json::to_string(e.profiles().get("plain").unwrap()).unwrap();
    assert_eq!(text, r#"{"maxShipments":1.0}"#);
}

#[test]
fn service_level_plans_give_reasons_without_pricing_them() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5), ("A", "S-LOUVRE", 5)]);
    // The warehouse ships cheaper: the Louvre store is left out on cost.
    let r = request(&[("A", 1)], PARIS, TUESDAY, json!({}));
    let o = e
        .delivery_options(&DeliveryRequest::from_json(&r.to_string()).unwrap())
        .unwrap();
    let plan = &home(&o, "standard").plan;
    assert_eq!(plan.shipments[0].location, "W-PARIS");
    let louvre = plan
        .explanations
        .iter()
        .find(|x| x.location == "S-LOUVRE")
        .unwrap();
    assert_eq!(louvre.reason, atsource::sourcing::Reason::Costlier);
    assert_eq!(louvre.costlier_by, None);
    // The same cart through `source` prices it.
    let r = json!({ "lines": [{ "sku": "A", "qty": 1 }], "destination": { "lat": PARIS.0, "lon": PARIS.1 } });
    let req: SourceRequest = SourceRequest::from_json(&r.to_string()).unwrap();
    let plan = e.source(&req).unwrap();
    let louvre = plan
        .explanations
        .iter()
        .find(|x| x.location == "S-LOUVRE")
        .unwrap();
    assert_eq!(louvre.costlier_by_exact, Some(true));
    assert!(louvre.costlier_by.unwrap() > 0.0);
}

/// A location's own hours merge with its kind's at request time: coming in, they must hold with
/// its kind's (with either kind's for an id not in the network yet), or one store's hours would
/// refuse every request under the profile. Stored by an earlier build, hours that do not hold
/// are left out and the rest of the network is served.
#[test]
fn a_location_s_own_hours_must_hold_with_its_kind_s() {
    let mut e = stocked();
    let hours = |id: &str, h: Value| json!({ "delivery": { "locations": { id: h } } });
    // A store to come, closing at noon: under the default cutoffs (stores 17:00, warehouses
    // 14:00) it holds as neither. Refused, and nothing is stored.
    let noon = hours("S-NEW", json!({ "closeHour": 12 }));
    for name in ["default", "web"] {
        let err = e.set_profile(name, profile(noon.clone())).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            (
                "invalid_delivery_config",
                Some("delivery.locations.S-NEW.cutoffHour")
            )
        );
        assert!(
            err.to_string()
                .contains("neither with a store's nor with a warehouse's"),
            "{err}"
        );
    }
    assert!(e.profiles().get("web").is_none());
    // What holds for the location's own kind is accepted (a warehouse closing at 16:00, after
    // its 14:00 cutoff; a store opening at 15:00, before its 17:00 cutoff)...
    for (id, h) in [
        ("W-PARIS", json!({ "closeHour": 16 })),
        ("S-LOUVRE", json!({ "openHour": 15 })),
    ] {
        e.set_profile("ok", profile(hours(id, h.clone())))
            .unwrap_or_else(|err| panic!("{id} {h}: {err}"));
    }
    // ...and what holds only for the other kind is refused, naming the kind.
    let late = hours("W-PARIS", json!({ "openHour": 15 }));
    let err = e.set_profile("late", profile(late.clone())).unwrap_err();
    assert_eq!(err.field(), Some("delivery.locations.W-PARIS.cutoffHour"));
    assert!(err.to_string().contains("a warehouse's"), "{err}");
    // Inline in a request, the same: its own `delivery`, or its profile's.
    for (extra, field) in [
        (
            json!({ "delivery": noon["delivery"].clone() }),
            "delivery.locations.S-NEW.cutoffHour",
        ),
        (
            json!({ "delivery": late["delivery"].clone() }),
            "delivery.locations.W-PARIS.cutoffHour",
        ),
        (
            json!({ "profile": late.clone() }),
            "profile.delivery.locations.W-PARIS.cutoffHour",
        ),
    ] {
        let r = request(&[("A", 1)], PARIS, TUESDAY, extra).to_string();
        let err = e
            .delivery_options(&DeliveryRequest::from_json(&r).unwrap())
            .unwrap_err();
        assert_eq!(err.field(), Some(field));
    }
    // A configuration wrong in itself is said so first, not through a location's hours.
    let wrong =
        json!({ "delivery": { "store": { "openHour": 30 }, "locations": { "S-LOUVRE": {} } } });
    let err = e.set_profile("wrong", profile(wrong.clone())).unwrap_err();
    assert_eq!(err.field(), Some("delivery.store.openHour"));
    let r = request(&[("A", 1)], PARIS, TUESDAY, wrong).to_string();
    let err = e
        .delivery_options(&DeliveryRequest::from_json(&r).unwrap())
        .unwrap_err();
    assert_eq!(err.field(), Some("delivery.store.openHour"));
    // With its own cutoff it holds for either kind; the store added afterwards keeps its hours.
    let own = hours("S-NEW", json!({ "closeHour": 12, "cutoffHour": 11 }));
    e.set_profile("default", profile(own)).unwrap();
    e.upsert_locations(
        serde_json::from_value(
            json!([{ "id": "S-NEW", "kind": "store", "lat": 48.857, "lon": 2.35 }]),
        )
        .unwrap(),
    )
    .unwrap();
    stock(&mut e, &[("A", "S-NEW", 3)]);
    let o = offer(&e, json!({}));
    assert!(!o.home.is_empty(), "{:#?}", o.unavailable);
    assert!(o
        .click_and_collect
        .iter()
        .any(|c| c.location == "S-NEW" && c.ready_at.is_some()));

    // An earlier build stored the noon hours (and a store of that id exists): restored (a
    // journal replayed), requests are answered, the store on its kind's hours.
    e.restore_profile("default", profile(noon)).unwrap();
    let o = offer(&e, json!({}));
    assert!(!o.home.is_empty(), "{:#?}", o.unavailable);
    assert!(o.click_and_collect.iter().any(|c| c.location == "S-NEW"));
}

/// Prices coming in are at most 1e9 (as sourcing costs), so that a price summed over parcels
/// stays a number; one stored above it by an earlier build is read at the ceiling.
#[test]
fn prices_stay_finite() {
    let mut e = stocked();
    let dear = |v: f64| {
        json!({ "delivery": { "serviceLevels": [{ "id": "x", "basePrice": v, "extraParcelSurcharge": v,
            "transit": [{ "minDays": 1, "maxDays": 2 }] }], "clickAndCollect": { "price": v } } })
    };
    let err = e.set_profile("dear", profile(dear(1e307))).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (
            "invalid_delivery_config",
            Some("delivery.serviceLevels[0].basePrice")
        )
    );
    let mut c = dear(1.0);
    c["delivery"]["clickAndCollect"]["price"] = json!(2e9);
    let err = e.set_profile("dear", profile(c)).unwrap_err();
    assert_eq!(err.field(), Some("delivery.clickAndCollect.price"));
    e.set_profile("dear", profile(dear(1e9))).unwrap();
    assert_eq!(
        home(&offer(&e, json!({ "profile": "dear" })), "x").price,
        1e9
    );

    // Stored by an earlier build (restored from a journal, or a snapshot): read at the ceiling.
    e.restore_profile("dear", profile(dear(1e307))).unwrap();
    let o = offer(&e, json!({ "profile": "dear" }));
    assert_eq!(home(&o, "x").price, 1e9);
    let stored: Profiles = serde_json::from_value(json!({ "dear": dear(1e307) })).unwrap();
    assert_eq!(stored.get("dear").map(|p| p.delivery.is_some()), Some(true));
    assert!(o.click_and_collect.iter().all(|c| c.price == 1e9));
}
