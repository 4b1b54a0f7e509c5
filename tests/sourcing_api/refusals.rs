//! Bad requests: refused with a code and the offending field, the engine untouched.

use super::*;

#[test]
fn bad_input_is_refused_with_a_code_and_a_field() {
    let (n, i) = small();
    let profiles = Profiles::new();
    let err = |json: &str| {
        let e = match SourceRequest::from_json(json) {
            Ok(r) => source(&n, &i, &profiles, &r).expect_err("refused"),
            Err(e) => e,
        };
        (e.code(), e.field().to_string())
    };
    let dest = r#""destination":{"lat":48.86,"lon":2.35}"#;
    assert_eq!(
        err(&format!(r#"{{"lines":[{{"sku":"A","qty":-1}}],{dest}}}"#)),
        ("invalid_quantity", "lines[0].qty".into())
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}},{{"sku":"B","qty":1.5}}],{dest}}}"#
        )),
        ("invalid_quantity", "lines[1].qty".into())
    );
    assert_eq!(
        err(&format!(r#"{{"lines":[{{"sku":"A","qty":0}}],{dest}}}"#)),
        ("invalid_quantity", "lines[0].qty".into())
    );
    assert_eq!(
        err(&format!(r#"{{"lines":[],{dest}}}"#)),
        ("invalid_input", "lines".into())
    );
    assert_eq!(
        err(&format!(r#"{{"lines":[{{"sku":"","qty":1}}],{dest}}}"#)),
        ("invalid_input", "lines[0].sku".into())
    );
    assert_eq!(
        err(r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":91,"lon":2}}"#),
        ("invalid_input", "destination.lat".into())
    );
    assert_eq!(err(r#"{"lines":[{"sku":"A","qty":1}]}"#).0, "invalid_input");
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1,"x":1}}],{dest}}}"#
        ))
        .0,
        "invalid_input"
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":"nope"}}"#
        )),
        ("unknown_profile", "profile".into())
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"maxShipments":0}}}}"#
        )),
        ("invalid_profile", "profile.maxShipments".into())
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"strategies":[{{"minPerformance":1.5}}]}}}}"#
        )),
        (
            "invalid_profile",
            "profile.strategies[0].minPerformance".into()
        )
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"strategies":[{{"strategies":[]}}]}}}}"#
        )),
        ("invalid_profile", "profile.strategies[0].strategies".into())
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"costPerKm":-1}}}}"#
        )),
        ("invalid_profile", "profile.costPerKm".into())
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"costPerUnitKm":1e308}}}}"#
        )),
        ("invalid_profile", "profile.costPerUnitKm".into())
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"ranks":{{"ST-PARIS-1":0}}}}}}"#
        )),
        ("invalid_profile", "profile.ranks.ST-PARIS-1".into())
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"kinds":[]}}}}"#
        ))
        .0,
        "invalid_profile"
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"searchBudget":0.5}}}}"#
        ))
        .0,
        "invalid_profile"
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":1}}],{dest},"profile":{{"maxShipmentz":1}}}}"#
        ))
        .0,
        "invalid_profile"
    );
    assert_eq!(
        err(&format!(
            r#"{{"lines":[{{"sku":"A","qty":600000000}},{{"sku":"B","qty":600000000}}],{dest}}}"#
        )),
        ("cart_too_large", "lines".into())
    );

    // NaN cannot be written in JSON; a caller building the request directly gets the same code.
    let mut nan = request(&format!(r#"{{"lines":[{{"sku":"A","qty":1}}],{dest}}}"#));
    nan.destination.lat = f64::NAN;
    assert_eq!(
        source(&n, &i, &profiles, &nan).unwrap_err().code(),
        "invalid_input"
    );
    let mut nan_qty = request(&format!(r#"{{"lines":[{{"sku":"A","qty":1}}],{dest}}}"#));
    nan_qty.lines[0].qty = f64::NAN;
    assert_eq!(
        source(&n, &i, &profiles, &nan_qty).unwrap_err().code(),
        "invalid_quantity"
    );

    let lines: Vec<String> = (0..10_000)
        .map(|k| format!(r#"{{"sku":"S{k}","qty":1}}"#))
        .collect();
    let big = format!(r#"{{"lines":[{}],{dest}}}"#, lines.join(","));
    assert_eq!(err(&big).0, "cart_too_large");
}

/// JSON arrays are not objects: serde's derived decoders would read a struct from an array,
/// field by field in order (`"fallback": [null, 5]` a strategy, `["A", 2]` a line); they are
/// refused, named at their path (a list's, for an element). Snapshots (postcard, where structs are sequences) still load.
#[test]
fn arrays_where_objects_belong_are_refused() {
    for (json, field) in [
        (r#"{"fallback":[null,null]}"#, "fallback"),
        (r#"{"strategies":[[null]]}"#, "strategies"),
        (r#"{"delivery":[]}"#, "delivery"),
        (r#"{"delivery":["USD"]}"#, "delivery"),
        (
            r#"{"delivery":{"store":[["monday"],8,20,12,2]}}"#,
            "delivery.store",
        ),
        (
            r#"{"delivery":{"locations":{"A":[1]}}}"#,
            "delivery.locations.A",
        ),
        (
            r#"{"delivery":{"serviceLevels":[["x","X",5]]}}"#,
            "delivery.serviceLevels",
        ),
        (
            r#"{"delivery":{"serviceLevels":[{"id":"x","basePrice":1,"transit":[[null,1,2]]}]}}"#,
            "delivery.serviceLevels[0].transit",
        ),
        (
            r#"{"delivery":{"clickAndCollect":[true]}}"#,
            "delivery.clickAndCollect",
        ),
    ] {
        let err = atsource::from_json::<Profile>(json).unwrap_err();
        assert_eq!(err.field, field, "{json}: {err}");
        assert!(err.message.contains("expected"), "{json}: {err}");
    }
    let err =
        SourceRequest::from_json(r#"{"lines":[["A",2]],"destination":{"lat":48.86,"lon":2.35}}"#)
            .unwrap_err();
    assert_eq!(err.field(), "lines");
    // Objects, null and absence read as before.
    let p = profile(
        r#"{"fallback":null,"strategies":null,"delivery":{"store":{"openHour":9},"locations":{"A":{"closeHour":18}}}}"#,
    );
    assert!(p.fallback.is_none() && p.strategies.is_none());
    assert_eq!(p.delivery.unwrap().locations["A"].close_hour, Some(18.0));
}
