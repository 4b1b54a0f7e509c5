//! Shared fixtures of the delivery-promise tests: a small hand-made network around Paris and
//! Lyon, built through JSON so that it keeps compiling whatever optional location fields appear.
#![allow(dead_code)]

use atsource::promise::{
    self, DeliveryConfig, DeliveryOptions, DeliveryRequest, HomeOption, PromiseError,
};
use atsource::Engine;
use serde_json::{json, Value};

/// Paris, place du Châtelet: the default destination.
pub const PARIS: (f64, f64) = (48.8584, 2.3470);
/// Lyon, place Bellecour.
pub const LYON: (f64, f64) = (45.7578, 4.8320);

/// Warehouses at Roissy (`W-PARIS`, ~23 km from Paris) and Saint-Quentin-Fallavier (`W-LYON`,
/// ~400 km); stores at the Louvre (`S-LOUVRE`, ~1 km), Bastille (`S-BASTILLE`, ~2 km),
/// La Défense (`S-DEFENSE`, ~9 km, no click & collect), Versailles (`S-VERSAILLES`, ~17 km,
/// inactive) and Lyon (`S-LYON`). No stock anywhere.
pub fn network() -> Engine {
    let mut e = Engine::new();
    let locations = json!([
        { "id": "W-PARIS", "kind": "warehouse", "lat": 49.0036, "lon": 2.5170, "costPerShipment": 2.0 },
        { "id": "W-LYON", "kind": "warehouse", "lat": 45.6436, "lon": 5.1094, "costPerShipment": 2.0 },
        { "id": "S-LOUVRE", "name": "Paris Louvre", "kind": "store", "lat": 48.8606, "lon": 2.3376, "costPerShipment": 4.0 },
        { "id": "S-BASTILLE", "name": "Paris Bastille", "kind": "store", "lat": 48.8532, "lon": 2.3692, "costPerShipment": 4.0 },
        { "id": "S-DEFENSE", "kind": "store", "lat": 48.8919, "lon": 2.2380, "pickup": false, "costPerShipment": 4.0 },
        { "id": "S-VERSAILLES", "kind": "store", "lat": 48.8049, "lon": 2.1204, "active": false },
        { "id": "S-LYON", "kind": "store", "lat": 45.7640, "lon": 4.8357, "costPerShipment": 4.0 }
    ]);
    e.upsert_locations(serde_json::from_value(locations).unwrap())
        .unwrap();
    e
}

/// Sets the on-hand count of each (sku, location, units).
pub fn stock(e: &mut Engine, counts: &[(&str, &str, i64)]) {
    let events: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(i, (sku, loc, n))| {
            json!({ "id": format!("stock-{i}-{sku}-{loc}"), "type": "set", "sku": sku, "location": loc, "onHand": n })
        })
        .collect();
    let report = e
        .apply_events_json(&Value::Array(events).to_string())
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

/// A request for `lines` (sku, qty) to `dest` at `now`, with `extra` fields merged in.
pub fn request(lines: &[(&str, u32)], dest: (f64, f64), now: &str, extra: Value) -> Value {
    let mut r = json!({
        "lines": lines.iter().map(|(s, q)| json!({ "sku": s, "qty": q })).collect::<Vec<_>>(),
        "destination": { "lat": dest.0, "lon": dest.1 },
        "now": now,
    });
    if let (Some(r), Value::Object(extra)) = (r.as_object_mut(), extra) {
        r.extend(extra);
    }
    r
}

/// `engine.deliveryOptions` through JSON, as the bindings call it, with the default config.
pub fn options(e: &Engine, request: &Value) -> Result<DeliveryOptions, PromiseError> {
    let req = DeliveryRequest::from_json(&request.to_string())?;
    promise::delivery_options(
        e.network(),
        e.inventory(),
        e.profiles(),
        &req,
        &DeliveryConfig::default(),
    )
}

/// The home option `id`, which must be offered.
pub fn home<'a>(o: &'a DeliveryOptions, id: &str) -> &'a HomeOption {
    o.home
        .iter()
        .find(|h| h.id == id)
        .unwrap_or_else(|| panic!("`{id}` not offered: {:#?}", o.unavailable))
}

/// (earliest, latest) of home option `id`.
pub fn dates(o: &DeliveryOptions, id: &str) -> (String, String) {
    let h = home(o, id);
    (h.earliest.clone(), h.latest.clone())
}

/// The reason code why `id` is not offered, or `None` when it is.
pub fn refused(o: &DeliveryOptions, id: &str) -> Option<String> {
    o.unavailable.iter().find(|u| u.id == id).map(|u| {
        serde_json::to_value(u.reason)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    })
}
