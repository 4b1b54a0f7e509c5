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

mod errors;
mod events;
mod sourcing;

pub use errors::*;
pub use events::*;
pub use sourcing::*;

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

/// `code` and `field` of the error `r` holds.
fn refused<T: std::fmt::Debug>(r: Result<T, JsValue>) -> (String, Option<String>) {
    let err = r.unwrap_err();
    let field = get(&err, "field").as_string();
    (code_of(err), field)
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
