//! The demo's inventory, as the events a WMS and the stores' POS would send: versioned counts,
//! a few open reservations, and expected supply on some SKUs that ran out.

use fastrand::Rng;

use super::catalogue::Item;
use super::{between, chance};
use crate::inventory::EventInput;
use crate::network::{LocationInput, LocationKind};

/// How the stock is spread.
pub(super) struct Spread {
    /// Fraction of (SKU, store) positions that exist; `None` follows each SKU's demand.
    pub density: Option<f64>,
}

/// Share of a warehouse's SKUs it carries when no density is forced.
const WAREHOUSE_RANGE: f64 = 0.92;

/// `set` events for every stocked position, then reservations, then expected supply.
///
/// Counts are grouped by SKU and follow the locations' order, which is the order the engine
/// stores positions in: loading appends instead of inserting.
pub(super) fn generate(
    rng: &mut Rng,
    items: &[Item],
    locations: &[LocationInput],
    spread: &Spread,
) -> Vec<EventInput> {
    let sold_out = sold_out_skus(rng, items.len());
    // Sets, plus a few percent of reservations and expected supply.
    let per_sku = locations.len() as f64 * spread.density.unwrap_or(0.45) * 1.04 + 1.0;
    let mut events = Vec::with_capacity((items.len() as f64 * per_sku) as usize);
    let (mut reserves, mut incoming) = (Vec::new(), Vec::new());
    for (i, item) in items.iter().enumerate() {
        let out_everywhere = sold_out.get(i).copied().unwrap_or(false);
        let sku = &item.product.sku;
        let mut restock_at: Option<&str> = None;
        for loc in locations {
            let warehouse = loc.kind == LocationKind::Warehouse;
            let carried = match (warehouse, spread.density) {
                (true, d) => chance(rng, d.unwrap_or(0.0).max(WAREHOUSE_RANGE)),
                (false, Some(d)) => chance(rng, d),
                // Bestsellers are in most stores, the long tail in a few.
                (false, None) => chance(rng, 0.15 + 0.7 * item.demand),
            };
            if !carried {
                continue;
            }
            let on_hand = if out_everywhere {
                0
            } else if warehouse {
                warehouse_count(rng, item.demand)
            } else {
                store_count(rng, item.demand)
            };
            events.push(EventInput::Set {
                id: format!("demo-set-{sku}-{}", loc.id),
                sku: sku.clone(),
                location: loc.id.clone(),
                on_hand,
                version: Some(1),
            });
            if let Some(qty) = reservation(rng, warehouse, on_hand) {
                reserves.push(EventInput::Reserve {
                    id: format!("demo-reserve-{sku}-{}", loc.id),
                    sku: sku.clone(),
                    location: loc.id.clone(),
                    qty,
                });
            }
            if warehouse && on_hand == 0 && restock_at.is_none() {
                restock_at = Some(&loc.id);
            }
        }
        // A purchase order on the way for most SKUs that a warehouse ran out of.
        if let Some(location) = restock_at {
            if chance(rng, if out_everywhere { 0.7 } else { 0.5 }) {
                let day = between(rng, 3, 24);
                incoming.push(EventInput::Incoming {
                    id: format!("demo-incoming-{sku}-{location}"),
                    sku: sku.clone(),
                    location: location.to_string(),
                    qty: between(rng, 10, 50) as i32 * 10,
                    date: format!("{}{day:02}", super::SUPPLY_MONTH),
                });
            }
        }
    }
    events.append(&mut reserves);
    events.append(&mut incoming);
    events
}

/// About one SKU in 160 is out of stock everywhere (at least one in a catalogue of 10+).
fn sold_out_skus(rng: &mut Rng, skus: usize) -> Vec<bool> {
    let mut marks = vec![false; skus];
    let wanted = if skus >= 10 { (skus / 160).max(1) } else { 0 };
    let mut marked = 0;
    while marked < wanted {
        if let Some(m) = marks.get_mut(between(rng, 0, skus as u32 - 1) as usize) {
            if !*m {
                *m = true;
                marked += 1;
            }
        }
    }
    marks
}

/// Deep warehouse stock: 50 to 2,000 units, deeper for bestsellers; 2% of positions at zero.
fn warehouse_count(rng: &mut Rng, demand: f64) -> i32 {
    if chance(rng, 0.02) {
        return 0;
    }
    let depth = 100 + (1_850.0 * demand) as u32;
    (50 + between(rng, 0, depth)).min(2_000) as i32
}

/// Shallow store stock: 0 to 8 units, a tenth of the positions sold out.
fn store_count(rng: &mut Rng, demand: f64) -> i32 {
    if chance(rng, 0.10) {
        return 0;
    }
    let max = 1 + (7.0 * demand).round() as u32;
    between(rng, 0, max.min(8)) as i32
}

/// Carts and orders not yet in preparation, on a few positions.
fn reservation(rng: &mut Rng, warehouse: bool, on_hand: i32) -> Option<i32> {
    if warehouse && on_hand >= 40 && chance(rng, 0.03) {
        Some(between(rng, 1, 10) as i32)
    } else if !warehouse && on_hand >= 2 && chance(rng, 0.02) {
        Some(1)
    } else {
        None
    }
}
