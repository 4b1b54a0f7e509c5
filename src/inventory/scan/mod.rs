//! Decoding a batch of events from JSON text, the form integrations send: one strict pass that
//! borrows every string from the text and judges each element on its own.
//!
//! The batch decodes exactly as serde_json would decode it into lenient [`RawEvent`]s (a
//! property test holds this decoder equal to that serde reference): unknown fields are skipped
//! however deep they nest, a repeated field keeps its last value, and the tokens whose meaning
//! takes real work (escaped strings, numbers with a fraction or exponent, very long integers)
//! are handed to serde_json one by one, so their values and errors are serde's own. Anything
//! that is not a well-formed JSON array fails the whole batch with serde_json's message.
//!
//! Two departures from serde_json, which refuses the whole text for either and would let one
//! bad event drop a batch: a string holding a lone UTF-16 surrogate escape (`"\ud800"`,
//! well-formed JSON that `JSON.stringify` writes for a broken JS string) fails only its event,
//! as a field that is not a string (a field name holding one is a field events do not read);
//! and a number beyond f64's range (`1e400`) fails only its event, as a value that is not a
//! number (`invalid_quantity` for a quantity).

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::events::{Event, RawEvent, Scalar, MAX_BATCH_EVENTS};
use crate::InputError;

/// What a number token beyond f64's range (`1e400`) reads as: a value that is not a number.
const OUT_OF_RANGE: &str = "a number out of range";

/// True when serde_json refused a number token only for its size.
fn out_of_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

/// One element of a batch: a validated event, or why it was rejected.
pub(super) type Slot<'a> = Result<Event<'a>, (&'static str, String)>;

/// Decodes and validates every element of a JSON array of events; refuses the whole batch when
/// it is not a JSON array or holds more than [`MAX_BATCH_EVENTS`] elements.
pub(super) fn events(text: &str) -> Result<Vec<Slot<'_>>, InputError> {
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        error: None,
        too_long: false,
    };
    match s.batch() {
        Some(slots) => Ok(slots),
        None if s.too_long => Err(InputError::new(
            "events",
            format!(
                "a batch holds at most {MAX_BATCH_EVENTS} events: apply them in smaller batches"
            ),
        )),
        None => Err(InputError::new("events", s.failure())),
    }
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// serde_json's verdict on a token it refused.
    error: Option<serde_json::Error>,
    /// The batch holds more than [`MAX_BATCH_EVENTS`] elements.
    too_long: bool,
}

/// True when every escape of a string token (quotes included) is one JSON allows: then serde_json
/// refused the string only for a lone UTF-16 surrogate (`\ud800`), which JSON's grammar accepts
/// and Rust's strings cannot hold.
fn escapes_well_formed(token: &str) -> bool {
    let mut bytes = token.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            continue;
        }
        match bytes.next() {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
            Some(b'u') => {
                if !(0..4).all(|_| bytes.next().is_some_and(|h| h.is_ascii_hexdigit())) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// serde_json's message without its position (the text is one line of machine output).
fn trim(e: serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(cut) => s[..cut].to_string(),
        None => s,
    }
}

impl<'a> Scanner<'a> {
    fn batch(&mut self) -> Option<Vec<Slot<'a>>> {
        self.ws();
        self.eat(b'[')?;
        // About 80 bytes an event: one allocation for typical batches, without over-reserving.
        let mut out = Vec::with_capacity(self.text.len() / 80 + 1);
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                if out.len() == MAX_BATCH_EVENTS {
                    self.too_long = true;
                    return None;
                }
                self.ws();
                out.push(self.element()?);
                self.ws();
                match self.next()? {
                    b',' => {}
                    b']' => break,
                    _ => return None,
                }
            }
        }
        self.ws();
        (self.pos == self.bytes.len()).then_some(out)
    }

    /// Why the batch failed, in serde_json's words.
    fn failure(&mut self) -> String {
        if let Some(e) = self.error.take() {
            return trim(e);
        }
        match serde_json::from_str::<IgnoredAny>(self.text) {
            Err(e) => trim(e),
            Ok(_) => "expected a JSON array of events".into(),
        }
    }

    /// serde_json's decoding of one token, noting its error.
    fn serde<T: serde::Deserialize<'a>>(&mut self, token: &'a str) -> Option<T> {
        serde_json::from_str(token)
            .map_err(|e| self.error = Some(e))
            .ok()
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    #[inline(always)]
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    #[inline(always)]
    fn token(&self, start: usize) -> Option<&'a str> {
        self.text.get(start..self.pos)
    }

    /// One element of the batch.
    fn element(&mut self) -> Option<Slot<'a>> {
        if self.peek()? != b'{' {
            // serde decodes a string or number element in full (an out-of-range number or a
            // lone surrogate spoils only this element), and only skips inside an array.
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
            let key = self.key()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            match e.field(&key) {
                Some(field) => *field = Some(self.scalar()?),
                None => self.skip()?,
            }
            self.ws();
            match self.next()? {
                b',' => {}
                b'}' => return Some(e.validate()),
                _ => return None,
            }
        }
    }

    /// A field name, unescaped.
    fn key(&mut self) -> Option<Cow<'a, str>> {
        let (token, escaped) = self.string()?;
        if escaped {
            return match self.serde(token) {
                Some(Scalar::Str(name)) => Some(name),
                // A name holding a lone surrogate is no field an event reads: skipped.
                None if escapes_well_formed(token) => {
                    self.error = None;
                    Some(Cow::Borrowed(""))
                }
                _ => None,
            };
        }
        token.get(1..token.len() - 1).map(Cow::Borrowed)
    }

    /// A string token, quotes included, and whether it holds escapes.
    #[inline(always)]
    fn string(&mut self) -> Option<(&'a str, bool)> {
        let start = self.pos;
        self.eat(b'"')?;
        let mut escaped = false;
        let mut i = self.pos;
        loop {
            match *self.bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                // serde_json refuses raw control characters inside strings.
                0..=0x1f => return None,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
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
    #[inline(always)]
    fn digits(&mut self) -> Option<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    #[inline(always)]
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
                    return match self.serde(token) {
                        Some(value) => Some(value),
                        // Well-formed JSON that no Rust string can hold: the event's problem,
                        // not the batch's (JSON.stringify writes a lone surrogate this way).
                        None if escapes_well_formed(token) => {
                            self.error = None;
                            Some(Scalar::Other("text holding a lone surrogate"))
                        }
                        None => None,
                    };
                }
                Scalar::Str(Cow::Borrowed(token.get(1..token.len() - 1)?))
            }
            b'-' | b'0'..=b'9' => match self.number()? {
                (_, Some(n)) => Scalar::Num(n),
                (token, None) => {
                    return match self.serde(token) {
                        Some(value) => Some(value),
                        // A well-formed number beyond f64's range (1e400): the event's problem,
                        // not the batch's, as it is for an array of events.
                        None if self.error.as_ref().is_some_and(out_of_range) => {
                            self.error = None;
                            Some(Scalar::Other(OUT_OF_RANGE))
                        }
                        None => None,
                    };
                }
            },
            b'{' => {
                self.skip()?;
                Scalar::Other("an object")
            }
            b'[' => {
                self.skip()?;
                Scalar::Other("an array")
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

    /// Skips one value as serde_json ignores it: checked, however deep (no recursion here).
    fn skip(&mut self) -> Option<()> {
        // The closing bracket of every open container.
        let mut open: Vec<u8> = Vec::new();
        loop {
            match self.peek()? {
                b'"' => {
                    let (token, escaped) = self.string()?;
                    if escaped {
                        self.serde::<IgnoredAny>(token)?;
                    }
                }
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                c @ (b'[' | b'{') => {
                    self.pos += 1;
                    let close = c + 2; // `]` and `}` follow their openers by two.
                    self.ws();
                    if self.peek()? == close {
                        self.pos += 1;
                    } else {
                        open.push(close);
                        self.member(close)?;
                        continue;
                    }
                }
                _ => return None,
            }
            // A value ended: close what it ended, or go on to the next member.
            loop {
                let Some(&close) = open.last() else {
                    return Some(());
                };
                self.ws();
                match self.next()? {
                    b',' => {
                        self.ws();
                        self.member(close)?;
                        break;
                    }
                    b if b == close => {
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Before a member's value: its key, in an object.
    fn member(&mut self, close: u8) -> Option<()> {
        if close == b'}' {
            let (token, escaped) = self.string()?;
            if escaped {
                self.serde::<IgnoredAny>(token)?;
            }
            self.ws();
            self.eat(b':')?;
            self.ws();
        }
        Some(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
