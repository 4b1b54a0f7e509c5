//! Events, ATS and snapshots through the binding, text of every kind included.

use super::*;

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
