//! The exported API exercised through wasm-bindgen, shared by the Node and Chromium runs.

/// Declares every test of this module as a `#[wasm_bindgen_test]` of the including file.
#[macro_export]
macro_rules! wasm_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            fn $name() {
                wasm_common::$name();
            }
        )*
    };
}

use atsource::wasm::JsEngine;
use js_sys::{Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

/// Bytes as the `Uint8Array` JS code passes.
fn bytes(b: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(b).into()
}

/// The bytes of `e.snapshot()`, a `Uint8Array`.
fn snapshot(e: &JsEngine) -> Vec<u8> {
    js_sys::Uint8Array::new(&e.snapshot().unwrap()).to_vec()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn code_of(err: JsValue) -> String {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "a real Error is thrown"
    );
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("AtsourceError")
    );
    get(&err, "code").as_string().unwrap()
}

/// Applies a JSON batch of events that must be accepted.
fn apply(e: &mut JsEngine, events: &str) -> JsValue {
    e.apply_events(js(events), JsValue::UNDEFINED).unwrap()
}

fn engine() -> JsEngine {
    let mut e = JsEngine::new();
    e.upsert_locations(js(r#"[
        {"id":"PAR","kind":"store","lat":48.8566,"lon":2.3522,"safetyStock":1},
        {"id":"VER","kind":"store","lat":48.8049,"lon":2.1204},
        {"id":"LYO","kind":"warehouse","lat":45.764,"lon":4.8357}
    ]"#))
        .unwrap();
    e
}

pub fn events_ats_and_reports() {
    let mut e = engine();
    let report = e
        .apply_events(
            js(r#"[
            {"id":"1","type":"set","sku":"TEE-M","location":"PAR","onHand":6},
            {"id":"2","type":"set","sku":"TEE-M","location":"VER","onHand":2},
            {"id":"3","type":"reserve","sku":"TEE-M","location":"PAR","qty":2},
            {"id":"3","type":"reserve","sku":"TEE-M","location":"PAR","qty":2},
            {"id":"4","type":"reserve","sku":"TEE-M","location":"PAR","qty":-2}
        ]"#),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(get(&report, "applied").as_f64(), Some(3.0));
    assert_eq!(get(&report, "duplicates").as_f64(), Some(1.0));
    let rejected = get(&report, "rejected");
    assert_eq!(
        get(&get(&rejected, "0"), "code").as_string().as_deref(),
        Some("invalid_quantity")
    );
    assert_eq!(get(&get(&rejected, "0"), "index").as_f64(), Some(4.0));
    assert_eq!(
        e.ats(JsValue::from("TEE-M"), Some("PAR".into())).unwrap(),
        3.0
    );
    assert_eq!(e.ats(JsValue::from("TEE-M"), None).unwrap(), 5.0);
    // The JSON text path is the same batch path.
    e.apply_events(
        JsValue::from(r#"[{"id":"5","type":"adjust","sku":"TEE-M","location":"VER","delta":1}]"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(e.ats(JsValue::from("TEE-M"), None).unwrap(), 6.0);

    let avail = e
        .availability(js(
            r#"{"skus":["TEE-M"],"near":{"lat":48.85,"lon":2.35},"radiusKm":50}"#,
        ))
        .unwrap();
    let first = get(&avail, "0");
    assert_eq!(get(&first, "total").as_f64(), Some(6.0));
    let locations: js_sys::Array = get(&first, "locations").dyn_into().unwrap();
    assert_eq!(locations.length(), 2);
    assert_eq!(
        get(&locations.get(0), "id").as_string().as_deref(),
        Some("PAR")
    );
}

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

pub fn snapshots_round_trip() {
    let mut e = engine();
    e.apply_events(
        js(r#"[{"id":"1","type":"set","sku":"A","location":"LYO","onHand":40,"version":7}]"#),
        js(r#"{"changes":false}"#),
    )
    .unwrap();
    let bytes = snapshot(&e);
    let back = JsEngine::from_snapshot(self::bytes(&bytes)).unwrap();
    assert_eq!(snapshot(&back), bytes);
    // The bytes' ArrayBuffer does too.
    let buffer = js_sys::Uint8Array::from(&bytes[..]).buffer();
    assert_eq!(
        snapshot(&JsEngine::from_snapshot(buffer.into()).unwrap()),
        bytes
    );
    let numbers: js_sys::Array = bytes.iter().map(|&b| JsValue::from(b)).collect();
    assert_eq!(
        snapshot(&JsEngine::from_snapshot(numbers.into()).unwrap()),
        bytes
    );
    assert_eq!(
        back.ats(JsValue::from("A"), Some("LYO".into())).unwrap(),
        40.0
    );
    let mut cut = bytes.clone();
    cut.truncate(bytes.len() - 3);
    assert_eq!(
        code_of(JsEngine::from_snapshot(self::bytes(&cut)).unwrap_err()),
        "snapshot_truncated"
    );
    let version = get(&atsource::wasm::build_info().unwrap(), "version").as_string();
    assert_eq!(version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
}

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

/// Text crosses into wasm through the JS engine's UTF-8 encoder: non-ASCII SKUs (accents,
/// CJK, an emoji outside the BMP) arrive intact through the object and the JSON text forms,
/// and come back the same in the report and in availability.
pub fn non_ascii_text_crosses_intact() {
    let mut e = engine();
    let skus = ["ROBE-ÉTÉ", "杯子-白", "MUG-☕", "SOCK-🧦"];
    for (i, sku) in skus.iter().enumerate() {
        let event = format!(
            r#"[{{"id":"u{i}","type":"set","sku":"{sku}","location":"PAR","onHand":{}}}]"#,
            3 + i
        );
        // Objects for even SKUs, JSON text for odd ones.
        let input = if i % 2 == 0 {
            js(&event)
        } else {
            JsValue::from(event.as_str())
        };
        let report = e.apply_events(input, JsValue::UNDEFINED).unwrap();
        assert_eq!(get(&report, "applied").as_f64(), Some(1.0), "{sku}");
        let change = get(&get(&report, "changes"), "0");
        assert_eq!(get(&change, "sku").as_string().as_deref(), Some(*sku));
    }
    for (i, sku) in skus.iter().enumerate() {
        let want = (3 + i) as f64 - 1.0; // PAR keeps 1 unit of safety stock
        assert_eq!(
            e.ats(JsValue::from(*sku), Some("PAR".into())).unwrap(),
            want,
            "{sku}"
        );
    }
    let query = format!(r#"{{"skus":["{}","{}"]}}"#, skus[3], skus[1]);
    let avail = e.availability(js(&query)).unwrap();
    assert_eq!(
        get(&get(&avail, "0"), "sku").as_string().as_deref(),
        Some(skus[3])
    );
    assert_eq!(get(&get(&avail, "1"), "total").as_f64(), Some(3.0));
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

/// Stocks 5 of A at LYO and returns the plan shipping 2 of them to Lyon.
fn plan_from_lyon(e: &mut JsEngine) -> JsValue {
    apply(
        e,
        r#"[{"id":"1","type":"set","sku":"A","location":"LYO","onHand":5}]"#,
    );
    e.source(js(
        r#"{"lines":[{"sku":"A","qty":2}],"destination":{"lat":45.76,"lon":4.84}}"#,
    ))
    .unwrap()
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

/// A JS value built by JS code (objects with methods, symbols).
fn eval(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .unwrap()
}

/// `code` and `field` of the error `r` holds.
fn refused<T: std::fmt::Debug>(r: Result<T, JsValue>) -> (String, Option<String>) {
    let err = r.unwrap_err();
    let field = get(&err, "field").as_string();
    (code_of(err), field)
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

/// A JS string that is not valid Unicode (a lone surrogate, as a truncated emoji leaves) in one
/// event of an array: JSON.stringify writes it as `"\ud800"`, which fails that event alone.
pub fn a_broken_string_fails_its_event_alone() {
    let mut e = engine();
    let events = js(r#"[
        {"id":"ok-1","type":"set","sku":"TEE-M","location":"PAR","onHand":4},
        {"type":"set","sku":"TEE-M","location":"VER","onHand":9},
        {"id":"ok-2","type":"adjust","sku":"TEE-M","location":"PAR","delta":1}
    ]"#);
    let broken = js_sys::JsString::from_char_code(&[0x62, 0xD83D]);
    Reflect::set(&get(&events, "1"), &"id".into(), &broken).unwrap();
    let report = e.apply_events(events, JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&report, "applied").as_f64(), Some(2.0));
    let rejected = get(&get(&report, "rejected"), "0");
    assert_eq!(get(&rejected, "index").as_f64(), Some(1.0));
    assert_eq!(
        get(&rejected, "code").as_string().as_deref(),
        Some("invalid_field")
    );
    assert_eq!(
        e.ats(JsValue::from("TEE-M"), Some("PAR".into())).unwrap(),
        4.0
    );
    assert_eq!(
        e.ats(JsValue::from("TEE-M"), Some("VER".into())).unwrap(),
        0.0
    );
}

/// An event that JSON cannot hold (a BigInt, a cycle, a getter that throws) is rejected alone,
/// saying why; the others of the array apply.
pub fn an_event_json_cannot_hold_fails_alone() {
    let mut e = engine();
    let events = js(r#"[
        {"id":"j-1","type":"set","sku":"TEE-M","location":"PAR","onHand":4},
        {"id":"j-2","type":"adjust","sku":"TEE-M","location":"PAR"},
        {"id":"j-3","type":"adjust","sku":"TEE-M","location":"PAR","delta":1},
        {"id":"j-4","type":"adjust","sku":"TEE-M","location":"PAR"}
    ]"#);
    Reflect::set(
        &get(&events, "1"),
        &"delta".into(),
        &js_sys::BigInt::from(1).into(),
    )
    .unwrap();
    let cyclic = get(&events, "3");
    Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let report = e.apply_events(events, JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&report, "applied").as_f64(), Some(2.0));
    let rejected: js_sys::Array = get(&report, "rejected").dyn_into().unwrap();
    assert_eq!(rejected.length(), 2);
    for (k, index) in [(0, 1.0), (1, 3.0)] {
        let r = rejected.get(k);
        assert_eq!(get(&r, "index").as_f64(), Some(index));
        assert_eq!(get(&r, "code").as_string().as_deref(), Some("not_json"));
        let message = get(&r, "message").as_string().unwrap();
        assert!(
            message.starts_with("the event cannot be written as JSON: "),
            "{message}"
        );
    }
    assert!(get(&rejected.get(0), "message")
        .as_string()
        .unwrap()
        .contains("BigInt"));
    assert_eq!(
        e.ats(JsValue::from("TEE-M"), Some("PAR".into())).unwrap(),
        4.0
    );
    // A whole batch that is not an array is still refused whole.
    let err = e
        .apply_events(js_sys::BigInt::from(1).into(), JsValue::UNDEFINED)
        .unwrap_err();
    assert_eq!(code_of(err), "invalid_input");
}
