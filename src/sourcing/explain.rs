//! Why the locations nearest to the destination do not ship.

use serde::{Deserialize, Serialize};

use super::problem::{eligibility, Ineligible};
use super::profile::Strategy;
use super::request::Cart;
use crate::inventory::{position_ats, Inventory};
use crate::network::{haversine_km, Network};

/// How many of the nearest locations a plan explains.
pub const EXPLAINED: usize = 10;

/// Why a location does not ship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The location is inactive.
    Inactive,
    /// The location does not ship parcels.
    NoShipping,
    /// The strategy excludes its kind.
    KindExcluded,
    /// The strategy lists other locations.
    NotListed,
    /// Beyond the strategy's `maxDistanceKm`.
    TooFar,
    /// Performance below the strategy's `minPerformance`.
    BelowPerformance,
    /// Its shipping capacity is used up.
    CapacityExhausted,
    /// It holds none of the cart's SKUs.
    OutOfStock,
    /// Eligible and in stock, but the chosen plan is cheaper without it.
    Costlier,
}

/// One location that does not ship, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Location id.
    pub location: String,
    /// Distance to the destination, km.
    pub distance_km: f64,
    /// Machine-readable reason.
    pub reason: Reason,
    /// Human-readable reason.
    pub message: String,
}

/// Explains the [`EXPLAINED`] locations nearest to the destination that are not in `used`
/// (location ids), under `strategy`.
pub fn explain(
    network: &Network,
    inventory: &Inventory,
    cart: &Cart,
    strategy: &Strategy,
    used: &[&str],
) -> Vec<Explanation> {
    let dest = cart.destination;
    let mut near: Vec<(f64, u32)> = network
        .all()
        .iter()
        .enumerate()
        .filter(|(_, l)| !used.contains(&l.id.as_str()))
        .map(|(i, l)| (haversine_km(dest, l.point()), i as u32))
        .collect();
    let by_distance = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if near.len() > EXPLAINED {
        near.select_nth_unstable_by(EXPLAINED - 1, by_distance);
        near.truncate(EXPLAINED);
    }
    crate::order::sort_by(&mut near, by_distance);
    let stocks: Vec<_> = cart
        .lines
        .iter()
        .map(|l| inventory.sku_index(&l.sku).and_then(|i| inventory.stock(i)))
        .collect();
    near.into_iter()
        .filter_map(|(d, i)| {
            let l = network.get(i)?;
            let (reason, message) = match eligibility(l, d, strategy) {
                Err(Ineligible::Inactive) => (Reason::Inactive, "inactive".to_string()),
                Err(Ineligible::NoShipping) => (Reason::NoShipping, "does not ship parcels".into()),
                Err(Ineligible::Kind) => (
                    Reason::KindExcluded,
                    format!("strategy `{}` excludes its kind", strategy.name),
                ),
                Err(Ineligible::NotListed) => (
                    Reason::NotListed,
                    format!("not listed by strategy `{}`", strategy.name),
                ),
                Err(Ineligible::TooFar) => (
                    Reason::TooFar,
                    format!(
                        "{d:.1} km away, beyond {} km",
                        strategy.max_distance_km.unwrap_or(f64::INFINITY)
                    ),
                ),
                Err(Ineligible::Performance) => (
                    Reason::BelowPerformance,
                    format!(
                        "performance {} below {}",
                        l.performance, strategy.min_performance
                    ),
                ),
                Ok(()) if l.capacity_units == Some(0) => (
                    Reason::CapacityExhausted,
                    "no shipping capacity left today".to_string(),
                ),
                Ok(()) => {
                    let held = stocks
                        .iter()
                        .filter(|s| {
                            s.and_then(|s| s.find(i).map(|k| position_ats(&s.get(k), l) > 0))
                                .unwrap_or(false)
                        })
                        .count();
                    if held == 0 {
                        let skus: Vec<&str> =
                            cart.lines.iter().take(3).map(|c| c.sku.as_str()).collect();
                        let more = if cart.lines.len() > 3 { ", …" } else { "" };
                        (
                            Reason::OutOfStock,
                            format!("out of stock for {}{more}", skus.join(", ")),
                        )
                    } else {
                        (
                            Reason::Costlier,
                            format!(
                                "holds {held} of {} lines; the plan is cheaper without it",
                                cart.lines.len()
                            ),
                        )
                    }
                }
            };
            Some(Explanation {
                location: l.id.clone(),
                distance_km: d,
                reason,
                message,
            })
        })
        .collect()
}
