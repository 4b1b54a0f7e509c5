//! Turning a plan into the inventory events that hold (or give back) exactly what it promised.
//!
//! Event ids derive from a caller's key (a reservation or order id), the location and the SKU,
//! so applying the same events again — a retried request — is recognised as a duplicate and
//! holds the units once.

use serde::{Deserialize, Serialize};

use super::plan::PlanLine;
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

/// What [`parcel_events`] reads of a plan: each shipment's location and lines. A plan decoded
/// into it skips every other field unread, so that the binding's `planEvents` needs no decoder
/// for the whole [`Plan`] (explanations and all): 3.8 KB less of the shipped wasm's gzip.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PlanParcels {
    /// The plan's shipments.
    pub shipments: Vec<Parcel>,
}

/// One shipment as [`PlanParcels`] reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Parcel {
    /// Location id.
    pub location: String,
    /// What it carries.
    pub lines: Vec<PlanLine>,
}

/// One event per (shipment, line) of `plan`, with ids `<key>:<hold>:<location>:<sku>` where
/// `%` and `:` in the location and the SKU are escaped (`%25`, `%3A`): two (location, SKU) pairs
/// never share an id (unescaped, `A` + `X:Y` and `A:X` + `Y` would, and the second event would
/// count as a duplicate: units promised and not held).
pub fn plan_events(plan: &Plan, key: &str, hold: Hold) -> Vec<EventInput> {
    events(plan.shipments.iter().map(shipment_parts), key, hold)
}

/// [`plan_events`] for the parts of a plan that it reads.
pub fn parcel_events(plan: &PlanParcels, key: &str, hold: Hold) -> Vec<EventInput> {
    events(plan.shipments.iter().map(Parcel::parts), key, hold)
}

/// A shipment's location and lines.
fn shipment_parts(s: &super::Shipment) -> (&str, &[PlanLine]) {
    (s.location.as_str(), s.lines.as_slice())
}

impl Parcel {
    /// Location and lines.
    fn parts(&self) -> (&str, &[PlanLine]) {
        (self.location.as_str(), self.lines.as_slice())
    }
}

fn events<'p>(
    shipments: impl Iterator<Item = (&'p str, &'p [PlanLine])>,
    key: &str,
    hold: Hold,
) -> Vec<EventInput> {
    let tag = match hold {
        Hold::Reserve => "reserve",
        Hold::Release => "release",
        Hold::Pick => "pick",
        Hold::Ship => "ship",
    };
    // One event per (location, SKU), its units summed: a plan written by hand may list a SKU
    // twice for a location, and two events with one id would hold the first line's units only.
    // A line of no units holds nothing. The search is linear per line: nothing for a cart's
    // few lines, 2.8 ms natively for a 1,000-line shipment (the cart limit), against ~20 ms to
    // source it; an index by (location, SKU) was measured at 0.8 KB more gzipped wasm.
    let mut out: Vec<EventInput> = Vec::new();
    for (at, lines) in shipments {
        for line in lines.iter().filter(|l| l.qty > 0) {
            let id = format!("{key}:{tag}:{}:{}", escaped(at), escaped(&line.sku));
            let qty = i32::try_from(line.qty).unwrap_or(i32::MAX);
            if let Some(
                EventInput::Reserve { qty: held, .. }
                | EventInput::Release { qty: held, .. }
                | EventInput::Pick { qty: held, .. }
                | EventInput::Ship { qty: held, .. },
            ) = out.iter_mut().find(|e| e.id() == id)
            {
                *held = held.saturating_add(qty);
                continue;
            }
            let (sku, location) = (line.sku.clone(), at.to_string());
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

/// `s` with `%` and `:` percent-escaped (borrowed when it holds neither, as ids mostly do).
fn escaped(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b == b'%' || b == b':') {
        s.replace('%', "%25").replace(':', "%3A").into()
    } else {
        s.into()
    }
}
