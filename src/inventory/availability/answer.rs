//! Answering an availability query once planned: each SKU's positions at the query's
//! locations, in the order asked, with expected supply, as objects or packed as numbers.

use super::{
    AvailabilityBuffers, AvailabilityQuery, Found, LocationAvailability, PackedAvailability, Plan,
    Scratch, SkuAvailability, SupplyLine, ROUND,
};
use crate::inventory::supply::{Day, Inbound};
use crate::inventory::{Inventory, QueryError, SkuStock};
use crate::network::Network;

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
            true,
            &mut AvailabilityBuffers::default(),
            &mut out,
        )?;
        Ok(out)
    }

    /// [`Inventory::availability_packed`] in buffers kept between queries: the answer replaces
    /// what `out` held (its vectors reused), and `buf` is left ready for the next query. A
    /// refused query leaves both as they were. Unless `named`, the SKUs' names are left out
    /// (`names` empty, each name's length 0), for a caller that names the answers from what it
    /// asked (the wasm binding's short way: 2-3% of a 20-SKU query).
    pub fn availability_packed_in(
        &self,
        network: &Network,
        q: &AvailabilityQuery,
        skus: &[&str],
        named: bool,
        buf: &mut AvailabilityBuffers,
        out: &mut PackedAvailability,
    ) -> Result<(), QueryError> {
        let plan = q.plan(network, buf)?;
        out.numbers.clear();
        out.names.clear();
        out.dates.clear();
        // A SKU takes 5 numbers and 3 per location listed: room for a few locations each.
        out.numbers.reserve(skus.len() * 32);
        if named {
            out.names.reserve(skus.iter().map(|s| s.len()).sum());
        }
        let mut seen = Vec::new();
        self.each_answer(&plan, &mut buf.scratch, skus, |sku, a, entries| {
            let supply = a.supply.incoming.len();
            out.numbers.reserve(5 + 3 * entries.len() + 2 * supply);
            if named {
                out.names.push_str(sku);
                out.numbers.push(crate::utf16_len(sku) as f64);
            } else {
                out.numbers.push(0.0);
            }
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
