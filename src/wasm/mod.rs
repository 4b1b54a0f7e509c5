//! The JavaScript binding: thin wrappers, every method the same shape — typed request in
//! (JSON-bridged), core call, typed response out, [`crate::Error`] mapped once to a JS `Error`.

mod bridge;
mod demo;
mod engine;

pub use engine::JsEngine;

use wasm_bindgen::prelude::*;

/// Crate version, git commit and snapshot format of this build.
#[wasm_bindgen(js_name = buildInfo, unchecked_return_type = "BuildInfo")]
pub fn build_info() -> Result<JsValue, JsValue> {
    bridge::output(&crate::BuildInfo::current())
}
