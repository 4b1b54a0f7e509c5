//! The demo network and the town table, as JavaScript sees them.

use wasm_bindgen::prelude::*;

use super::bridge::{input, output, to_js};
use crate::demo::{self, DemoOptions};

/// The deterministic demo network (`{}` or no argument: 150 stores, 4 warehouses, 2,000 SKUs).
/// Upsert its `locations`, then apply its `events`.
#[wasm_bindgen(js_name = demoNetwork, unchecked_return_type = "DemoNetwork")]
pub fn demo_network(
    #[wasm_bindgen(unchecked_optional_param_type = "DemoOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options: DemoOptions = match options {
        Some(v) if !v.is_undefined() && !v.is_null() => input(&v, "options")?,
        _ => DemoOptions::default(),
    };
    options.validate().map_err(|e| to_js(e.into()))?;
    output(&demo::generate(&options))
}

/// The French towns of the demo with postcode and coordinates, for a postcode or city field.
#[wasm_bindgen(js_name = cities, unchecked_return_type = "City[]")]
pub fn cities() -> Result<JsValue, JsValue> {
    output(&demo::CITIES)
}
