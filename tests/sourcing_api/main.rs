//! `source` end to end: strategies, fallback, partial plans, coded errors, tie rules,
//! explanations, profiles, and the plan invariants on random networks.

#[path = "../sourcing_common/mod.rs"]
mod sourcing_common;

mod profiles;
mod refusals;

use atsource::inventory::position_ats;
use atsource::network::{haversine_km, LocationKind, Network};
use atsource::sourcing::{
    source, Plan, Profile, ProfileRef, Profiles, Reason, SourceRequest, Status,
};
use sourcing_common::network::{carrier_profile, place, scenario, stocked, Family};

fn request(json: &str) -> SourceRequest {
    SourceRequest::from_json(json).expect("valid JSON request")
}

fn profile(json: &str) -> Profile {
    atsource::from_json(json).expect("valid JSON profile")
}

/// Two Paris stores (3 km apart), a Lyon warehouse; A and B in stock here and there.
fn small() -> (Network, atsource::inventory::Inventory) {
    let mut st1 = place("ST-PARIS-1", LocationKind::Store, 48.86, 2.35);
    st1.cost_per_shipment = 4.0;
    let mut st2 = place("ST-PARIS-2", LocationKind::Store, 48.88, 2.38);
    st2.cost_per_shipment = 4.0;
    let mut wh = place("WH-LYON", LocationKind::Warehouse, 45.76, 4.84);
    wh.cost_per_shipment = 2.0;
    let network = Network::from_locations(vec![st1, st2, wh]);
    let inventory = stocked(
        &network,
        &[
            ("A", "ST-PARIS-1", 1),
            ("B", "ST-PARIS-2", 2),
            ("A", "WH-LYON", 100),
            ("B", "WH-LYON", 100),
            ("C", "WH-LYON", 5),
        ],
    );
    (network, inventory)
}

fn run(json: &str, profiles: &Profiles) -> Plan {
    let (n, i) = small();
    source(&n, &i, profiles, &request(json)).expect("sourced")
}

fn locations(plan: &Plan) -> Vec<&str> {
    plan.shipments.iter().map(|s| s.location.as_str()).collect()
}

#[test]
fn strategies_are_tried_in_order_and_the_first_complete_wins() {
    let mut profiles = Profiles::new();
    let p = profile(
        r#"{"costPerKm":0.1,"strategies":[
              {"name":"local stores","kinds":["store"],"maxDistanceKm":20,"maxShipments":1},
              {"name":"any store","kinds":["store"],"maxDistanceKm":20}],
            "fallback":{"name":"warehouse","kinds":["warehouse"]}}"#,
    );
    profiles.set("omni", p).unwrap();
    // A alone: the first store strategy ships it complete.
    let plan = run(
        r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.86,"lon":2.35},"profile":"omni"}"#,
        &profiles,
    );
    assert_eq!(plan.strategy.as_deref(), Some("local stores"));
    assert_eq!(locations(&plan), ["ST-PARIS-1"]);
    // A and B: one store cannot, two stores can.
    let plan = run(
        r#"{"lines":[{"sku":"A","qty":1},{"sku":"B","qty":2}],"destination":{"lat":48.86,"lon":2.35},"profile":"omni"}"#,
        &profiles,
    );
    assert_eq!(plan.strategy.as_deref(), Some("any store"));
    assert_eq!(locations(&plan), ["ST-PARIS-1", "ST-PARIS-2"]);
    // Two A: no store has them; the fallback warehouse does.
    let plan = run(
        r#"{"lines":[{"sku":"A","qty":2}],"destination":{"lat":48.86,"lon":2.35},"profile":"omni"}"#,
        &profiles,
    );
    assert_eq!(plan.strategy.as_deref(), Some("warehouse"));
    assert_eq!(locations(&plan), ["WH-LYON"]);
    assert_eq!(plan.status, Status::Complete);
    assert!(plan.optimal);
}

#[test]
fn partial_and_unfulfillable_follow_allow_partial() {
    let profiles = Profiles::new();
    let cart = r#""lines":[{"sku":"C","qty":7},{"sku":"Z","qty":1}],"destination":{"lat":48.86,"lon":2.35}"#;
    let none = run(&format!("{{{cart}}}"), &profiles);
    assert_eq!(none.status, Status::Unfulfillable);
    assert!(none.shipments.is_empty() && none.optimal);
    assert_eq!(none.total_cost, 0.0);
    // +0, not -0 (the start of a float sum): JS tells them apart (Object.is, strict deep
    // equality), and JSON writes "-0.0".
    assert!(none.total_cost.is_sign_positive() && none.lower_bound.is_sign_positive());
    assert_eq!(
        serde_json::to_value(&none).unwrap()["totalCost"],
        serde_json::json!(0.0)
    );
    assert!(!serde_json::to_string(&none).unwrap().contains("-0"));
    assert_eq!(none.unfulfilled.len(), 2);
    assert_eq!(none.strategy, None);

    let some = run(
        &format!("{{{cart},\"profile\":{{\"allowPartial\":true}}}}"),
        &profiles,
    );
    assert_eq!(some.status, Status::Partial);
    assert_eq!(locations(&some), ["WH-LYON"]);
    assert_eq!(some.shipments[0].lines[0].qty, 5);
    let missing: Vec<(&str, u64)> = some
        .unfulfilled
        .iter()
        .map(|l| (l.sku.as_str(), l.qty))
        .collect();
    assert_eq!(missing, [("C", 2), ("Z", 1)]);
    assert!(some.optimal);

    // A strategy with allowPartial gives the partial plan (the one shipping most).
    let staged = format!(
        r#"{{{cart},"profile":{{"strategies":[{{"name":"stores","kinds":["store"],"allowPartial":true}},{{"name":"all","allowPartial":true}}]}}}}"#
    );
    let plan = run(&staged, &profiles);
    assert_eq!(
        plan.strategy.as_deref(),
        Some("all"),
        "stores ship nothing of C or Z"
    );
}

/// With no complete plan, the partial plan that ships the most units wins among the strategies
/// that allow one, not the first: a narrow first strategy (one unit nearby) does not cut the
/// fallback's larger partial plan short. Of strategies shipping as many, the first wins.
#[test]
fn the_partial_plan_that_ships_most_wins_across_strategies() {
    let mut e = atsource::Engine::new();
    let locations = r#"[{"id":"NEAR","kind":"store","lat":48.86,"lon":2.35},
        {"id":"WH","kind":"warehouse","lat":45.6,"lon":5.1}]"#;
    e.upsert_locations(serde_json::from_str(locations).unwrap())
        .unwrap();
    e.apply_events_json(
        r#"[{"id":"1","type":"set","sku":"A","location":"NEAR","onHand":1},
            {"id":"2","type":"set","sku":"A","location":"WH","onHand":8}]"#,
    )
    .unwrap();
    let plan = |profile: &str| {
        let r = format!(
            r#"{{"lines":[{{"sku":"A","qty":10}}],"destination":{{"lat":48.85,"lon":2.35}},"profile":{profile}}}"#
        );
        e.source(&SourceRequest::from_json(&r).unwrap()).unwrap()
    };
    let p = plan(
        r#"{"allowPartial":true,"strategies":[{"name":"local","maxDistanceKm":50}],"fallback":{"name":"national"}}"#,
    );
    assert_eq!(p.status, Status::Partial);
    assert_eq!(p.strategy.as_deref(), Some("national"));
    assert_eq!(p.unfulfilled[0].qty, 1, "9 of 10 shipped");
    // Only the local strategy allows a partial plan: its unit is the answer.
    let p = plan(
        r#"{"strategies":[{"name":"local","maxDistanceKm":50,"allowPartial":true}],"fallback":{"name":"national"}}"#,
    );
    assert_eq!(
        (p.strategy.as_deref(), p.unfulfilled[0].qty),
        (Some("local"), 9)
    );
    // Two strategies shipping the same 9 units: the first.
    let p = plan(
        r#"{"allowPartial":true,"strategies":[{"name":"cheap","costPerKm":0.01},{"name":"dear","costPerKm":0.001}]}"#,
    );
    assert_eq!(
        (p.strategy.as_deref(), p.unfulfilled[0].qty),
        (Some("cheap"), 1)
    );
}

#[test]
fn same_sku_lines_merge_and_unknown_skus_have_no_stock() {
    let plan = run(
        r#"{"lines":[{"sku":"B","qty":1},{"sku":"A","qty":1},{"sku":"B","qty":1}],"destination":{"lat":48.86,"lon":2.35}}"#,
        &Profiles::new(),
    );
    assert_eq!(plan.status, Status::Complete);
    let lines: Vec<(&str, u64)> = plan
        .shipments
        .iter()
        .flat_map(|s| &s.lines)
        .map(|l| (l.sku.as_str(), l.qty))
        .collect();
    assert_eq!(lines.iter().map(|l| l.1).sum::<u64>(), 3);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.0 == "B")
            .map(|l| l.1)
            .sum::<u64>(),
        2
    );
    let plan = run(
        r#"{"lines":[{"sku":"NEVER-SEEN","qty":1}],"destination":{"lat":48.86,"lon":2.35}}"#,
        &Profiles::new(),
    );
    assert_eq!(plan.status, Status::Unfulfillable);
}

#[test]
fn ties_break_by_fewer_shipments_then_location_id() {
    // Free locations: every plan costs 0. One location holding everything beats two; among
    // single locations, the smallest id wins, whatever the insertion order.
    let network = Network::from_locations(vec![
        place("Z-STORE", LocationKind::Store, 48.0, 2.0),
        place("M-STORE", LocationKind::Store, 48.1, 2.1),
        place("B-HALF", LocationKind::Store, 48.2, 2.2),
        place("A-HALF", LocationKind::Store, 48.3, 2.3),
    ]);
    let inventory = stocked(
        &network,
        &[
            ("X", "Z-STORE", 1),
            ("Y", "Z-STORE", 1),
            ("X", "M-STORE", 1),
            ("Y", "M-STORE", 1),
            ("X", "A-HALF", 1),
            ("Y", "B-HALF", 1),
        ],
    );
    let req = request(
        r#"{"lines":[{"sku":"X","qty":1},{"sku":"Y","qty":1}],"destination":{"lat":48.5,"lon":2.5}}"#,
    );
    let first = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    assert_eq!(locations(&first), ["M-STORE"]);
    assert!(first.optimal);
    for _ in 0..5 {
        assert_eq!(
            source(&network, &inventory, &Profiles::new(), &req).unwrap(),
            first
        );
    }
    // Ship complete from stores only, with the costs equal: still the smallest id.
    let req = request(
        r#"{"lines":[{"sku":"X","qty":1}],"destination":{"lat":48.5,"lon":2.5},"profile":{"costPerShipment":3}}"#,
    );
    let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    assert_eq!(locations(&plan), ["A-HALF"]);
    assert_eq!(plan.total_cost, 3.0);
}

#[test]
fn ranks_and_explicit_lists_steer_the_choice() {
    let profiles = Profiles::new();
    let cart = r#""lines":[{"sku":"A","qty":1}],"destination":{"lat":48.86,"lon":2.35}"#;
    // Unranked, the Paris store (cost 4, 0 km) beats the warehouse (cost 2 + 0.1/km × 390 km).
    let plan = run(
        &format!(r#"{{{cart},"profile":{{"costPerKm":0.1}}}}"#),
        &profiles,
    );
    assert_eq!(locations(&plan), ["ST-PARIS-1"]);
    // Ranking the warehouse first with a steep rank cost flips it.
    let plan = run(
        &format!(
            r#"{{{cart},"profile":{{"costPerKm":0.1,"ranks":{{"WH-LYON":1,"ST-PARIS-1":2}},"costPerRank":100}}}}"#
        ),
        &profiles,
    );
    assert_eq!(locations(&plan), ["WH-LYON"]);
    let plan = run(
        &format!(r#"{{{cart},"profile":{{"locations":["WH-LYON"]}}}}"#),
        &profiles,
    );
    assert_eq!(locations(&plan), ["WH-LYON"]);
    let why: Vec<(&str, Reason)> = plan
        .explanations
        .iter()
        .map(|e| (e.location.as_str(), e.reason))
        .collect();
    assert!(why.contains(&("ST-PARIS-1", Reason::NotListed)), "{why:?}");
}

#[test]
fn explanations_say_why_nearby_locations_do_not_ship() {
    let mut closed = place("ST-CLOSED", LocationKind::Store, 48.857, 2.353);
    closed.active = false;
    let mut weak = place("ST-WEAK", LocationKind::Store, 48.858, 2.354);
    weak.performance = 0.2;
    let mut full = place("ST-FULL", LocationKind::Store, 48.859, 2.355);
    full.capacity_units = Some(0);
    let network = Network::from_locations(vec![
        closed,
        weak,
        full,
        place("ST-EMPTY", LocationKind::Store, 48.86, 2.356),
        place("ST-OK", LocationKind::Store, 48.861, 2.357),
        place("ST-DEAR", LocationKind::Store, 48.862, 2.358),
        place("WH-FAR", LocationKind::Warehouse, 43.3, 5.4),
    ]);
    let inventory = stocked(
        &network,
        &[
            ("A", "ST-OK", 1),
            ("A", "ST-DEAR", 1),
            ("A", "WH-FAR", 9),
            ("A", "ST-WEAK", 1),
            ("A", "ST-FULL", 1),
        ],
    );
    let req = request(
        r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.8566,"lon":2.3522},
            "profile":{"maxDistanceKm":100,"minPerformance":0.5,"costPerKm":1}}"#,
    );
    let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    assert_eq!(locations(&plan), ["ST-OK"]);
    let why: Vec<(&str, Reason)> = plan
        .explanations
        .iter()
        .map(|e| (e.location.as_str(), e.reason))
        .collect();
    for expected in [
        ("ST-CLOSED", Reason::Inactive),
        ("ST-WEAK", Reason::BelowPerformance),
        ("ST-FULL", Reason::CapacityExhausted),
        ("ST-EMPTY", Reason::OutOfStock),
        ("ST-DEAR", Reason::Costlier),
        ("WH-FAR", Reason::TooFar),
    ] {
        assert!(why.contains(&expected), "{expected:?} in {why:?}");
    }
    assert!(plan.explanations.iter().all(|e| !e.message.is_empty()));
}

/// Every plan on random networks: within ATS and capacity, the cart exactly when complete, at
/// most `maxShipments`, and costs equal to the contract's formula.
#[test]
fn plans_respect_stock_capacity_and_the_cost_model() {
    let profiles = Profiles::new();
    let mut checked = 0;
    for seed in 0..60u64 {
        let family = if seed % 2 == 0 {
            Family::Mixed
        } else {
            Family::StoreHeavy
        };
        let mut sc = scenario(
            family,
            1 + (seed as usize % 6),
            12 + (seed as usize % 20),
            seed,
        );
        let mut p = carrier_profile();
        p.max_shipments = (seed % 3 == 0).then_some(2.0);
        p.allow_partial = Some(seed % 4 == 1);
        p.max_distance_km = (seed % 5 == 0).then_some(150.0);
        sc.request.profile = Some(ProfileRef::Inline(Box::new(p.clone())));
        let plan = source(&sc.network, &sc.inventory, &profiles, &sc.request).unwrap();
        let cart = sc.request.cart().unwrap();
        let mut shipped = std::collections::BTreeMap::<String, u64>::new();
        let mut total = 0.0;
        for s in &plan.shipments {
            let idx = sc.network.lookup(&s.location).unwrap();
            let l = sc.network.get(idx).unwrap();
            let d = haversine_km(cart.destination, l.point());
            assert!((s.distance_km - d).abs() < 1e-9);
            if let Some(max) = p.max_distance_km {
                assert!(d <= max);
            }
            let units: u64 = s.lines.iter().map(|x| x.qty).sum();
            if let Some(cap) = l.capacity_units {
                assert!(units <= u64::from(cap), "capacity");
            }
            for line in &s.lines {
                let sku = sc.inventory.sku_index(&line.sku).unwrap();
                let stock = sc.inventory.stock(sku).unwrap();
                let ats = position_ats(&stock.get(stock.find(idx).unwrap()), l);
                assert!(line.qty as i64 <= ats, "ATS");
                *shipped.entry(line.sku.clone()).or_default() += line.qty;
            }
            let expect = l.cost_per_shipment
                + p.cost_per_shipment.unwrap_or(0.0)
                + p.cost_per_km.unwrap_or(0.0) * d
                + p.performance_penalty.unwrap_or(0.0) * (1.0 - l.performance)
                + units as f64 * (l.cost_per_unit + p.cost_per_unit_km.unwrap_or(0.0) * d);
            assert!(
                (s.cost - expect).abs() <= 1e-9 * expect.abs().max(1.0),
                "{} vs {expect}",
                s.cost
            );
            total += s.cost;
        }
        assert!((plan.total_cost - total).abs() <= 1e-9 * total.max(1.0));
        if let Some(k) = p.max_shipments {
            assert!(plan.shipments.len() <= k as usize);
        }
        for line in &cart.lines {
            let got = shipped.get(&line.sku).copied().unwrap_or(0);
            let missing: u64 = plan
                .unfulfilled
                .iter()
                .filter(|u| u.sku == line.sku)
                .map(|u| u.qty)
                .sum();
            assert_eq!(got + missing, line.qty);
            if plan.status == Status::Complete {
                assert_eq!(got, line.qty);
            }
        }
        assert!(plan.optimal, "seed {seed}");
        assert_eq!(plan.lower_bound, plan.total_cost);
        checked += plan.shipments.len();
        assert_eq!(
            source(&sc.network, &sc.inventory, &profiles, &sc.request).unwrap(),
            plan
        );
    }
    assert!(checked > 50);
}

#[test]
fn a_location_at_exactly_max_distance_is_eligible_however_near() {
    // The auditor's case: a warehouse 2.3 cm from the destination, maxDistanceKm set to exactly
    // that distance (the spatial index's rounding at such distances once left it out).
    let network = Network::from_locations(vec![place(
        "W",
        LocationKind::Warehouse,
        48.80026410065731,
        2.299829037372954,
    )]);
    let inventory = stocked(&network, &[("S", "W", 2)]);
    let destination = atsource::network::GeoPoint {
        lat: 48.80026430460089,
        lon: 2.299829037372954,
    };
    let d = haversine_km(destination, network.get(0).expect("W").point());
    assert!(d < 1e-4, "{d}");
    let req = |km: f64| {
        request(&format!(
            r#"{{"lines":[{{"sku":"S","qty":1}}],"destination":{{"lat":{},"lon":{}}},
                "profile":{{"maxDistanceKm":{km:?}}}}}"#,
            destination.lat, destination.lon
        ))
    };
    let plan = source(&network, &inventory, &Profiles::new(), &req(d)).expect("sourced");
    assert_eq!(plan.status, Status::Complete);
    assert_eq!(locations(&plan), ["W"]);
    let below = f64::from_bits(d.to_bits() - 1);
    let plan = source(&network, &inventory, &Profiles::new(), &req(below)).expect("sourced");
    assert_eq!(plan.status, Status::Unfulfillable);
}

#[test]
fn the_largest_costs_allowed_still_price_every_plan_with_a_number() {
    // Every cost at its ceiling, the largest cart and the farthest location: no cost of the plan
    // overflows (an auditor's costPerUnit of 1e308 answered totalCost null, optimal true).
    let max = atsource::network::MAX_COST;
    let mut far = place("FAR", LocationKind::Warehouse, -45.0, 179.0);
    far.cost_per_shipment = max;
    far.cost_per_unit = max;
    far.performance = 0.0;
    let network = Network::from_locations(vec![far]);
    let inventory = stocked(&network, &[("S", "FAR", i32::MAX)]);
    let req = request(&format!(
        r#"{{"lines":[{{"sku":"S","qty":1000000000}}],"destination":{{"lat":45,"lon":-1}},
            "profile":{{"costPerShipment":{max},"costPerKm":{max},"costPerUnitKm":{max},
                        "performancePenalty":{max}}}}}"#
    ));
    let plan = source(&network, &inventory, &Profiles::new(), &req).expect("sourced");
    assert_eq!(plan.status, Status::Complete);
    assert!(
        plan.total_cost.is_finite() && plan.total_cost > 1e20,
        "{}",
        plan.total_cost
    );
    assert!(plan.lower_bound.is_finite());
    assert!(plan.shipments.iter().all(|s| s.cost.is_finite()));
}

#[test]
fn a_quoted_cart_with_unit_prices_sources_as_it_prices() {
    // The lines a checkout prices with `deliveryOptions` (unit prices included) source as they
    // are: the prices change nothing in the plan, and a bad one is refused at its path.
    let profiles = Profiles::new();
    let dest = r#""destination":{"lat":48.86,"lon":2.35}"#;
    let priced = run(
        &format!(
            r#"{{"lines":[{{"sku":"A","qty":2,"unitPrice":19.9}},{{"sku":"B","qty":1,"unitPrice":0}}],{dest}}}"#
        ),
        &profiles,
    );
    let plain = run(
        &format!(r#"{{"lines":[{{"sku":"A","qty":2}},{{"sku":"B","qty":1}}],{dest}}}"#),
        &profiles,
    );
    assert_eq!(priced, plain);
    assert_eq!(priced.status, Status::Complete);
    let (n, i) = small();
    for bad in ["-1", "null", "\"9.90\""] {
        let json = format!(
            r#"{{"lines":[{{"sku":"A","qty":1}},{{"sku":"B","qty":1,"unitPrice":{bad}}}],{dest}}}"#
        );
        let e = match SourceRequest::from_json(&json) {
            // null reads as absent, as every optional field.
            Ok(r) if bad == "null" => {
                assert!(source(&n, &i, &profiles, &r).is_ok());
                continue;
            }
            Ok(r) => source(&n, &i, &profiles, &r).expect_err(bad),
            Err(e) => e,
        };
        assert_eq!(
            (e.code(), e.field()),
            ("invalid_input", "lines[1].unitPrice"),
            "{bad}"
        );
    }
    // Still a typo of a field is refused, not ignored.
    let e = SourceRequest::from_json(&format!(
        r#"{{"lines":[{{"sku":"A","qty":1,"unitprice":3}}],{dest}}}"#
    ))
    .unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("invalid_input", "lines[0].unitprice")
    );
}
