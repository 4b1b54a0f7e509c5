//! Availability near a shopper: per SKU, the locations with ATS > 0 within a radius that offer
//! the fulfilment mode, nearest first, plus expected supply and an "available from" day.

use serde::{Deserialize, Serialize};

use super::supply::{Day, Inbound};
use super::QueryError;
use super::SkuStock;
use crate::network::{GeoPoint, Location, Network};
use crate::InputError;

mod answer;

/// How the shopper gets the goods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum FulfilmentMode {
    /// Home delivery: locations that ship.
    #[default]
    Ship,
    /// Click & collect: locations that offer pickup.
    Pickup,
}

impl FulfilmentMode {
    /// True when `l` can serve this mode (and is active).
    pub fn offered_by(self, l: &Location) -> bool {
        l.active
            && match self {
                FulfilmentMode::Ship => l.ship,
                FulfilmentMode::Pickup => l.pickup,
            }
    }
}

/// An availability request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AvailabilityQuery {
    /// The SKUs to report, in this order.
    pub skus: Vec<String>,
    /// The shopper's position: locations are sorted by distance from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub near: Option<GeoPoint>,
    /// Only locations within this distance of `near`, in km (refused without `near`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub radius_km: Option<f64>,
    /// At most this many locations per SKU in the list (the total counts them all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub limit: Option<f64>,
    /// `ship` (default) or `pickup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub mode: Option<FulfilmentMode>,
    /// Units wanted, for `availableFrom` (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub qty: Option<f64>,
    /// Today (`YYYY-MM-DD`): expected supply dated before it is ignored as late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub today: Option<String>,
}

/// One location holding stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct LocationAvailability {
    /// Location id.
    pub id: String,
    /// ATS there, in units.
    pub ats: i64,
    /// Haversine distance from `near` in km (absent without `near`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub distance_km: Option<f64>,
}

/// Units expected on a day within the query's area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SupplyLine {
    /// Expected day, `YYYY-MM-DD`.
    pub date: String,
    /// Expected units.
    pub qty: i64,
}

/// Availability of one SKU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SkuAvailability {
    /// The SKU.
    pub sku: String,
    /// ATS summed over every matching location, in units.
    pub total: i64,
    /// Matching locations with ATS > 0: nearest first with `near`, else most stock first.
    pub locations: Vec<LocationAvailability>,
    /// When `total` is short of `qty` but expected supply covers it: the first day it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub available_from: Option<String>,
    /// Expected supply at matching locations, by day.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub incoming: Vec<SupplyLine>,
}

struct Plan {
    limit: usize,
    qty: i64,
    today: Option<Day>,
    /// Matching locations in answer order: (location index, distance).
    cands: Vec<(u32, Option<f64>)>,
    /// Location index -> rank in `cands`, `u32::MAX` when not matching.
    rank: Vec<u32>,
    /// True when ranks are distances from `near`; otherwise they follow location ids.
    near: bool,
    /// (location index, rank) of the matching locations, by location index.
    by_loc: Vec<(u32, u32)>,
    /// The matching locations as a bitmap over location indexes (bit `l % 64` of word `l / 64`).
    mask: Vec<u64>,
    /// Safety stock of each matching location, by rank.
    safety: Vec<u32>,
    /// The words of `mask` with a bit set (what a SKU's bitmap is read at).
    words: Vec<u32>,
}

/// What an answer reads of a known SKU: its positions (`None` when it has none) and its
/// expected supply.
type Found<'a> = (Option<&'a SkuStock>, &'a [(u32, Inbound)]);

/// SKUs answered per round of prefetching (see [`crate::inventory::Inventory::each_answer`]): enough for their
/// misses to overlap, few enough that what is prefetched stays cached until it is read.
const ROUND: usize = 64;

/// Buffers reused from one SKU to the next, so that answering a SKU allocates nothing.
#[derive(Debug, Default)]
struct Scratch {
    /// Ranks holding ATS > 0 for the current SKU, as a bitset (near queries).
    hit: Vec<u64>,
    /// ATS by rank, meaningful where `hit` is set.
    ats: Vec<i64>,
    /// (rank, location index, ats) of the current SKU (queries without `near`).
    found: Vec<(u32, u32, i64)>,
    /// The current SKU's listed entries: (location index, ATS, distance).
    entries: Vec<(u32, i64, Option<f64>)>,
}

impl Scratch {
    /// Readies the buffers for `plan`: `hit` all clear, room in `ats` for every rank.
    fn ready(&mut self, plan: &Plan) {
        self.hit.clear();
        self.hit.resize(plan.cands.len().div_ceil(64), 0);
        self.ats.clear();
        self.ats.resize(plan.cands.len(), 0);
    }
}

/// What availability queries work in, kept by a caller that asks many of them (the wasm
/// binding keeps one per engine), so that a query allocates next to nothing and resets only
/// what the previous one touched, instead of allocating and filling a table of every location:
/// 8–12% of a 20-SKU query through the wasm (interleaved A/B). A fresh one (`default()`)
/// serves any query.
#[derive(Debug, Default)]
pub struct AvailabilityBuffers {
    /// Location index -> rank: empty, or `u32::MAX` at every index between queries.
    rank: Vec<u32>,
    /// Matching locations as a bitmap: empty, or all zero between queries.
    mask: Vec<u64>,
    cands: Vec<(u32, Option<f64>)>,
    by_loc: Vec<(u32, u32)>,
    safety: Vec<u32>,
    words: Vec<u32>,
    /// The spatial index's sort keys and hits.
    keys: Vec<u128>,
    hits: Vec<(u32, f64)>,
    scratch: Scratch,
}

impl AvailabilityBuffers {
    /// Takes back the vectors of `plan`, clearing the ranks and mask words it set.
    fn restore(&mut self, plan: Plan) {
        let Plan {
            mut rank,
            mut mask,
            cands,
            by_loc,
            safety,
            words,
            ..
        } = plan;
        for &(loc, _) in &cands {
            if let Some(r) = rank.get_mut(loc as usize) {
                *r = u32::MAX;
            }
        }
        for &w in &words {
            if let Some(x) = mask.get_mut(w as usize) {
                *x = 0;
            }
        }
        (self.rank, self.mask, self.cands) = (rank, mask, cands);
        (self.by_loc, self.safety, self.words) = (by_loc, safety, words);
    }
}

fn invalid(field: &str, message: &str) -> QueryError {
    QueryError::Invalid(InputError::new(field, message))
}

impl AvailabilityQuery {
    /// The query's plan, in the vectors of `buf` (given back by [`AvailabilityBuffers::restore`]).
    /// Every check comes before `buf` is touched: a refused query leaves it as it was.
    fn plan(&self, network: &Network, buf: &mut AvailabilityBuffers) -> Result<Plan, QueryError> {
        let mode = self.mode.unwrap_or_default();
        if let Some(p) = &self.near {
            p.validate("near").map_err(QueryError::Invalid)?;
        }
        let radius = match self.radius_km {
            Some(_) if self.near.is_none() => return Err(invalid("radiusKm", "needs `near`")),
            Some(r) if !(r.is_finite() && r >= 0.0) => {
                return Err(invalid("radiusKm", "must be a number >= 0"))
            }
            r => r,
        };
        let limit = match self.limit {
            None => usize::MAX,
            Some(l) if l.is_finite() && l >= 0.0 && l.fract() == 0.0 => l as usize,
            Some(_) => return Err(invalid("limit", "must be an integer >= 0")),
        };
        let qty = match self.qty {
            None => 1,
            Some(q) if q.is_finite() && q >= 1.0 && q.fract() == 0.0 && q <= 2e9 => q as i64,
            Some(_) => return Err(invalid("qty", "must be an integer in [1, 2000000000]")),
        };
        let today = self
            .today
            .as_deref()
            .map(Day::parse)
            .transpose()
            .map_err(|m| invalid("today", &m))?;
        let eligible = |i: u32| network.get(i).is_some_and(|l| mode.offered_by(l));
        let mut cands = std::mem::take(&mut buf.cands);
        cands.clear();
        match self.near {
            Some(p) => {
                network
                    .index()
                    .within_into(p, radius, &mut buf.keys, &mut buf.hits);
                // Plain loops here and below: a filtering `extend` is a call per element in
                // the size-optimised build.
                cands.reserve(buf.hits.len());
                for &(i, d) in &buf.hits {
                    if eligible(i) {
                        cands.push((i, Some(d)));
                    }
                }
            }
            // Ranked by id, so that ties in stock break by location id.
            None => cands.extend(
                network
                    .by_id()
                    .iter()
                    .copied()
                    .filter(|&i| eligible(i))
                    .map(|i| (i, None)),
            ),
        }
        let mut rank = std::mem::take(&mut buf.rank);
        if rank.len() != network.len() {
            rank.clear();
            rank.resize(network.len(), u32::MAX);
        }
        for (r, (loc, _)) in cands.iter().enumerate() {
            if let Some(x) = rank.get_mut(*loc as usize) {
                *x = r as u32;
            }
        }
        let mut mask = std::mem::take(&mut buf.mask);
        if mask.len() != network.len().div_ceil(64) {
            mask.clear();
            mask.resize(network.len().div_ceil(64), 0);
        }
        for &(loc, _) in &cands {
            if let Some(w) = mask.get_mut(loc as usize / 64) {
                *w |= 1 << (loc % 64);
            }
        }
        let mut words = std::mem::take(&mut buf.words);
        words.clear();
        for (w, &x) in mask.iter().enumerate() {
            if x != 0 {
                words.push(w as u32);
            }
        }
        // The mask's bits list the matching locations by location index.
        let mut by_loc = std::mem::take(&mut buf.by_loc);
        by_loc.clear();
        for &w in &words {
            let mut bits = mask.get(w as usize).copied().unwrap_or(0);
            while bits != 0 {
                let loc = w * 64 + bits.trailing_zeros();
                bits &= bits - 1;
                by_loc.push((loc, rank.get(loc as usize).copied().unwrap_or(u32::MAX)));
            }
        }
        let mut safety = std::mem::take(&mut buf.safety);
        safety.clear();
        safety.extend(
            cands
                .iter()
                .map(|c| network.get(c.0).map_or(0, |l| l.safety_stock)),
        );
        Ok(Plan {
            words,
            limit,
            qty,
            today,
            near: self.near.is_some(),
            cands,
            rank,
            by_loc,
            mask,
            safety,
        })
    }
}

/// An availability answer as numbers, for a binding to turn into objects without a text
/// round trip. Per SKU, in query order: the length of its name in `names` (in UTF-16 code units,
/// as JS slices strings), `total, n`, then `n` times `location index, ats, distanceKm` (NaN
/// without `near`), then `m` and `m` times `date, qty` (expected supply), then the
/// `availableFrom` date or -1; a date is its index in `dates`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackedAvailability {
    /// The numbers, as laid out above.
    pub numbers: Vec<f64>,
    /// The SKUs of the query, in its order, end to end: the answer names what was parsed, not
    /// what a binding would read again from its caller's object.
    pub names: String,
    /// The dates the numbers refer to (`YYYY-MM-DD`), each once, joined by `\n`.
    pub dates: String,
}

impl PackedAvailability {
    /// The index of `date` in `dates`, added if new (a query names only a few dates).
    fn date(&mut self, seen: &mut Vec<String>, date: String) -> f64 {
        if let Some(i) = seen.iter().position(|d| *d == date) {
            return i as f64;
        }
        if !seen.is_empty() {
            self.dates.push('\n');
        }
        self.dates.push_str(&date);
        seen.push(date);
        (seen.len() - 1) as f64
    }
}
