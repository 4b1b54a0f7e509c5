//! Delivery offers: price rules, which levels are offered, click & collect, profiles, and the
//! coded errors of bad requests and bad configurations.

#[path = "../promise_common/mod.rs"]
mod promise_common;

mod click_and_collect;
mod refusals;

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
