//! Sourcing profiles: the carrier cost model, eligibility filters and an ordered list of
//! strategies, as retailers configure them in plain JSON.
//!
//! A profile's own fields are the defaults of its strategies. Without `strategies` the profile is
//! a single strategy. Strategies are tried in order and the first that ships the whole cart wins;
//! `fallback` is tried last. When none ships everything, the strategies with `allowPartial` each
//! find their best partial plan, and the one that ships the most units wins (of those shipping as
//! many, the first in the same order); otherwise the plan is unfulfillable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::optimizer::DEFAULT_BUDGET;
use super::SourcingError;
use crate::network::{check_cost, LocationKind, MAX_COST};
use crate::promise::DeliveryConfig;

/// Most strategies a profile may list.
pub const MAX_STRATEGIES: usize = 32;
/// Largest `searchBudget` accepted (branch-and-bound nodes).
pub const MAX_BUDGET: u64 = 100_000_000;
/// Default `explainBudget`: optimiser runs spent pricing `costlier` explanations.
pub const DEFAULT_EXPLAIN_BUDGET: usize = 4;
/// Largest `explainBudget` accepted.
pub const MAX_EXPLAIN_BUDGET: usize = 64;

/// A profile, or one of its strategies, as JSON. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    /// Name reported in `plan.strategy` (default: `default` for a profile without strategies,
    /// `strategy-<n>` for the n-th strategy, `fallback` for the fallback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub name: Option<String>,
    /// Locations farther from the destination are not eligible, in km (default unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub max_distance_km: Option<f64>,
    /// At most this many shipments, an integer >= 1 (default unlimited; 1 means ship complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub max_shipments: Option<f64>,
    /// Locations whose performance is below are not eligible, in [0, 1] (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub min_performance: Option<f64>,
    /// Eligible location kinds (default both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub kinds: Option<Vec<LocationKind>>,
    /// Only these location ids are eligible (default every location). Unknown ids are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub locations: Option<Vec<String>>,
    /// Carrier cost per parcel, in currency units (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cost_per_shipment: Option<f64>,
    /// Carrier cost per parcel per km (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cost_per_km: Option<f64>,
    /// Carrier cost per unit per km (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cost_per_unit_km: Option<f64>,
    /// Cost per parcel times `(1 - performance)` of the shipping location (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub performance_penalty: Option<f64>,
    /// Location priorities: id → rank, an integer >= 1 (1 is preferred). Unlisted locations rank
    /// after every listed one. Ranks cost `costPerRank × (rank − 1)` per parcel; a profile
    /// giving ranks must set `costPerRank` somewhere (else `invalid_profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(optional, type = "Record<string, number>")
    )]
    pub ranks: Option<BTreeMap<String, f64>>,
    /// Cost per parcel per rank step (default 0). For strict priority tiers, list one strategy
    /// per tier instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub cost_per_rank: Option<f64>,
    /// When nothing complete exists, return the plan shipping the most units, then cheapest
    /// (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub allow_partial: Option<bool>,
    /// Branch-and-bound nodes the optimiser may explore before answering with its best plan and
    /// a certified gap (default 20000). Deterministic: no wall clock is involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub search_budget: Option<f64>,
    /// Optimiser runs a plan may spend pricing its `costlier` explanations (`costlierBy`): one
    /// per cart line a location holds, nearest locations first, sharing `searchBudget`. An integer
    /// in 0..=64 (default 4; 0 prices none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub explain_budget: Option<f64>,
    /// Strategies tried in order (top level only); each inherits the fields it does not set.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json_object::objects_opt"
    )]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub strategies: Option<Vec<Profile>>,
    /// The strategy tried after every other (top level only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json_object::object_opt"
    )]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub fallback: Option<Box<Profile>>,
    /// How `deliveryOptions` promises delivery under this profile (top level only): service
    /// levels, price rules, hours, calendars, click & collect. A request's own `delivery` wins
    /// over it; without either, the built-in default applies.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json_object::object_opt"
    )]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub delivery: Option<DeliveryConfig>,
}

/// One strategy with every default applied and every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    /// Name reported in the plan.
    pub name: String,
    /// Eligibility radius in km.
    pub max_distance_km: Option<f64>,
    /// Shipment limit.
    pub max_shipments: Option<u32>,
    /// Minimum location performance.
    pub min_performance: f64,
    /// Stores are eligible.
    pub stores: bool,
    /// Warehouses are eligible.
    pub warehouses: bool,
    /// Explicit eligible ids, sorted.
    pub locations: Option<Vec<String>>,
    /// Carrier cost per parcel.
    pub cost_per_shipment: f64,
    /// Carrier cost per parcel per km.
    pub cost_per_km: f64,
    /// Carrier cost per unit per km.
    pub cost_per_unit_km: f64,
    /// Cost per parcel per missing point of performance.
    pub performance_penalty: f64,
    /// Location ranks, by id, sorted, ids unique (a sorted list rather than a map: no map type
    /// of its own in the wasm build).
    pub ranks: Vec<(String, u32)>,
    /// Cost per parcel per rank step.
    pub cost_per_rank: f64,
    /// Partial plans allowed.
    pub allow_partial: bool,
    /// Node budget of the optimiser.
    pub search_budget: u64,
    /// Optimiser runs for pricing `costlier` explanations.
    pub explain_budget: usize,
}

impl Default for Strategy {
    /// The contract's defaults: every location, no carrier cost, complete plans only.
    fn default() -> Self {
        Strategy {
            name: "default".to_string(),
            max_distance_km: None,
            max_shipments: None,
            min_performance: 0.0,
            stores: true,
            warehouses: true,
            locations: None,
            cost_per_shipment: 0.0,
            cost_per_km: 0.0,
            cost_per_unit_km: 0.0,
            performance_penalty: 0.0,
            ranks: Vec::new(),
            cost_per_rank: 0.0,
            allow_partial: false,
            search_budget: DEFAULT_BUDGET,
            explain_budget: DEFAULT_EXPLAIN_BUDGET,
        }
    }
}

impl Strategy {
    /// Whether `self` is `wide` with only tighter eligibility: the same costs, ranks and search
    /// budget, a reach, parcel limit, performance floor, kinds and explicit list each at most as
    /// permissive. Every plan eligible under `self` is then eligible under `wide` at the same
    /// cost, so an optimal plan of `wide` that `self` admits is optimal under `self` too.
    pub fn narrows(&self, wide: &Strategy) -> bool {
        // An optional limit `n` at most as permissive as `w` (`None`: no limit).
        fn tighter<T: PartialOrd>(n: Option<T>, w: Option<T>) -> bool {
            match (n, w) {
                (_, None) => true,
                (Some(n), Some(w)) => n <= w,
                (None, Some(_)) => false,
            }
        }
        let listed = match (&self.locations, &wide.locations) {
            (_, None) => true,
            (Some(n), Some(_)) => n.iter().all(|id| wide.lists(id)),
            (None, Some(_)) => false,
        };
        self.name == wide.name
            && tighter(self.max_distance_km, wide.max_distance_km)
            && tighter(self.max_shipments, wide.max_shipments)
            && self.min_performance >= wide.min_performance
            && (!self.stores || wide.stores)
            && (!self.warehouses || wide.warehouses)
            && listed
            && self.cost_per_shipment == wide.cost_per_shipment
            && self.cost_per_km == wide.cost_per_km
            && self.cost_per_unit_km == wide.cost_per_unit_km
            && self.performance_penalty == wide.performance_penalty
            && self.ranks == wide.ranks
            && self.cost_per_rank == wide.cost_per_rank
            && self.search_budget == wide.search_budget
    }

    /// Whether a location of `kind` is eligible.
    pub fn allows(&self, kind: LocationKind) -> bool {
        match kind {
            LocationKind::Store => self.stores,
            LocationKind::Warehouse => self.warehouses,
        }
    }

    /// Whether location `id` passes the explicit list (if any).
    pub fn lists(&self, id: &str) -> bool {
        self.locations
            .as_ref()
            .is_none_or(|l| l.binary_search_by(|x| x.as_str().cmp(id)).is_ok())
    }

    /// The per-parcel rank cost of location `id`.
    pub fn rank_cost(&self, id: &str) -> f64 {
        if self.ranks.is_empty() || self.cost_per_rank == 0.0 {
            return 0.0;
        }
        let worst = self.ranks.iter().map(|e| e.1).max().unwrap_or(0);
        let rank = self
            .ranks
            .binary_search_by(|e| e.0.as_str().cmp(id))
            .map_or(worst + 1, |i| self.ranks[i].1);
        self.cost_per_rank * f64::from(rank - 1)
    }
}

fn path(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    }
}

fn non_negative(at: &str, field: &str, v: Option<f64>) -> Result<Option<f64>, SourcingError> {
    match v {
        Some(x) if !(x.is_finite() && x >= 0.0) => Err(SourcingError::profile(
            path(at, field),
            "must be a finite number >= 0",
        )),
        _ => Ok(v),
    }
}

fn integer(at: &str, field: &str, v: Option<f64>, max: f64) -> Result<Option<u64>, SourcingError> {
    match v {
        None => Ok(None),
        Some(x) if x.is_finite() && x.fract() == 0.0 && (1.0..=max).contains(&x) => {
            Ok(Some(x as u64))
        }
        Some(_) => Err(SourcingError::profile(
            path(at, field),
            format!("must be an integer in 1..={max}"),
        )),
    }
}

impl Profile {
    /// Checks every field (the `delivery` configuration included) and resolves the strategies,
    /// in the order they are tried. `at` prefixes field paths in errors (`profile` for an inline
    /// profile, empty for `setProfile`).
    pub fn strategies(&self, at: &str) -> Result<Vec<Strategy>, SourcingError> {
        self.checked(at, true)
    }

    /// [`Profile::strategies`]; `strict` adds the checks a profile coming in must pass but a
    /// stored one read back need not (an earlier build accepted it): distinct strategy names,
    /// ranks priced by a `costPerRank`, a three-letter currency.
    pub(super) fn checked(&self, at: &str, strict: bool) -> Result<Vec<Strategy>, SourcingError> {
        let base = self.resolve(&Strategy::default(), at, "default", strict)?;
        if let Some(d) = &self.delivery {
            let at = path(at, "delivery");
            let currency = match strict {
                true => crate::promise::check_incoming(d, &at),
                false => Ok(()),
            };
            currency
                .and_then(|()| d.validate(&at))
                .map_err(SourcingError::of_delivery)?;
        }
        let mut out = Vec::new();
        match &self.strategies {
            None => out.push(base.clone()),
            Some(list) => {
                if list.is_empty() || list.len() > MAX_STRATEGIES {
                    return Err(SourcingError::profile(
                        path(at, "strategies"),
                        format!("must list 1 to {MAX_STRATEGIES} strategies"),
                    ));
                }
                for (i, s) in list.iter().enumerate() {
                    let here = path(at, &format!("strategies[{i}]"));
                    s.nested(&here)?;
                    out.push(s.resolve(&base, &here, &format!("strategy-{}", i + 1), strict)?);
                }
            }
        }
        if let Some(f) = &self.fallback {
            let here = path(at, "fallback");
            f.nested(&here)?;
            out.push(f.resolve(&base, &here, "fallback", strict)?);
        }
        if !strict {
            return Ok(out);
        }
        // Ranks weigh in only through costPerRank (default 0): a strategy whose ranks (its own
        // or the profile's) are priced by no costPerRank (its own or the profile's) ignores them.
        let ranked = |p: &Profile| p.ranks.as_ref().is_some_and(|r| !r.is_empty());
        let tried = self
            .strategies
            .as_deref()
            .unwrap_or(std::slice::from_ref(self));
        let unpriced = tried
            .iter()
            .enumerate()
            .map(|(i, p)| (Some(i), p))
            .chain(self.fallback.as_deref().map(|f| (None, f)))
            .find(|(_, p)| {
                (ranked(p) || ranked(self))
                    && p.cost_per_rank.is_none()
                    && self.cost_per_rank.is_none()
            });
        if let Some((i, p)) = unpriced {
            // Its own ranks, else the profile's (with no strategies, `p` is the profile).
            let field = match (i, ranked(p)) {
                (Some(i), true) if self.strategies.is_some() => format!("strategies[{i}].ranks"),
                (None, true) => "fallback.ranks".to_string(),
                _ => "ranks".to_string(),
            };
            return Err(SourcingError::profile(
                path(at, &field),
                "ranks weigh in through costPerRank (cost per parcel per rank step), which the profile does not set",
            ));
        }
        // A plan names the strategy that made it: two of one name would make that ambiguous.
        for (k, s) in out.iter().enumerate() {
            if out[..k].iter().any(|e| e.name == s.name) {
                let field = match (
                    &self.strategies,
                    k == out.len() - 1 && self.fallback.is_some(),
                ) {
                    (_, true) => path(at, "fallback.name"),
                    (Some(_), false) => path(at, &format!("strategies[{k}].name")),
                    (None, false) => path(at, "name"),
                };
                return Err(SourcingError::profile(
                    field,
                    format!("`{}` names an earlier strategy of the profile", s.name),
                ));
            }
        }
        Ok(out)
    }

    fn nested(&self, at: &str) -> Result<(), SourcingError> {
        if self.strategies.is_some() {
            return Err(SourcingError::profile(
                path(at, "strategies"),
                "only allowed at the top level of a profile",
            ));
        }
        if self.fallback.is_some() {
            return Err(SourcingError::profile(
                path(at, "fallback"),
                "only allowed at the top level of a profile",
            ));
        }
        if self.delivery.is_some() {
            return Err(SourcingError::profile(
                path(at, "delivery"),
                "only allowed at the top level of a profile",
            ));
        }
        Ok(())
    }

    /// This profile's fields over `base`.
    fn resolve(
        &self,
        base: &Strategy,
        at: &str,
        default_name: &str,
        strict: bool,
    ) -> Result<Strategy, SourcingError> {
        let mut s = base.clone();
        s.name = match &self.name {
            Some(n) if n.is_empty() => {
                return Err(SourcingError::profile(
                    path(at, "name"),
                    "must not be empty",
                ))
            }
            Some(n) => n.clone(),
            None => default_name.to_string(),
        };
        if let Some(d) = non_negative(at, "maxDistanceKm", self.max_distance_km)? {
            s.max_distance_km = Some(d);
        }
        if let Some(k) = integer(at, "maxShipments", self.max_shipments, f64::from(u32::MAX))? {
            s.max_shipments = Some(k as u32);
        }
        if let Some(p) = self.min_performance {
            if !(0.0..=1.0).contains(&p) {
                return Err(SourcingError::profile(
                    path(at, "minPerformance"),
                    "must be a number in [0, 1]",
                ));
            }
            s.min_performance = p;
        }
        if let Some(kinds) = &self.kinds {
            if kinds.is_empty() {
                return Err(SourcingError::profile(
                    path(at, "kinds"),
                    "must not be empty",
                ));
            }
            s.stores = kinds.contains(&LocationKind::Store);
            s.warehouses = kinds.contains(&LocationKind::Warehouse);
        }
        if let Some(ids) = &self.locations {
            if ids.is_empty() {
                return Err(SourcingError::profile(
                    path(at, "locations"),
                    "must not be empty",
                ));
            }
            if let Some(i) = ids.iter().position(String::is_empty) {
                return Err(SourcingError::profile(
                    path(at, &format!("locations[{i}]")),
                    "must not be empty",
                ));
            }
            let mut ids = ids.clone();
            crate::order::sort_by(&mut ids, Ord::cmp);
            ids.dedup();
            s.locations = Some(ids);
        }
        let costs = [
            (
                "costPerShipment",
                self.cost_per_shipment,
                &mut s.cost_per_shipment,
            ),
            ("costPerKm", self.cost_per_km, &mut s.cost_per_km),
            (
                "costPerUnitKm",
                self.cost_per_unit_km,
                &mut s.cost_per_unit_km,
            ),
            (
                "performancePenalty",
                self.performance_penalty,
                &mut s.performance_penalty,
            ),
            ("costPerRank", self.cost_per_rank, &mut s.cost_per_rank),
        ];
        for (field, value, slot) in costs {
            if let Some(v) = value {
                // The ceiling refuses a profile coming in; a stored one loads with any finite
                // cost an earlier build took, read at the ceiling (plans stay finite).
                let max = if strict { MAX_COST } else { f64::MAX };
                *slot = check_cost(v, max)
                    .map_err(|m| SourcingError::profile(path(at, field), m))?
                    .min(MAX_COST);
            }
        }
        if let Some(ranks) = &self.ranks {
            // The map iterates by id: `out` comes out sorted.
            let mut out = Vec::with_capacity(ranks.len());
            for (id, &r) in ranks {
                let field = path(at, &format!("ranks.{id}"));
                if id.is_empty() {
                    return Err(SourcingError::profile(
                        field,
                        "location id must not be empty",
                    ));
                }
                let r = integer(at, &format!("ranks.{id}"), Some(r), 1_000_000.0)?.unwrap_or(1);
                out.push((id.clone(), r as u32));
            }
            s.ranks = out;
        }
        if let Some(p) = self.allow_partial {
            s.allow_partial = p;
        }
        if let Some(b) = integer(at, "searchBudget", self.search_budget, MAX_BUDGET as f64)? {
            s.search_budget = b;
        }
        match self.explain_budget {
            None => {}
            Some(b) if b.fract() == 0.0 && (0.0..=MAX_EXPLAIN_BUDGET as f64).contains(&b) => {
                s.explain_budget = b as usize;
            }
            Some(_) => {
                return Err(SourcingError::profile(
                    path(at, "explainBudget"),
                    format!("must be an integer in 0..={MAX_EXPLAIN_BUDGET}"),
                ))
            }
        }
        Ok(s)
    }
}
