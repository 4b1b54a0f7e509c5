//! The hot path of `applyEvents` from JSON text: a strict decoder of the usual shape of a batch
//! (an array of flat event objects) that borrows every string from the text and allocates
//! nothing per event but the decoded list.
//!
//! It decodes exactly what serde_json would, or declines: on a syntax error, an escaped key or
//! nesting deeper than [`MAX_DEPTH`] it returns `None` and the caller takes the serde path,
//! which then gives the canonical error message (or handles the rare shape). Tokens whose
//! meaning takes real work (escaped strings, numbers with a fraction or exponent, very long
//! integers) are handed to serde_json one by one, so their values are serde's own. A property
//! test holds the two decoders equal on arbitrary batches.

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::events::{Event, RawEvent, Scalar};

/// One element of a batch: a validated event, or why it was rejected.
pub(super) type Slot<'a> = Result<Event<'a>, (&'static str, String)>;

/// Nesting (arrays and objects, the batch included) beyond which the serde path decides;
/// below serde_json's own limit of 128, so that this decoder never accepts what serde refuses.
const MAX_DEPTH: u32 = 64;

/// Decodes and validates every element of a JSON array of events, or `None` (see the module
/// documentation).
pub(super) fn events(text: &str) -> Option<Vec<Slot<'_>>> {
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    s.ws();
    s.eat(b'[')?;
    // About 80 bytes an event: one allocation for typical batches, without over-reserving.
    let mut out = Vec::with_capacity(text.len() / 96 + 1);
    s.ws();
    if s.peek() == Some(b']') {
        s.pos += 1;
    } else {
        loop {
            s.ws();
            out.push(s.element()?);
            s.ws();
            match s.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
    }
    s.ws();
    (s.pos == s.bytes.len()).then_some(out)
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn token(&self, start: usize) -> Option<&'a str> {
        self.text.get(start..self.pos)
    }

    /// One element of the batch.
    fn element(&mut self) -> Option<Slot<'a>> {
        if self.peek()? != b'{' {
            // serde decodes a string or number element in full (a lone surrogate or an
            // out-of-range number spoils the batch), and only skips inside an array.
            self.scalar()?;
            return Some(Err(("not_an_object", "an event must be an object".into())));
        }
        self.pos += 1;
        let mut e = RawEvent::default();
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(e.validate());
        }
        loop {
            self.ws();
            let (key, escaped) = self.string()?;
            if escaped {
                return None;
            }
            self.ws();
            self.eat(b':')?;
            self.ws();
            match key.get(1..key.len() - 1).and_then(|k| e.field(k)) {
                Some(field) => *field = Some(self.scalar()?),
                None => self.skip(2)?,
            }
            self.ws();
            match self.next()? {
                b',' => {}
                b'}' => return Some(e.validate()),
                _ => return None,
            }
        }
    }

    /// A string token, quotes included, and whether it holds escapes.
    fn string(&mut self) -> Option<(&'a str, bool)> {
        let start = self.pos;
        self.eat(b'"')?;
        let mut escaped = false;
        loop {
            match self.next()? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.pos += 1;
                }
                // serde_json refuses raw control characters inside strings.
                0..=0x1f => return None,
                _ => {}
            }
        }
        Some((self.token(start)?, escaped))
    }

    /// A number token, and its value when it is a plain integer that fits in 18 digits.
    fn number(&mut self) -> Option<(&'a str, Option<f64>)> {
        let start = self.pos;
        let negative = self.peek()? == b'-';
        if negative {
            self.pos += 1;
        }
        let mut significand: u64 = 0;
        let mut digits = 0;
        match self.next()? {
            b'0' => {}
            d @ b'1'..=b'9' => {
                significand = u64::from(d - b'0');
                digits = 1;
                while let Some(d @ b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                    digits += 1;
                    significand = significand
                        .wrapping_mul(10)
                        .wrapping_add(u64::from(d - b'0'));
                }
            }
            _ => return None,
        }
        let mut plain = digits <= 18;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
            plain = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
            plain = false;
        }
        let token = self.token(start)?;
        if !plain {
            return Some((token, None));
        }
        // As serde_json reads integers: u64 or i64 cast to f64, and `-0` as the float -0.0.
        let value = match (negative, significand) {
            (false, n) => n as f64,
            (true, 0) => -0.0,
            (true, n) => -(n as i64) as f64,
        };
        Some((token, Some(value)))
    }

    /// At least one digit.
    fn digits(&mut self) -> Option<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then_some(())?;
        self.pos = end;
        Some(())
    }

    /// The value of a field the event reads, judged later by validation.
    fn scalar(&mut self) -> Option<Scalar<'a>> {
        Some(match self.peek()? {
            b'"' => {
                let (token, escaped) = self.string()?;
                if escaped {
                    return serde_json::from_str(token).ok();
                }
                Scalar::Str(Cow::Borrowed(token.get(1..token.len() - 1)?))
            }
            b'-' | b'0'..=b'9' => match self.number()? {
                (_, Some(n)) => Scalar::Num(n),
                (token, None) => return serde_json::from_str(token).ok(),
            },
            b'{' | b'[' => {
                let what = if self.peek()? == b'{' {
                    "an object"
                } else {
                    "an array"
                };
                self.skip(2)?;
                Scalar::Other(what)
            }
            b't' => {
                self.literal(b"true")?;
                Scalar::Other("a boolean")
            }
            b'f' => {
                self.literal(b"false")?;
                Scalar::Other("a boolean")
            }
            b'n' => {
                self.literal(b"null")?;
                Scalar::Other("null")
            }
            _ => return None,
        })
    }

    /// Skips one value at nesting `depth`, as strictly as serde_json checks it.
    fn skip(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => {
                let (token, escaped) = self.string()?;
                if escaped {
                    serde_json::from_str::<IgnoredAny>(token).ok()?;
                }
            }
            b'-' | b'0'..=b'9' => {
                self.number()?;
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            open @ (b'[' | b'{') => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.pos += 1;
                let close = if open == b'[' { b']' } else { b'}' };
                self.ws();
                if self.peek()? == close {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    if open == b'{' {
                        if self.string()?.1 {
                            return None;
                        }
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => {}
                        b if b == close => break,
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
        Some(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::inventory::events::EventSlot;

    /// What the serde path decodes, element by element.
    fn serde_slots(text: &str) -> Option<Vec<Slot<'_>>> {
        let slots: Vec<EventSlot<'_>> = serde_json::from_str(text).ok()?;
        Some(
            slots
                .into_iter()
                .map(|s| match s.0 {
                    Some(raw) => raw.validate(),
                    None => Err(("not_an_object", "an event must be an object".into())),
                })
                .collect(),
        )
    }

    fn same(text: &str) {
        let fast = events(text);
        assert!(fast.is_some(), "declined {text}");
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
                {"extra":"\ud800","more":1e999}, ["\ud800", 1e999]
            ]"#,
        );
    }

    #[test]
    fn declines_what_serde_refuses_or_it_does_not_handle() {
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
            r#"[{"i\u0064":"1"}]"#,
            r#"[{"id":1e999}]"#,
            "[] x",
            "{}",
            "\u{feff}[]",
            r#"["\ud800"]"#,
            "[1e999]",
        ] {
            assert!(events(text).is_none(), "{text}");
        }
        let deep = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert!(events(&deep).is_none());
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
                prop::collection::vec(inner.clone(), 0..3)
                    .prop_map(|v| format!("[{}]", v.join(","))),
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
                let items: Vec<String> =
                    elements.iter().map(|(e, b)| format!("{b}{e}{b}")).collect();
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
        fn decodes_exactly_as_serde_or_declines(text in batch()) {
            if let Some(fast) = events(&text) {
                prop_assert_eq!(Some(fast), serde_slots(&text), "{}", text);
            }
        }
    }
}
