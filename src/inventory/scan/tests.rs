use proptest::prelude::*;

use super::*;
use crate::inventory::events::reference::EventSlot;

/// A lone surrogate as the generated batches write it (an escape inside a string), and what
/// the reference reads in its place (serde_json refuses the first).
const LONE: &str = r"\ud800";
const MARK: &str = "\u{0}lone";

/// `text` with every lone-surrogate escape inside a string (not one whose backslash is
/// itself escaped) written as the escaped [`MARK`].
fn mark_lone_surrogates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut rest) = (false, text);
    while let Some(c) = rest.chars().next() {
        if in_string && c == '\\' {
            if rest.starts_with(LONE) {
                out.push_str(r"\u0000lone");
                rest = &rest[LONE.len()..];
            } else {
                // An escape: the backslash and the character it escapes, as they are.
                let len = rest[1..].chars().next().map_or(1, |e| 1 + e.len_utf8());
                out.push_str(&rest[..len]);
                rest = &rest[len..];
            }
            continue;
        }
        if c == '"' {
            in_string = !in_string;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// What the reference reads in place of a number beyond f64's range.
const RANGE: &str = "\u{0}range";

/// `text` with every number token (outside strings) that serde_json refuses for its size
/// written as the string [`RANGE`].
fn mark_out_of_range(text: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_string {
            (escaped, in_string) = (!escaped && c == '\\', in_string && (escaped || c != '"'));
            out.push(c);
            continue;
        }
        if c == '-' || c.is_ascii_digit() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_ascii_digit() || matches!(d, '.' | 'e' | 'E' | '+' | '-')) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let token = &text[i..end];
            match serde_json::from_str::<f64>(token) {
                Err(e) if out_of_range(&e) => out.push_str(r#""\u0000range""#),
                _ => out.push_str(token),
            }
            continue;
        }
        in_string = c == '"';
        out.push(c);
    }
    out
}

/// What serde decodes, element by element: the reference. A lone surrogate and a number out
/// of range are read as the scanner reads them (see the module docs): serde_json decodes a
/// marker in their place, and a string holding the marker becomes the same value.
fn serde_slots(text: &str) -> Option<Vec<Slot<'_>>> {
    let marked: &str = if text.contains(LONE) {
        Box::leak(mark_lone_surrogates(text).into_boxed_str())
    } else {
        text
    };
    let marked: &str = Box::leak(mark_out_of_range(marked).into_boxed_str());
    let slots: Vec<EventSlot<'_>> = serde_json::from_str(marked).ok()?;
    let fields = [
        "id", "type", "sku", "location", "qty", "delta", "onHand", "version", "date",
    ];
    Some(
        slots
            .into_iter()
            .map(|s| match s.0 {
                Some(mut raw) => {
                    for name in fields {
                        if let Some(v) = raw.field(name) {
                            if matches!(v, Some(Scalar::Str(s)) if s.contains(MARK)) {
                                *v = Some(Scalar::Other("text holding a lone surrogate"));
                            }
                            if matches!(v, Some(Scalar::Str(s)) if s == RANGE) {
                                *v = Some(Scalar::Other(OUT_OF_RANGE));
                            }
                        }
                    }
                    raw.validate()
                }
                None => Err(("not_an_object", "an event must be an object".into())),
            })
            .collect(),
    )
}

fn same(text: &str) {
    let fast = events(text).ok();
    assert!(fast.is_some(), "refused {text}");
    assert_eq!(fast, serde_slots(text), "{text}");
}

#[test]
fn decodes_what_integrations_send() {
    same(r#"[]"#);
    same(" [ ] ");
    same(r#"[{"id":"1","type":"set","sku":"A","location":"L","onHand":5,"version":3}]"#);
    same(
        r#"[ {"id":"2", "type":"adjust" ,"sku":"A","location":"L","delta":-2,"x":{"y":[1,{}]}},
            {"id":"3","type":"reserve","sku":"A","location":"L","qty":-0},
            {"id":"4","type":"reserve","sku":"A","location":"L","qty":1.5},
            {"id":"5","type":"reserve","sku":"A","location":"L","qty":1e2},
            {"id":"6","type":"reserve","sku":"A","location":"L","qty":12345678901234567890123},
            {"id":"7\u00e9\n","type":"reserve","sku":"A","location":"L","qty":null},
            {"id":"8","type":"reserve","sku":"A","location":"L","qty":[1]},
            {"id":"9","type":"reserve","sku":"A","location":"L","qty":true,"qty":2},
            {}, null, 1, "x", [], [[{"a":"\""}]], true, false, -1.5e-3,
            {"extra":"\ud800","more":1e999}, ["\ud800", 1e999],
            {"i\u0064":"10","type":"set","sku":"A","location":"L","onHand":1}
        ]"#,
    );
    let deep = format!("[{}{}]", "[".repeat(500), "]".repeat(500));
    same(&deep);
    same(&format!(
        r#"[{{"x":{}{}}}]"#,
        "{\"a\":[".repeat(300),
        "]}".repeat(300)
    ));
}

#[test]
fn refuses_what_serde_refuses() {
    for text in [
        "",
        "[",
        "[,]",
        "[1,]",
        r#"[{"id":"1",}]"#,
        r#"[{"id":01}]"#,
        r#"[{"id":1.}]"#,
        r#"[{"id":-}]"#,
        r#"[{"id":tru}]"#,
        r#"[{"id":"a	b"}]"#,
        r#"[{"id":"\x"}]"#,
        "[] x",
        "{}",
        "\u{feff}[]",
        r#"["\ud80"]"#,
        r#"[{"id":"\ud800\x"}]"#,
    ] {
        assert!(serde_slots(text).is_none(), "{text}");
        assert!(events(text).is_err(), "{text}");
    }
}

#[test]
fn a_number_out_of_range_fails_its_event_alone() {
    let text = r#"[{"id":"a","type":"set","sku":"S","location":"L","onHand":5},
        {"id":"b","type":"reserve","sku":"S","location":"L","qty":1e400},
        {"id":1e999},-1e400,
        {"id":"c","type":"reserve","sku":"S","location":"L","qty":1,"note":1e400}]"#;
    same(text);
    let slots = events(text).unwrap();
    assert!(slots[0].is_ok() && slots[4].is_ok());
    assert_eq!(
        slots[1].as_ref().unwrap_err(),
        &(
            "invalid_quantity",
            "`qty` must be a number, not a number out of range".to_string()
        )
    );
    assert_eq!(slots[2].as_ref().unwrap_err().0, "invalid_field");
    assert_eq!(slots[3].as_ref().unwrap_err().0, "not_an_object");
}

#[test]
fn a_lone_surrogate_fails_its_event_alone() {
    let text = r#"[{"id":"a","type":"set","sku":"S","location":"L","onHand":1},
        {"id":"b\ud800","type":"set","sku":"S","location":"L","onHand":1},
        {"id":"c","type":"set","sku":"S\udc00x","location":"L","onHand":1},
        {"id":"d","type":"set","sku":"S","location":"L","onHand":1,"\ud800":"\ud800"},
        "\ud800"]"#;
    let slots = events(text).expect("a well-formed JSON array");
    assert!(slots.first().is_some_and(Result::is_ok));
    for (i, field) in [(1, "id"), (2, "sku")] {
        let want = format!("`{field}` must be a string, not text holding a lone surrogate");
        assert_eq!(slots.get(i), Some(&Err(("invalid_field", want))));
    }
    assert!(
        slots.get(3).is_some_and(Result::is_ok),
        "a field name no event reads"
    );
    assert_eq!(
        slots.get(4),
        Some(&Err(("not_an_object", "an event must be an object".into())))
    );
}

fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        (-5i32..60).prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "-0",
            "0.0",
            "1e3",
            "1E+2",
            "2.5e-1",
            "-1e400",
            "1e999",
            "01",
            "1.",
            "-",
            "99999999999999999999999",
            "4294967296",
            "2147483648",
            "9007199254740993",
        ])
        .prop_map(String::from),
        "[A-Za-z0-9 -]{0,6}".prop_map(|s| format!("\"{s}\"")),
        prop::sample::select(vec![
            r#""set""#,
            r#""adjust""#,
            r#""reserve""#,
            r#""incoming""#,
            r#""safetyStock""#,
            r#""S1""#,
            r#""2026-12-01""#,
            r#""2026-13-01""#,
            r#""a\"b""#,
            r#""\u00e9""#,
            r#""\ud800""#,
            r#""\x""#,
            "\"\t\"",
            r#""é""#,
            r#""""#,
        ])
        .prop_map(String::from),
    ]
}

fn value() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key(), inner), 0..3).prop_map(|v| {
                let fields: Vec<String> = v.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "id",
        "type",
        "sku",
        "location",
        "qty",
        "delta",
        "onHand",
        "version",
        "date",
        "extra",
        r#"i\u0064"#,
        "",
    ])
    .prop_map(|k| format!("\"{k}\""))
}

fn element() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::collection::vec((key(), value()), 0..7).prop_map(|fields| {
            let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("{{{}}}", fields.join(","))
        }),
        1 => value(),
    ]
}

/// A batch with random blank space between tokens, sometimes damaged by one edit.
fn batch() -> impl Strategy<Value = String> {
    let blank = prop::sample::select(vec!["", "", "", " ", "\n", "\t", " \r\n "]);
    (
        prop::collection::vec((element(), blank.clone()), 0..6),
        blank,
        prop::option::of((
            any::<prop::sample::Index>(),
            prop::sample::select(vec!["", ",", "]", "}", "\"", "\\", "0", " ", "[", ":"]),
        )),
    )
        .prop_map(|(elements, pad, edit)| {
            let items: Vec<String> = elements.iter().map(|(e, b)| format!("{b}{e}{b}")).collect();
            let mut text = format!("{pad}[{}]{pad}", items.join(","));
            if let Some((at, insert)) = edit {
                let mut i = at.index(text.len());
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                if insert.is_empty() {
                    let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                    text.replace_range(i..end, "");
                } else {
                    text.insert_str(i, insert);
                }
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn decodes_exactly_as_serde(text in batch()) {
        prop_assert_eq!(events(&text).ok(), serde_slots(&text), "{}", text);
    }
}
