//! Events in their typed form: what `applyEvents` accepts from JS, field for field.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};

use super::{integer, Event, EventKind, Scalar};
use crate::inventory::supply::Day;

/// A field that must be present but may be `null` (serde reads a missing `Option` as `None`
/// unless a deserializer of its own is named).
pub(in crate::inventory) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Option::deserialize(d)
}

/// An inventory event in its typed form (what `applyEvents` accepts, field for field).
///
/// Every event has `id` (unique, for de-duplication), `type`, `sku` and `location`.
/// Quantities are whole units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum EventInput {
    /// `onHand := onHand` — a count from WMS/POS; stale when `version` is not newer.
    Set {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Counted units (>= 0).
        on_hand: i32,
        /// Monotonic version of the count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(target_arch = "wasm32", tsify(optional))]
        version: Option<u64>,
    },
    /// `onHand += delta` (receipt, in-store sale, damage).
    Adjust {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units added (negative removes).
        delta: i32,
    },
    /// `reserved += qty`.
    Reserve {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units (>= 0).
        qty: i32,
    },
    /// `reserved -= qty`, never below 0.
    Release {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units (>= 0).
        qty: i32,
    },
    /// `reserved -= qty; picking += qty`.
    Pick {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units (>= 0).
        qty: i32,
    },
    /// `picking -= qty; onHand -= qty`.
    Ship {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units (>= 0).
        qty: i32,
    },
    /// `onHand += qty` (restockable return received).
    Return {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units (>= 0).
        qty: i32,
    },
    /// The position's own safety stock, overriding the location's; `qty: null` removes it (the
    /// location's applies again).
    SafetyStock {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units (>= 0), or `null` to remove the position's own buffer. Required: an event
        /// without `qty` is refused, not read as a removal.
        #[serde(deserialize_with = "present")]
        #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
        qty: Option<i32>,
    },
    /// `qty` units expected at the location on `date` (replaces that day's figure; 0 cancels).
    Incoming {
        /// Unique event id.
        id: String,
        /// SKU.
        sku: String,
        /// Location id.
        location: String,
        /// Units (>= 0).
        qty: i32,
        /// Expected day, `YYYY-MM-DD`.
        date: String,
    },
}

impl EventInput {
    /// The event's id.
    pub fn id(&self) -> &str {
        match self {
            EventInput::Set { id, .. }
            | EventInput::Adjust { id, .. }
            | EventInput::Reserve { id, .. }
            | EventInput::Release { id, .. }
            | EventInput::Pick { id, .. }
            | EventInput::Ship { id, .. }
            | EventInput::Return { id, .. }
            | EventInput::SafetyStock { id, .. }
            | EventInput::Incoming { id, .. } => id,
        }
    }

    /// Validates into an [`Event`] (negative quantities and bad dates are refused).
    pub fn to_event(&self) -> Result<Event<'_>, (&'static str, String)> {
        let q = |field: &'static str, v: i32| integer(field, Some(Scalar::Num(f64::from(v))), 0);
        let (id, sku, location, kind) = match self {
            EventInput::Set {
                id,
                sku,
                location,
                on_hand,
                version,
            } => (
                id,
                sku,
                location,
                EventKind::Set {
                    on_hand: q("onHand", *on_hand)?,
                    version: *version,
                },
            ),
            EventInput::Adjust {
                id,
                sku,
                location,
                delta,
            } => (id, sku, location, EventKind::Adjust(*delta)),
            EventInput::Reserve {
                id,
                sku,
                location,
                qty,
            } => (id, sku, location, EventKind::Reserve(q("qty", *qty)?)),
            EventInput::Release {
                id,
                sku,
                location,
                qty,
            } => (id, sku, location, EventKind::Release(q("qty", *qty)?)),
            EventInput::Pick {
                id,
                sku,
                location,
                qty,
            } => (id, sku, location, EventKind::Pick(q("qty", *qty)?)),
            EventInput::Ship {
                id,
                sku,
                location,
                qty,
            } => (id, sku, location, EventKind::Ship(q("qty", *qty)?)),
            EventInput::Return {
                id,
                sku,
                location,
                qty,
            } => (id, sku, location, EventKind::Return(q("qty", *qty)?)),
            EventInput::SafetyStock {
                id,
                sku,
                location,
                qty,
            } => (
                id,
                sku,
                location,
                EventKind::SafetyStock(qty.map(|v| q("qty", v)).transpose()?),
            ),
            EventInput::Incoming {
                id,
                sku,
                location,
                qty,
                date,
            } => {
                let date = Day::parse(date).map_err(|m| ("invalid_date", format!("`date` {m}")))?;
                (
                    id,
                    sku,
                    location,
                    EventKind::Incoming {
                        qty: q("qty", *qty)?,
                        date,
                    },
                )
            }
        };
        Ok(Event {
            id: Cow::Borrowed(id),
            sku: Cow::Borrowed(sku),
            location: Cow::Borrowed(location),
            kind,
        })
    }
}
