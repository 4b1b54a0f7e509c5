//! Profiles: their JSON and stored forms, the contract's default, and what validation refuses.

use super::*;

#[test]
fn profiles_round_trip_through_json_and_postcard_and_validate_on_load() {
    let mut profiles = Profiles::new();
    profiles
        .set(
            "flat",
            profile(r#"{"maxDistanceKm":50,"costPerShipment":5}"#),
        )
        .unwrap();
    profiles
        .set("staged", profile(r#"{"costPerKm":0.1,"strategies":[{"kinds":["store"],"maxShipments":1}],"fallback":{"allowPartial":true}}"#))
        .unwrap();
    assert_eq!(
        profiles.set("", Profile::default()).unwrap_err().code(),
        "invalid_profile"
    );
    let json = serde_json::to_string(&profiles).unwrap();
    let back: Profiles = serde_json::from_str(&json).unwrap();
    assert_eq!(back, profiles);
    let bytes = postcard::to_allocvec(&profiles).unwrap();
    let back: Profiles = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, profiles);
    assert_eq!(back.names().collect::<Vec<_>>(), ["flat", "staged"]);
    assert!(serde_json::from_str::<Profiles>(r#"{"bad":{"maxShipments":-1}}"#).is_err());
    // A registered "default" applies when the request names none.
    let (n, i) = small();
    let mut with_default = Profiles::new();
    with_default
        .set("default", profile(r#"{"kinds":["warehouse"]}"#))
        .unwrap();
    let plan = source(
        &n,
        &i,
        &with_default,
        &request(r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.86,"lon":2.35}}"#),
    )
    .unwrap();
    assert_eq!(locations(&plan), ["WH-LYON"]);
}

#[test]
fn the_default_profile_is_the_contract_default() {
    let plan = run(
        r#"{"lines":[{"sku":"A","qty":1},{"sku":"B","qty":1}],"destination":{"lat":48.86,"lon":2.35}}"#,
        &Profiles::new(),
    );
    assert_eq!(plan.strategy.as_deref(), Some("default"));
    // No carrier cost: the warehouse (2) ships both in one parcel, cheaper than two stores (4 + 4).
    assert_eq!(locations(&plan), ["WH-LYON"]);
    assert_eq!(plan.total_cost, 2.0);
}

/// The code and field path `setProfile` refuses a profile with.
fn refused(json: &str) -> (&'static str, String) {
    let err = Profiles::new().set("p", profile(json)).unwrap_err();
    (err.code(), err.field().to_string())
}

#[test]
fn strategies_of_one_profile_have_distinct_names() {
    assert_eq!(
        refused(r#"{"strategies":[{"name":"stores"},{"name":"stores","maxShipments":1}]}"#),
        ("invalid_profile", "strategies[1].name".to_string())
    );
    // A name that an unnamed strategy gets by default, and the fallback's, clash alike.
    assert_eq!(
        refused(r#"{"strategies":[{"name":"strategy-2"},{"kinds":["store"]}]}"#),
        ("invalid_profile", "strategies[1].name".to_string())
    );
    assert_eq!(
        refused(r#"{"strategies":[{"name":"near"}],"fallback":{"name":"near"}}"#),
        ("invalid_profile", "fallback.name".to_string())
    );
    assert_eq!(
        refused(r#"{"name":"fallback","fallback":{}}"#),
        ("invalid_profile", "fallback.name".to_string())
    );
    // Inline, the path starts at the request's profile; distinct names are fine.
    let err = SourceRequest::from_json(
        r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.86,"lon":2.35},
            "profile":{"strategies":[{"name":"a"},{"name":"a"}]}}"#,
    )
    .and_then(|r| {
        let (n, i) = small();
        source(&n, &i, &Profiles::new(), &r)
    })
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("invalid_profile", "profile.strategies[1].name")
    );
    let mut ok = Profiles::new();
    ok.set(
        "p",
        profile(r#"{"strategies":[{"name":"a"},{}],"fallback":{"name":"last"}}"#),
    )
    .unwrap();
    let names: Vec<&str> = ok
        .strategies("p")
        .unwrap()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["a", "strategy-2", "last"]);
}

#[test]
fn ranks_without_a_cost_per_rank_anywhere_are_refused() {
    assert_eq!(
        refused(r#"{"ranks":{"WH-LYON":1,"ST-PARIS-1":2}}"#),
        ("invalid_profile", "ranks".to_string())
    );
    assert_eq!(
        refused(r#"{"strategies":[{"kinds":["store"]},{"ranks":{"WH-LYON":1}}]}"#),
        ("invalid_profile", "strategies[1].ranks".to_string())
    );
    assert_eq!(
        refused(r#"{"fallback":{"ranks":{"WH-LYON":1}}}"#),
        ("invalid_profile", "fallback.ranks".to_string())
    );
    // A sibling's costPerRank does not price another strategy's ranks.
    assert_eq!(
        refused(r#"{"strategies":[{"ranks":{"WH-LYON":1}},{"costPerRank":1}]}"#),
        ("invalid_profile", "strategies[0].ranks".to_string())
    );
    // Priced (even at 0 on purpose, in one strategy), or no rank given: accepted.
    for ok in [
        r#"{"ranks":{"WH-LYON":1},"costPerRank":2}"#,
        r#"{"ranks":{"WH-LYON":1},"strategies":[{"costPerRank":0},{"costPerRank":5}]}"#,
        r#"{"strategies":[{"ranks":{"WH-LYON":1},"costPerRank":1}],"fallback":{}}"#,
        r#"{"ranks":{}}"#,
    ] {
        Profiles::new().set("p", profile(ok)).unwrap();
    }
}

#[test]
fn stored_profiles_load_as_an_earlier_build_accepted_them() {
    // What `setProfile` now refuses (two strategies of one name, ranks with no costPerRank, a
    // currency that is no code) but an earlier build stored: a snapshot holding it still loads.
    let stored = r#"{
        "dup": {"strategies":[{"name":"x"},{"name":"x","maxShipments":1}]},
        "ranked": {"ranks":{"WH-LYON":1}},
        "euro": {"delivery":{"currency":"€"}},
        "dear": {"costPerKm":1e12,"strategies":[{"costPerShipment":5e9}]}
    }"#;
    let profiles: Profiles = serde_json::from_str(stored).unwrap();
    for name in ["dup", "ranked", "euro", "dear"] {
        assert!(profiles.strategies(name).is_some(), "{name}");
    }
    // A stored profile that was never valid is still refused.
    assert!(serde_json::from_str::<Profiles>(r#"{"bad":{"maxShipments":0}}"#).is_err());
    // Coming in, the same profiles are refused.
    assert_eq!(refused(r#"{"costPerKm":1e12}"#).1, "costPerKm");
    assert_eq!(
        refused(r#"{"delivery":{"currency":"€"}}"#).1,
        "delivery.currency"
    );
    Profiles::new()
        .set("chf", profile(r#"{"delivery":{"currency":"chf"}}"#))
        .unwrap();
}
