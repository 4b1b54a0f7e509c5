//! Sourcing, delivery options, profiles and plans' events through the binding.

use super::*;

pub fn sourcing_through_the_binding() {
    let mut e = paris_and_lyon();
    e.set_profile(JsValue::from("near"), js(r#"{"maxDistanceKm":100}"#))
        .unwrap();
    let plan = e
        .source(js(r#"{"lines":[{"sku":"A","qty":2}],"destination":{"lat":48.85,"lon":2.35},"profile":"near"}"#))
        .unwrap();
    assert_eq!(
        get(&plan, "status").as_string().as_deref(),
        Some("complete")
    );
    let shipment = get(&get(&plan, "shipments"), "0");
    assert_eq!(
        get(&shipment, "location").as_string().as_deref(),
        Some("PAR")
    );
    let too_many = e
        .source(js(r#"{"lines":[{"sku":"A","qty":5}],"destination":{"lat":48.85,"lon":2.35},"profile":"near"}"#))
        .unwrap();
    assert_eq!(
        get(&too_many, "status").as_string().as_deref(),
        Some("unfulfillable")
    );

    let err = e
        .set_profile(JsValue::from("bad"), js(r#"{"maxShipments":-1}"#))
        .unwrap_err();
    assert_eq!(code_of(err), "invalid_profile");
    let err = e
        .source(js(
            r#"{"lines":[{"sku":"A","qty":-1}],"destination":{"lat":48.85,"lon":2.35}}"#,
        ))
        .unwrap_err();
    assert_eq!(code_of(err.clone()), "invalid_quantity");
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("lines[0].qty")
    );
    assert!(get(&err, "message")
        .as_string()
        .is_some_and(|m| !m.is_empty()));
    // No `field` when the error names none.
    let err = JsEngine::from_snapshot(bytes(b"garbage")).unwrap_err();
    assert_eq!(
        js_sys::Reflect::has(&err, &"field".into()).ok(),
        Some(false)
    );
    let err = e.source(js(r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.85,"lon":2.35},"profile":"zzz"}"#)).unwrap_err();
    assert_eq!(code_of(err), "unknown_profile");
    assert_eq!(
        code_of(e.source(JsValue::from("{}")).unwrap_err()),
        "invalid_input"
    );
}

/// The test network with 3 units of A in Paris and 30 in Lyon.
fn paris_and_lyon() -> JsEngine {
    let mut e = engine();
    e.apply_events(
        js(
            r#"[{"id":"1","type":"set","sku":"A","location":"PAR","onHand":3},
               {"id":"2","type":"set","sku":"A","location":"LYO","onHand":30}]"#,
        ),
        JsValue::UNDEFINED,
    )
    .unwrap();
    e
}

pub fn delivery_options_through_the_binding() {
    let mut e = paris_and_lyon();
    let request = r#"{"lines":[{"sku":"A","qty":1,"unitPrice":20}],"destination":{"lat":48.85,"lon":2.35},"now":"2026-11-25T10:00"}"#;
    let options = e.delivery_options(js(request)).unwrap();
    assert_eq!(
        get(&options, "now").as_string().as_deref(),
        Some("2026-11-25T10:00")
    );
    let home: js_sys::Array = get(&options, "home").dyn_into().unwrap();
    assert!(home.length() >= 1, "at least standard delivery");
    let standard = home.get(0);
    assert_eq!(
        get(&standard, "id").as_string().as_deref(),
        Some("standard")
    );
    assert_eq!(get(&standard, "price").as_f64(), Some(3.99));
    // Without `now`, the wall clock in the configuration's time zone.
    let live = e
        .delivery_options(js(
            r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.85,"lon":2.35}}"#,
        ))
        .unwrap();
    let now = get(&live, "now").as_string().unwrap();
    assert_eq!((now.len(), &now[10..11]), (16, "T"), "{now}");
    let err = e
        .delivery_options(js(r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.85,"lon":2.35},"now":"yesterday"}"#))
        .unwrap_err();
    assert_eq!(code_of(err), "invalid_input");
    // An unknown time zone is refused with or without `now`, in a request and in a profile
    // (where nothing is stored).
    for now in ["", r#","now":"2026-12-01T10:00""#] {
        let err = e
            .delivery_options(js(&format!(r#"{{"lines":[{{"sku":"A","qty":1}}],"destination":{{"lat":48.85,"lon":2.35}},"delivery":{{"timeZone":"Mars/Olympus"}}{now}}}"#)))
            .unwrap_err();
        assert_eq!(code_of(err.clone()), "invalid_delivery_config", "{now}");
        assert_eq!(
            get(&err, "field").as_string().as_deref(),
            Some("delivery.timeZone")
        );
    }
    let err = e
        .set_profile(
            "mars".into(),
            js(r#"{"delivery":{"timeZone":"Mars/Olympus"}}"#),
        )
        .unwrap_err();
    assert_eq!(code_of(err.clone()), "invalid_delivery_config");
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("delivery.timeZone")
    );
    let named = r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.85,"lon":2.35},"profile":"mars","now":"2026-12-01T10:00"}"#;
    assert_eq!(
        code_of(e.delivery_options(js(named)).unwrap_err()),
        "unknown_profile"
    );
    e.set_profile(
        "tokyo".into(),
        js(r#"{"delivery":{"timeZone":"Asia/Tokyo"}}"#),
    )
    .unwrap();
}

pub fn profiles_carry_delivery_and_explanations_are_priced() {
    let mut e = paris_and_lyon();
    e.set_profile(
        JsValue::from("chf"),
        js(r#"{"costPerKm":0.1,"delivery":{"currency":"CHF"}}"#),
    )
    .unwrap();
    let cart = r#"{"lines":[{"sku":"A","qty":1}],"destination":{"lat":48.85,"lon":2.35},"profile":"chf","now":"2026-11-25T10:00"}"#;
    let options = e.delivery_options(js(cart)).unwrap();
    assert_eq!(
        get(&options, "currency").as_string().as_deref(),
        Some("CHF")
    );
    // The plan ships from Paris; Lyon, left out on cost, says by how much (in the cart's own
    // plan: service-level plans give reasons only).
    let plan = get(&e.quote(js(cart)).unwrap(), "plan");
    let why: js_sys::Array = get(&plan, "explanations").dyn_into().unwrap();
    let lyon = why
        .iter()
        .find(|x| get(x, "location").as_string().as_deref() == Some("LYO"))
        .unwrap();
    assert_eq!(
        get(&lyon, "reason").as_string().as_deref(),
        Some("costlier")
    );
    assert!(get(&lyon, "costlierBy").as_f64().unwrap() > 30.0);
    assert_eq!(get(&lyon, "costlierByExact").as_bool(), Some(true));

    let err = e
        .set_profile(JsValue::from("chf"), js(r#"{"delivery":{"currency":""}}"#))
        .unwrap_err();
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("delivery.currency")
    );
    assert_eq!(code_of(err), "invalid_delivery_config");
    let err = e
        .set_profile(JsValue::from("chf"), js(r#"{"delivery":{"holidays":3}}"#))
        .unwrap_err();
    assert_eq!(code_of(err), "invalid_delivery_config");
    // Refused whole: the stored profile still applies.
    let options = e.delivery_options(js(cart)).unwrap();
    assert_eq!(
        get(&options, "currency").as_string().as_deref(),
        Some("CHF")
    );
}

pub fn quote_is_the_plan_and_the_delivery_options() {
    let e = paris_and_lyon();
    let request = r#"{"lines":[{"sku":"A","qty":2,"unitPrice":20}],"destination":{"lat":48.85,"lon":2.35},"now":"2026-11-25T10:00"}"#;
    let stringify = |v: &JsValue| js_sys::JSON::stringify(v).unwrap().as_string().unwrap();
    let quote = e.quote(js(request)).unwrap();
    let source = e
        .source(js(
            r#"{"lines":[{"sku":"A","qty":2}],"destination":{"lat":48.85,"lon":2.35}}"#,
        ))
        .unwrap();
    let options = e.delivery_options(js(request)).unwrap();
    let nodes = |v: &JsValue| stringify(v).replace(|c: char| c.is_ascii_digit(), "");
    // The same plan (search work aside) and the same options.
    assert_eq!(nodes(&get(&quote, "plan")), nodes(&source));
    assert_eq!(nodes(&get(&quote, "deliveryOptions")), nodes(&options));
    // As JSON text: the same answer.
    let text = e.quote_json(js(request)).unwrap().as_string().unwrap();
    assert_eq!(
        stringify(&js_sys::JSON::parse(&text).unwrap()),
        stringify(&quote)
    );
    // Bad input throws a coded error, and the engine still answers.
    let err = e
        .quote_json(js(
            r#"{"lines":[{"sku":"A","qty":-1}],"destination":{"lat":48.85,"lon":2.35}}"#,
        ))
        .unwrap_err();
    assert_eq!(code_of(err), "invalid_quantity");
    assert!(e.quote(js(request)).is_ok());
}

/// `planEvents` reads its `hold` argument by name and refuses any other with a coded error.
pub fn plan_events_through_the_binding() {
    let mut e = engine();
    let plan = plan_from_lyon(&mut e);
    for hold in ["reserve", "release", "pick", "ship"] {
        let events = atsource::wasm::plan_events(plan.clone(), "k".into(), hold.into()).unwrap();
        let first = get(&events, "0");
        assert_eq!(get(&first, "type").as_string().as_deref(), Some(hold));
        assert_eq!(get(&first, "qty").as_f64(), Some(2.0));
    }
    let err = atsource::wasm::plan_events(plan.clone(), "k".into(), "hold-it".into()).unwrap_err();
    assert_eq!(code_of(err), "invalid_input");
    // Only the shipments' locations and lines are read: a plan trimmed to them gives the same
    // events; one without shipments is refused.
    let trimmed = js(r#"{"shipments":[{"location":"LYO","lines":[{"sku":"A","qty":2}]}]}"#);
    let text = |v: JsValue| js_sys::JSON::stringify(&v).unwrap().as_string().unwrap();
    assert_eq!(
        text(atsource::wasm::plan_events(trimmed, "k".into(), "pick".into()).unwrap()),
        text(atsource::wasm::plan_events(plan, "k".into(), "pick".into()).unwrap())
    );
    let err =
        atsource::wasm::plan_events(js(r#"{"status":"complete"}"#), "k".into(), "pick".into())
            .unwrap_err();
    assert_eq!(code_of(err), "invalid_input");
}

/// `distanceKm` is the engine's own distance, to the last bit, and refuses what is not a point.
pub fn distance_km_is_the_engines() {
    let mut e = engine();
    apply(
        &mut e,
        r#"[{"id":"1","type":"set","sku":"A","location":"VER","onHand":5}]"#,
    );
    let (lat, lon) = (48.873_456_789_012_34, 2.295_123_456_789_01);
    let answer = e
        .availability(js(&format!(
            r#"{{"skus":["A"],"near":{{"lat":{lat},"lon":{lon}}}}}"#
        )))
        .unwrap();
    let listed = get(
        &get(&get(&get(&answer, "0"), "locations"), "0"),
        "distanceKm",
    );
    let d = atsource::wasm::distance_km(lat.into(), lon.into(), 48.8049.into(), 2.1204.into());
    assert_eq!(d.ok(), listed.as_f64());
    let invalid = |field: &str| ("invalid_input".to_string(), Some(field.to_string()));
    assert_eq!(
        refused(atsource::wasm::distance_km(
            91.into(),
            0.into(),
            0.into(),
            0.into()
        )),
        invalid("fromLat")
    );
    assert_eq!(
        refused(atsource::wasm::distance_km(
            0.into(),
            0.into(),
            0.into(),
            "east".into()
        )),
        invalid("toLon")
    );
}
