//! Delivery offers: price rules, which levels are offered, click & collect, profiles, and the
//! coded errors of bad requests and bad configurations.

mod promise_common;

use atsource::network::GeoPoint;
use atsource::promise::{self, CollectSource, DeliveryConfig, DeliveryRequest, PromiseError};
use atsource::sourcing::{LineInput, Profile, Status};
use promise_common::{dates, home, network, options, refused, request, stock, LYON, PARIS};
use serde_json::{json, Value};

const TUESDAY: &str = "2026-12-08T10:00";

fn split_cart() -> atsource::Engine {
    // A only near Paris, B only near Lyon: two parcels.
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5), ("B", "W-LYON", 5)]);
    e
}

#[test]
fn price_rules_base_surcharge_and_free_above() {
    let e = split_cart();
    let o = options(
        &e,
        &request(
            &[("A", 1), ("B", 1)],
            PARIS,
            TUESDAY,
            json!({ "cartValue": 49.99 }),
        ),
    )
    .unwrap();
    assert_eq!(o.currency, "EUR");
    assert_eq!(o.cart_value, 49.99);
    let standard = home(&o, "standard");
    assert_eq!(standard.parcels, 2);
    assert_eq!(standard.price, 5.49); // 3.99 + 1.50 for the second parcel
    assert!(!standard.free);
    assert_eq!(home(&o, "express").price, 12.49); // 9.99 + 2.50
                                                  // 50 € reaches the standard threshold, not the express one (150 €).
    let o = options(
        &e,
        &request(
            &[("A", 1), ("B", 1)],
            PARIS,
            TUESDAY,
            json!({ "cartValue": 50 }),
        ),
    )
    .unwrap();
    assert_eq!(home(&o, "standard").price, 0.0);
    assert!(home(&o, "standard").free);
    assert_eq!(home(&o, "express").price, 12.49);
    // One parcel: the base price.
    let o = options(&e, &request(&[("A", 1)], PARIS, TUESDAY, json!({}))).unwrap();
    assert_eq!(
        (home(&o, "standard").parcels, home(&o, "standard").price),
        (1, 3.99)
    );
}

#[test]
fn the_cart_value_defaults_to_the_lines_unit_prices() {
    let e = split_cart();
    let r = json!({
        "lines": [{ "sku": "A", "qty": 1, "unitPrice": 30 }, { "sku": "B", "qty": 2, "unitPrice": 10 }, { "sku": "A", "qty": 1 }],
        "destination": { "lat": PARIS.0, "lon": PARIS.1 },
        "now": TUESDAY,
    });
    let o = options(&e, &r).unwrap();
    assert_eq!(o.cart_value, 50.0);
    assert_eq!(home(&o, "standard").price, 0.0);
    // 16.99 + 18 + 15.01 sums to 49.999… in binary floating point: it is 50.00, and free.
    let r = json!({
        "lines": [{ "sku": "A", "qty": 1, "unitPrice": 16.99 }, { "sku": "B", "qty": 1, "unitPrice": 18 }, { "sku": "B", "qty": 1, "unitPrice": 15.01 }],
        "destination": { "lat": PARIS.0, "lon": PARIS.1 },
        "now": TUESDAY,
    });
    let o = options(&e, &r).unwrap();
    assert_eq!(o.cart_value, 50.0);
    assert!(home(&o, "standard").free);
}

#[test]
fn the_cart_arrives_with_its_last_parcel() {
    let e = split_cart();
    let o = options(
        &e,
        &request(&[("A", 1), ("B", 1)], PARIS, TUESDAY, json!({})),
    )
    .unwrap();
    let standard = home(&o, "standard");
    let by = |id: &str| {
        standard
            .shipments
            .iter()
            .find(|s| s.location == id)
            .unwrap()
    };
    // Roissy is within 250 km (2–3 days), Saint-Quentin-Fallavier within 600 km (2–4 days).
    assert_eq!(
        (
            by("W-PARIS").earliest.as_str(),
            by("W-PARIS").latest.as_str()
        ),
        ("2026-12-10", "2026-12-11")
    );
    assert_eq!(
        (by("W-LYON").earliest.as_str(), by("W-LYON").latest.as_str()),
        ("2026-12-10", "2026-12-14")
    );
    assert_eq!(
        dates(&o, "standard"),
        ("2026-12-10".into(), "2026-12-14".into())
    );
    assert_eq!(standard.plan.status, Status::Complete);
    assert_eq!(standard.plan.shipments.len(), 2);
    // Next-day ships complete, from within 200 km: not possible here.
    assert_eq!(refused(&o, "next-day").as_deref(), Some("unfulfillable"));
}

#[test]
fn levels_with_the_same_constraints_share_one_plan() {
    let e = split_cart();
    let o = options(
        &e,
        &request(&[("A", 1), ("B", 1)], PARIS, TUESDAY, json!({})),
    )
    .unwrap();
    assert_eq!(home(&o, "standard").plan, home(&o, "express").plan);
}

/// A narrower level reuses a wider level's plan only when the plan meets its constraints.
#[test]
fn a_narrower_level_sources_anew_when_the_wider_plan_breaks_its_constraints() {
    let levels = |narrow: Value| {
        json!({ "delivery": { "serviceLevels": [
            { "id": "wide", "basePrice": 3, "transit": [{ "minDays": 2, "maxDays": 3 }] },
            narrow,
        ]}})
    };
    let locations = |o: &atsource::promise::DeliveryOptions, id: &str| -> Vec<String> {
        home(o, id)
            .plan
            .shipments
            .iter()
            .map(|s| s.location.clone())
            .collect()
    };
    // Reach: the cheapest parcel comes from the Lyon warehouse, ~400 km away.
    let mut e = network();
    stock(&mut e, &[("A", "W-LYON", 5), ("A", "S-LOUVRE", 5)]);
    let near = levels(
        json!({ "id": "near", "basePrice": 9, "transit": [{ "maxKm": 100, "minDays": 1, "maxDays": 1 }] }),
    );
    let o = options(&e, &request(&[("A", 1)], PARIS, TUESDAY, near)).unwrap();
    assert_eq!(locations(&o, "wide"), ["W-LYON"]);
    assert_eq!(locations(&o, "near"), ["S-LOUVRE"]);
    let louvre = home(&o, "wide")
        .plan
        .explanations
        .iter()
        .find(|x| x.location == "S-LOUVRE");
    assert_eq!(
        louvre.map(|x| x.reason),
        Some(atsource::sourcing::Reason::Costlier)
    );
    let lyon = home(&o, "near")
        .plan
        .explanations
        .iter()
        .find(|x| x.location == "W-LYON");
    assert_eq!(
        lyon.map(|x| x.reason),
        Some(atsource::sourcing::Reason::TooFar)
    );
    // Parcels: two warehouse parcels (2 + 2) beat the Lyon store alone (5); one parcel only
    // leaves the store.
    let mut e = network();
    e.upsert_locations(
        serde_json::from_value(json!([{ "id": "S-LYON", "kind": "store", "lat": 45.7640, "lon": 4.8357, "costPerShipment": 5.0 }]))
            .unwrap(),
    )
    .unwrap();
    stock(
        &mut e,
        &[
            ("A", "W-PARIS", 5),
            ("B", "W-LYON", 5),
            ("A", "S-LYON", 5),
            ("B", "S-LYON", 5),
        ],
    );
    let single = levels(
        json!({ "id": "single", "basePrice": 5, "maxShipments": 1, "transit": [{ "minDays": 2, "maxDays": 3 }] }),
    );
    let o = options(&e, &request(&[("A", 1), ("B", 1)], PARIS, TUESDAY, single)).unwrap();
    assert_eq!(locations(&o, "wide"), ["W-LYON", "W-PARIS"]);
    assert_eq!(locations(&o, "single"), ["S-LYON"]);
    // Where the wider plan fits, the narrower level offers the same one.
    let mut e = network();
    stock(&mut e, &[("A", "S-LOUVRE", 5)]);
    let near = levels(
        json!({ "id": "near", "basePrice": 9, "transit": [{ "maxKm": 100, "minDays": 1, "maxDays": 1 }] }),
    );
    let o = options(&e, &request(&[("A", 1)], PARIS, TUESDAY, near)).unwrap();
    assert_eq!(
        home(&o, "wide").plan.shipments,
        home(&o, "near").plan.shipments
    );
}

#[test]
fn next_day_only_near_the_stock_and_before_the_cutoff() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    // Near and before the cutoff.
    let o = options(&e, &request(&[("A", 1)], PARIS, TUESDAY, json!({}))).unwrap();
    let next = home(&o, "next-day");
    assert_eq!((next.price, next.parcels), (14.99, 1));
    assert_eq!(next.earliest, "2026-12-09");
    // Far: Lyon is ~390 km from Roissy.
    let o = options(&e, &request(&[("A", 1)], LYON, TUESDAY, json!({}))).unwrap();
    let u = o.unavailable.iter().find(|u| u.id == "next-day").unwrap();
    assert_eq!(refused(&o, "next-day").as_deref(), Some("unfulfillable"));
    assert!(u.message.contains("200 km"), "{}", u.message);
    assert_eq!(
        dates(&o, "standard"),
        ("2026-12-10".into(), "2026-12-14".into())
    );
    // Near but after the warehouse's cutoff.
    let o = options(
        &e,
        &request(&[("A", 1)], PARIS, "2026-12-08T15:00", json!({})),
    )
    .unwrap();
    assert_eq!(refused(&o, "next-day").as_deref(), Some("after_cutoff"));
    // ... unless a store holding the cart can still send it today (stores: cutoff 17:00).
    stock(&mut e, &[("A", "S-BASTILLE", 1)]);
    let o = options(
        &e,
        &request(&[("A", 1)], PARIS, "2026-12-08T15:00", json!({})),
    )
    .unwrap();
    let next = home(&o, "next-day");
    assert_eq!(next.plan.shipments[0].location, "S-BASTILLE");
    assert_eq!(next.shipments[0].ready_at, "2026-12-08T17:00");
    assert_eq!(next.earliest, "2026-12-09");
}

#[test]
fn next_day_ships_complete() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5), ("B", "S-LOUVRE", 5)]);
    let o = options(
        &e,
        &request(&[("A", 1), ("B", 1)], PARIS, TUESDAY, json!({})),
    )
    .unwrap();
    assert_eq!(home(&o, "standard").parcels, 2);
    assert_eq!(refused(&o, "next-day").as_deref(), Some("unfulfillable"));
}

#[test]
fn click_and_collect_in_store_or_by_transfer_nearest_first() {
    let mut e = network();
    stock(
        &mut e,
        &[
            ("A", "S-LOUVRE", 2),
            ("B", "S-LOUVRE", 1),
            ("A", "S-BASTILLE", 1),
            ("A", "W-PARIS", 5),
            ("B", "W-PARIS", 5),
            // No click & collect at La Défense; Versailles is closed; Lyon is too far.
            ("A", "S-DEFENSE", 9),
            ("B", "S-DEFENSE", 9),
            ("A", "S-VERSAILLES", 9),
            ("B", "S-VERSAILLES", 9),
            ("A", "S-LYON", 9),
            ("B", "S-LYON", 9),
        ],
    );
    let o = options(
        &e,
        &request(&[("A", 2), ("B", 1)], PARIS, TUESDAY, json!({})),
    )
    .unwrap();
    let ids: Vec<&str> = o
        .click_and_collect
        .iter()
        .map(|c| c.location.as_str())
        .collect();
    assert_eq!(ids, ["S-LOUVRE", "S-BASTILLE"]);
    let louvre = &o.click_and_collect[0];
    assert_eq!(louvre.source, CollectSource::Store);
    assert_eq!(louvre.name, "Paris Louvre");
    assert_eq!(louvre.price, 0.0);
    assert_eq!(louvre.ready_at.as_deref(), Some("2026-12-08T12:00"));
    assert_eq!(louvre.ready_in_minutes, Some(120));
    assert!(louvre.distance_km < 1.5, "{}", louvre.distance_km);
    let bastille = &o.click_and_collect[1];
    assert_eq!(bastille.source, CollectSource::Transfer);
    assert_eq!(bastille.transfer_from.as_deref(), Some("W-PARIS"));
    let lines: Vec<(&str, u64)> = bastille
        .transfer_lines
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| (l.sku.as_str(), l.qty))
        .collect();
    assert_eq!(lines, [("A", 1), ("B", 1)]);
    // Leaves Roissy on Tuesday (packed by 14:00), two store days later: Thursday.
    assert_eq!(bastille.ready_on.as_deref(), Some("2026-12-10"));
    assert!(bastille.ready_at.is_none());
    // JSON shape: absent fields are omitted.
    let v = serde_json::to_value(louvre).unwrap();
    assert_eq!(v["source"], "store");
    assert!(v.get("readyOn").is_none() && v.get("transferFrom").is_none());
}

/// `pickup` is what offers click & collect, whatever the kind: a warehouse with a collection
/// counter (`pickup: true`) is offered, on its own hours, as `availability` in `pickup` mode lists
/// it; without the flag (a warehouse's default) it is not.
#[test]
fn a_warehouse_with_pickup_is_offered_for_click_and_collect() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    let offered = |e: &atsource::Engine| -> Vec<String> {
        options(e, &request(&[("A", 2)], PARIS, TUESDAY, json!({})))
            .unwrap()
            .click_and_collect
            .iter()
            .map(|c| c.location.clone())
            .collect()
    };
    let listed = |e: &atsource::Engine| -> Vec<String> {
        let q =
            json!({ "skus": ["A"], "near": { "lat": PARIS.0, "lon": PARIS.1 }, "mode": "pickup" });
        e.availability(&serde_json::from_value(q).unwrap()).unwrap()[0]
            .locations
            .iter()
            .map(|l| l.id.clone())
            .collect()
    };
    // The stores near Paris are offered by transfer from the warehouse; the warehouse is not.
    assert_eq!(offered(&e), ["S-LOUVRE", "S-BASTILLE"]);
    assert!(listed(&e).is_empty());
    let counter = json!([{ "id": "W-PARIS", "kind": "warehouse", "lat": 49.0036, "lon": 2.5170, "pickup": true }]);
    e.upsert_locations(serde_json::from_value(counter).unwrap())
        .unwrap();
    assert_eq!(offered(&e), ["S-LOUVRE", "S-BASTILLE", "W-PARIS"]);
    assert_eq!(listed(&e), ["W-PARIS"]);
    let o = options(&e, &request(&[("A", 2)], PARIS, TUESDAY, json!({}))).unwrap();
    let c = &o.click_and_collect[2];
    assert_eq!(c.source, CollectSource::Store);
    assert!(c.ready_at.is_some() && c.transfer_from.is_none());
    // Short of the cart, the warehouse is supplied by another warehouse, never by itself (which
    // would count its own units twice); with no other warehouse holding them, no offer.
    let short = options(&e, &request(&[("A", 8)], PARIS, TUESDAY, json!({}))).unwrap();
    assert!(
        short.click_and_collect.is_empty(),
        "{:?}",
        short.click_and_collect
    );
    stock(&mut e, &[("A", "W-LYON", 3)]);
    let short = options(&e, &request(&[("A", 8)], PARIS, TUESDAY, json!({}))).unwrap();
    let at_counter = short
        .click_and_collect
        .iter()
        .find(|c| c.location == "W-PARIS")
        .unwrap();
    assert_eq!(at_counter.transfer_from.as_deref(), Some("W-LYON"));
    assert_eq!(at_counter.transfer_lines.as_ref().unwrap()[0].qty, 3);
}

#[test]
fn click_and_collect_keeps_the_nearest_in_stock_store_and_skips_what_cannot_be_supplied() {
    let mut e = network();
    // The Louvre lacks B, which only the Lyon warehouse holds; Bastille holds everything.
    stock(
        &mut e,
        &[
            ("A", "S-LOUVRE", 2),
            ("A", "S-BASTILLE", 2),
            ("B", "S-BASTILLE", 1),
            ("B", "W-LYON", 3),
        ],
    );
    let one = json!({ "delivery": { "clickAndCollect": { "maxStores": 1 } } });
    let o = options(&e, &request(&[("A", 2), ("B", 1)], PARIS, TUESDAY, one)).unwrap();
    let ids: Vec<&str> = o
        .click_and_collect
        .iter()
        .map(|c| c.location.as_str())
        .collect();
    assert_eq!(ids, ["S-BASTILLE"]);
    let o = options(
        &e,
        &request(&[("A", 2), ("B", 1)], PARIS, TUESDAY, json!({})),
    )
    .unwrap();
    let c = &o.click_and_collect[0];
    assert_eq!(
        (c.location.as_str(), c.source),
        ("S-LOUVRE", CollectSource::Transfer)
    );
    assert_eq!(c.transfer_from.as_deref(), Some("W-LYON"));
    // Nothing can supply C: no click & collect at all, and no home delivery.
    let o = options(&e, &request(&[("C", 1)], PARIS, TUESDAY, json!({}))).unwrap();
    assert!(o.click_and_collect.is_empty() && o.home.is_empty());
    assert_eq!(o.unavailable.len(), 3);
    // Disabled.
    let off = json!({ "delivery": { "clickAndCollect": { "enabled": false } } });
    let o = options(&e, &request(&[("A", 1)], PARIS, TUESDAY, off)).unwrap();
    assert!(o.click_and_collect.is_empty());
}

#[test]
fn pickup_at_gives_the_chosen_stores_offer_whatever_the_nearer_ones() {
    let mut e = network();
    // The Louvre holds the cart; Bastille lacks B, which the Paris warehouse sends.
    stock(
        &mut e,
        &[
            ("A", "S-LOUVRE", 2),
            ("B", "S-LOUVRE", 1),
            ("A", "S-BASTILLE", 2),
            ("B", "W-PARIS", 5),
            ("A", "S-DEFENSE", 9),
            ("B", "S-DEFENSE", 9),
        ],
    );
    let cart = [("A", 2), ("B", 1)];
    let one = json!({ "delivery": { "clickAndCollect": { "maxStores": 1 } } });
    let listed = options(&e, &request(&cart, PARIS, TUESDAY, one.clone())).unwrap();
    let ids: Vec<&str> = listed
        .click_and_collect
        .iter()
        .map(|c| c.location.as_str())
        .collect();
    assert_eq!(ids, ["S-LOUVRE"], "one store at most");
    // Bastille is past the cap, yet asked for, it gets the offer the full list makes.
    let all = options(&e, &request(&cart, PARIS, TUESDAY, json!({}))).unwrap();
    let bastille = all
        .click_and_collect
        .iter()
        .find(|c| c.location == "S-BASTILLE")
        .unwrap();
    let mut at = one;
    at["pickupAt"] = json!("S-BASTILLE");
    let chosen = options(&e, &request(&cart, PARIS, TUESDAY, at.clone())).unwrap();
    assert_eq!(chosen.click_and_collect, std::slice::from_ref(bastille));
    assert_eq!(chosen.home, listed.home, "home delivery unchanged");
    // No offer: a store without pickup, a warehouse, an unknown id, a store out of range.
    for id in ["S-DEFENSE", "W-PARIS", "NOPE", "S-LYON"] {
        at["pickupAt"] = json!(id);
        let o = options(&e, &request(&cart, PARIS, TUESDAY, at.clone())).unwrap();
        assert!(o.click_and_collect.is_empty(), "{id}");
    }
}

#[test]
fn the_profile_shapes_the_plans() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5), ("A", "S-LOUVRE", 5)]);
    let stores_only: Profile = serde_json::from_value(json!({ "kinds": ["store"] })).unwrap();
    e.set_profile("stores", stores_only).unwrap();
    let o = options(
        &e,
        &request(&[("A", 1)], PARIS, TUESDAY, json!({ "profile": "stores" })),
    )
    .unwrap();
    assert_eq!(home(&o, "standard").plan.shipments[0].location, "S-LOUVRE");
    let inline = json!({ "profile": { "kinds": ["warehouse"] } });
    let o = options(&e, &request(&[("A", 1)], PARIS, TUESDAY, inline)).unwrap();
    assert_eq!(home(&o, "standard").plan.shipments[0].location, "W-PARIS");
}

#[test]
fn a_custom_configuration_replaces_the_levels() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    let delivery = json!({ "delivery": {
        "currency": "CHF",
        "serviceLevels": [{ "id": "eco", "basePrice": 2, "transit": [{ "minDays": 4, "maxDays": 6 }], "deliveryDays": ["monday", "wednesday", "friday"] }],
        "clickAndCollect": { "price": 1.5 }
    }});
    let o = options(&e, &request(&[("A", 1)], PARIS, TUESDAY, delivery)).unwrap();
    assert_eq!(o.currency, "CHF");
    assert_eq!(o.home.len(), 1);
    let eco = home(&o, "eco");
    assert_eq!((eco.name.as_str(), eco.price), ("eco", 2.0));
    // Wed 9, Fri 11, Mon 14, Wed 16 (4th) .. Mon 21 (6th).
    assert_eq!(dates(&o, "eco"), ("2026-12-16".into(), "2026-12-21".into()));
    assert!(o.unavailable.is_empty());
}

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

/// A transfer leaves the warehouse as a parcel would: a warehouse that does not ship, or whose
/// capacity for the day cannot take the missing units, sends none; the next nearest that can does.
#[test]
fn a_transfer_comes_only_from_a_warehouse_that_can_send_it() {
    for (near, sends) in [
        (json!({}), "W-NEAR"),
        (json!({ "ship": false }), "W-LYON"),
        (json!({ "capacityUnits": 0 }), "W-LYON"),
        (json!({ "capacityUnits": 2 }), "W-LYON"), // 3 units missing
        (json!({ "capacityUnits": 3 }), "W-NEAR"),
        (json!({ "active": false }), "W-LYON"),
    ] {
        let mut e = network();
        let mut wh = json!({ "id": "W-NEAR", "kind": "warehouse", "lat": 48.86, "lon": 2.34 });
        if let (Some(wh), Value::Object(extra)) = (wh.as_object_mut(), near.clone()) {
            wh.extend(extra);
        }
        e.upsert_locations(serde_json::from_value(json!([wh])).unwrap())
            .unwrap();
        stock(&mut e, &[("A", "W-NEAR", 5), ("A", "W-LYON", 5)]);
        let o = options(&e, &request(&[("A", 3)], PARIS, TUESDAY, json!({}))).unwrap();
        let louvre = o
            .click_and_collect
            .iter()
            .find(|c| c.location == "S-LOUVRE")
            .unwrap_or_else(|| panic!("{near}: {o:#?}"));
        assert_eq!(louvre.source, CollectSource::Transfer, "{near}");
        assert_eq!(louvre.transfer_from.as_deref(), Some(sends), "{near}");
    }
}
