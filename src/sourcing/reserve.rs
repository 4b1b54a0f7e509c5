//! Turning a plan into the inventory events that hold (or give back) exactly what it promised.
//!
//! Event ids derive from a caller's key (a reservation or order id), the location and the SKU,
//! so applying the same events again — a retried request — is recognised as a duplicate and
//! holds the units once.

use serde::{Deserialize, Serialize};

use super::Plan;
use crate::inventory::EventInput;

/// What to emit for a plan's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Hold {
    /// `reserve` events: hold the units (cart or order not yet in preparation).
    Reserve,
    /// `release` events: give them back (cancelled or expired).
    Release,
    /// `pick` events: the order goes into preparation.
    Pick,
    /// `ship` events: the parcels leave.
    Ship,
}

/// One event per (shipment, line) of `plan`, with ids `<key>:<hold>:<location>:<sku>`.
pub fn plan_events(plan: &Plan, key: &str, hold: Hold) -> Vec<EventInput> {
    let tag = match hold {
        Hold::Reserve => "reserve",
        Hold::Release => "release",
        Hold::Pick => "pick",
        Hold::Ship => "ship",
    };
    let mut out = Vec::new();
    for s in &plan.shipments {
        for line in &s.lines {
            let id = format!("{key}:{tag}:{}:{}", s.location, line.sku);
            let (sku, location) = (line.sku.clone(), s.location.clone());
            let qty = i32::try_from(line.qty).unwrap_or(i32::MAX);
            out.push(match hold {
                Hold::Reserve => EventInput::Reserve {
                    id,
                    sku,
                    location,
                    qty,
                },
                Hold::Release => EventInput::Release {
                    id,
                    sku,
                    location,
                    qty,
                },
                Hold::Pick => EventInput::Pick {
                    id,
                    sku,
                    location,
                    qty,
                },
                Hold::Ship => EventInput::Ship {
                    id,
                    sku,
                    location,
                    qty,
                },
            });
        }
    }
    out
}
