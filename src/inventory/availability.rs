//! Availability near a shopper: per SKU, the locations with ATS > 0 within a radius that offer
//! the fulfilment mode, nearest first, plus expected supply and an "available from" day.

use serde::{Deserialize, Serialize};

use super::supply::{Day, Inbound};
use super::SkuStock;
use super::{Inventory, QueryError};
use crate::network::{GeoPoint, Location, Network};
use crate::InputError;

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

/// SKUs answered per round of prefetching (see [`Inventory::each_answer`]): enough for their
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
                cands.extend(
                    buf.hits
                        .iter()
                        .filter(|e| eligible(e.0))
                        .map(|&(i, d)| (i, Some(d))),
                );
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
        words.extend(
            (0..mask.len() as u32).filter(|&w| mask.get(w as usize).is_some_and(|&x| x != 0)),
        );
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

/// One SKU's answer before names are attached (its entries are in [`Scratch::entries`]).
struct Answer {
    total: i64,
    supply: SupplyAnswer,
}

#[derive(Default)]
struct SupplyAnswer {
    available_from: Option<String>,
    incoming: Vec<SupplyLine>,
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

impl Inventory {
    /// Answers an availability query; unknown SKUs have no availability.
    pub fn availability(
        &self,
        network: &Network,
        q: &AvailabilityQuery,
    ) -> Result<Vec<SkuAvailability>, QueryError> {
        let mut buf = AvailabilityBuffers::default();
        let plan = q.plan(network, &mut buf)?;
        let mut out = Vec::with_capacity(q.skus.len());
        self.each_answer(&plan, &mut buf.scratch, &q.skus, |sku, a, entries| {
            out.push(SkuAvailability {
                sku: sku.to_string(),
                total: a.total,
                locations: entries
                    .iter()
                    .map(|&(loc, ats, distance_km)| LocationAvailability {
                        id: name(network, loc).to_string(),
                        ats,
                        distance_km,
                    })
                    .collect(),
                available_from: a.supply.available_from,
                incoming: a.supply.incoming,
            });
        });
        Ok(out)
    }

    /// [`Inventory::availability`] as numbers (see `PackedAvailability`) for `skus`, which
    /// stand for `q.skus` (not read): a binding passes names borrowed from the text it
    /// received rather than a `String` each.
    pub fn availability_packed(
        &self,
        network: &Network,
        q: &AvailabilityQuery,
        skus: &[&str],
    ) -> Result<PackedAvailability, QueryError> {
        let mut out = PackedAvailability::default();
        self.availability_packed_in(
            network,
            q,
            skus,
            &mut AvailabilityBuffers::default(),
            &mut out,
        )?;
        Ok(out)
    }

    /// [`Inventory::availability_packed`] in buffers kept between queries: the answer replaces
    /// what `out` held (its vectors reused), and `buf` is left ready for the next query. A
    /// refused query leaves both as they were.
    pub fn availability_packed_in(
        &self,
        network: &Network,
        q: &AvailabilityQuery,
        skus: &[&str],
        buf: &mut AvailabilityBuffers,
        out: &mut PackedAvailability,
    ) -> Result<(), QueryError> {
        let plan = q.plan(network, buf)?;
        out.numbers.clear();
        out.names.clear();
        out.dates.clear();
        // A SKU takes 5 numbers and 3 per location listed: room for a few locations each.
        out.numbers.reserve(skus.len() * 32);
        out.names.reserve(skus.iter().map(|s| s.len()).sum());
        let mut seen = Vec::new();
        self.each_answer(&plan, &mut buf.scratch, skus, |sku, a, entries| {
            let supply = a.supply.incoming.len();
            out.numbers.reserve(5 + 3 * entries.len() + 2 * supply);
            out.names.push_str(sku);
            out.numbers.push(crate::utf16_len(sku) as f64);
            out.numbers.push(a.total as f64);
            out.numbers.push(entries.len() as f64);
            // Pushes into the room reserved above (`extend` from an array is a call per entry
            // in the size-optimised build).
            for &(loc, ats, d) in entries {
                out.numbers.push(f64::from(loc));
                out.numbers.push(ats as f64);
                out.numbers.push(d.unwrap_or(f64::NAN));
            }
            out.numbers.push(supply as f64);
            for line in a.supply.incoming {
                let date = out.date(&mut seen, line.date);
                out.numbers.extend([date, line.qty as f64]);
            }
            let from = match a.supply.available_from {
                Some(d) => out.date(&mut seen, d),
                None => -1.0,
            };
            out.numbers.push(from);
        });
        buf.restore(plan);
        Ok(())
    }

    /// Answers `skus` in order, handing each one's answer and listed entries to `each`. SKUs go
    /// in rounds of [`ROUND`]: a round's SKUs (and their supply) are looked up first, then the
    /// memory each answer reads is prefetched stage by stage (the SKU's record, its bitmap at
    /// the query's words, the slots there), so that the cache misses of a round overlap instead
    /// of coming one after the other — with SKUs picked at random most of an answer's time is
    /// those misses. A stage gathers the lines of the whole round before touching them in one
    /// tight loop (`prefetch::read_all`): through the wasm, where a hint is a load, 2% faster
    /// at 20 SKUs and 5% at 100 than touching each line where it is found (interleaved A/B,
    /// both orders).
    fn each_answer<S: AsRef<str>>(
        &self,
        plan: &Plan,
        scratch: &mut Scratch,
        skus: &[S],
        mut each: impl FnMut(&str, Answer, &[(u32, i64, Option<f64>)]),
    ) {
        scratch.ready(plan);
        let mut round: Vec<Option<Found<'_>>> = Vec::with_capacity(ROUND);
        let mut lines = Vec::new();
        for chunk in skus.chunks(ROUND) {
            round.clear();
            round.extend(chunk.iter().map(|sku| {
                self.sku_index(sku.as_ref())
                    .map(|i| (self.stock(i), self.inbound_of(i)))
            }));
            let stocks = || round.iter().flatten().filter_map(|e| e.0);
            stocks().for_each(crate::prefetch::read);
            lines.clear();
            stocks().for_each(|st| st.index_lines(&plan.words, &mut lines));
            crate::prefetch::read_all(&lines);
            lines.clear();
            stocks().for_each(|st| st.slot_lines(&plan.mask, &plan.words, &mut lines));
            crate::prefetch::read_all(&lines);
            for (sku, found) in chunk.iter().zip(&round) {
                let a = Self::answer(plan, scratch, *found);
                each(sku.as_ref(), a, &scratch.entries);
            }
        }
    }

    /// Answers one SKU (`None` when unknown): its total, its supply, and its listed entries left
    /// in `scratch.entries`.
    fn answer(plan: &Plan, scratch: &mut Scratch, found: Option<Found<'_>>) -> Answer {
        let mut out = Answer {
            total: 0,
            supply: SupplyAnswer::default(),
        };
        scratch.entries.clear();
        let Some((stock, inbound)) = found else {
            return out;
        };
        if let Some(stock) = stock {
            out.total = if plan.near {
                Self::answer_near(plan, scratch, stock)
            } else {
                Self::answer_by_stock(plan, scratch, stock)
            };
        }
        Self::add_supply(plan, stock, inbound, out.total, &mut out.supply);
        out
    }

    /// Calls `visit(rank, location index, ATS)` for every matching position of `stock`: a SKU
    /// kept as a bitmap is intersected with the query's bitmap word by word; a list is walked,
    /// or each matching location looked up in it by binary search, whichever is shorter.
    fn matches(plan: &Plan, stock: &SkuStock, mut visit: impl FnMut(u32, u32, i64)) {
        let ats_at = |slot: usize, r: u32| {
            stock.ats(slot, plan.safety.get(r as usize).copied().unwrap_or(0))
        };
        let rank = |loc: u32| plan.rank.get(loc as usize).copied().unwrap_or(u32::MAX);
        let dense = stock.visit_masked(&plan.mask, &plan.words, |slot, loc| {
            let r = rank(loc);
            visit(r, loc, ats_at(slot, r));
        });
        if dense {
            return;
        }
        let scan_cost = stock.len();
        let probe_cost = plan.by_loc.len() * (usize::BITS - stock.len().leading_zeros()) as usize;
        if scan_cost <= probe_cost {
            for (slot, loc) in stock.positions() {
                let r = rank(loc);
                if r != u32::MAX {
                    visit(r, loc, ats_at(slot, r));
                }
            }
        } else {
            let mut from = 0;
            for &(loc, r) in &plan.by_loc {
                match stock.find_from(loc, from) {
                    Ok(slot) => {
                        visit(r, loc, ats_at(slot, r));
                        from = slot + 1;
                    }
                    Err(next) => from = next,
                }
            }
        }
    }

    /// Nearest first: ranks are distances, so the hits come out sorted by walking a bitset of
    /// ranks, with no comparison sort. Returns the total.
    fn answer_near(plan: &Plan, scratch: &mut Scratch, stock: &SkuStock) -> i64 {
        let Scratch { hit, ats, .. } = scratch;
        let mut total = 0;
        Self::matches(plan, stock, |r, _, a| {
            if a > 0 {
                if let (Some(w), Some(x)) = (hit.get_mut(r as usize / 64), ats.get_mut(r as usize))
                {
                    *w |= 1 << (r % 64);
                    *x = a;
                    total += a;
                }
            }
        });
        for (w, word) in scratch.hit.iter_mut().enumerate() {
            let mut bits = std::mem::take(word);
            while bits != 0 {
                let r = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if scratch.entries.len() < plan.limit {
                    if let (Some(c), Some(&a)) = (plan.cands.get(r), scratch.ats.get(r)) {
                        scratch.entries.push((c.0, a, c.1));
                    }
                }
            }
        }
        total
    }

    /// Most stock first, ties by location id (the rank order of ids). Returns the total.
    fn answer_by_stock(plan: &Plan, scratch: &mut Scratch, stock: &SkuStock) -> i64 {
        let found = &mut scratch.found;
        found.clear();
        Self::matches(plan, stock, |r, loc, a| {
            if a > 0 {
                found.push((r, loc, a));
            }
        });
        crate::order::sort_by(found, |a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        scratch.entries.extend(
            found
                .iter()
                .take(plan.limit)
                .map(|&(r, loc, ats)| (loc, ats, plan.cands.get(r as usize).and_then(|c| c.1))),
        );
        found.iter().map(|e| e.2).sum()
    }

    /// Expected supply by day, and the first day it brings the sellable total to `plan.qty`. A
    /// position below the line (reserved, picking or safety stock beyond what is on hand) must
    /// be filled before its supply sells: a day adds to the total only what it lifts a
    /// position's ATS by, not its units.
    fn add_supply(
        plan: &Plan,
        stock: Option<&SkuStock>,
        inbound: &[(u32, Inbound)],
        total: i64,
        out: &mut SupplyAnswer,
    ) {
        // (day, units expected, what they lift the sellable total by).
        let mut by_day: Vec<(Day, i64, i64)> = Vec::new();
        for (loc, inbound) in inbound {
            let Some(&r) = plan.rank.get(*loc as usize).filter(|&&r| r != u32::MAX) else {
                continue;
            };
            let safety = plan.safety.get(r as usize).copied().unwrap_or(0);
            let mut net = stock
                .and_then(|s| s.find(*loc).map(|i| s.get(i)))
                .unwrap_or_default()
                .net(safety);
            for (day, qty) in inbound.from_day(plan.today.unwrap_or(Day(i32::MIN))) {
                let after = net + i64::from(qty);
                by_day.push((day, i64::from(qty), after.max(0) - net.max(0)));
                net = after;
            }
        }
        if by_day.is_empty() {
            return;
        }
        crate::order::sort_by(&mut by_day, |a, b| a.cmp(b));
        let mut merged: Vec<(Day, i64, i64)> = Vec::new();
        for (d, q, g) in by_day {
            match merged.last_mut() {
                Some(last) if last.0 == d => (last.1, last.2) = (last.1 + q, last.2 + g),
                _ => merged.push((d, q, g)),
            }
        }
        if total < plan.qty {
            let mut running = total;
            for (d, _, g) in &merged {
                running += g;
                if running >= plan.qty {
                    out.available_from = Some(d.to_string());
                    break;
                }
            }
        }
        out.incoming = merged
            .into_iter()
            .map(|(d, qty, _)| SupplyLine {
                date: d.to_string(),
                qty,
            })
            .collect();
    }
}

fn name(network: &Network, loc: u32) -> &str {
    network.get(loc).map_or("", |l| l.id.as_str())
}
