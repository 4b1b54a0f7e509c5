//! The one serializer between JS values and core types, and the one mapping of errors.
//!
//! Values cross as JSON text: `JSON.stringify`/`JSON.parse` run natively in the JS engine and
//! the text crosses the boundary in one copy, which is far cheaper than decoding a JS object
//! field by field through the boundary.

use js_sys::JSON;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::inventory::{AvailabilityQuery, FulfilmentMode};
use crate::network::GeoPoint;
use crate::{Error, InputError};

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = encodeInto)]
    fn encode_into(s: &JsValue, memory: &JsValue, ptr: u32, cap: u32) -> f64;

    #[wasm_bindgen(js_name = stringifyFinite, catch)]
    fn stringify_finite(value: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = availabilityText, catch)]
    fn availability_text_js(query: &JsValue, fields: &mut [f64]) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = eventsText, catch)]
    fn events_text_js(events: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = wellFormed)]
    fn well_formed(s: &JsValue) -> bool;

    /// What a thrown value says, as a JS string; never throws (a getter of the caller's that
    /// throws is read inside a try: an exception must not cross the wasm while the engine is
    /// borrowed).
    #[wasm_bindgen(js_name = messageOf)]
    fn message_of(thrown: &JsValue) -> JsValue;

    #[wasm_bindgen(js_name = codedError)]
    fn coded_error(message: &str, code: &JsValue, field: &JsValue, name: &str) -> JsValue;
}

/// The text of a JS string, copied into wasm memory by the JS engine's native UTF-8 encoder;
/// `None` when `value` is not a string.
pub fn string(value: &JsValue) -> Option<String> {
    let units = value.dyn_ref::<js_sys::JsString>()?.length() as usize;
    let memory = wasm_bindgen::memory();
    // One byte per UTF-16 unit fits ASCII text; any other text fits in three.
    for cap in [units, units.saturating_mul(3)] {
        let mut buf = vec![0u8; cap];
        let written = encode_into(value, &memory, buf.as_mut_ptr() as u32, cap as u32);
        if written >= 0.0 {
            buf.truncate(written as usize);
            return String::from_utf8(buf).ok();
        }
    }
    None
}

/// An availability query the short way (see glue.js `availabilityText`), `None` when it must
/// cross as JSON: its text (a first line holding `today`, then each SKU and a newline) and the
/// fields that came as numbers.
pub fn availability_text(query: &JsValue) -> Option<(String, ShortFields)> {
    let mut fields = ShortFields([0.0; 7]);
    let text = string(&availability_text_js(query, &mut fields.0).ok()?)?;
    Some((text, fields))
}

/// The fields of an availability query that glue.js `availabilityText` wrote as numbers:
/// `[lat, lon, radiusKm, limit, mode, qty, today given]` (NaN for a field absent; mode 0
/// absent, 1 ship, 2 pickup).
pub struct ShortFields([f64; 7]);

impl ShortFields {
    /// The query these fields and the text's first line (`today`) hold, as JSON would have
    /// carried them: the query's checks judge them (`AvailabilityQuery::plan`).
    pub fn query(&self, today: &str) -> AvailabilityQuery {
        let [lat, lon, radius_km, limit, mode, qty, has_today] = self.0;
        let given = |x: f64| (!x.is_nan()).then_some(x);
        AvailabilityQuery {
            skus: Vec::new(),
            near: given(lat)
                .zip(given(lon))
                .map(|(lat, lon)| GeoPoint { lat, lon }),
            radius_km: given(radius_km),
            limit: given(limit),
            mode: match mode as u8 {
                1 => Some(FulfilmentMode::Ship),
                2 => Some(FulfilmentMode::Pickup),
                _ => None,
            },
            qty: given(qty),
            today: (has_today == 1.0).then(|| today.to_string()),
        }
    }
}

/// Events refused in JS: (index, `code message`), the code `not_json` (an event
/// `JSON.stringify` refuses), `invalid_quantity` or `invalid_version` (NaN or ±Infinity, which
/// JSON would write as `null`).
pub type Refused = Vec<(usize, String)>;

/// The JSON text of an events array (see glue.js `eventsText`): as `JSON.stringify` writes it,
/// or, when it cannot write some event as it is, event by event with the refused ones standing
/// in as `null`, listed in [`Refused`]; `invalid_input` naming `events` when the array itself
/// cannot be read.
pub fn events_text(events: &JsValue) -> Result<(String, Refused), JsValue> {
    let mut joined = events_text_js(events)
        .map_err(|thrown| {
            let why = thrown
                .as_string()
                .unwrap_or_else(|| "cannot be read".into());
            invalid("events", &why)
        })
        .and_then(|t| string(&t).ok_or_else(|| invalid("events", "cannot be read")))?;
    if joined.starts_with('[') {
        return Ok((joined, Vec::new()));
    }
    // Lines `index code message` up to an empty line, then the text.
    let mut refused = Vec::new();
    let mut start = 0;
    while let Some(end) = joined[start..].find('\n').map(|n| start + n) {
        let line = &joined[start..end];
        start = end + 1;
        if line.is_empty() {
            break;
        }
        let (index, message) = line.split_once(' ').unwrap_or((line, ""));
        if let Ok(index) = index.parse::<usize>() {
            refused.push((index, message.to_string()));
        }
    }
    joined.drain(..start);
    Ok((joined, refused))
}

/// Turns a core error into a JS `Error` with a stable `code` (and `field` when known).
pub fn to_js(e: Error) -> JsValue {
    let field = e.field().map_or(JsValue::UNDEFINED, JsValue::from);
    coded_error(&e.to_string(), &e.code().into(), &field, "AtsourceError")
}

/// An `invalid_input` error about `field`.
pub fn invalid(field: &str, message: &str) -> JsValue {
    to_js(InputError::new(field, message).into())
}

/// JSON text of a request: as [`text`], but a number that JSON cannot hold (NaN, ±Infinity)
/// anywhere in an object is an `invalid_input` naming its field, not a silent `null`.
pub fn request_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    request_text_under(value, what, "")
}

/// [`request_text`], a non-finite number's path prefixed with `under` (`profile.maxDistanceKm`
/// for `setProfile`, whose other errors name fields so).
pub fn request_text_under(value: &JsValue, what: &str, under: &str) -> Result<String, JsValue> {
    if value.is_string() || value.is_undefined() {
        return text(value, what);
    }
    let s = stringify_finite(value).map_err(|thrown| {
        // `path \0 value` for a non-finite number or a BigInt (`5n`), the path within `value`
        // as the core's errors name fields (`lines[1].qty`); an Error for a cycle.
        let named = thrown.as_string();
        match named.as_deref().and_then(|t| t.rsplit_once('\0')) {
            Some((path, got)) => {
                let field = match (path, under) {
                    ("", _) => what.to_string(),
                    (p, "") => p.to_string(),
                    (p, u) => prefixed(u, p),
                };
                let message = if got.ends_with('n') {
                    format!("is a BigInt ({got}), which JSON cannot hold: pass a number")
                } else {
                    format!("must be a finite number, got {got}")
                };
                let e = InputError::new(field, message);
                to_js(non_finite(e, what))
            }
            None => unserializable(what, &thrown),
        }
    })?;
    string(&s).ok_or_else(|| invalid(what, "must be a JSON value"))
}

/// A non-finite number at `e.field`, coded as the core codes a bad value there: in a profile
/// (`setProfile`'s, whose paths start inside it, or a request's `profile`) `invalid_profile`,
/// `invalid_delivery_config` in its `delivery` as in a request's; a cart line's `qty`
/// `invalid_quantity`; anywhere else `invalid_input`.
fn non_finite(e: InputError, what: &str) -> Error {
    use crate::sourcing::SourcingError as S;
    let f = e.field.as_str();
    let in_line_qty = crate::sourcing::request::is_line_qty(f);
    let error = if what == "profile" {
        S::of_profile(S::in_delivery(f), e)
    } else if f == "profile" || f.starts_with("profile.") || f.starts_with("profile[") {
        S::in_profile(e)
    } else if S::in_delivery(f) {
        S::InvalidDeliveryConfig(e)
    } else if in_line_qty {
        S::InvalidQuantity(e)
    } else {
        return e.into();
    };
    error.into()
}

/// `invalid_input` about `what`, which `JSON.stringify` refused with `thrown`: a BigInt, a
/// cycle, or what a getter or `toJSON` of the caller's threw, said in the message.
fn unserializable(what: &str, thrown: &JsValue) -> JsValue {
    let why = string(&message_of(thrown)).unwrap_or_default();
    invalid(what, &format!("cannot be serialized to JSON: {why}"))
}

/// `parent.field`, or `parent` alone when `field` is empty (`[0]` joins without a dot).
pub fn prefixed(parent: &str, field: &str) -> String {
    match field {
        "" => parent.to_string(),
        f if f.starts_with('[') => format!("{parent}{f}"),
        f => format!("{parent}.{f}"),
    }
}

/// JSON text of a JS value (strings pass through unchanged).
pub fn text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(s) = string(value) {
        return Ok(s);
    }
    if value.is_undefined() {
        return Err(invalid(what, "is required"));
    }
    let s = JSON::stringify(value).map_err(|thrown| unserializable(what, &thrown))?;
    string(&s).ok_or_else(|| invalid(what, "must be a JSON value"))
}

/// Decodes a JS object into a core request type. An error about the value as a whole names
/// the parameter, `what`.
pub fn input<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    decode(&object_text(value, what)?, what)
}

/// Decodes a JS array into a list of a core type, each element an object.
pub fn input_list<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<Vec<T>, JsValue> {
    if !js_sys::Array::is_array(value) {
        return Err(invalid(what, "must be an array"));
    }
    let list: crate::json_object::Objects<T> = decode(&request_text(value, what)?, what)?;
    Ok(list.0)
}

/// Decodes JSON text into a core type; an error about the value as a whole names `what`.
pub fn decode<T: DeserializeOwned>(json: &str, what: &str) -> Result<T, JsValue> {
    crate::from_json(json).map_err(|mut e| {
        if e.field.is_empty() {
            e.field = what.to_string();
        }
        to_js(e.into())
    })
}

/// A string argument (`what` names it in the error when it is not a string). Arguments are
/// taken as JS values and checked here: wasm-bindgen's own string parameters trap the module on
/// a number or an object.
pub fn string_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    let s = value
        .as_string()
        .ok_or_else(|| invalid(what, "must be a string"))?;
    // The conversion writes a lone surrogate as U+FFFD, which would name another SKU or
    // location: only a string holding U+FFFD is checked (rare), so the common case pays nothing.
    if s.contains('\u{FFFD}') && !well_formed(value) {
        return Err(invalid(
            what,
            "is not well-formed Unicode (a lone surrogate)",
        ));
    }
    Ok(s)
}

/// JSON text of a request that must be a plain object (not a string, an array, `null` or a
/// number), refused as `invalid_input` naming `what` otherwise.
pub fn object_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    let got = if value.is_undefined() {
        return Err(invalid(what, "is required"));
    } else if value.is_null() {
        "null"
    } else if value.is_string() {
        "a string"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else if value.is_object() {
        return request_text(value, what);
    } else {
        "a number or a boolean"
    };
    Err(invalid(what, &format!("must be an object, not {got}")))
}

/// Encodes a core response type as a JS value.
pub fn output<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| invalid("", &e.to_string()))?;
    JSON::parse(&json)
}
