//! Home delivery: one sourcing plan per distinct set of level constraints, then, per parcel, when
//! it is ready, when it leaves and when it arrives; per level, the price.

use super::calendar::Calendar;
use super::options::{HomeOption, ShipmentTiming, Unavailable, UnavailableReason};
use super::rules::Level;
use super::time::Moment;
use super::Context;
use crate::inventory::Day;
use crate::network::LocationKind;
use crate::sourcing::{self, Plan, Status, Strategy};

/// Which locations can still send a parcel today.
#[derive(Debug, Clone, PartialEq)]
enum SameDay {
    /// By kind (every location of a kind shares its kind's hours).
    Kinds { stores: bool, warehouses: bool },
    /// By id, sorted (some locations have their own hours).
    Ids(Vec<String>),
}

impl SameDay {
    fn of(ctx: &Context<'_>) -> SameDay {
        let today = ctx.now.day();
        let leaves_today =
            |site: super::rules::Site| site.ready_day(ctx.now, &ctx.holidays) == today;
        let stores = leaves_today(ctx.sites.of_kind(LocationKind::Store));
        let warehouses = leaves_today(ctx.sites.of_kind(LocationKind::Warehouse));
        let kind_ok = |k: LocationKind| match k {
            LocationKind::Store => stores,
            LocationKind::Warehouse => warehouses,
        };
        let differs = ctx.sites.overrides().any(|(i, site)| {
            ctx.network
                .get(i)
                .is_some_and(|l| leaves_today(*site) != kind_ok(l.kind))
        });
        if !differs {
            return SameDay::Kinds { stores, warehouses };
        }
        let mut ids: Vec<String> = ctx
            .network
            .all()
            .iter()
            .enumerate()
            .filter(|(i, l)| leaves_today(ctx.sites.of(*i as u32, l.kind)))
            .map(|(_, l)| l.id.clone())
            .collect();
        crate::order::sort_by(&mut ids, Ord::cmp);
        SameDay::Ids(ids)
    }

    fn is_none(&self) -> bool {
        match self {
            SameDay::Kinds { stores, warehouses } => !stores && !warehouses,
            SameDay::Ids(ids) => ids.is_empty(),
        }
    }

    fn restrict(&self, s: &mut Strategy) {
        match self {
            SameDay::Kinds { stores, warehouses } => {
                s.stores &= stores;
                s.warehouses &= warehouses;
            }
            SameDay::Ids(ids) => {
                let kept = match &s.locations {
                    Some(listed) => ids
                        .iter()
                        .filter(|id| listed.binary_search(id).is_ok())
                        .cloned()
                        .collect(),
                    None => ids.clone(),
                };
                s.locations = Some(kept);
            }
        }
    }
}

/// The profile's strategies under a level's constraints: its reach, its parcel limit, complete
/// plans only and, for same-day dispatch, only locations that can still send today. The plans
/// behind service levels say why locations do not ship but do not price `costlier` ones
/// (`explainBudget` 0): a checkout prices the cart's own plan once (`source`), not every level's.
fn restrict(base: &[Strategy], level: &Level, same_day: Option<&SameDay>) -> Vec<Strategy> {
    base.iter()
        .map(|s| {
            let mut s = s.clone();
            if let Some(r) = level.reach_km() {
                s.max_distance_km = Some(s.max_distance_km.map_or(r, |m| m.min(r)));
            }
            if let Some(k) = level.max_shipments {
                s.max_shipments = Some(s.max_shipments.map_or(k, |m| m.min(k)));
            }
            s.allow_partial = false;
            s.explain_budget = 0;
            if let Some(f) = same_day {
                f.restrict(&mut s);
            }
            s
        })
        .collect()
}

/// Plans already computed, by the strategies they were computed under (`None`: no complete
/// plan, which no level offers, so none is assembled): levels with the same constraints
/// (typically standard and express) share one sourcing, and a level whose constraints only
/// narrow those of a plan already found reuses it when that plan is proven optimal and passes
/// them (see [`reuse`]).
#[derive(Default)]
pub(super) struct PlanCache(Vec<(Vec<Strategy>, Option<Plan>)>);

impl PlanCache {
    /// A cache that starts with `plan`, found under `strategies` (the cart's own plan).
    pub(super) fn seeded(strategies: Vec<Strategy>, plan: Plan) -> Self {
        let complete = (plan.status == Status::Complete).then_some(plan);
        PlanCache(vec![(strategies, complete)])
    }

    /// The complete plan of the cart under `strategies`, sourced on first use.
    fn complete(&mut self, ctx: &Context<'_>, strategies: Vec<Strategy>) -> Option<&Plan> {
        let i = match self.0.iter().position(|(s, _)| *s == strategies) {
            Some(i) => i,
            None => {
                let plan = self
                    .0
                    .iter()
                    .find_map(|(wide, plan)| reuse(ctx, plan.as_ref()?, wide, &strategies))
                    .or_else(|| {
                        sourcing::source_complete(ctx.network, &ctx.stocks, ctx.cart, &strategies)
                    });
                self.0.push((strategies, plan));
                self.0.len() - 1
            }
        };
        self.0[i].1.as_ref()
    }
}

/// `plan`, found under `wide`, as the plan under `narrow`, when that is provably what sourcing
/// under `narrow` would return: the plan is complete and proven optimal, came from the first
/// strategy (later ones fire only after earlier ones fail, which a narrower one may not), that
/// strategy narrows its counterpart, and every parcel of the plan is eligible under it within its
/// parcel limit. Restricting eligibility only removes plans, so the optimum stays optimal and
/// keeps winning the tie rule. Its explanations are given anew under `narrow` (a location out of
/// the level's reach is `too_far` there, not `costlier`).
fn reuse(ctx: &Context<'_>, plan: &Plan, wide: &[Strategy], narrow: &[Strategy]) -> Option<Plan> {
    let (first, wide_first) = (narrow.first()?, wide.first()?);
    let fits = plan.status == Status::Complete
        && plan.optimal
        && wide.len() == narrow.len()
        && plan.strategy.as_deref() == Some(wide_first.name.as_str())
        && narrow.iter().zip(wide).all(|(n, w)| n.narrows(w))
        && first
            .max_shipments
            .is_none_or(|k| plan.shipments.len() <= k as usize)
        && plan.shipments.iter().all(|s| {
            ctx.network
                .lookup(&s.location)
                .and_then(|i| ctx.network.get(i))
                .is_some_and(|l| sourcing::problem::eligibility(l, s.distance_km, first).is_ok())
        });
    if !fits {
        return None;
    }
    let mut out = plan.clone();
    let used: Vec<&str> = plan.shipments.iter().map(|s| s.location.as_str()).collect();
    out.explanations =
        sourcing::explain::explain_from(ctx.network, &ctx.stocks, ctx.cart, first, &used, true);
    Some(out)
}

/// The timing of each parcel of `plan` under `level`, and the whole cart's earliest and latest
/// delivery days (its last parcel's).
fn timings(ctx: &Context<'_>, level: &Level, plan: &Plan) -> (Vec<ShipmentTiming>, Day, Day) {
    let deliveries = Calendar::new(level.delivery, &ctx.holidays);
    let (mut earliest, mut latest) = (ctx.now.day(), ctx.now.day());
    let timings = plan
        .shipments
        .iter()
        .map(|s| {
            let site = match ctx
                .network
                .lookup(&s.location)
                .and_then(|i| ctx.network.get(i).map(|l| (i, l)))
            {
                Some((i, l)) => ctx.sites.of(i, l.kind),
                None => ctx.sites.of_kind(LocationKind::Warehouse),
            };
            let (leaves, minute) = site.ready(ctx.now, &ctx.holidays);
            let ready = Moment::at(leaves, minute);
            let band = level.band(s.distance_km);
            let first = deliveries.add_business_days(leaves, band.min_days);
            let last = deliveries.add_business_days(leaves, band.max_days);
            earliest = earliest.max(first);
            latest = latest.max(last);
            ShipmentTiming {
                location: s.location.clone(),
                distance_km: s.distance_km,
                ready_at: ready.to_string(),
                dispatch_on: leaves.to_string(),
                earliest: first.to_string(),
                latest: last.to_string(),
            }
        })
        .collect();
    (timings, earliest, latest)
}

fn unfulfillable(level: &Level) -> Unavailable {
    let reach = level
        .reach_km()
        .map_or_else(String::new, |r| format!(" within {r} km"));
    let parcels = level
        .max_shipments
        .map_or_else(String::new, |k| format!(" in at most {k} parcel(s)"));
    Unavailable {
        id: level.id.clone(),
        name: level.name.clone(),
        reason: UnavailableReason::Unfulfillable,
        message: format!("no location{reach} can ship the whole cart{parcels}"),
    }
}

fn after_cutoff(ctx: &Context<'_>, level: &Level) -> Unavailable {
    Unavailable {
        id: level.id.clone(),
        name: level.name.clone(),
        reason: UnavailableReason::AfterCutoff,
        message: format!(
            "the locations that could ship the cart cannot send a parcel ordered at {} the same day \
             (past their cutoff, or closed)",
            ctx.now
        ),
    }
}

/// Home delivery offers under the profile's `strategies`, and the levels that cannot be offered.
pub(super) fn offers(
    ctx: &Context<'_>,
    strategies: &[Strategy],
    cart_value: f64,
    mut cache: PlanCache,
) -> (Vec<HomeOption>, Vec<Unavailable>) {
    let mut same_day: Option<SameDay> = None;
    let (mut home, mut unavailable) = (Vec::new(), Vec::new());
    for level in &ctx.rules.levels {
        let filter = if level.same_day_dispatch {
            Some(&*same_day.get_or_insert_with(|| SameDay::of(ctx)))
        } else {
            None
        };
        let blocked = filter.is_some_and(SameDay::is_none);
        let found = if blocked {
            None
        } else {
            cache.complete(ctx, restrict(strategies, level, filter))
        };
        let Some(plan) = found else {
            // Past the cutoff if the cart could have left today from locations that no longer
            // can: the page may say "order earlier" rather than "not available here".
            let late = filter.is_some()
                && cache
                    .complete(ctx, restrict(strategies, level, None))
                    .is_some();
            unavailable.push(if late {
                after_cutoff(ctx, level)
            } else {
                unfulfillable(level)
            });
            continue;
        };
        let (shipments, earliest, latest) = timings(ctx, level, plan);
        let parcels = plan.shipments.len();
        home.push(HomeOption {
            id: level.id.clone(),
            name: level.name.clone(),
            price: level.price(parcels, cart_value),
            free: level.free_above.is_some_and(|f| cart_value >= f),
            earliest: earliest.to_string(),
            latest: latest.to_string(),
            parcels: parcels as u32,
            shipments,
            plan: plan.clone(),
        });
    }
    (home, unavailable)
}
