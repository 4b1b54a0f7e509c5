//! `costlierBy`: how much more a plan would cost if a location left out on cost had to ship,
//! checked against an exhaustive enumeration of integer assignments that shares no code with the
//! optimiser or with the way explanations force a location in.

mod sourcing_common;

use atsource::network::{LocationKind, Network};
use atsource::sourcing::optimizer::Problem;
use atsource::sourcing::{
    problem, source, Plan, Profile, ProfileRef, Profiles, Reason, SourceRequest, Status,
};
use sourcing_common::network::{carrier_profile, place, scenario, stocked, Family};

fn request(json: &str) -> SourceRequest {
    SourceRequest::from_json(json).expect("valid JSON request")
}

/// The cheapest complete plan of `p` in which candidate `forced` ships at least one unit (any
/// plan when `forced` is `None`), by enumerating every integer assignment; `None` when none.
fn enumerate(p: &Problem, forced: Option<usize>) -> Option<f64> {
    struct Walk<'a> {
        p: &'a Problem,
        forced: Option<usize>,
        load: Vec<u64>,
        best: Option<f64>,
    }
    impl Walk<'_> {
        fn stock(&self, i: usize, j: usize) -> u64 {
            let c = &self.p.candidates[i];
            c.stock
                .iter()
                .filter(|e| e.0 as usize == j)
                .map(|e| e.1)
                .sum()
        }
        /// Units `left` of line `j` still to give to candidates `i..`.
        fn visit(&mut self, j: usize, i: usize, left: u64) {
            let p = self.p;
            let n = p.candidates.len();
            if i == n {
                if left == 0 {
                    self.next_line(j + 1);
                }
                return;
            }
            let room = p.candidates[i]
                .capacity
                .map_or(u64::MAX, |c| c - self.load[i]);
            for x in 0..=left.min(self.stock(i, j)).min(room) {
                self.load[i] += x;
                self.visit(j, i + 1, left - x);
                self.load[i] -= x;
            }
        }
        fn next_line(&mut self, j: usize) {
            let p = self.p;
            if j < p.demand.len() {
                return self.visit(j, 0, p.demand[j]);
            }
            let load = &self.load;
            let shipping = load.iter().filter(|&&u| u > 0).count();
            if self.forced.is_some_and(|c| load[c] == 0)
                || p.max_shipments.is_some_and(|k| shipping > k as usize)
            {
                return;
            }
            let cost: f64 = (0..load.len())
                .filter(|&i| load[i] > 0)
                .map(|i| p.candidates[i].fixed + load[i] as f64 * p.candidates[i].unit)
                .sum();
            if self.best.is_none_or(|b| cost < b) {
                self.best = Some(cost);
            }
        }
    }
    let mut walk = Walk {
        p,
        forced,
        load: vec![0; p.candidates.len()],
        best: None,
    };
    walk.next_line(0);
    walk.best
}

#[test]
fn a_location_left_out_on_cost_says_by_how_much() {
    // The README's example: Paris holds 1 of the 2 units, Lyon all of them.
    let mut paris = place("PAR-RIVOLI", LocationKind::Store, 48.8606, 2.3376);
    paris.cost_per_shipment = 4.0;
    paris.cost_per_unit = 1.0;
    let mut lyon = place("WH-LYON", LocationKind::Warehouse, 45.6, 5.1);
    lyon.cost_per_shipment = 2.0;
    lyon.cost_per_unit = 0.2;
    let network = Network::from_locations(vec![paris, lyon]);
    let inventory = stocked(
        &network,
        &[("TEE-M", "PAR-RIVOLI", 1), ("TEE-M", "WH-LYON", 10)],
    );
    let req = request(
        r#"{"lines":[{"sku":"TEE-M","qty":2}],"destination":{"lat":48.85,"lon":2.35},
            "profile":{"costPerShipment":5,"costPerKm":0.01}}"#,
    );
    let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    assert_eq!(plan.shipments.len(), 1);
    let why = &plan.explanations[0];
    assert_eq!(
        (why.location.as_str(), why.reason),
        ("PAR-RIVOLI", Reason::Costlier)
    );
    // Paris (1 unit) + Lyon (1 unit) = 21.38 against 11.57.
    let by = why.costlier_by.unwrap();
    assert!((by - 9.81).abs() < 0.005, "{by}");
    assert_eq!(why.costlier_by_exact, Some(true));
    assert!(why.message.contains("9.81 more"), "{}", why.message);
    let json = serde_json::to_value(why).unwrap();
    assert_eq!(json["costlierBy"], serde_json::json!(by));
    assert_eq!(json["costlierByExact"], serde_json::json!(true));

    // Shipping complete: Paris cannot ship the cart alone, so no plan includes it.
    let req = request(
        r#"{"lines":[{"sku":"TEE-M","qty":2}],"destination":{"lat":48.85,"lon":2.35},
            "profile":{"costPerShipment":5,"costPerKm":0.01,"maxShipments":1}}"#,
    );
    let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    let why = &plan.explanations[0];
    assert_eq!(why.reason, Reason::Costlier);
    assert_eq!((why.costlier_by, why.costlier_by_exact), (None, None));
    assert!(
        why.message
            .ends_with("no complete plan of at most 1 parcel ships from it"),
        "{}",
        why.message
    );
    // Other reasons carry no number, and absent fields stay out of the JSON.
    let json = serde_json::to_value(why).unwrap();
    assert!(json.get("costlierBy").is_none());
}

#[test]
fn a_plan_short_of_the_cart_says_the_stock_is_insufficient_not_costlier() {
    // 3 units in Paris, none in Bastille, 1 in Lyon whose capacity is used up: 4 wanted.
    let mut lyon = place("WH-LYON", LocationKind::Warehouse, 45.6, 5.1);
    lyon.capacity_units = Some(0);
    let network = Network::from_locations(vec![
        place("PAR-RIVOLI", LocationKind::Store, 48.8606, 2.3376),
        place("PAR-BASTILLE", LocationKind::Store, 48.853, 2.369),
        lyon,
    ]);
    let ask = |bastille: i32, profile: &str| {
        let inventory = stocked(
            &network,
            &[
                ("TEE-M", "PAR-RIVOLI", 3),
                ("TEE-M", "PAR-BASTILLE", bastille),
                ("TEE-M", "WH-LYON", 1),
            ],
        );
        let json = format!(
            r#"{{"lines":[{{"sku":"TEE-M","qty":4}}],"destination":{{"lat":48.85,"lon":2.35}},
                "profile":{profile}}}"#
        );
        source(&network, &inventory, &Profiles::new(), &request(&json)).unwrap()
    };
    let plan = ask(0, "{}");
    assert_eq!(plan.status, Status::Unfulfillable);
    let reasons: Vec<(&str, Reason)> = plan
        .explanations
        .iter()
        .map(|x| (x.location.as_str(), x.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("PAR-BASTILLE", Reason::OutOfStock),
            ("PAR-RIVOLI", Reason::Insufficient),
            ("WH-LYON", Reason::CapacityExhausted)
        ]
    );
    let why = &plan.explanations[1];
    assert!(
        why.message.contains("holds 3 of 4 units") && why.message.contains("ships the whole cart"),
        "{}",
        why.message
    );
    assert_eq!(
        serde_json::to_value(why.reason).unwrap(),
        serde_json::json!("insufficient")
    );
    // Partial, one parcel: Paris ships its 3; Bastille, with 2, cannot join the parcel.
    let partial = ask(2, r#"{"allowPartial":true,"maxShipments":1}"#);
    assert_eq!(partial.status, Status::Partial);
    assert_eq!(partial.shipments[0].location, "PAR-RIVOLI");
    let bastille = partial
        .explanations
        .iter()
        .find(|x| x.location == "PAR-BASTILLE")
        .unwrap();
    assert_eq!(
        bastille.reason,
        Reason::Insufficient,
        "{}",
        bastille.message
    );
    assert!(
        bastille.message.contains("holds 2 of 4 units"),
        "{}",
        bastille.message
    );
    // One parcel at most, complete only, and no location holds 4: the same.
    let plan = ask(2, r#"{"maxShipments":1}"#);
    assert_eq!(plan.status, Status::Unfulfillable);
    assert!(plan.explanations[..2]
        .iter()
        .all(|x| x.reason == Reason::Insufficient));
}

#[test]
fn a_location_holding_more_than_it_may_ship_today_says_so() {
    // Rivoli holds all 4 units but may ship 2 today; Lyon has none.
    let mut rivoli = place("PAR-RIVOLI", LocationKind::Store, 48.8606, 2.3376);
    rivoli.capacity_units = Some(2);
    let network = Network::from_locations(vec![
        rivoli,
        place("WH-LYON", LocationKind::Warehouse, 45.6, 5.1),
    ]);
    let inventory = stocked(&network, &[("TEE-M", "PAR-RIVOLI", 4)]);
    let req =
        request(r#"{"lines":[{"sku":"TEE-M","qty":4}],"destination":{"lat":48.85,"lon":2.35}}"#);
    let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    assert_eq!(plan.status, Status::Unfulfillable);
    let why = &plan.explanations[0];
    assert_eq!(
        (why.location.as_str(), why.reason),
        ("PAR-RIVOLI", Reason::Insufficient)
    );
    assert!(
        why.message
            .starts_with("holds 4 of 4 units, can ship 2 today;"),
        "{}",
        why.message
    );
}

#[test]
fn a_tie_lost_on_the_tie_rule_costs_nothing_more() {
    let network = Network::from_locations(vec![
        place("ST-A", LocationKind::Store, 48.86, 2.35),
        place("ST-B", LocationKind::Store, 48.86, 2.35),
    ]);
    let inventory = stocked(&network, &[("X", "ST-A", 1), ("X", "ST-B", 1)]);
    let req = request(
        r#"{"lines":[{"sku":"X","qty":1}],"destination":{"lat":48.85,"lon":2.35},
            "profile":{"costPerShipment":3}}"#,
    );
    let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    assert_eq!(plan.shipments[0].location, "ST-A");
    let why = &plan.explanations[0];
    assert_eq!(
        (why.costlier_by, why.costlier_by_exact),
        (Some(0.0), Some(true))
    );
    assert!(why.message.contains("ties"), "{}", why.message);
}

#[test]
fn any_budget_gives_a_true_number_or_a_lower_bound_or_none() {
    // Many similar stores and tiny budgets.
    let mut locations = Vec::new();
    let mut stock = Vec::new();
    let ids: Vec<String> = (0..7).map(|i| format!("ST-{i:02}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let mut l = place(id, LocationKind::Store, 48.85 + 0.01 * i as f64, 2.35);
        l.cost_per_shipment = 1.0 + (i % 3) as f64;
        l.cost_per_unit = 0.5 * (i % 4) as f64;
        locations.push(l);
    }
    for (i, id) in ids.iter().enumerate() {
        for (k, sku) in ["A", "B", "C", "D"].iter().enumerate() {
            if (i + k) % 3 != 0 {
                stock.push((*sku, id.as_str(), 1 + ((i * k) % 2) as i32));
            }
        }
    }
    let network = Network::from_locations(locations);
    let inventory = stocked(&network, &stock);
    for budget in [1, 3, 20_000] {
        let req = request(&format!(
            r#"{{"lines":[{{"sku":"A","qty":3}},{{"sku":"B","qty":2}},{{"sku":"C","qty":2}},{{"sku":"D","qty":1}}],
                "destination":{{"lat":48.85,"lon":2.35}},
                "profile":{{"costPerShipment":2,"costPerKm":0.3,"searchBudget":{budget},"explainBudget":16}}}}"#
        ));
        let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
        check_against_enumeration(&network, &inventory, &req, &plan);
    }
}

#[test]
fn under_a_small_budget_the_bound_never_exceeds_the_proven_price() {
    // Store-heavy carts: a budget of 2 nodes leaves some forced solves unproven.
    let (mut bounded, mut compared) = (0, 0);
    for seed in 0..12 {
        let sc = scenario(Family::StoreHeavy, 8, 60, seed);
        let mut req = sc.request.clone();
        req.profile = Some(ProfileRef::Inline(Box::new(Profile {
            explain_budget: Some(16.0),
            ..carrier_profile()
        })));
        let full = source(&sc.network, &sc.inventory, &Profiles::new(), &req).unwrap();
        let mut tight = sc.request.clone();
        tight.profile = Some(ProfileRef::Inline(Box::new(Profile {
            search_budget: Some(2.0),
            explain_budget: Some(16.0),
            ..carrier_profile()
        })));
        let small = source(&sc.network, &sc.inventory, &Profiles::new(), &tight).unwrap();
        if full.status != Status::Complete || !full.optimal {
            continue;
        }
        for why in small
            .explanations
            .iter()
            .filter(|e| e.costlier_by.is_some())
        {
            bounded += usize::from(why.costlier_by_exact == Some(false));
            let Some(proven) = full
                .explanations
                .iter()
                .find(|e| e.location == why.location && e.costlier_by_exact == Some(true))
            else {
                continue;
            };
            // Both add up to the cost of the best plan shipping from the location.
            let low = small.total_cost + why.costlier_by.unwrap();
            let exact = full.total_cost + proven.costlier_by.unwrap();
            assert!(low <= exact + 1e-6, "{why:?} vs {proven:?}");
            compared += 1;
        }
    }
    assert!(
        bounded > 0 && compared > 0,
        "{bounded} bounds, {compared} compared"
    );
}

/// Every `costlierBy` of `plan`: exact ones equal the enumeration's, lower bounds stay below it.
fn check_against_enumeration(
    network: &Network,
    inventory: &atsource::inventory::Inventory,
    req: &SourceRequest,
    plan: &Plan,
) -> usize {
    let Some(atsource::sourcing::ProfileRef::Inline(profile)) = &req.profile else {
        panic!("inline profile expected");
    };
    let strategy = &profile.strategies("profile").unwrap()[0];
    let cart = req.cart().unwrap();
    let built = problem::build(network, inventory, &cart, strategy);
    let mut checked = 0;
    for why in plan
        .explanations
        .iter()
        .filter(|e| e.reason == Reason::Costlier)
    {
        let loc = network.lookup(&why.location).unwrap();
        let c = built.locations.iter().position(|&l| l == loc).unwrap();
        let forced = enumerate(&built.problem, Some(c));
        match (why.costlier_by, why.costlier_by_exact, forced) {
            (Some(by), Some(true), Some(f)) => {
                assert!((f - plan.total_cost - by).abs() < 1e-6, "{why:?}: {f}");
                checked += 1;
            }
            (Some(by), Some(false), Some(f)) => {
                assert!(by <= f - plan.total_cost + 1e-6, "{why:?}: {f}");
            }
            (None, None, None) => assert!(why.message.contains("no complete plan")),
            (None, None, Some(_)) => assert!(why.message.contains("not priced"), "{why:?}"),
            other => panic!("{why:?}: {other:?}"),
        }
    }
    checked
}

#[test]
fn costlier_by_matches_exhaustive_enumeration_on_random_networks() {
    let mut rng = fastrand::Rng::with_seed(7);
    let (mut exact, mut plans) = (0, 0);
    for _ in 0..150 {
        let n = rng.usize(2..=4);
        let locations: Vec<_> = (0..n)
            .map(|i| {
                let kind = if i == 0 {
                    LocationKind::Warehouse
                } else {
                    LocationKind::Store
                };
                let mut l = place(
                    &format!("L{i}"),
                    kind,
                    48.8 + rng.f64() * 0.4,
                    2.2 + rng.f64() * 0.4,
                );
                l.cost_per_shipment = rng.u32(0..=12) as f64 / 4.0;
                l.cost_per_unit = rng.u32(0..=8) as f64 / 4.0;
                l.capacity_units = rng.bool().then(|| rng.u32(1..=4));
                l
            })
            .collect();
        let network = Network::from_locations(locations);
        let skus = ["A", "B", "C"];
        let m = rng.usize(1..=3);
        let mut stock = Vec::new();
        let ids: Vec<String> = (0..n).map(|i| format!("L{i}")).collect();
        for id in &ids {
            for sku in &skus[..m] {
                if rng.bool() {
                    stock.push((*sku, id.as_str(), rng.i32(1..=3)));
                }
            }
        }
        let inventory = stocked(&network, &stock);
        let lines: Vec<String> = skus[..m]
            .iter()
            .map(|s| format!(r#"{{"sku":"{s}","qty":{}}}"#, rng.u32(1..=2)))
            .collect();
        let k = match rng.u8(0..3) {
            0 => String::new(),
            k => format!(r#","maxShipments":{k}"#),
        };
        let req = request(&format!(
            r#"{{"lines":[{}],"destination":{{"lat":48.9,"lon":2.4}},
                "profile":{{"costPerShipment":{},"costPerKm":0.1,"explainBudget":12{k}}}}}"#,
            lines.join(","),
            rng.u32(0..=8) as f64 / 2.0
        ));
        let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
        if plan.status != Status::Complete {
            assert!(plan.explanations.iter().all(|e| e.costlier_by.is_none()));
            continue;
        }
        plans += 1;
        exact += check_against_enumeration(&network, &inventory, &req, &plan);
    }
    assert!(plans > 50 && exact > 40, "{plans} plans, {exact} priced");
}

#[test]
fn the_enumeration_agrees_with_the_plans_themselves() {
    // The checker's own sanity: unforced, it finds each plan's cost.
    let network = Network::from_locations(vec![
        place("L0", LocationKind::Warehouse, 48.9, 2.3),
        place("L1", LocationKind::Store, 48.95, 2.45),
    ]);
    let inventory = stocked(&network, &[("A", "L0", 2), ("A", "L1", 1), ("B", "L1", 1)]);
    let req = request(
        r#"{"lines":[{"sku":"A","qty":2},{"sku":"B","qty":1}],"destination":{"lat":48.9,"lon":2.4},
            "profile":{"costPerShipment":1,"costPerKm":0.1}}"#,
    );
    let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
    let profile: Profile = atsource::from_json(r#"{"costPerShipment":1,"costPerKm":0.1}"#).unwrap();
    let built = problem::build(
        &network,
        &inventory,
        &req.cart().unwrap(),
        &profile.strategies("").unwrap()[0],
    );
    let best = enumerate(&built.problem, None).unwrap();
    assert!((best - plan.total_cost).abs() < 1e-9);
}

#[test]
fn explain_budget_bounds_the_pricing_and_zero_turns_it_off() {
    let network = Network::from_locations(vec![
        place("L0", LocationKind::Store, 48.86, 2.35),
        place("L1", LocationKind::Store, 48.87, 2.35),
        place("L2", LocationKind::Store, 48.88, 2.35),
        place("L3", LocationKind::Store, 48.89, 2.35),
    ]);
    let stock: Vec<(&str, &str, i32)> = ["L0", "L1", "L2", "L3"]
        .iter()
        .flat_map(|l| [("A", *l, 5), ("B", *l, 5)])
        .collect();
    let inventory = stocked(&network, &stock);
    let priced = |budget: &str| {
        let req = request(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}},{{"sku":"B","qty":1}}],"destination":{{"lat":48.85,"lon":2.35}},
                "profile":{{"costPerKm":1{budget}}}{flag}}}"#,
            flag = if budget.contains("off") {
                r#","priceExplanations":false"#
            } else {
                ""
            },
            budget = budget.replace("off", "")
        ));
        let plan = source(&network, &inventory, &Profiles::new(), &req).unwrap();
        assert_eq!(plan.shipments[0].location, "L0");
        let by: Vec<Option<f64>> = plan.explanations.iter().map(|e| e.costlier_by).collect();
        let unpriced = plan
            .explanations
            .iter()
            .filter(|e| e.message.contains("explainBudget"));
        (by.iter().filter(|b| b.is_some()).count(), unpriced.count())
    };
    // Each location holds both lines: two runs each, nearest first.
    assert_eq!(priced(""), (2, 1));
    assert_eq!(priced(r#","explainBudget":0"#), (0, 0)); // off: reasons alone
    assert_eq!(priced(r#","explainBudget":5"#), (2, 1));
    assert_eq!(priced(r#","explainBudget":6"#), (3, 0));
    // A caller that only acts on the plan (a reservation) turns pricing off per request.
    assert_eq!(priced(r#","explainBudget":6off"#), (0, 0));
    for bad in ["-1", "1.5", "65"] {
        let req = request(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],"destination":{{"lat":48.85,"lon":2.35}},"profile":{{"explainBudget":{bad}}}}}"#
        ));
        let err = source(&network, &inventory, &Profiles::new(), &req).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("invalid_profile", "profile.explainBudget")
        );
    }
}
