//! From the network, the inventory, a cart and a strategy to the optimiser's pure problem: the
//! eligible locations with their costs under the contract's model, capacities and stock.

use super::optimizer::{Candidate, Problem};
use super::profile::Strategy;
use super::request::Cart;
use crate::inventory::{slot_ats, Inventory, SkuStock};
use crate::network::{GeoIndex, Location, Network};

/// Why a location cannot ship under a strategy (before stock is considered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    /// The location is inactive.
    Inactive,
    /// The location does not ship parcels.
    NoShipping,
    /// Its kind is not allowed.
    Kind,
    /// It is not in the strategy's explicit list.
    NotListed,
    /// Farther than `maxDistanceKm`.
    TooFar,
    /// Performance below `minPerformance`.
    Performance,
}

/// Whether location `l`, `d` km from the destination, may ship under `s`.
pub fn eligibility(l: &Location, d: f64, s: &Strategy) -> Result<(), Ineligible> {
    check(l, d, s, false)
}

/// [`eligibility`]; `listed`: `l` was taken from the strategy's explicit list, whose check
/// (comparing its id with the list's) is then skipped.
fn check(l: &Location, d: f64, s: &Strategy, listed: bool) -> Result<(), Ineligible> {
    if !l.active {
        Err(Ineligible::Inactive)
    } else if !l.ship {
        Err(Ineligible::NoShipping)
    } else if !s.allows(l.kind) {
        Err(Ineligible::Kind)
    } else if !listed && !s.lists(&l.id) {
        Err(Ineligible::NotListed)
    } else if s.max_distance_km.is_some_and(|m| d > m) {
        Err(Ineligible::TooFar)
    } else if l.performance < s.min_performance {
        Err(Ineligible::Performance)
    } else {
        Ok(())
    }
}

/// Fixed cost of a parcel from `l` at `d` km (contract formula, plus the rank cost extension).
pub fn shipment_cost(l: &Location, d: f64, s: &Strategy) -> f64 {
    l.cost_per_shipment
        + s.cost_per_shipment
        + s.cost_per_km * d
        + s.performance_penalty * (1.0 - l.performance)
        + s.rank_cost(&l.id)
}

/// Cost of each unit shipped from `l` at `d` km.
pub fn unit_cost(l: &Location, d: f64, s: &Strategy) -> f64 {
    l.cost_per_unit + s.cost_per_unit_km * d
}

/// A pure problem and the way back to locations.
#[derive(Debug, Clone)]
pub struct Sourcing {
    /// The optimiser's input.
    pub problem: Problem,
    /// Location index of each candidate.
    pub locations: Vec<u32>,
    /// Distance of each candidate from the destination, km.
    pub distances: Vec<f64>,
}

const NONE: u32 = u32::MAX;

/// Room for `n` candidates in `out`: at most as many as the locations scanned, so that the
/// vectors do not grow (and copy) candidate by candidate.
fn reserve(out: &mut Sourcing, n: usize) {
    out.problem.candidates.reserve_exact(n);
    out.locations.reserve_exact(n);
    out.distances.reserve_exact(n);
}

/// The stock of each cart line's SKU (`None`: never stocked), looked up once per cart and
/// shared by every strategy and explanation.
pub fn stocks<'a>(inventory: &'a Inventory, cart: &Cart) -> Vec<Option<&'a SkuStock>> {
    cart.lines
        .iter()
        .map(|l| inventory.sku_index(&l.sku).and_then(|i| inventory.stock(i)))
        .collect()
}

/// Builds the problem of `cart` under `strategy`. Only locations holding ATS of some cart SKU
/// become candidates. With `maxDistanceKm`, the geo index limits the scan to the radius.
pub fn build(
    network: &Network,
    inventory: &Inventory,
    cart: &Cart,
    strategy: &Strategy,
) -> Sourcing {
    build_from(network, &stocks(inventory, cart), cart, strategy)
}

/// [`build`], with the cart lines' [`stocks`] already looked up.
pub fn build_from(
    network: &Network,
    stocks: &[Option<&SkuStock>],
    cart: &Cart,
    strategy: &Strategy,
) -> Sourcing {
    let demand: Vec<u64> = cart.lines.iter().map(|l| l.qty).collect();
    let mut out = Sourcing {
        problem: Problem {
            demand,
            candidates: Vec::new(),
            max_shipments: strategy.max_shipments,
            allow_partial: strategy.allow_partial,
            budget: strategy.search_budget,
        },
        locations: Vec::new(),
        distances: Vec::new(),
    };
    let dest = cart.destination;
    let (index, origin) = (network.index(), GeoIndex::origin(dest));
    // Candidate index per location: NONE = not seen, NONE - 1 = ineligible.
    let mut slot = vec![NONE; network.len()];
    // `listed`: the location comes from the strategy's own list, which it then passes.
    let add = |out: &mut Sourcing, loc: u32, d: f64, listed: bool| -> Option<usize> {
        let l = network.get(loc)?;
        if check(l, d, strategy, listed).is_err() || l.capacity_units == Some(0) {
            return None;
        }
        out.problem.candidates.push(Candidate {
            fixed: shipment_cost(l, d, strategy),
            unit: unit_cost(l, d, strategy),
            capacity: l.capacity_units.map(u64::from),
            // Room for every line: no copy as the stock is filled line by line.
            stock: Vec::with_capacity(out.problem.demand.len()),
            key: 0,
        });
        out.locations.push(loc);
        out.distances.push(d);
        Some(out.problem.candidates.len() - 1)
    };
    let listed = strategy.locations.is_some();
    let explicit: Option<Vec<(u32, f64)>> = match (&strategy.locations, strategy.max_distance_km) {
        (Some(ids), _) => Some(
            ids.iter()
                .filter_map(|id| network.lookup(id))
                .map(|i| (i, index.distance_km(i, &origin)))
                .collect(),
        ),
        (None, Some(r)) => Some(network.index().within(dest, Some(r))),
        (None, None) => None,
    };
    if let Some(near) = explicit {
        reserve(&mut out, near.len());
        // Few locations: look each cart SKU up at each of them.
        for (loc, d) in near {
            let Some(l) = network.get(loc) else { continue };
            let mut held = Vec::new();
            for (j, s) in stocks.iter().enumerate() {
                let Some(s) = s else { continue };
                if let Some(k) = s.find(loc) {
                    let ats = slot_ats(s, k, l);
                    if ats > 0 {
                        if held.is_empty() {
                            held.reserve_exact(stocks.len());
                        }
                        held.push((j as u32, (ats as u64).min(out.problem.demand[j])));
                    }
                }
            }
            if held.is_empty() {
                continue;
            }
            if let Some(c) = add(&mut out, loc, d, listed) {
                out.problem.candidates[c].stock = held;
            }
        }
    } else {
        let positions = stocks.iter().flatten().map(|s| s.len()).sum::<usize>();
        reserve(&mut out, positions.min(network.len()));
        // Every location may do: walk each cart SKU's positions.
        for (j, s) in stocks.iter().enumerate() {
            let Some(s) = s else { continue };
            for (k, loc) in s.positions() {
                let Some(l) = network.get(loc) else { continue };
                let ats = slot_ats(s, k, l);
                if ats <= 0 {
                    continue;
                }
                let c = match slot[loc as usize] {
                    NONE => {
                        let d = index.distance_km(loc, &origin);
                        match add(&mut out, loc, d, false) {
                            Some(c) => {
                                slot[loc as usize] = c as u32;
                                c
                            }
                            None => {
                                slot[loc as usize] = NONE - 1;
                                continue;
                            }
                        }
                    }
                    c if c == NONE - 1 => continue,
                    c => c as usize,
                };
                let q = out.problem.demand[j];
                out.problem.candidates[c]
                    .stock
                    .push((j as u32, (ats as u64).min(q)));
            }
        }
    }
    // Tie-break keys: candidates in location-id order (ids are unique: ranks never tie).
    // `u128`: the integer type the optimiser sorts, so that std's sort is instantiated once in
    // the wasm build.
    let mut order: Vec<u128> = out
        .locations
        .iter()
        .enumerate()
        .map(|(c, &loc)| u128::from(network.id_rank(loc)) << 32 | c as u128)
        .collect();
    order.sort_unstable();
    for (k, &e) in order.iter().enumerate() {
        if let Some(c) = out.problem.candidates.get_mut(e as u32 as usize) {
            c.key = k as u32;
        }
    }
    out
}
