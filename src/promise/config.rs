//! The delivery configuration as retailers write it in JSON: service levels and their price
//! rules, transit times by distance, location hours, calendars and click & collect.
//!
//! Every field is optional: `{}` is [`DeliveryConfig::default`], the demo's French retail
//! configuration. A field that is given replaces its default whole (a `serviceLevels` list
//! replaces the default list), except hours (`store`, `warehouse`, `locations`), where each unset
//! field falls back, in order, to the location's override, its kind's hours, then the built-in
//! hours of its kind ([`SiteHours::builtin`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::calendar::Weekday;
use crate::network::LocationKind;

/// How a retailer promises delivery. See the module documentation for defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DeliveryConfig {
    /// ISO 4217 code of every price, three letters (default `EUR`); reported as given, never
    /// converted.
    pub currency: String,
    /// IANA zone in which `now`, hours and dates are read (default `Europe/Paris`). The core
    /// does no zone conversion: callers pass `now` as a local time of this zone; a binding that
    /// fills `now` from the clock converts to it.
    pub time_zone: String,
    /// Country whose public holidays close locations and stop deliveries: `FR` (default) or
    /// `null` for none.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Country | null"))]
    pub country: Option<Country>,
    /// Further closed days, `YYYY-MM-DD` (regional holidays, a carrier strike...).
    pub holidays: Vec<String>,
    /// Hours of stores (unset fields: Monday to Saturday 10:00–19:00, cutoff 17:00, 2 h to prepare).
    #[serde(deserialize_with = "crate::json_object::object")]
    pub store: SiteHours,
    /// Hours of warehouses (unset fields: Monday to Friday 06:00–22:00, cutoff 14:00, 4 h to pick).
    #[serde(deserialize_with = "crate::json_object::object")]
    pub warehouse: SiteHours,
    /// Per-location hours by location id, over its kind's; unknown ids are ignored.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, SiteHours>"))]
    #[serde(deserialize_with = "crate::json_object::object_values")]
    pub locations: BTreeMap<String, SiteHours>,
    /// Home delivery service levels, in the order a checkout lists them (0 to 16; none: click &
    /// collect only).
    #[serde(deserialize_with = "crate::json_object::objects")]
    pub service_levels: Vec<ServiceLevel>,
    /// Click & collect.
    #[serde(deserialize_with = "crate::json_object::object")]
    pub click_and_collect: ClickAndCollect,
}

/// A country with a built-in public holiday calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Country {
    /// France: the 11 national public holidays (see [`super::calendar::french_holidays`]).
    #[serde(rename = "FR")]
    France,
}

/// When a location works and how long it takes to prepare an order. Hours are local, in hours
/// as numbers to the minute (`13.5` is 13:30).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SiteHours {
    /// Weekdays it works: prepares orders and hands parcels to the carrier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub open_days: Option<Vec<Weekday>>,
    /// Opening hour, in [0, 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub open_hour: Option<f64>,
    /// Closing hour, in [openHour + 1, 24] (a working day lasts at least an hour): the carrier
    /// collects what is ready by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub close_hour: Option<f64>,
    /// Orders placed after this hour, in [openHour, closeHour], wait for the next working day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cutoff_hour: Option<f64>,
    /// Working hours to pick and pack an order, in [0, 240].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub processing_hours: Option<f64>,
}

impl SiteHours {
    /// The built-in hours of a kind, used for every field left unset.
    ///
    /// * store: Monday to Saturday, 10:00–19:00, cutoff 17:00, 2 h to prepare (ship-from-store
    ///   and click & collect "ready in 2 h");
    /// * warehouse: Monday to Friday, 06:00–22:00 (two shifts), cutoff 14:00 for same-day
    ///   dispatch, 4 h to pick, pack and hand over.
    pub fn builtin(kind: LocationKind) -> SiteHours {
        match kind {
            LocationKind::Store => SiteHours {
                open_days: Some(weekdays(6)),
                open_hour: Some(10.0),
                close_hour: Some(19.0),
                cutoff_hour: Some(17.0),
                processing_hours: Some(2.0),
            },
            LocationKind::Warehouse => SiteHours {
                open_days: Some(weekdays(5)),
                open_hour: Some(6.0),
                close_hour: Some(22.0),
                cutoff_hour: Some(14.0),
                processing_hours: Some(4.0),
            },
        }
    }
}

fn weekdays(first: usize) -> Vec<Weekday> {
    Weekday::ALL.into_iter().take(first).collect()
}

/// A home delivery service level and its price rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceLevel {
    /// Unique id (`standard`, `express`, `next-day`...).
    pub id: String,
    /// Display name (default: the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub name: Option<String>,
    /// Price of the first parcel, in currency units, >= 0.
    pub base_price: f64,
    /// Carts worth at least this much (currency units) ship free, every parcel included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub free_above: Option<f64>,
    /// Added per parcel beyond the first, in currency units (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub extra_parcel_surcharge: Option<f64>,
    /// Transit times by distance from the shipping location, nearest band first (1 to 16
    /// bands). Only the last band may omit `maxKm`; locations beyond the last `maxKm` cannot
    /// ship this level.
    #[serde(deserialize_with = "crate::json_object::objects")]
    pub transit: Vec<TransitBand>,
    /// Weekdays the carrier delivers this level (default Monday to Friday; never on holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub delivery_days: Option<Vec<Weekday>>,
    /// At most this many parcels, an integer >= 1 (default unlimited; 1 means ship complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub max_shipments: Option<f64>,
    /// Offered only when every parcel can leave on the day of the order (default false): with a
    /// one-day band, this is next-day delivery, ordered before the locations' cutoffs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub same_day_dispatch: Option<bool>,
}

/// Transit time of parcels travelling up to `maxKm`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransitBand {
    /// Upper bound of the band, great-circle km from the shipping location (absent: no bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub max_km: Option<f64>,
    /// Fewest delivery days after dispatch, an integer in 0..=60 (0: delivered the same day).
    pub min_days: f64,
    /// Most delivery days after dispatch, an integer in minDays..=60.
    pub max_days: f64,
}

/// Click & collect: stores near the shopper that hold the cart, or that a warehouse can supply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClickAndCollect {
    /// Offered at all (default true).
    pub enabled: bool,
    /// Price in currency units (default 0).
    pub price: f64,
    /// Stores farther from the destination are not offered, in km (default 30).
    pub max_distance_km: f64,
    /// At most this many stores, nearest first, an integer in 1..=50 (default 3).
    pub max_stores: f64,
    /// Store working days a warehouse transfer takes after it leaves the warehouse, an integer
    /// in 0..=60 (default 2).
    pub transfer_days: f64,
}

impl Default for ClickAndCollect {
    fn default() -> Self {
        Self {
            enabled: true,
            price: 0.0,
            max_distance_km: 30.0,
            max_stores: 3.0,
            transfer_days: 2.0,
        }
    }
}

fn band(max_km: Option<f64>, min_days: f64, max_days: f64) -> TransitBand {
    TransitBand {
        max_km,
        min_days,
        max_days,
    }
}

impl Default for DeliveryConfig {
    /// The demo's French retail configuration:
    ///
    /// | level | price | free from | extra parcel | transit (delivery days) | delivers |
    /// |---|---|---|---|---|---|
    /// | `standard` | 3.99 € | 50 € | 1.50 € | ≤ 250 km: 2–3, ≤ 600 km: 2–4, beyond: 3–5 | Mon–Fri |
    /// | `express` | 9.99 € | 150 € | 2.50 € | ≤ 500 km: 1, beyond: 1–2 | Mon–Sat |
    /// | `next-day` | 14.99 € | — | — (one parcel) | ≤ 200 km: 1, leaves today | Mon–Sat |
    ///
    /// French public holidays; stores and warehouses on [`SiteHours::builtin`]; click & collect
    /// free within 30 km, 3 stores, transfers 2 store days.
    fn default() -> Self {
        let level = |id: &str, name: &str, base_price: f64| ServiceLevel {
            id: id.into(),
            name: Some(name.into()),
            base_price,
            free_above: None,
            extra_parcel_surcharge: None,
            transit: Vec::new(),
            delivery_days: None,
            max_shipments: None,
            same_day_dispatch: None,
        };
        let standard = ServiceLevel {
            free_above: Some(50.0),
            extra_parcel_surcharge: Some(1.5),
            transit: vec![
                band(Some(250.0), 2.0, 3.0),
                band(Some(600.0), 2.0, 4.0),
                band(None, 3.0, 5.0),
            ],
            delivery_days: Some(weekdays(5)),
            ..level("standard", "Livraison standard", 3.99)
        };
        let express = ServiceLevel {
            free_above: Some(150.0),
            extra_parcel_surcharge: Some(2.5),
            transit: vec![band(Some(500.0), 1.0, 1.0), band(None, 1.0, 2.0)],
            delivery_days: Some(weekdays(6)),
            ..level("express", "Livraison express", 9.99)
        };
        let next_day = ServiceLevel {
            transit: vec![band(Some(200.0), 1.0, 1.0)],
            delivery_days: Some(weekdays(6)),
            max_shipments: Some(1.0),
            same_day_dispatch: Some(true),
            ..level("next-day", "Livraison le lendemain", 14.99)
        };
        Self {
            currency: "EUR".into(),
            time_zone: "Europe/Paris".into(),
            country: Some(Country::France),
            holidays: Vec::new(),
            store: SiteHours::builtin(LocationKind::Store),
            warehouse: SiteHours::builtin(LocationKind::Warehouse),
            locations: BTreeMap::new(),
            service_levels: vec![standard, express, next_day],
            click_and_collect: ClickAndCollect::default(),
        }
    }
}
