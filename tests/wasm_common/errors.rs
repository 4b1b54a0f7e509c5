//! Bad input through the binding: coded errors, and the engine intact after them.

use super::*;

pub fn errors_are_coded_and_leave_the_engine_intact() {
    let mut e = engine();
    apply(
        &mut e,
        r#"[{"id":"1","type":"set","sku":"A","location":"PAR","onHand":4}]"#,
    );
    let bad_loc = e
        .upsert_locations(js(r#"[{"id":"X","kind":"store","lat":null,"lon":2}]"#))
        .unwrap_err();
    assert_eq!(code_of(bad_loc.clone()), "invalid_input");
    assert!(get(&bad_loc, "message")
        .as_string()
        .unwrap()
        .contains("lat"));
    assert_eq!(
        code_of(
            e.ats(JsValue::from("A"), Some("NOWHERE".into()))
                .unwrap_err()
        ),
        "unknown_location"
    );
    assert_eq!(
        code_of(e.ats(JsValue::from(42), None).unwrap_err()),
        "invalid_input"
    );
    assert_eq!(
        code_of(
            e.availability(js(r#"{"skus":["A"],"radiusKm":5}"#))
                .unwrap_err()
        ),
        "invalid_input"
    );
    assert_eq!(
        code_of(e.availability(JsValue::UNDEFINED).unwrap_err()),
        "invalid_input"
    );
    assert_eq!(
        code_of(
            e.apply_events(js(r#"{"not":"an array"}"#), JsValue::UNDEFINED)
                .unwrap_err()
        ),
        "invalid_input"
    );
    assert_eq!(
        code_of(
            e.apply_events(js("[]"), js(r#"{"changez":false}"#))
                .unwrap_err()
        ),
        "invalid_input"
    );
    assert_eq!(
        code_of(JsEngine::from_snapshot(bytes(b"garbage")).unwrap_err()),
        "snapshot_foreign"
    );
    for not_bytes in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from(42),
        js(r#"{"a":1}"#),
        // Numbers that are not byte values (a Uint8Array would wrap or truncate them).
        js("[65, 84, 256]"),
        js("[65, 84.5]"),
        js("[-1]"),
    ] {
        assert_eq!(
            code_of(JsEngine::from_snapshot(not_bytes).unwrap_err()),
            "invalid_input"
        );
    }
    // Still working, state intact.
    assert_eq!(e.ats(JsValue::from("A"), Some("PAR".into())).unwrap(), 3.0);
    assert_eq!(get(&e.stats().unwrap(), "locations").as_f64(), Some(3.0));
}

/// NaN and ±Infinity, which JSON.stringify would write as `null` (read as "absent" by an optional
/// field), are refused with `invalid_input` naming the field, and nothing is applied.
pub fn non_finite_numbers_are_refused() {
    let mut e = engine();
    let with = |json: &str, path: &[&str], value: f64| {
        let v = js(json);
        let mut target = v.clone();
        for key in &path[..path.len() - 1] {
            target = get(&target, key);
        }
        Reflect::set(&target, &(*path.last().unwrap()).into(), &value.into()).unwrap();
        v
    };
    let location = r#"[{"id":"N","kind":"store","lat":48.8,"lon":2.3}]"#;
    for (field, value) in [
        ("performance", f64::NAN),
        ("costPerUnit", f64::INFINITY),
        ("capacityUnits", f64::NEG_INFINITY),
    ] {
        let err = e
            .upsert_locations(with(location, &["0", field], value))
            .unwrap_err();
        assert_eq!(code_of(err.clone()), "invalid_input", "{field}");
        let message = get(&err, "message").as_string().unwrap();
        assert!(message.contains(field), "{message}");
        // Named by its path, as the core names fields: the element's index included.
        let path = format!("[0].{field}");
        assert_eq!(get(&err, "field").as_string(), Some(path.clone()));
        assert!(message.starts_with(&path), "{message}");
    }
    assert_eq!(get(&e.stats().unwrap(), "locations").as_f64(), Some(3.0));
    let query = r#"{"skus":["A"],"near":{"lat":48.85,"lon":2.35},"radiusKm":1}"#;
    let err = e
        .availability(with(query, &["radiusKm"], f64::NAN))
        .unwrap_err();
    assert_eq!(code_of(err.clone()), "invalid_input");
    assert!(get(&err, "message")
        .as_string()
        .unwrap()
        .contains("radiusKm"));
    let request = r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.85,"lon":2.35},"profile":{"maxDistanceKm":10}}"#;
    let err = e
        .source(with(request, &["profile", "maxDistanceKm"], f64::NAN))
        .unwrap_err();
    // Coded as the core codes a bad value there: a profile's field is `invalid_profile`.
    assert_eq!(code_of(err.clone()), "invalid_profile");
    assert!(get(&err, "message")
        .as_string()
        .unwrap()
        .contains("maxDistanceKm"));
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("profile.maxDistanceKm")
    );
    // setProfile names its fields within the profile, as its range checks do
    // (`delivery.serviceLevels[0].basePrice`), whatever refuses them.
    let err = e
        .set_profile(
            "p".into(),
            with(r#"{"maxDistanceKm":1}"#, &["maxDistanceKm"], f64::NAN),
        )
        .unwrap_err();
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("maxDistanceKm")
    );
    assert_eq!(code_of(err), "invalid_profile");
    let level = r#"{"delivery":{"serviceLevels":[{"id":"x","basePrice":1,"transit":[{"minDays":1,"maxDays":1}]}]}}"#;
    let err = e
        .set_profile(
            "p".into(),
            with(
                level,
                &["delivery", "serviceLevels", "0", "basePrice"],
                f64::NAN,
            ),
        )
        .unwrap_err();
    assert_eq!(
        (code_of(err.clone()), get(&err, "field").as_string()),
        (
            "invalid_delivery_config".to_string(),
            Some("delivery.serviceLevels[0].basePrice".to_string())
        )
    );
    // In a request: its `delivery` is the configuration, its `profile.delivery` too.
    let quoted = r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.85,"lon":2.35},"delivery":{"clickAndCollect":{"price":1}}}"#;
    let err = e
        .delivery_options(with(
            quoted,
            &["delivery", "clickAndCollect", "price"],
            f64::INFINITY,
        ))
        .unwrap_err();
    assert_eq!(code_of(err), "invalid_delivery_config");
    e.set_profile("p".into(), js(r#"{"maxDistanceKm":1}"#))
        .unwrap();
    apply(
        &mut e,
        r#"[{"id":"stock-a","type":"set","sku":"A","location":"LYO","onHand":5}]"#,
    );
    for (bad, code, field) in [
        (
            r#"{"maxDistanceKm":"far"}"#,
            "invalid_profile",
            "maxDistanceKm",
        ),
        (
            r#"{"maxDistanceKm":-1}"#,
            "invalid_profile",
            "maxDistanceKm",
        ),
        (r#"{"colour":1}"#, "invalid_profile", "colour"),
        (
            r#"{"delivery":{"currency":5}}"#,
            "invalid_delivery_config",
            "delivery.currency",
        ),
        (
            r#"{"delivery":{"currency":""}}"#,
            "invalid_delivery_config",
            "delivery.currency",
        ),
        // An array is not a profile (serde would read one field by field).
        ("[]", "invalid_profile", "profile"),
        (r#"["x"]"#, "invalid_profile", "profile"),
    ] {
        let err = e.set_profile("p".into(), js(bad)).unwrap_err();
        assert_eq!(code_of(err.clone()), code, "{bad}");
        assert_eq!(
            get(&err, "field").as_string().as_deref(),
            Some(field),
            "{bad}"
        );
    }
    // Nothing refused was stored: p still holds shipments to 1 km.
    let far = r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":40,"lon":2},"profile":"p"}"#;
    let plan = e.source(js(far)).unwrap();
    assert_eq!(
        get(&plan, "status").as_string().as_deref(),
        Some("unfulfillable")
    );
    let open = e.source(js(&far.replace(r#""p""#, "{}"))).unwrap();
    assert_eq!(
        get(&open, "status").as_string().as_deref(),
        Some("complete")
    );
    let two = r#"{"lines":[{"sku":"A","qty":1},{"sku":"B","qty":1}],"destination":{"lat":48.85,"lon":2.35}}"#;
    let err = e
        .source(with(two, &["lines", "1", "qty"], f64::NAN))
        .unwrap_err();
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("lines[1].qty")
    );
    assert_eq!(code_of(err), "invalid_quantity");
    // A null given is not a non-finite number: it still means "absent", and a request whose
    // text holds `null` for both reasons names the non-finite one.
    e.availability(js(r#"{"skus":["null"],"near":null,"limit":null}"#))
        .unwrap();
    let both = r#"{"skus":["null"],"limit":null,"near":{"lat":48.85,"lon":2.35},"radiusKm":1}"#;
    let err = e
        .availability(with(both, &["near", "lon"], f64::NEG_INFINITY))
        .unwrap_err();
    let message = get(&err, "message").as_string().unwrap();
    assert!(
        message.contains("lon") && message.contains("-Infinity"),
        "{message}"
    );
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("near.lon"));
    // The same requests with finite numbers go through.
    e.upsert_locations(with(location, &["0", "performance"], 0.5))
        .unwrap();
    e.availability(with(query, &["radiusKm"], 5.0)).unwrap();
    e.source(with(request, &["profile", "maxDistanceKm"], 50.0))
        .unwrap();
}

/// A JS value built by JS code (objects with methods, symbols).
fn eval(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .unwrap()
}

/// Arguments of the wrong JS type are coded errors naming the parameter (before, a non-string
/// where a string was declared trapped the module: "memory access out of bounds"), and the
/// engine keeps working after each, writes included.
pub fn arguments_of_the_wrong_type_are_coded_errors() {
    let mut e = engine();
    let invalid = |field: &str| ("invalid_input".to_string(), Some(field.to_string()));
    for bad in [JsValue::from(5), eval("return {}"), JsValue::TRUE] {
        assert_eq!(
            refused(e.ats("A".into(), Some(bad.clone()))),
            invalid("location")
        );
        assert_eq!(refused(e.remove_profile(bad.clone())), invalid("name"));
    }
    // An absent location is the network total.
    assert_eq!(e.ats("A".into(), Some(JsValue::NULL)).ok(), Some(0.0));
    assert_eq!(e.ats("A".into(), None).ok(), Some(0.0));
    let plan = plan_from_lyon(&mut e);
    assert_eq!(
        refused(atsource::wasm::plan_events(
            plan.clone(),
            5.into(),
            "reserve".into()
        )),
        invalid("key")
    );
    assert_eq!(
        refused(atsource::wasm::plan_events(
            plan,
            JsValue::UNDEFINED,
            "reserve".into()
        )),
        invalid("key")
    );

    // Requests of the wrong shape name the parameter.
    assert_eq!(refused(e.upsert_locations(js("{}"))), invalid("locations"));
    assert_eq!(refused(e.availability(js(r#"[["A"]]"#))), invalid("query"));
    assert_eq!(refused(e.availability(JsValue::NULL)), invalid("query"));
    assert_eq!(refused(e.source(JsValue::NULL)), invalid("request"));
    assert_eq!(refused(e.source(js("[]"))), invalid("request"));
    assert_eq!(refused(e.delivery_options(js("7"))), invalid("request"));
    assert_eq!(refused(e.set_alert_threshold(js("[]"))), invalid("rule"));
    assert_eq!(
        refused(JsEngine::from_snapshot(eval("return [1, Symbol()]"))),
        invalid("bytes")
    );

    // The answer names the SKUs it parsed: an object whose toJSON gives the query is answered
    // for the query's SKUs, and nothing is left half-borrowed (before, reading `skus` again
    // from the object threw inside the call and every later write failed).
    let sneaky = eval(r#"return { toJSON() { return { skus: ["A", "B"] }; } }"#);
    let answer = e.availability(sneaky).unwrap();
    assert_eq!(
        get(&get(&answer, "0"), "sku").as_string().as_deref(),
        Some("A")
    );
    assert_eq!(get(&get(&answer, "0"), "total").as_f64(), Some(5.0));
    assert_eq!(
        get(&get(&answer, "1"), "sku").as_string().as_deref(),
        Some("B")
    );
    apply(
        &mut e,
        r#"[{"id":"2","type":"adjust","sku":"A","location":"LYO","delta":1}]"#,
    );
    e.upsert_locations(js(r#"[{"id":"NEW","kind":"store","lat":45.0,"lon":4.0}]"#))
        .unwrap();
    assert_eq!(e.ats("A".into(), None).ok(), Some(6.0));
}
