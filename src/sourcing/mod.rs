//! Sourcing: choosing which locations ship which units of an order.
//!
//! [`source`] is the entry point: it validates the [`SourceRequest`], resolves its profile into
//! [`Strategy`]s and, strategy by strategy, builds the pure problem ([`problem`]) and solves it
//! exactly ([`optimizer`]). The [`Plan`] reports the strategy that fired, the proven lower bound and
//! why the nearest unused locations do not ship, pricing those left out on cost ([`explain`]).
//!
//! # Cost model (contract, normative)
//! A shipment from location `l` at great-circle distance `d` carrying `u` units costs
//! `l.costPerShipment + p.costPerShipment + p.costPerKm·d + p.performancePenalty·(1 − l.performance)
//! plus u·(l.costPerUnit + p.costPerUnitKm·d)`, plus the extension `p.costPerRank·(rank − 1)` when
//! the profile ranks locations. The plan minimises the total over complete plans; ties break by
//! fewer shipments, then by the lexicographically smaller sorted list of location ids.
//!
//! # Input rules
//! Quantities are integers in `1..=1e9` (`invalid_quantity`; a 0 line is refused, not ignored, so
//! that a client bug is seen). At most [`MAX_LINES`] lines and [`MAX_UNITS`] units
//! (`cart_too_large`). An empty cart or a bad destination is `invalid_input`. Lines of the same SKU
//! are merged. A SKU the inventory never saw simply has no stock.

mod error;
pub mod explain;
pub mod optimizer;
pub mod packed;
pub mod plan;
pub mod problem;
pub mod profile;
mod profiles;
pub mod request;
pub mod reserve;

pub use error::SourcingError;
pub use explain::{Explanation, Reason};
pub use packed::PackedPlan;
pub use plan::{Plan, PlanLine, Shipment, Status};
pub use profile::{Profile, Strategy};
pub use profiles::Profiles;
pub use request::{Cart, CartLine, LineInput, ProfileRef, SourceRequest, MAX_LINES, MAX_UNITS};
pub use reserve::{parcel_events, plan_events, Hold, Parcel, PlanParcels};

use crate::inventory::{Inventory, SkuStock};
use crate::network::Network;

/// Sources `request` over `network` and `inventory`, with `profiles` resolving a profile name.
///
/// Strategies are tried in order; the first that ships the whole cart wins. When none does, the
/// strategies with `allowPartial` each find their best partial plan, and the one shipping the
/// most units wins (the earliest of those shipping as many); otherwise the plan is
/// `unfulfillable`.
pub fn source(
    network: &Network,
    inventory: &Inventory,
    profiles: &Profiles,
    request: &SourceRequest,
) -> Result<Plan, SourcingError> {
    let cart = request.cart()?;
    let strategies =
        profiles.resolve_priced(request.profile.as_ref(), request.price_explanations)?;
    Ok(source_cart(network, inventory, &cart, &strategies))
}

/// Sources a validated cart under resolved strategies (at least one; none gives an
/// unfulfillable plan).
pub fn source_cart(
    network: &Network,
    inventory: &Inventory,
    cart: &Cart,
    strategies: &[Strategy],
) -> Plan {
    let stocks = problem::stocks(inventory, cart);
    let (mut built, mut nodes) = match complete_pass(network, &stocks, cart, strategies, false) {
        Ok(plan) => return plan,
        Err(failed) => failed,
    };
    // The partial plan that ships the most units, whichever strategy allows it; between
    // strategies shipping as many, the earlier (their costs are priced differently).
    let mut best: Option<(usize, optimizer::Solution, u64)> = None;
    // Whether every strategy proved that nothing better than "unfulfillable" exists: a
    // complete plan for all, and any unit at all for those allowing partial plans.
    let mut proven = true;
    for (k, (s, sourcing, complete)) in built.iter_mut().enumerate() {
        if !s.allow_partial {
            proven &= complete.optimal;
            continue;
        }
        sourcing.problem.allow_partial = true;
        let solution = optimizer::solve_partial(&sourcing.problem, complete.optimal);
        nodes += solution.nodes;
        proven &= solution.optimal;
        let short: u64 = solution.unfulfilled.iter().map(|u| u.1).sum();
        // A search cut short by its budget may find a complete plan here after all.
        if solution.status != Status::Unfulfillable && best.as_ref().is_none_or(|b| short < b.2) {
            best = Some((k, solution, short));
        }
    }
    if let Some((k, solution, _)) = best {
        if let Some((s, sourcing, _)) = built.get(k) {
            return finish(network, &stocks, cart, s, sourcing, &solution, nodes);
        }
    }
    let (plan_of, explained_by) = match built.last() {
        Some((s, sourcing, solution)) => (
            plan::assemble(network, cart, sourcing, solution, None),
            Some((*s, sourcing)),
        ),
        None => {
            let empty = problem::build_from(network, &stocks, cart, &Strategy::default());
            let solution = optimizer::solve(&optimizer::Problem {
                candidates: Vec::new(),
                ..empty.problem.clone()
            });
            (plan::assemble(network, cart, &empty, &solution, None), None)
        }
    };
    let mut plan = plan_of;
    plan.search_nodes = nodes;
    // Unfulfillable is proven only if every strategy proved it.
    plan.optimal = proven;
    if let Some((s, sourcing)) = explained_by {
        plan.explanations =
            explain::explain_with(network, &stocks, cart, s, &[], false, Some(sourcing));
    }
    plan
}

/// The plan of `cart` when some strategy ships it whole, as [`source_cart`] gives it; `None`
/// otherwise, without assembling and explaining a plan that is not complete (a delivery level
/// offers complete plans only). `stocks` are the cart lines' ([`problem::stocks`]).
pub fn source_complete(
    network: &Network,
    stocks: &[Option<&SkuStock>],
    cart: &Cart,
    strategies: &[Strategy],
) -> Option<Plan> {
    complete_pass(network, stocks, cart, strategies, true).ok()
}

/// A failed strategy: its problem and solution, kept for the partial pass.
type Failed<'s> = (&'s Strategy, problem::Sourcing, optimizer::Solution);

/// The first pass of [`source_cart`]: the plan of the first strategy that ships the whole cart,
/// or every strategy's failed attempt and the nodes they searched. `complete_only`: the failed
/// attempts are not wanted, and a problem that [`may_complete`] rules out is not solved.
fn complete_pass<'s>(
    network: &Network,
    stocks: &[Option<&SkuStock>],
    cart: &Cart,
    strategies: &'s [Strategy],
    complete_only: bool,
) -> Result<Plan, (Vec<Failed<'s>>, u64)> {
    let mut nodes = 0u64;
    let mut built = Vec::with_capacity(strategies.len());
    for s in strategies {
        let mut sourcing = problem::build_from(network, stocks, cart, s);
        sourcing.problem.allow_partial = false;
        if complete_only && !may_complete(&sourcing.problem) {
            continue;
        }
        let solution = optimizer::solve(&sourcing.problem);
        nodes += solution.nodes;
        if solution.status == Status::Complete {
            return Ok(finish(
                network, stocks, cart, s, &sourcing, &solution, nodes,
            ));
        }
        built.push((s, sourcing, solution));
    }
    Err((built, nodes))
}

/// False when `p` certainly has no complete plan, by a check far cheaper than the search: with
/// one shipment at most (a next-day level), some candidate must hold every unit alone. The
/// search proves the same without a node (so skipping it changes no count), but only after
/// building its flows and bounds.
fn may_complete(p: &optimizer::Problem) -> bool {
    let total: u64 = p.demand.iter().sum();
    // Stock entries are clipped to the demand, one per line: they sum to the total iff they
    // cover every line.
    p.max_shipments != Some(1)
        || p.candidates.iter().any(|c| {
            c.capacity.is_none_or(|u| u >= total)
                && c.stock.iter().map(|&(_, u)| u).sum::<u64>() == total
        })
}

fn finish(
    network: &Network,
    stocks: &[Option<&SkuStock>],
    cart: &Cart,
    strategy: &Strategy,
    sourcing: &problem::Sourcing,
    solution: &optimizer::Solution,
    nodes: u64,
) -> Plan {
    let mut plan = plan::assemble(
        network,
        cart,
        sourcing,
        solution,
        Some(strategy.name.clone()),
    );
    plan.search_nodes = nodes;
    let used: Vec<&str> = plan.shipments.iter().map(|s| s.location.as_str()).collect();
    let complete = plan.status == Status::Complete;
    plan.explanations = explain::explain_with(
        network,
        stocks,
        cart,
        strategy,
        &used,
        complete,
        Some(sourcing),
    );
    explain::price(&mut plan, network, sourcing, strategy);
    plan
}
