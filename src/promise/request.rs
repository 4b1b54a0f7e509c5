//! The delivery-options request and its validation.

use serde::{Deserialize, Serialize};

use super::config::DeliveryConfig;
use super::time::Moment;
use super::PromiseError;
use crate::network::GeoPoint;
use crate::sourcing::{Cart, LineInput, ProfileRef, SourceRequest, SourcingError};

/// Earliest year of `now`.
pub const MIN_YEAR: i16 = 1970;
/// Latest year of `now`.
pub const MAX_YEAR: i16 = 9000;

/// `engine.deliveryOptions(request)`: what a checkout page offers for a cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryRequest {
    /// The cart, as for `engine.source` (a line's `unitPrice` counts towards the cart value).
    #[serde(deserialize_with = "crate::json_object::objects")]
    pub lines: Vec<LineInput>,
    /// Where the parcel goes (and around which click & collect stores are looked for).
    pub destination: GeoPoint,
    /// A registered profile's name, or a profile object, as for `engine.source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub profile: Option<ProfileRef>,
    /// The moment of the order, local time of the network (`YYYY-MM-DDTHH:MM`, in the
    /// configuration's `timeZone`). Every date is computed from it; the core reads no clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub now: Option<String>,
    /// Value of the cart in currency units, for the price rules. Default: the sum of
    /// `unitPrice × qty` over the lines (a line without `unitPrice` counts 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cart_value: Option<f64>,
    /// A delivery configuration for this request only, instead of the profile's `delivery` or the
    /// built-in default.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json_object::object_opt"
    )]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub delivery: Option<DeliveryConfig>,
    /// `quote` only: price the plan's `costlier` explanations (default true), as
    /// `SourceRequest.priceExplanations`. Service-level plans are never priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub price_explanations: Option<bool>,
    /// Click & collect at this store only: its offer, if it makes one, whatever the nearer
    /// stores (`clickAndCollect.maxStores` does not apply, `clickAndCollect.maxDistanceKm`
    /// does); none for an id that is no pickup location. For holding the store a shopper chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub pickup_at: Option<String>,
}

/// A request checked whole: cart, moment and cart value.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The cart, SKUs merged.
    pub cart: Cart,
    /// The moment of the order.
    pub now: Moment,
    /// The cart value in currency units.
    pub cart_value: f64,
}

impl DeliveryRequest {
    /// Decodes a JSON request. Field errors inside an inline profile are `invalid_profile`,
    /// inside a delivery configuration (`delivery`, `profile.delivery`) `invalid_delivery_config`,
    /// at a line's `qty` `invalid_quantity`, the others `invalid_input`; each names the field.
    pub fn from_json(json: &str) -> Result<Self, PromiseError> {
        crate::from_json(json).map_err(|e| {
            let under = |root: &str| {
                e.field == root
                    || e.field.starts_with(&format!("{root}."))
                    || e.field.starts_with(&format!("{root}["))
            };
            if under("profile") {
                PromiseError::Sourcing(SourcingError::in_profile(e))
            } else if crate::sourcing::request::is_line_qty(&e.field) {
                PromiseError::Sourcing(SourcingError::InvalidQuantity(e))
            } else if under("delivery") {
                PromiseError::InvalidConfig(e)
            } else {
                PromiseError::Invalid(e)
            }
        })
    }

    /// The same cart as a sourcing request (without the profile: it is resolved separately).
    pub fn to_source_request(&self) -> SourceRequest {
        SourceRequest {
            lines: self.lines.clone(),
            destination: self.destination,
            profile: None,
            price_explanations: None,
        }
    }

    /// Checks the lines and destination (as `engine.source` does), the moment and the prices.
    pub fn check(&self) -> Result<Checked, PromiseError> {
        let cart = self.to_source_request().cart()?;
        let now = match &self.now {
            None => {
                return Err(PromiseError::input(
                    "now",
                    "is required: the local time of the order, YYYY-MM-DDTHH:MM",
                ))
            }
            Some(s) => Moment::parse(s).map_err(|m| PromiseError::input("now", m))?,
        };
        // Far from the ends of the calendar, so that every promised date can be written.
        if !(MIN_YEAR..=MAX_YEAR).contains(&now.day().date().year()) {
            return Err(PromiseError::input(
                "now",
                format!("must be a date in the years {MIN_YEAR} to {MAX_YEAR}"),
            ));
        }
        // Unit prices were checked with the cart.
        let sum = self
            .lines
            .iter()
            .filter_map(|l| l.unit_price.map(|p| p * l.qty))
            .fold(0.0, |sum, v| sum + v);
        let cart_value = match self.cart_value {
            Some(v) if !(v.is_finite() && v >= 0.0) => {
                return Err(PromiseError::input(
                    "cartValue",
                    "must be a finite number >= 0",
                ))
            }
            Some(v) => v,
            // Summed in binary floating point, 16.99 + 18 + 15.01 is 49.999…: to the millionth
            // (below any currency's smallest unit), it is the 50.00 a "free from 50" rule means.
            None if sum.is_finite() => (sum * 1e6).round() / 1e6,
            None => return Err(PromiseError::input("lines", "the cart value overflows")),
        };
        Ok(Checked {
            cart,
            now,
            cart_value,
        })
    }
}
