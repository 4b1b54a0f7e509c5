use super::*;

fn one(json: &str) -> Result<Event<'_>, (&'static str, String)> {
    let slot: reference::EventSlot =
        serde_json::from_str(json).map_err(|e| ("json", e.to_string()))?;
    slot.0.ok_or(("not_an_object", String::new()))?.validate()
}

#[test]
fn decodes_every_type() {
    let e =
        one(r#"{"id":"1","type":"set","sku":"A","location":"L","onHand":5,"version":3}"#).unwrap();
    assert_eq!(
        e.kind,
        EventKind::Set {
            on_hand: 5,
            version: Some(3)
        }
    );
    let e = one(r#"{"id":"1","type":"adjust","sku":"A","location":"L","delta":-2}"#).unwrap();
    assert_eq!(e.kind, EventKind::Adjust(-2));
    let e =
        one(r#"{"id":"1","type":"incoming","sku":"A","location":"L","qty":4,"date":"2026-12-01"}"#)
            .unwrap();
    assert!(matches!(e.kind, EventKind::Incoming { qty: 4, .. }));
}

#[test]
fn rejects_with_stable_codes() {
    let code = |j: &str| one(j).unwrap_err().0;
    assert_eq!(
        code(r#"{"id":"1","type":"reserve","sku":"A","location":"L","qty":-1}"#),
        "invalid_quantity"
    );
    assert_eq!(
        code(r#"{"id":"1","type":"reserve","sku":"A","location":"L","qty":1.5}"#),
        "invalid_quantity"
    );
    assert_eq!(
        code(r#"{"id":"1","type":"reserve","sku":"A","location":"L","qty":"3"}"#),
        "invalid_quantity"
    );
    assert_eq!(
        code(r#"{"id":"1","type":"reserve","sku":"A","location":"L"}"#),
        "missing_field"
    );
    assert_eq!(
        code(r#"{"id":"1","type":"teleport","sku":"A","location":"L","qty":1}"#),
        "unknown_type"
    );
    assert_eq!(
        code(r#"{"type":"reserve","sku":"A","location":"L","qty":1}"#),
        "missing_field"
    );
    assert_eq!(
        code(r#"{"id":1,"type":"reserve","sku":"A","location":"L","qty":1}"#),
        "invalid_field"
    );
    assert_eq!(
        code(r#"{"id":"1","type":"set","sku":"A","location":"L","onHand":1,"version":-1}"#),
        "invalid_version"
    );
    assert_eq!(
        code(
            r#"{"id":"1","type":"incoming","sku":"A","location":"L","qty":1,"date":"2026-13-01"}"#
        ),
        "invalid_date"
    );
    assert_eq!(code(r#"[1,2]"#), "not_an_object");
}

#[test]
fn a_safety_stock_of_null_removes_the_buffer_and_a_missing_one_is_refused() {
    let typed = |json: &str| serde_json::from_str::<EventInput>(json);
    let base = r#""type":"safetyStock","id":"1","sku":"A","location":"L""#;
    let cleared = typed(&format!("{{{base},\"qty\":null}}")).unwrap();
    assert_eq!(
        cleared.to_event().unwrap().kind,
        EventKind::SafetyStock(None)
    );
    let three = typed(&format!("{{{base},\"qty\":3}}")).unwrap();
    assert_eq!(
        three.to_event().unwrap().kind,
        EventKind::SafetyStock(Some(3))
    );
    assert!(typed(&format!("{{{base}}}")).is_err(), "qty is required");
}
