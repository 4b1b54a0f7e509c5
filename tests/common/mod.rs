//! Shared fixtures for the native integration tests.
#![allow(dead_code)]

use atsource::inventory::EventInput;
use atsource::network::{LocationInput, LocationKind};
use atsource::Engine;

/// A location input with the contract's defaults.
pub fn loc(id: &str, kind: LocationKind, lat: f64, lon: f64) -> LocationInput {
    LocationInput {
        id: id.into(),
        name: None,
        kind,
        lat,
        lon,
        active: None,
        ship: None,
        pickup: None,
        cost_per_shipment: None,
        cost_per_unit: None,
        performance: None,
        capacity_units: None,
        safety_stock: None,
    }
}

/// Three stores around Paris and a warehouse near Lyon; store `S3` keeps 1 unit of safety stock.
pub fn engine() -> Engine {
    let mut e = Engine::new();
    let mut s3 = loc("S3", LocationKind::Store, 48.80, 2.13);
    s3.safety_stock = Some(1.0);
    e.upsert_locations(vec![
        loc("S1", LocationKind::Store, 48.8566, 2.3522),
        loc("S2", LocationKind::Store, 48.90, 2.25),
        s3,
        loc("W1", LocationKind::Warehouse, 45.60, 5.10),
    ])
    .unwrap();
    e
}

/// Applies typed events through the JSON batch path, as JS callers do.
pub fn apply(e: &mut Engine, events: &[EventInput]) -> atsource::inventory::ApplyReport {
    e.apply_events_json(&serde_json::to_string(events).unwrap())
        .unwrap()
}

pub fn set(id: &str, sku: &str, location: &str, on_hand: i32, version: Option<u64>) -> EventInput {
    EventInput::Set {
        id: id.into(),
        sku: sku.into(),
        location: location.into(),
        on_hand,
        version,
    }
}

/// Units a plan ships, in all.
pub fn shipped(plan: &atsource::sourcing::Plan) -> u64 {
    plan.shipments
        .iter()
        .flat_map(|s| &s.lines)
        .map(|l| l.qty)
        .sum()
}
