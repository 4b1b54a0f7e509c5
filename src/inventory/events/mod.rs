//! Inventory events: their wire form, lenient decoding and validation.
//!
//! A batch is decoded so that one malformed event never spoils the others: every field is read
//! as a loose [`Scalar`] and checked afterwards, yielding either an [`Event`] or a [`Rejection`]
//! with a stable code.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::supply::Day;

/// Largest quantity an event may carry (units).
pub const MAX_QTY: i64 = i32::MAX as i64;
/// Largest `version` accepted: the largest integer a JS number holds exactly.
pub const MAX_VERSION: f64 = 9_007_199_254_740_991.0;
/// Most events one JSON batch may hold (4,194,304: more than the largest demo network's); a
/// longer one is refused whole, before any event applies. Every element costs memory while the
/// batch applies (its decoded form, and a rejection when it is bad) and wasm memory never
/// shrinks: without a cap, a sparse JS array of thirty million holes ran for 42 s and then
/// exhausted the wasm's 4 GiB. At the cap, a batch of nothing but `null`s makes a report of
/// 318 MB of JSON (V8's longest string is 512 MiB) and takes 2 s natively, 10-20 s through the
/// wasm.
pub const MAX_BATCH_EVENTS: usize = 1 << 22;

/// What an event does to its position. Quantities are units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A count from WMS/POS: `onHand := on_hand`, unless `version` is not newer than the last.
    Set {
        /// Counted units.
        on_hand: i32,
        /// Monotonic version of the count, if the source has one.
        version: Option<u64>,
    },
    /// `onHand += delta` (receipt, in-store sale, damage).
    Adjust(i32),
    /// `reserved += qty`.
    Reserve(i32),
    /// `reserved -= qty`, never below 0.
    Release(i32),
    /// `reserved -= qty; picking += qty`.
    Pick(i32),
    /// `picking -= qty; onHand -= qty`.
    Ship(i32),
    /// `onHand += qty` (restockable return).
    Return(i32),
    /// The position's own safety stock, overriding the location's; `None` removes it, so that
    /// the location's applies again.
    SafetyStock(Option<i32>),
    /// Inbound supply: `qty` units expected on `date` (replaces what was expected that day).
    Incoming {
        /// Expected units (0 cancels).
        qty: i32,
        /// Expected arrival day.
        date: Day,
    },
}

/// A validated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// Unique id, for de-duplication.
    pub id: Cow<'a, str>,
    /// The SKU.
    pub sku: Cow<'a, str>,
    /// The location id.
    pub location: Cow<'a, str>,
    /// The effect.
    pub kind: EventKind,
}

/// Why an event was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Rejection {
    /// Position of the event in the batch.
    pub index: usize,
    /// Stable code: `not_an_object`, `missing_field`, `invalid_field`, `unknown_type`,
    /// `invalid_quantity`, `invalid_version`, `invalid_date`, `unknown_location`; from JS,
    /// `not_json` (an event JSON cannot hold: a BigInt, a cycle).
    pub code: String,
    /// Human-readable reason naming the field.
    pub message: String,
}

/// A JSON value read without judgement, judged later with a precise reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    /// A number.
    Num(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// Anything else (null, bool, array, object).
    Other(&'static str),
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Num(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Other("a boolean"))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Other("null"))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other("an object"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An event as it arrives: every field optional and loosely typed; unknown fields ignored, and
/// a repeated field keeps its last value (as `JSON.parse` does).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RawEvent<'a> {
    id: Option<Scalar<'a>>,
    kind: Option<Scalar<'a>>,
    sku: Option<Scalar<'a>>,
    location: Option<Scalar<'a>>,
    qty: Option<Scalar<'a>>,
    delta: Option<Scalar<'a>>,
    on_hand: Option<Scalar<'a>>,
    version: Option<Scalar<'a>>,
    date: Option<Scalar<'a>>,
}

mod input;
#[cfg(test)]
pub(super) mod reference;
#[cfg(test)]
mod tests;

pub(super) use input::present;
pub use input::EventInput;

type Checked<T> = Result<T, (&'static str, String)>;

fn text<'a>(field: &'static str, v: Option<Scalar<'a>>) -> Checked<Cow<'a, str>> {
    match v {
        None => Err(("missing_field", format!("`{field}` is required"))),
        Some(Scalar::Str(s)) if !s.is_empty() => Ok(s),
        Some(Scalar::Str(_)) => Err(("invalid_field", format!("`{field}` must not be empty"))),
        Some(Scalar::Num(_)) => Err((
            "invalid_field",
            format!("`{field}` must be a string, not a number"),
        )),
        Some(Scalar::Other(what)) => Err((
            "invalid_field",
            format!("`{field}` must be a string, not {what}"),
        )),
    }
}

fn integer(field: &'static str, v: Option<Scalar<'_>>, min: i64) -> Checked<i32> {
    match v {
        None => Err(("missing_field", format!("`{field}` is required"))),
        Some(Scalar::Num(n))
            if n.fract() == 0.0 && n >= min as f64 && n.abs() <= MAX_QTY as f64 =>
        {
            Ok(n as i32)
        }
        Some(Scalar::Num(n)) if n.fract() != 0.0 => Err((
            "invalid_quantity",
            format!("`{field}` must be a whole number of units, got {n}"),
        )),
        Some(Scalar::Num(n)) if n < min as f64 => Err((
            "invalid_quantity",
            format!("`{field}` must be >= {min}, got {n}"),
        )),
        Some(Scalar::Num(n)) => Err(("invalid_quantity", format!("`{field}` is too large ({n})"))),
        Some(Scalar::Str(_)) => Err((
            "invalid_quantity",
            format!("`{field}` must be a number, not a string"),
        )),
        Some(Scalar::Other(what)) => Err((
            "invalid_quantity",
            format!("`{field}` must be a number, not {what}"),
        )),
    }
}

impl<'a> RawEvent<'a> {
    /// The slot of field `name`, `None` for a field events do not read.
    pub(super) fn field(&mut self, name: &str) -> Option<&mut Option<Scalar<'a>>> {
        Some(match name {
            "id" => &mut self.id,
            "type" => &mut self.kind,
            "sku" => &mut self.sku,
            "location" => &mut self.location,
            "qty" => &mut self.qty,
            "delta" => &mut self.delta,
            "onHand" => &mut self.on_hand,
            "version" => &mut self.version,
            "date" => &mut self.date,
            _ => return None,
        })
    }

    /// Checks the event: a typed [`Event`], or a `(code, message)` reason.
    pub fn validate(self) -> Result<Event<'a>, (&'static str, String)> {
        let id = text("id", self.id)?;
        let kind_name = text("type", self.kind)?;
        let sku = text("sku", self.sku)?;
        let location = text("location", self.location)?;
        let qty = |v| integer("qty", v, 0);
        let kind = match kind_name.as_ref() {
            "set" => {
                let on_hand = integer("onHand", self.on_hand, 0)?;
                let version = match self.version {
                    None => None,
                    Some(Scalar::Num(v)) if v >= 0.0 && v.fract() == 0.0 && v <= MAX_VERSION => {
                        Some(v as u64)
                    }
                    Some(_) => {
                        return Err((
                            "invalid_version",
                            "`version` must be an integer in [0, 2^53)".into(),
                        ))
                    }
                };
                EventKind::Set { on_hand, version }
            }
            "adjust" => EventKind::Adjust(integer("delta", self.delta, -MAX_QTY)?),
            "reserve" => EventKind::Reserve(qty(self.qty)?),
            "release" => EventKind::Release(qty(self.qty)?),
            "pick" => EventKind::Pick(qty(self.qty)?),
            "ship" => EventKind::Ship(qty(self.qty)?),
            "return" => EventKind::Return(qty(self.qty)?),
            // `qty: null` removes the position's own buffer (absent is still missing).
            "safetyStock" => EventKind::SafetyStock(match self.qty {
                Some(Scalar::Other("null")) => None,
                v => Some(qty(v)?),
            }),
            "incoming" => {
                let qty = qty(self.qty)?;
                let date = match self.date {
                    None => return Err(("missing_field", "`date` is required".into())),
                    Some(Scalar::Str(s)) => {
                        Day::parse(&s).map_err(|m| ("invalid_date", format!("`date` {m}")))?
                    }
                    Some(_) => {
                        return Err(("invalid_date", "`date` must be a YYYY-MM-DD string".into()))
                    }
                };
                EventKind::Incoming { qty, date }
            }
            other => return Err(("unknown_type", format!("unknown event type `{other}`"))),
        };
        Ok(Event {
            id,
            sku,
            location,
            kind,
        })
    }
}
