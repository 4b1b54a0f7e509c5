//! The sourcing plan, as the contract shapes it, and its assembly from the optimiser's solution.

use serde::{Deserialize, Serialize};

use super::optimizer::Solution;
pub use super::optimizer::Status;
use super::problem::Sourcing;
use super::request::Cart;
use crate::network::Network;

/// The answer of `engine.source`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// `complete`, `partial` or `unfulfillable`.
    pub status: Status,
    /// Sum of the shipments' costs, in currency units.
    pub total_cost: f64,
    /// True when the plan is proven to be the one the contract asks for: of minimum cost, ties
    /// settled by the tie rule (for a partial plan: proven to ship the most units, then at minimum
    /// cost; for an unfulfillable one: proven that nothing ships). False when the search budget
    /// ran out first; `lowerBound == totalCost` then means the cost is proven but not the tie.
    pub optimal: bool,
    /// Proven lower bound on the cost of the best plan: `totalCost` when optimal, below it when
    /// the search budget stopped the optimiser (the gap is certified).
    pub lower_bound: f64,
    /// One parcel per shipping location, by location id.
    pub shipments: Vec<Shipment>,
    /// Units no location ships, in cart order.
    pub unfulfilled: Vec<PlanLine>,
    /// Name of the strategy that produced the plan (absent when none could ship anything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub strategy: Option<String>,
    /// Why the locations nearest to the destination do not ship.
    pub explanations: Vec<super::explain::Explanation>,
    /// Branch-and-bound nodes explored, all strategies together (a measure of work; the solves
    /// that price `costlier` explanations are not counted).
    pub search_nodes: u64,
}

/// One parcel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    /// Location id.
    pub location: String,
    /// Great-circle distance to the destination, km.
    pub distance_km: f64,
    /// Cost of this parcel under the contract's cost model, in currency units.
    pub cost: f64,
    /// What it carries, in cart order.
    pub lines: Vec<PlanLine>,
}

/// Units of one SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PlanLine {
    /// The SKU.
    pub sku: String,
    /// Units.
    pub qty: u64,
}

/// Assembles the plan of `solution` (computed on `sourcing`) for `cart`.
pub(crate) fn assemble(
    network: &Network,
    cart: &Cart,
    sourcing: &Sourcing,
    solution: &Solution,
    strategy: Option<String>,
) -> Plan {
    let line = |j: u32, qty: u64| PlanLine {
        sku: cart
            .lines
            .get(j as usize)
            .map_or_else(String::new, |l| l.sku.clone()),
        qty,
    };
    let mut shipments: Vec<Shipment> = solution
        .shipments
        .iter()
        .map(|s| Shipment {
            location: network
                .get(sourcing.locations[s.candidate])
                .map_or_else(String::new, |l| l.id.clone()),
            distance_km: sourcing.distances[s.candidate],
            cost: s.cost,
            lines: s.lines.iter().map(|&(j, q)| line(j, q)).collect(),
        })
        .collect();
    crate::order::sort_by(&mut shipments, |a, b| a.location.cmp(&b.location));
    // From +0: std's float sum starts at -0, which an empty plan would report (JS tells -0 from
    // 0, and JSON writes it "-0.0"); any other sum is the same.
    let total_cost = shipments.iter().fold(0.0, |sum, s| sum + s.cost);
    let lower_bound = if solution.optimal {
        total_cost
    } else {
        solution.lower_bound.min(total_cost)
    };
    Plan {
        status: solution.status,
        total_cost,
        optimal: solution.optimal,
        lower_bound,
        shipments,
        unfulfilled: solution
            .unfulfilled
            .iter()
            .map(|&(j, q)| line(j, q))
            .collect(),
        strategy,
        explanations: Vec::new(),
        search_nodes: solution.nodes,
    }
}
