//! Delivery promise dates: processing, cutoffs, weekends, French public holidays and delivery
//! days, all from an explicit `now` (default configuration unless a test says otherwise).

mod promise_common;

use atsource::inventory::Day;
use atsource::promise::Weekday;
use promise_common::{dates, home, network, options, refused, request, stock, PARIS};
use serde_json::json;

fn warehouse_cart(now: &str) -> atsource::promise::DeliveryOptions {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    options(&e, &request(&[("A", 1)], PARIS, now, json!({}))).unwrap()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn an_order_before_the_cutoff_leaves_the_same_day() {
    // Tuesday 8 December 2026, 10:00: the warehouse (cutoff 14:00, 4 h) packs it by 14:00.
    let o = warehouse_cart("2026-12-08T10:00");
    assert_eq!(o.now, "2026-12-08T10:00");
    let standard = home(&o, "standard");
    assert_eq!(standard.shipments[0].ready_at, "2026-12-08T14:00");
    assert_eq!(standard.shipments[0].dispatch_on, "2026-12-08");
    // Within 250 km: 2 to 3 delivery days, Monday to Friday.
    assert_eq!(dates(&o, "standard"), pair("2026-12-10", "2026-12-11"));
    assert_eq!(dates(&o, "express"), pair("2026-12-09", "2026-12-09"));
    assert_eq!(dates(&o, "next-day"), pair("2026-12-09", "2026-12-09"));
    // Just before the cutoff still counts; the cutoff minute itself does not.
    let o = warehouse_cart("2026-12-08T13:59");
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2026-12-08T17:59"
    );
    assert_eq!(dates(&o, "next-day"), pair("2026-12-09", "2026-12-09"));
    let o = warehouse_cart("2026-12-08T14:00");
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2026-12-09T10:00"
    );
}

#[test]
fn an_order_after_the_cutoff_waits_for_the_next_working_day() {
    let o = warehouse_cart("2026-12-08T14:30");
    assert_eq!(home(&o, "standard").shipments[0].dispatch_on, "2026-12-09");
    assert_eq!(dates(&o, "standard"), pair("2026-12-11", "2026-12-14"));
    assert_eq!(dates(&o, "express"), pair("2026-12-10", "2026-12-10"));
    assert_eq!(refused(&o, "next-day").as_deref(), Some("after_cutoff"));
    // Before opening, processing starts at opening (06:00).
    let o = warehouse_cart("2026-12-08T03:00");
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2026-12-08T10:00"
    );
}

#[test]
fn a_saturday_order_is_processed_on_monday() {
    // Warehouses work Monday to Friday.
    let o = warehouse_cart("2026-12-05T09:00");
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2026-12-07T10:00"
    );
    assert_eq!(dates(&o, "standard"), pair("2026-12-09", "2026-12-10"));
    assert_eq!(dates(&o, "express"), pair("2026-12-08", "2026-12-08"));
    // The cart could leave on a working day, but not today.
    assert_eq!(refused(&o, "next-day").as_deref(), Some("after_cutoff"));
    // Sunday too.
    let o = warehouse_cart("2026-12-06T11:00");
    assert_eq!(home(&o, "standard").shipments[0].dispatch_on, "2026-12-07");
}

#[test]
fn nothing_is_delivered_on_a_sunday() {
    // A store works on Saturdays: a parcel leaves on Saturday 12 December, and next-day and
    // express arrive on Monday, not Sunday.
    let mut e = network();
    stock(&mut e, &[("A", "S-LOUVRE", 3)]);
    let o = options(
        &e,
        &request(&[("A", 1)], PARIS, "2026-12-12T10:00", json!({})),
    )
    .unwrap();
    assert_eq!(home(&o, "express").shipments[0].dispatch_on, "2026-12-12");
    assert_eq!(dates(&o, "express"), pair("2026-12-14", "2026-12-14"));
    assert_eq!(dates(&o, "next-day"), pair("2026-12-14", "2026-12-14"));
    // Standard delivers Monday to Friday.
    assert_eq!(dates(&o, "standard"), pair("2026-12-15", "2026-12-16"));
    for h in &o.home {
        for d in [&h.earliest, &h.latest] {
            assert_ne!(
                Weekday::of(Day::parse(d).unwrap()),
                Weekday::Sunday,
                "{}: {d}",
                h.id
            );
        }
    }
}

#[test]
fn christmas_is_neither_a_working_nor_a_delivery_day() {
    // Thursday 24 December 2026; Friday 25 is Christmas.
    let o = warehouse_cart("2026-12-24T10:00");
    assert_eq!(dates(&o, "express"), pair("2026-12-26", "2026-12-26"));
    assert_eq!(dates(&o, "standard"), pair("2026-12-29", "2026-12-30"));
    // After the cutoff on the 24th: nothing leaves before Monday 28.
    let o = warehouse_cart("2026-12-24T15:00");
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2026-12-28T10:00"
    );
    // Without a holiday calendar, Christmas is an ordinary Friday.
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    let r = request(
        &[("A", 1)],
        PARIS,
        "2026-12-24T10:00",
        json!({ "delivery": { "country": null } }),
    );
    let o = options(&e, &r).unwrap();
    assert_eq!(dates(&o, "express"), pair("2026-12-25", "2026-12-25"));
}

#[test]
fn easter_monday_ascension_and_whit_monday_are_holidays() {
    // Easter Monday 29 March 2027: a Saturday order is packed on Tuesday.
    let o = warehouse_cart("2027-03-27T10:00");
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2027-03-30T10:00"
    );
    // Ascension Thursday 14 May 2026: express skips it.
    let o = warehouse_cart("2026-05-13T10:00");
    assert_eq!(dates(&o, "express"), pair("2026-05-15", "2026-05-15"));
    // Whit Monday 25 May 2026: standard skips it, express delivers on Saturday 23.
    let o = warehouse_cart("2026-05-22T10:00");
    assert_eq!(dates(&o, "standard"), pair("2026-05-27", "2026-05-28"));
    assert_eq!(dates(&o, "express"), pair("2026-05-23", "2026-05-23"));
    let o = warehouse_cart("2026-05-23T10:00");
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2026-05-26T10:00"
    );
}

#[test]
fn extra_holidays_close_locations_and_carriers() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    let r = request(
        &[("A", 1)],
        PARIS,
        "2026-12-08T10:00",
        json!({ "delivery": { "holidays": ["2026-12-09"] } }),
    );
    let o = options(&e, &r).unwrap();
    assert_eq!(dates(&o, "express"), pair("2026-12-10", "2026-12-10"));
    let r = request(
        &[("A", 1)],
        PARIS,
        "2026-12-09T10:00",
        json!({ "delivery": { "holidays": ["2026-12-09"] } }),
    );
    let o = options(&e, &r).unwrap();
    assert_eq!(
        home(&o, "express").shipments[0].ready_at,
        "2026-12-10T10:00"
    );
}

#[test]
fn click_and_collect_in_store_is_ready_after_processing_in_opening_hours() {
    let mut e = network();
    stock(&mut e, &[("A", "S-LOUVRE", 2)]);
    let at = |now: &str, extra| {
        let o = options(&e, &request(&[("A", 2)], PARIS, now, extra)).unwrap();
        let c = &o.click_and_collect[0];
        assert_eq!(c.location, "S-LOUVRE");
        (c.ready_at.clone().unwrap(), c.ready_in_minutes.unwrap())
    };
    assert_eq!(
        at("2026-12-08T10:00", json!({})),
        ("2026-12-08T12:00".into(), 120)
    );
    // Before opening (10:00).
    assert_eq!(
        at("2026-12-08T08:00", json!({})),
        ("2026-12-08T12:00".into(), 240)
    );
    // The 17:00 cutoff is the carrier's: a collected order is prepared while the store is open,
    // 1 h 30 before the 19:00 closing, the last 30 min the next morning.
    assert_eq!(at("2026-12-08T17:30", json!({})).0, "2026-12-09T10:30");
    let quick = json!({ "delivery": { "store": { "processingHours": 1 } } });
    assert_eq!(
        at("2026-12-08T17:30", quick),
        ("2026-12-08T18:30".into(), 60)
    );
    // After closing, the next working day's opening.
    assert_eq!(at("2026-12-08T19:30", json!({})).0, "2026-12-09T12:00");
    // Saturday evening: 1 h before closing, then Monday (stores are closed on Sundays).
    assert_eq!(at("2026-12-12T18:00", json!({})).0, "2026-12-14T11:00");
    // Processing runs in opening hours only: 4 h from 16:30 is 2 h 30 on Thursday 24, then
    // 1 h 30 after opening on Saturday 26 (Christmas in between).
    let slow = json!({ "delivery": { "store": { "processingHours": 4 } } });
    assert_eq!(at("2026-12-24T16:30", slow).0, "2026-12-26T11:30");
}

#[test]
fn a_location_can_have_its_own_hours() {
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    let late = json!({ "delivery": { "locations": { "W-PARIS": { "cutoffHour": 16.5 }, "NOWHERE": { "openHour": 8 } } } });
    let o = options(&e, &request(&[("A", 1)], PARIS, "2026-12-08T15:00", late)).unwrap();
    assert_eq!(
        home(&o, "standard").shipments[0].ready_at,
        "2026-12-08T19:00"
    );
    assert_eq!(dates(&o, "next-day"), pair("2026-12-09", "2026-12-09"));
    let o = options(
        &e,
        &request(&[("A", 1)], PARIS, "2026-12-08T15:00", json!({})),
    )
    .unwrap();
    assert_eq!(refused(&o, "next-day").as_deref(), Some("after_cutoff"));
}

#[test]
fn the_same_request_gives_the_same_answer() {
    let a = serde_json::to_string(&warehouse_cart("2026-12-08T10:00")).unwrap();
    let b = serde_json::to_string(&warehouse_cart("2026-12-08T10:00")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_parcel_ready_at_a_midnight_close_leaves_that_day() {
    // Friday 11 December 2026, 20:00; the warehouse works 20:00-24:00 (Mon-Fri), cutoff 22:00,
    // 4 h of processing: ready at 24:00, collected by the carrier that night, on Friday.
    let mut e = network();
    stock(&mut e, &[("A", "W-PARIS", 5)]);
    let late = json!({ "delivery": { "warehouse": { "openHour": 20, "closeHour": 24, "cutoffHour": 22, "processingHours": 4 } } });
    let o = options(
        &e,
        &request(&[("A", 1)], PARIS, "2026-12-11T20:00", late.clone()),
    )
    .unwrap();
    let shipment = &home(&o, "express").shipments[0];
    assert_eq!(shipment.dispatch_on, "2026-12-11");
    assert_eq!(
        shipment.ready_at, "2026-12-12T00:00",
        "the same instant as Friday 24:00"
    );
    // Express and next-day deliver on Saturday.
    assert_eq!(dates(&o, "express"), pair("2026-12-12", "2026-12-12"));
    assert_eq!(dates(&o, "next-day"), pair("2026-12-12", "2026-12-12"));
    // A minute more of processing spills into Monday's shift.
    let mut later = late;
    later["delivery"]["warehouse"]["processingHours"] = json!(4.0 + 1.0 / 60.0);
    let o = options(&e, &request(&[("A", 1)], PARIS, "2026-12-11T20:00", later)).unwrap();
    assert_eq!(home(&o, "express").shipments[0].dispatch_on, "2026-12-14");
    assert_eq!(refused(&o, "next-day").as_deref(), Some("after_cutoff"));
}

/// A promise years away still skips the holidays of its years: a store open one hour a week
/// (Mondays 10:00-11:00) preparing for 240 hours is ready on its 240th open Monday, 17 holiday
/// Mondays later (Easter and Whit Mondays, 1 and 8 May 2028, 14 July 2031, ...: counted by an
/// independent script, Easter by the anonymous Gregorian algorithm).
#[test]
fn a_promise_years_away_skips_the_holidays_of_those_years() {
    let mut e = network();
    stock(&mut e, &[("A", "S-LOUVRE", 1)]);
    let monday = json!({ "openDays": ["monday"], "openHour": 10, "closeHour": 11, "cutoffHour": 11, "processingHours": 240 });
    let r = request(
        &[("A", 1)],
        PARIS,
        "2026-11-27T10:00",
        json!({ "delivery": { "store": monday } }),
    );
    let o = options(&e, &r).unwrap();
    let louvre = o
        .click_and_collect
        .iter()
        .find(|c| c.location == "S-LOUVRE")
        .unwrap();
    assert_eq!(louvre.ready_at.as_deref(), Some("2031-10-27T11:00"));
}
