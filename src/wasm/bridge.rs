//! The one serializer between JS values and core types, and the one mapping of errors.
//!
//! Values cross as JSON text: `JSON.stringify`/`JSON.parse` run natively in the JS engine and
//! the text crosses the boundary in one copy, which is far cheaper than decoding a JS object
//! field by field through the boundary.

use js_sys::{Error as JsError, Reflect, JSON};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Error, InputError};

/// Turns a core error into a JS `Error` with a stable `code` (and `field` when known).
pub fn to_js(e: Error) -> JsValue {
    let err = JsError::new(&e.to_string());
    err.set_name("AtsourceError");
    let _ = Reflect::set(&err, &"code".into(), &e.code().into());
    if let Some(field) = e.field() {
        let _ = Reflect::set(&err, &"field".into(), &field.into());
    }
    err.into()
}

/// An `invalid_input` error about `field`.
pub fn invalid(field: &str, message: &str) -> JsValue {
    to_js(InputError::new(field, message).into())
}

/// JSON text of a JS value (strings pass through unchanged).
pub fn text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if value.is_undefined() {
        return Err(invalid(what, "is required"));
    }
    let s = JSON::stringify(value)
        .map_err(|_| invalid(what, "cannot be serialized to JSON (BigInt or cycle?)"))?;
    s.as_string()
        .ok_or_else(|| invalid(what, "must be a JSON value"))
}

/// Decodes a JS value into a core request type.
pub fn input<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_string() {
        return Err(invalid(what, "must be an object, not a string"));
    }
    let json = text(value, what)?;
    crate::from_json(&json).map_err(|e| to_js(e.into()))
}

/// Encodes a core response type as a JS value.
pub fn output<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| invalid("", &e.to_string()))?;
    JSON::parse(&json)
}
