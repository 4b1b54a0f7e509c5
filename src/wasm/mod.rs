//! The JavaScript binding: thin wrappers, every method the same shape — typed request in
//! (JSON-bridged), core call, typed response out, [`crate::Error`] mapped once to a JS `Error`.

mod alloc;
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

/// The great-circle distance in km from (`fromLat`, `fromLon`) to (`toLat`, `toLon`), in
/// degrees, exactly as the engine measures it (haversine, Earth radius 6371.0088 km): the
/// `distanceKm` of availability answers and plans, to the last bit. For code beside an engine
/// (a server filtering its own lists) that must agree with it.
#[wasm_bindgen(js_name = distanceKm)]
pub fn distance_km(
    #[wasm_bindgen(js_name = fromLat, unchecked_param_type = "number")] from_lat: JsValue,
    #[wasm_bindgen(js_name = fromLon, unchecked_param_type = "number")] from_lon: JsValue,
    #[wasm_bindgen(js_name = toLat, unchecked_param_type = "number")] to_lat: JsValue,
    #[wasm_bindgen(js_name = toLon, unchecked_param_type = "number")] to_lon: JsValue,
) -> Result<f64, JsValue> {
    use crate::network::{haversine_km, GeoPoint};
    let point = |lat: &JsValue, lon: &JsValue, field: &str| {
        // A non-number (a string, undefined) is refused as NaN is, by the range check.
        let p = GeoPoint {
            lat: lat.as_f64().unwrap_or(f64::NAN),
            lon: lon.as_f64().unwrap_or(f64::NAN),
        };
        p.validate(field).map(|()| p).map_err(|mut e| {
            // Named as the parameters are: `from.lat` is `fromLat`.
            e.field = e.field.replace(".lat", "Lat").replace(".lon", "Lon");
            bridge::to_js(crate::Error::from(e))
        })
    };
    let from = point(&from_lat, &from_lon, "from")?;
    let to = point(&to_lat, &to_lon, "to")?;
    Ok(haversine_km(from, to))
}

/// The inventory events that hold (`reserve`), give back (`release`), prepare (`pick`) or ship
/// exactly what `plan` promised. Ids derive from `key`, so re-applying them is idempotent. Only
/// the shipments' locations and lines are read: a plan stored trimmed to them serves as well.
#[wasm_bindgen(js_name = planEvents, unchecked_return_type = "EventInput[]")]
pub fn plan_events(
    #[wasm_bindgen(
        unchecked_param_type = "{ shipments: readonly Pick<Shipment, \"location\" | \"lines\">[] }"
    )]
    plan: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Hold")] hold: JsValue,
) -> Result<JsValue, JsValue> {
    let key = bridge::string_arg(&key, "key")?;
    // Only the shipments' locations and lines are decoded (the rest of the plan is skipped).
    let plan: crate::sourcing::PlanParcels = bridge::input(&plan, "plan")?;
    let hold: crate::sourcing::Hold = hold
        .as_string()
        .and_then(|h| {
            use serde::de::IntoDeserializer;
            let d: serde::de::value::StringDeserializer<serde::de::value::Error> =
                h.into_deserializer();
            serde::Deserialize::deserialize(d).ok()
        })
        .ok_or_else(|| {
            bridge::invalid(
                "hold",
                "must be \"reserve\", \"release\", \"pick\" or \"ship\"",
            )
        })?;
    if key.is_empty() {
        return Err(bridge::invalid("key", "must not be empty"));
    }
    bridge::output(&crate::sourcing::parcel_events(&plan, &key, hold))
}
