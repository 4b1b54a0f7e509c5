//! Why the locations nearest to the destination do not ship, and, for those left out only on
//! cost, by how much a plan shipping from them would cost more.
//!
//! # Pricing `costlier` locations
//! The price of location `c` is `F − P`: `F` is the optimum of the same problem with `c` forced
//! to ship at least one unit, `P` the plan's cost. `c` ships at least one unit iff it ships a
//! unit of some line `j` it holds, so `F = min_j F_j`, where `F_j` solves the problem with one
//! unit of `j` split off into a line of its own that only `c` holds. Each `F_j` is an ordinary
//! problem for the exact optimiser, which needs no notion of forcing; it starts from the plan's
//! shipments plus `c` (when they can ship it), often close to its optimum. The work is
//! bounded deterministically: at most the strategy's `explainBudget` solves per plan (each
//! costs about as much as sourcing the cart again), sharing its `searchBudget` of nodes; a
//! location whose lines do not all fit is not priced. When a solve stops on its budget, its
//! certified lower bound makes `costlierBy` a lower bound (`costlierByExact: false`).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::optimizer::{self, Problem, Status};
use super::plan::Plan;
use super::problem::{eligibility, Ineligible, Sourcing};
use super::profile::Strategy;
use super::request::Cart;
use crate::inventory::{slot_ats, Inventory, SkuStock};
use crate::network::geo::EARTH_RADIUS_KM;
use crate::network::{GeoIndex, Network};

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
    /// Eligible and in stock, but no plan ships the whole cart (the plan is partial or
    /// unfulfillable): with the other locations' stock it still falls short, or the strategy
    /// allows too few shipments.
    Insufficient,
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
    /// For `costlier` in a complete plan: how much more, in currency units, the cheapest complete
    /// plan in which this location ships costs than this plan (0: as cheap, lost on the tie
    /// rule). Absent when no such plan exists (`maxShipments`) or it was not priced (see the
    /// message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub costlier_by: Option<f64>,
    /// True when `costlierBy` is proven exact; false when a search budget stopped the pricing
    /// first, and `costlierBy` is a proven lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub costlier_by_exact: Option<bool>,
}

/// Explains the [`EXPLAINED`] locations nearest to the destination that are not in `used`
/// (location ids), under `strategy`. `complete`: the plan ships the whole cart, so that a
/// location left out while in stock is `costlier`; otherwise it is `insufficient`.
pub fn explain(
    network: &Network,
    inventory: &Inventory,
    cart: &Cart,
    strategy: &Strategy,
    used: &[&str],
    complete: bool,
) -> Vec<Explanation> {
    let stocks = super::problem::stocks(inventory, cart);
    explain_from(network, &stocks, cart, strategy, used, complete)
}

/// [`explain`], with the cart lines' stocks already looked up ([`super::problem::stocks`]).
pub fn explain_from(
    network: &Network,
    stocks: &[Option<&SkuStock>],
    cart: &Cart,
    strategy: &Strategy,
    used: &[&str],
    complete: bool,
) -> Vec<Explanation> {
    explain_with(network, stocks, cart, strategy, used, complete, None)
}

/// [`explain_from`], reading the distances of the candidates of `built` (the cart's problem
/// under `strategy`, as [`super::problem::build_from`] gave it) rather than computing them again:
/// the same geo index and destination give the same distances, bit for bit.
pub(crate) fn explain_with(
    network: &Network,
    stocks: &[Option<&SkuStock>],
    cart: &Cart,
    strategy: &Strategy,
    used: &[&str],
    complete: bool,
    built: Option<&Sourcing>,
) -> Vec<Explanation> {
    let (index, origin) = (network.index(), GeoIndex::origin(cart.destination));
    let used: Vec<u32> = used.iter().filter_map(|id| network.lookup(id)).collect();
    // By distance, then index, as one integer per location (a distance is >= 0, and the bits of
    // non-negative floats order as the floats do): std's selection and sort compare integers
    // inline, where a comparison function is a call per comparison in the wasm build.
    let key = |d: f64, i: u32| u128::from(d.to_bits()) << 32 | u128::from(i);
    // The candidates' keys first (distances known); then every other location's, unless its
    // latitude alone puts it beyond the EXPLAINED nearest found so far: a haversine distance is
    // at least the radius times the difference of latitudes (in radians), which costs no sine
    // (the margin covers rounding many times over). Such a location cannot be among the
    // EXPLAINED nearest: it is left out (`FAR`).
    const FAR: u128 = u128::MAX;
    let mut near: Vec<u128> = vec![FAR; network.len()];
    let mut nearest = Nearest([FAR; EXPLAINED]);
    if let Some(b) = built {
        for (&loc, &d) in b.locations.iter().zip(&b.distances) {
            if let Some(k) = near.get_mut(loc as usize) {
                *k = key(d, loc);
                if !used.contains(&loc) {
                    nearest.note(*k);
                }
            }
        }
    }
    let lat = cart.destination.lat.to_radians();
    for (i, k) in near.iter_mut().enumerate() {
        let i = i as u32;
        if *k != FAR || used.contains(&i) {
            continue;
        }
        if let (Some(bound), Some(l)) = (nearest.farthest(), network.get(i)) {
            let least = EARTH_RADIUS_KM * (l.lat.to_radians() - lat).abs() * (1.0 - 1e-9);
            if least > bound {
                continue;
            }
        }
        *k = key(index.distance_km(i, &origin), i);
        nearest.note(*k);
    }
    near.retain(|&k| k != FAR && !used.contains(&(k as u32)));
    if near.len() > EXPLAINED {
        near.select_nth_unstable(EXPLAINED - 1);
        near.truncate(EXPLAINED);
    }
    near.sort_unstable();
    let near = near
        .into_iter()
        .map(|k| (f64::from_bits((k >> 32) as u64), k as u32));
    // The same for every location that holds none of the cart: written once.
    let mut out_of_stock: Option<String> = None;
    let mut out = Vec::with_capacity(near.len());
    out.extend(near.filter_map(|(d, i)| {
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
                // Lines it holds, and units of the cart it holds (a line short of units counts).
                let (held, units) = cart.lines.iter().zip(stocks).fold(
                    (0usize, 0u64),
                    |(held, units), (c, s)| {
                        let ats = s.and_then(|s| s.find(i).map(|k| slot_ats(s, k, l)));
                        let ats = ats.unwrap_or(0).max(0) as u64;
                        (held + usize::from(ats > 0), units + c.qty.min(ats))
                    },
                );
                if held == 0 {
                    let message = out_of_stock.get_or_insert_with(|| {
                        let skus: Vec<&str> =
                            cart.lines.iter().take(3).map(|c| c.sku.as_str()).collect();
                        let more = if cart.lines.len() > 3 { ", …" } else { "" };
                        format!("out of stock for {}{more}", skus.join(", "))
                    });
                    (Reason::OutOfStock, message.clone())
                } else if complete {
                    // Written into a string of its final size (`format!` would grow one).
                    let mut message = String::with_capacity(32 + CHEAPER.len());
                    let _ = write!(message, "holds {held} of {} lines; ", cart.lines.len());
                    message.push_str(CHEAPER);
                    (Reason::Costlier, message)
                } else {
                    let total: u64 = cart.lines.iter().map(|c| c.qty).sum();
                    // Units it holds but may not send today are what a planner needs to hear.
                    let cap = match l.capacity_units {
                        Some(c) if u64::from(c) < units => format!(", can ship {c} today"),
                        _ => String::new(),
                    };
                    (
                        Reason::Insufficient,
                        format!(
                            "holds {units} of {total} units{cap}; no plan under strategy `{}` ships the whole cart",
                            strategy.name
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
            costlier_by: None,
            costlier_by_exact: None,
        })
    }));
    out
}

const CHEAPER: &str = "the plan is cheaper without it";

/// The [`EXPLAINED`] smallest location keys seen (distance bits, then index), ascending.
struct Nearest([u128; EXPLAINED]);

impl Nearest {
    fn note(&mut self, k: u128) {
        let t = &mut self.0;
        if k >= t[EXPLAINED - 1] {
            return;
        }
        let mut p = EXPLAINED - 1;
        while p > 0 && t[p - 1] > k {
            t[p] = t[p - 1];
            p -= 1;
        }
        t[p] = k;
    }

    /// The distance of the last of them, once there are as many.
    fn farthest(&self) -> Option<f64> {
        let k = self.0[EXPLAINED - 1];
        (k != u128::MAX).then(|| f64::from_bits((k >> 32) as u64))
    }
}

/// What the forced solves of one location established.
struct Forced {
    /// Proven lower bound on the cost of the best plan in which the location ships.
    low: f64,
    /// Cost of the best such plan found (`+inf`: none found).
    high: f64,
    /// Every solve ran to the end.
    proven: bool,
}

/// Sets `costlierBy` on the `costlier` explanations of the complete `plan`, computed on
/// `sourcing` under `strategy` (see the module documentation).
pub(crate) fn price(plan: &mut Plan, network: &Network, sourcing: &Sourcing, strategy: &Strategy) {
    // Pricing turned off (`explainBudget: 0`, `priceExplanations: false`): the reasons alone.
    if plan.status != Status::Complete || strategy.explain_budget == 0 {
        return;
    }
    let (cost, lower_bound) = (plan.total_cost, plan.lower_bound);
    let problem = &sourcing.problem;
    // The locations to price, nearest first, each with the lines it holds, within the cap.
    let mut work: Vec<(usize, usize, Vec<u32>)> = Vec::new();
    let mut skipped = Vec::new();
    let mut solves = 0;
    for (e, x) in plan.explanations.iter().enumerate() {
        if x.reason != Reason::Costlier {
            continue;
        }
        let Some(c) = network
            .lookup(&x.location)
            .and_then(|i| sourcing.locations.iter().position(|&l| l == i))
        else {
            continue;
        };
        let Some(candidate) = problem.candidates.get(c) else {
            continue;
        };
        // The lines it holds, once each (in stock order: no sort to ship in the wasm).
        let mut lines: Vec<u32> = Vec::new();
        for &(j, units) in &candidate.stock {
            if units > 0 && (j as usize) < problem.demand.len() && !lines.contains(&j) {
                lines.push(j);
            }
        }
        if !lines.is_empty() && solves + lines.len() <= strategy.explain_budget {
            solves += lines.len();
            work.push((e, c, lines));
        } else {
            skipped.push(e);
        }
    }
    for e in skipped {
        if let Some(x) = plan.explanations.get_mut(e) {
            x.message = format!(
                "{}{CHEAPER} (not priced: explainBudget spent)",
                head(&x.message)
            );
        }
    }
    // The plan's own candidates: with the priced location, a first plan for its forced solves.
    let shipping: Vec<usize> = plan
        .shipments
        .iter()
        .filter_map(|s| network.lookup(&s.location))
        .filter_map(|i| sourcing.locations.iter().position(|&l| l == i))
        .collect();
    let tol = optimizer::cost_tolerance(problem);
    let mut nodes = strategy.search_budget.max(1);
    let mut start = Vec::new();
    for (e, c, lines) in work {
        let mut forced = Forced {
            low: f64::INFINITY,
            high: f64::INFINITY,
            proven: true,
        };
        for j in lines {
            let mut p = forced_problem(problem, c, j);
            p.budget = (nodes / solves as u64).max(1);
            start.clear();
            start.extend_from_slice(&shipping);
            start.push(c);
            let s = optimizer::solve_from(&p, &start);
            nodes = nodes.saturating_sub(s.nodes);
            solves -= 1;
            // Forcing restricts the problem: the plan's own bound holds for it.
            let (low, high) = match s.status {
                Status::Complete => (s.lower_bound.max(lower_bound), s.cost),
                _ if s.optimal => (f64::INFINITY, f64::INFINITY),
                _ => (lower_bound, f64::INFINITY),
            };
            forced.low = forced.low.min(low);
            forced.high = forced.high.min(high);
            forced.proven &= s.optimal;
        }
        if let Some(x) = plan.explanations.get_mut(e) {
            describe(x, &forced, cost, problem.max_shipments, tol);
        }
    }
}

/// `problem` where candidate `c` must ship a unit of line `j`: that unit becomes a line of its
/// own that only `c` holds (when `j` wants a single unit, `j` itself becomes `c`'s alone).
fn forced_problem(problem: &Problem, c: usize, j: u32) -> Problem {
    let mut p = problem.clone();
    p.allow_partial = false;
    let Some(&q) = p.demand.get(j as usize) else {
        return p;
    };
    if q <= 1 {
        for (k, cand) in p.candidates.iter_mut().enumerate() {
            if k != c {
                cand.stock.retain(|s| s.0 != j);
            }
        }
        return p;
    }
    p.demand[j as usize] = q - 1;
    let split = p.demand.len() as u32;
    p.demand.push(1);
    if let Some(cand) = p.candidates.get_mut(c) {
        if let Some(s) = cand.stock.iter_mut().find(|s| s.0 == j && s.1 > 0) {
            s.1 -= 1;
        }
        cand.stock.retain(|s| s.1 > 0);
        cand.stock.push((split, 1));
    }
    p
}

/// "holds 2 of 3 lines; " from an unpriced `costlier` message.
fn head(message: &str) -> &str {
    message.find("; ").map_or("", |k| &message[..k + 2])
}

fn describe(x: &mut Explanation, f: &Forced, cost: f64, max_shipments: Option<u32>, tol: f64) {
    let head = head(&x.message).to_string();
    if f.low == f64::INFINITY {
        // Every solve proved that no complete plan ships from it.
        let k = max_shipments.map_or_else(String::new, |k| {
            format!(" of at most {k} parcel{}", if k == 1 { "" } else { "s" })
        });
        x.message = format!("{head}no complete plan{k} ships from it");
        return;
    }
    let mut exact = f.high.is_finite() && (f.proven || f.high - f.low <= tol);
    let mut by = if exact { f.high } else { f.low } - cost;
    if by.abs() <= tol {
        by = 0.0;
    } else if by < 0.0 {
        // Cheaper than this plan, which the plan's own budget did not prove optimal.
        by = 0.0;
        exact = false;
    }
    if !exact && by == 0.0 {
        x.message = format!("{head}{CHEAPER} (not priced: search budget reached)");
        return;
    }
    x.costlier_by = Some(by);
    x.costlier_by_exact = Some(exact);
    x.message = if !exact {
        format!("{head}shipping from it would cost at least {by:.2} more (search budget reached)")
    } else if by == 0.0 {
        format!("{head}a plan shipping from it costs as much; ties go to fewer parcels, then location ids")
    } else {
        format!("{head}shipping from it would cost {by:.2} more")
    };
}
