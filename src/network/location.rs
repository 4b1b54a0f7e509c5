//! A stocking location (store or warehouse) and its validation.

use serde::{Deserialize, Serialize};

use super::geo::GeoPoint;
use crate::InputError;

/// The largest cost a location or a sourcing profile may name, per shipment, unit or km: far
/// beyond any currency's prices, and small enough that no plan's cost can overflow (at most about
/// 1e26 with the largest carts and distances), so that every cost a plan reports is a number.
pub const MAX_COST: f64 = 1e9;

/// Checks a cost field against `max`: [`MAX_COST`] for an input, `f64::MAX` for what is read
/// back from storage (earlier builds took any finite cost); else the message saying so.
pub fn check_cost(cost: f64, max: f64) -> Result<f64, String> {
    if cost.is_finite() && (0.0..=max).contains(&cost) {
        Ok(cost)
    } else {
        Err(format!("must be a number in [0, {MAX_COST}]"))
    }
}

/// Whether a location is a store (sells over the counter, may offer click & collect) or a warehouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum LocationKind {
    /// A shop: shallow stock, can ship and offer click & collect.
    Store,
    /// A distribution centre: deep stock, ships only.
    Warehouse,
}

/// A location as sent to `upsertLocations`: every optional field takes the contract's default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationInput {
    /// Unique id; upserting an existing id replaces that location.
    pub id: String,
    /// Display name (defaults to the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub name: Option<String>,
    /// Store or warehouse.
    pub kind: LocationKind,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Inactive locations sell and ship nothing (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub active: Option<bool>,
    /// May ship parcels (default true): to shoppers, and for a warehouse the click & collect
    /// transfers to stores too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub ship: Option<bool>,
    /// Offers click & collect (default: true for stores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub pickup: Option<bool>,
    /// Handling cost of one parcel leaving here, in currency units (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cost_per_shipment: Option<f64>,
    /// Pick and storage cost per unit, in currency units (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cost_per_unit: Option<f64>,
    /// Fulfilment score in [0, 1] (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub performance: Option<f64>,
    /// Units it can still ship today (default, or null: unlimited, as `locations()` answers it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional, type = "number | null"))]
    pub capacity_units: Option<f64>,
    /// Default safety stock for each SKU here, in units (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub safety_stock: Option<f64>,
}

/// A validated location, every default applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Store or warehouse.
    pub kind: LocationKind,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Sells and ships only when active.
    pub active: bool,
    /// May ship parcels.
    pub ship: bool,
    /// Offers click & collect.
    pub pickup: bool,
    /// Handling cost of one parcel leaving here.
    pub cost_per_shipment: f64,
    /// Pick and storage cost per unit.
    pub cost_per_unit: f64,
    /// Fulfilment score in [0, 1].
    pub performance: f64,
    /// Units it can still ship today; null is unlimited.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub capacity_units: Option<u32>,
    /// Default safety stock for each SKU here.
    pub safety_stock: u32,
}

impl Location {
    /// Where the location is.
    pub fn point(&self) -> GeoPoint {
        GeoPoint {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// Checks the fields a built location could hold out of range (its id, position,
    /// performance and costs; counts are unsigned by type): [`LocationInput::validate`] checks
    /// an input with it, and a snapshot's locations are checked with it when read back (the
    /// checksum proves only that the bytes are the ones written). `at` names it in errors.
    /// Costs go up to `max_cost`: [`MAX_COST`] for an input, `f64::MAX` for a snapshot, which
    /// holds what earlier builds accepted (any finite cost) and must load as it was written.
    pub fn check(&self, at: &str, max_cost: f64) -> Result<(), InputError> {
        let f = |name: &str| format!("{at}.{name}");
        if self.id.is_empty() {
            return Err(InputError::new(f("id"), "must not be empty"));
        }
        self.point().validate(at)?;
        if !(0.0..=1.0).contains(&self.performance) {
            return Err(InputError::new(
                f("performance"),
                "must be a number in [0, 1]",
            ));
        }
        for (name, cost) in [
            ("costPerShipment", self.cost_per_shipment),
            ("costPerUnit", self.cost_per_unit),
        ] {
            check_cost(cost, max_cost).map_err(|m| InputError::new(f(name), m))?;
        }
        Ok(())
    }
}

fn count(field: String, v: f64) -> Result<u32, InputError> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
        Ok(v as u32)
    } else {
        Err(InputError::new(
            field,
            "must be an integer in [0, 4294967295]",
        ))
    }
}

impl LocationInput {
    /// Applies defaults and checks every field; `at` names this location in errors (`[3]`).
    pub fn validate(self, at: &str) -> Result<Location, InputError> {
        let f = |name: &str| format!("{at}.{name}");
        let mut location = Location {
            name: self.name.unwrap_or_else(|| self.id.clone()),
            id: self.id,
            kind: self.kind,
            lat: self.lat,
            lon: self.lon,
            active: self.active.unwrap_or(true),
            ship: self.ship.unwrap_or(true),
            pickup: self.pickup.unwrap_or(self.kind == LocationKind::Store),
            cost_per_shipment: self.cost_per_shipment.unwrap_or(0.0),
            cost_per_unit: self.cost_per_unit.unwrap_or(0.0),
            performance: self.performance.unwrap_or(1.0),
            capacity_units: None,
            safety_stock: 0,
        };
        // The fields a location holds as given first, then the counts: errors name the first
        // bad field in this order.
        location.check(at, MAX_COST)?;
        location.capacity_units = self
            .capacity_units
            .map(|c| count(f("capacityUnits"), c))
            .transpose()?;
        location.safety_stock = count(f("safetyStock"), self.safety_stock.unwrap_or(0.0))?;
        Ok(location)
    }
}
