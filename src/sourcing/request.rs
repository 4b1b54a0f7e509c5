//! The sourcing request and its validation into a cart.

use std::fmt;

use crate::FxHashMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::profile::Profile;
use super::SourcingError;
use crate::network::GeoPoint;
use crate::InputError;

/// Most lines a cart may have (before merging lines of the same SKU).
pub const MAX_LINES: usize = 1_000;
/// Most units a cart may ask for, all lines together.
pub const MAX_UNITS: u64 = 1_000_000_000;

/// `engine.source(request)`: what to ship, where, and under which profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceRequest {
    /// The cart. Lines with the same SKU are merged.
    #[serde(deserialize_with = "crate::json_object::objects")]
    pub lines: Vec<LineInput>,
    /// Where the parcel goes.
    pub destination: GeoPoint,
    /// A registered profile's name, or a profile object. Without it, the profile registered as
    /// `"default"` applies, else the contract's defaults (every location, no carrier cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub profile: Option<ProfileRef>,
    /// Price the plan's `costlier` explanations (`costlierBy`) within the profile's
    /// `explainBudget` (default true). Callers that only act on the plan, such as a reservation,
    /// set it to false and skip those extra optimiser runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub price_explanations: Option<bool>,
}

/// One cart line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LineInput {
    /// The SKU (non-empty).
    pub sku: String,
    /// Units wanted: an integer in `1..=1e9` (0 is refused: drop the line instead).
    pub qty: f64,
    /// Price of one unit in currency units, a finite number >= 0: what `deliveryOptions` and
    /// `quote` add up to the cart value. Sourcing checks it and leaves it aside, so that one
    /// cart's lines serve every call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub unit_price: Option<f64>,
}

/// A profile given by name or inline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(untagged)]
pub enum ProfileRef {
    /// A profile registered with `setProfile`.
    Name(String),
    /// A profile for this request only.
    Inline(Box<Profile>),
}

// Hand-written so that a bad field inside an inline profile is reported with its path
// (an untagged enum would only say "did not match any variant").
impl<'de> Deserialize<'de> for ProfileRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ProfileRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a profile name or a profile object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ProfileRef::Name(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(ProfileRef::Name(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Profile::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|p| ProfileRef::Inline(Box::new(p)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A validated cart line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    /// The SKU.
    pub sku: String,
    /// Units, >= 1.
    pub qty: u64,
}

/// A validated request: SKUs merged in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Cart {
    /// Distinct SKUs with their units.
    pub lines: Vec<CartLine>,
    /// Where the parcel goes.
    pub destination: GeoPoint,
}

impl Cart {
    /// Units in all.
    pub fn units(&self) -> u64 {
        self.lines.iter().map(|l| l.qty).sum()
    }
}

/// True for the path of a cart line's quantity (`lines[2].qty`): a bad value there is
/// `invalid_quantity`, whatever makes it bad (a fraction, 0, a string, NaN).
pub(crate) fn is_line_qty(field: &str) -> bool {
    field.starts_with("lines[") && field.ends_with("].qty")
}

impl SourceRequest {
    /// Decodes a JSON request. Field errors inside an inline profile are `invalid_profile`
    /// (`invalid_delivery_config` in its `delivery`), at a line's `qty` `invalid_quantity`, the
    /// others `invalid_input`; each names the
    /// field.
    pub fn from_json(json: &str) -> Result<Self, SourcingError> {
        crate::from_json(json).map_err(|e| {
            if e.field == "profile" || e.field.starts_with("profile.") {
                SourcingError::in_profile(e)
            } else if is_line_qty(&e.field) {
                SourcingError::InvalidQuantity(e)
            } else {
                SourcingError::Invalid(e)
            }
        })
    }

    /// Checks the lines and the destination and merges lines of the same SKU.
    pub fn cart(&self) -> Result<Cart, SourcingError> {
        if self.lines.len() > MAX_LINES {
            return Err(SourcingError::CartTooLarge(InputError::new(
                "lines",
                format!("{} lines, at most {MAX_LINES} allowed", self.lines.len()),
            )));
        }
        if self.lines.is_empty() {
            return Err(SourcingError::Invalid(InputError::new(
                "lines",
                "must not be empty",
            )));
        }
        self.destination
            .validate("destination")
            .map_err(SourcingError::Invalid)?;
        let mut lines: Vec<CartLine> = Vec::with_capacity(self.lines.len());
        let mut at: FxHashMap<&str, usize> = FxHashMap::default();
        let mut units = 0u64;
        for (i, line) in self.lines.iter().enumerate() {
            if line.sku.is_empty() {
                return Err(SourcingError::Invalid(InputError::new(
                    format!("lines[{i}].sku"),
                    "must not be empty",
                )));
            }
            let q = line.qty;
            if !(q.is_finite() && q.fract() == 0.0 && q >= 1.0 && q <= MAX_UNITS as f64) {
                return Err(SourcingError::InvalidQuantity(InputError::new(
                    format!("lines[{i}].qty"),
                    format!("must be an integer in 1..={MAX_UNITS}, got {q}"),
                )));
            }
            if let Some(p) = line.unit_price {
                if !(p.is_finite() && p >= 0.0) {
                    return Err(SourcingError::Invalid(InputError::new(
                        format!("lines[{i}].unitPrice"),
                        "must be a finite number >= 0",
                    )));
                }
            }
            let q = q as u64;
            units += q;
            if units > MAX_UNITS {
                return Err(SourcingError::CartTooLarge(InputError::new(
                    "lines",
                    format!("more than {MAX_UNITS} units"),
                )));
            }
            match at.get(line.sku.as_str()) {
                Some(&k) => lines[k].qty += q,
                None => {
                    at.insert(&line.sku, lines.len());
                    lines.push(CartLine {
                        sku: line.sku.clone(),
                        qty: q,
                    });
                }
            }
        }
        Ok(Cart {
            lines,
            destination: self.destination,
        })
    }
}
