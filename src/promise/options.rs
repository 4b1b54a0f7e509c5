//! The answer of `engine.deliveryOptions`, as a checkout page reads it.

use serde::{Deserialize, Serialize};

use crate::sourcing::{Plan, PlanLine};

/// What a checkout page offers for a cart. Times are local (`YYYY-MM-DDTHH:MM`), dates
/// `YYYY-MM-DD`, prices in `currency` units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryOptions {
    /// The moment of the order the answer is computed for.
    pub now: String,
    /// Currency of every price.
    pub currency: String,
    /// Cart value the price rules used.
    pub cart_value: f64,
    /// Home delivery levels that can ship the whole cart, in configuration order.
    pub home: Vec<HomeOption>,
    /// Levels that cannot, with the reason (so a page can say why next-day is not offered).
    pub unavailable: Vec<Unavailable>,
    /// Stores where the shopper can collect the cart, nearest first.
    pub click_and_collect: Vec<CollectOption>,
}

/// A home delivery offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct HomeOption {
    /// Service level id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the shopper pays, rounded to the cent (0 when the cart value reaches `freeAbove`).
    pub price: f64,
    /// True when the price was waived by `freeAbove`.
    pub free: bool,
    /// Earliest delivery date of the whole cart (its last parcel).
    pub earliest: String,
    /// Latest delivery date of the whole cart.
    pub latest: String,
    /// Number of parcels.
    pub parcels: u32,
    /// When each parcel is ready, leaves and arrives, in plan order.
    pub shipments: Vec<ShipmentTiming>,
    /// The sourcing plan behind the offer.
    pub plan: Plan,
}

/// The timing of one parcel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ShipmentTiming {
    /// Shipping location id.
    pub location: String,
    /// Great-circle distance to the destination, km.
    pub distance_km: f64,
    /// When it is packed (local time).
    pub ready_at: String,
    /// The day the carrier collects it.
    pub dispatch_on: String,
    /// Earliest delivery date.
    pub earliest: String,
    /// Latest delivery date.
    pub latest: String,
}

/// Why a service level is not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum UnavailableReason {
    /// No complete plan within the level's reach and parcel limit.
    Unfulfillable,
    /// The level needs a same-day dispatch and no location can send one any more today
    /// (past every cutoff, or a closed day).
    AfterCutoff,
}

/// A service level that is not offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Unavailable {
    /// Service level id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Machine-readable reason.
    pub reason: UnavailableReason,
    /// Human-readable explanation.
    pub message: String,
}

/// Where the units of a click & collect order come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum CollectSource {
    /// The store holds the whole cart: ready once prepared ("ready in 2 h").
    Store,
    /// A warehouse sends what the store lacks: ready on a later day.
    Transfer,
}

/// A store where the cart can be collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CollectOption {
    /// Store id.
    pub location: String,
    /// Store name.
    pub name: String,
    /// Great-circle distance from the destination, km.
    pub distance_km: f64,
    /// Price in currency units.
    pub price: f64,
    /// `store` or `transfer`.
    pub source: CollectSource,
    /// When the order is ready (`store` source; local time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub ready_at: Option<String>,
    /// Minutes from `now` to `readyAt` (`store` source), for "ready in 2 h".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub ready_in_minutes: Option<u32>,
    /// The day the order can be collected, from opening (`transfer` source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub ready_on: Option<String>,
    /// The warehouse that sends the missing units (`transfer` source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub transfer_from: Option<String>,
    /// The units it sends, in cart order (`transfer` source); the store holds the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub transfer_lines: Option<Vec<PlanLine>>,
}

/// `engine.quote`: the cart's plan and its delivery options.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// What `source` gives for the cart.
    pub plan: Plan,
    /// What `deliveryOptions` gives for it.
    pub delivery_options: DeliveryOptions,
}
