//! Click & collect: the stores near the shopper that hold the whole cart ("ready in 2 h"), or
//! that a warehouse can complete with a transfer ("ready on 10 December"). A store here is any
//! active location offering pickup: every store by default, a warehouse when it says so.
//!
//! The offer lists the nearest `maxStores` stores able to serve the cart, nearest first; when
//! none of them holds it in stock but a store within the radius does, the nearest such store
//! takes the last place, so that the fastest pickup is never hidden behind transfers.

use super::calendar::Calendar;
use super::options::{CollectOption, CollectSource};
use super::Context;
use crate::inventory::{position_ats, SkuStock};
use crate::network::{haversine_km, GeoIndex, Location, LocationKind};
use crate::sourcing::PlanLine;

/// ATS of cart line `j` at location `l` (index `i`), in units.
fn held(stocks: &[Option<&SkuStock>], j: usize, i: u32, l: &Location) -> u64 {
    stocks
        .get(j)
        .copied()
        .flatten()
        .and_then(|s| s.find(i).map(|k| position_ats(&s.get(k), l)))
        .unwrap_or(0)
        .max(0) as u64
}

/// Units of each cart line that `l` (index `i`) lacks: (line, units).
fn missing(
    ctx: &Context<'_>,
    stocks: &[Option<&SkuStock>],
    i: u32,
    l: &Location,
) -> Vec<(usize, u64)> {
    ctx.cart
        .lines
        .iter()
        .enumerate()
        .filter_map(|(j, line)| {
            let lack = line.qty.saturating_sub(held(stocks, j, i, l));
            (lack > 0).then_some((j, lack))
        })
        .collect()
}

/// The store's offer when it holds the whole cart. Preparation starts as soon as the order is
/// placed while the store is open: the cutoff is the carrier's (the last parcel leaving), and a
/// collected order leaves with the shopper. What does not fit before closing carries over to
/// the next working day.
fn in_store(ctx: &Context<'_>, i: u32, l: &Location, d: f64) -> CollectOption {
    let site = ctx.sites.of(i, l.kind);
    let counter = crate::promise::rules::Site {
        cutoff: site.close,
        ..site
    };
    let ready = counter.ready_at(ctx.now, &ctx.holidays);
    CollectOption {
        location: l.id.clone(),
        name: l.name.clone(),
        distance_km: d,
        price: ctx.rules.collect.price,
        source: CollectSource::Store,
        ready_at: Some(ready.to_string()),
        ready_in_minutes: Some((ready.0 - ctx.now.0).clamp(0, i64::from(u32::MAX)) as u32),
        ready_on: None,
        transfer_from: None,
        transfer_lines: None,
    }
}

/// The store's offer when the nearest warehouse that holds every missing unit and can send them
/// does: active, shipping (`ship`), with room for them in its `capacityUnits`.
fn by_transfer(
    ctx: &Context<'_>,
    stocks: &[Option<&SkuStock>],
    i: u32,
    l: &Location,
    d: f64,
    lacking: &[(usize, u64)],
) -> Option<CollectOption> {
    let units: u64 = lacking.iter().map(|&(_, need)| need).sum();
    let (w, wh) = ctx
        .network
        .all()
        .iter()
        .enumerate()
        // Another warehouse: a pickup warehouse that lacks units cannot send them to itself.
        .filter(|(w, wh)| {
            wh.kind == LocationKind::Warehouse && wh.active && wh.ship && *w as u32 != i
        })
        // A transfer leaves as a parcel would: it takes its units from the day's capacity.
        .filter(|(_, wh)| wh.capacity_units.is_none_or(|c| u64::from(c) >= units))
        .filter(|(w, wh)| {
            lacking
                .iter()
                .all(|&(j, need)| held(stocks, j, *w as u32, wh) >= need)
        })
        .min_by(|a, b| {
            let da = haversine_km(l.point(), a.1.point());
            let db = haversine_km(l.point(), b.1.point());
            da.total_cmp(&db).then_with(|| a.1.id.cmp(&b.1.id))
        })?;
    let leaves = ctx
        .sites
        .of(w as u32, LocationKind::Warehouse)
        .ready_day(ctx.now, &ctx.holidays);
    let store_days = Calendar::new(ctx.sites.of(i, l.kind).days, &ctx.holidays);
    let ready_on = store_days.add_business_days(leaves, ctx.rules.collect.transfer_days);
    Some(CollectOption {
        location: l.id.clone(),
        name: l.name.clone(),
        distance_km: d,
        price: ctx.rules.collect.price,
        source: CollectSource::Transfer,
        ready_at: None,
        ready_in_minutes: None,
        ready_on: Some(ready_on.to_string()),
        transfer_from: Some(wh.id.clone()),
        transfer_lines: Some(
            lacking
                .iter()
                .map(|&(j, qty)| PlanLine {
                    sku: ctx
                        .cart
                        .lines
                        .get(j)
                        .map_or_else(String::new, |x| x.sku.clone()),
                    qty,
                })
                .collect(),
        ),
    })
}

/// True when `l` is active and offers click & collect: stores by default, any location whose
/// `pickup` is set (a warehouse with a collection counter too), as `availability` in `pickup`
/// mode lists them.
fn collects(l: &Location) -> bool {
    l.active && l.pickup
}

/// The offer of store `id` alone (`pickupAt`): as [`offers`] would make it, without the cap on
/// the number of stores; none when it is not an active pickup store within `maxKm` or cannot
/// serve the cart.
fn only(ctx: &Context<'_>, id: &str) -> Vec<CollectOption> {
    let Some(i) = ctx.network.lookup(id) else {
        return Vec::new();
    };
    let Some(l) = ctx.network.get(i).filter(|l| collects(l)) else {
        return Vec::new();
    };
    let index = ctx.network.index();
    let d = index.distance_km(i, &GeoIndex::origin(ctx.cart.destination));
    if d > ctx.rules.collect.max_km {
        return Vec::new();
    }
    let lacking = missing(ctx, &ctx.stocks, i, l);
    if lacking.is_empty() {
        vec![in_store(ctx, i, l, d)]
    } else {
        by_transfer(ctx, &ctx.stocks, i, l, d, &lacking)
            .into_iter()
            .collect()
    }
}

/// Click & collect offers, nearest first.
pub(super) fn offers(ctx: &Context<'_>) -> Vec<CollectOption> {
    let rules = ctx.rules.collect;
    if !rules.enabled {
        return Vec::new();
    }
    if let Some(id) = ctx.pickup_at {
        return only(ctx, id);
    }
    let mut out: Vec<CollectOption> = Vec::with_capacity(rules.max_stores);
    for (i, d) in ctx
        .network
        .index()
        .within(ctx.cart.destination, Some(rules.max_km))
    {
        let Some(l) = ctx.network.get(i) else {
            continue;
        };
        if !collects(l) {
            continue;
        }
        let full = out.len() >= rules.max_stores;
        if full && out.iter().any(|o| o.source == CollectSource::Store) {
            break;
        }
        let lacking = missing(ctx, &ctx.stocks, i, l);
        if lacking.is_empty() {
            let offer = in_store(ctx, i, l, d);
            if full {
                // The list is full of transfers: the nearest in-stock store replaces the last.
                out.pop();
                out.push(offer);
                break;
            }
            out.push(offer);
        } else if !full {
            out.extend(by_transfer(ctx, &ctx.stocks, i, l, d, &lacking));
        }
    }
    out
}
