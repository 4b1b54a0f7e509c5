//! Click & collect: in store, by transfer, nearest first, at the chosen store.

use super::*;

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
