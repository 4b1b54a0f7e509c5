//! Applying a batch of events: each stands alone, duplicates and stale counts change nothing,
//! and the report lists the ATS changes and alert crossings the batch caused.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::alerts::{Alert, Thresholds};
use super::dedup::id_hash;
use super::events::{Event, EventKind, Rejection};
use super::scan;
use super::{position_ats, Inventory, Position};
use crate::network::Network;
use crate::InputError;

/// The ATS of one position before and after a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct AtsChange {
    /// The SKU.
    pub sku: String,
    /// The location id.
    pub location: String,
    /// ATS before the batch, in units.
    pub before: i64,
    /// ATS after the batch, in units.
    pub after: i64,
}

/// What `applyEvents` did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ApplyReport {
    /// Events that changed (or confirmed) state.
    pub applied: u32,
    /// Events whose id was already applied.
    pub duplicates: u32,
    /// `set` events not newer than the position's version.
    pub stale: u32,
    /// Events refused, with their index in the batch and a stable code.
    pub rejected: Vec<Rejection>,
    /// Positions whose ATS changed, in order of first change.
    pub changes: Vec<AtsChange>,
    /// Threshold crossings (low, out of stock, back in stock).
    pub alerts: Vec<Alert>,
}

/// How much a batch reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyOptions {
    /// List ATS changes and alert crossings (default true). Bulk loads that need only the
    /// counts set it to false and skip the bookkeeping.
    #[serde(default = "yes")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub changes: bool,
}

fn yes() -> bool {
    true
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self { changes: true }
    }
}

enum Outcome {
    Applied,
    Duplicate,
    Stale,
}

/// A position's ATS before the batch and after its latest event.
struct Moved {
    sku: u32,
    loc: u32,
    before: i64,
    after: i64,
}

/// The state of one batch while it applies: the report so far, the first-touch ATS of the
/// positions it changes, and the previous event's SKU and location (feeds often repeat them).
struct Batch<'n> {
    network: &'n Network,
    report: ApplyReport,
    track: bool,
    /// Index in `ats` of every position changed so far, by (sku, location) packed in a u64.
    touched: FxHashMap<u64, u32>,
    /// ATS of each changed position before the batch and now, in order of first change.
    ats: Vec<Moved>,
    last_sku: (String, u32),
    last_location: (String, u32),
}

impl<'n> Batch<'n> {
    /// A batch of about `events` events: the change tracking is sized for them up front (at most
    /// one change per event), so that it never rehashes while the batch applies.
    fn new(network: &'n Network, opts: ApplyOptions, events: usize) -> Self {
        let expected = if opts.changes { events.min(1 << 20) } else { 0 };
        Batch {
            network,
            report: ApplyReport::default(),
            track: opts.changes,
            touched: FxHashMap::with_capacity_and_hasher(expected, Default::default()),
            ats: Vec::with_capacity(expected),
            last_sku: (String::new(), u32::MAX),
            last_location: (String::new(), u32::MAX),
        }
    }

    fn record(&mut self, index: usize, result: Result<Outcome, (&'static str, String)>) {
        let report = &mut self.report;
        match result {
            Ok(Outcome::Applied) => report.applied += 1,
            Ok(Outcome::Duplicate) => report.duplicates += 1,
            Ok(Outcome::Stale) => report.stale += 1,
            Err((code, message)) => report.rejected.push(Rejection {
                index,
                code: code.to_string(),
                message,
            }),
        }
    }

    /// Notes that the position (sku, loc) went from `old` to `new`.
    fn moved(&mut self, sku: u32, loc: u32, old: &Position, new: &Position) {
        let Some(location) = self.network.get(loc) else {
            return;
        };
        let after = position_ats(new, location);
        let next = self.ats.len() as u32;
        match self.touched.entry(u64::from(sku) << 32 | u64::from(loc)) {
            Entry::Occupied(i) => {
                if let Some(m) = self.ats.get_mut(*i.get() as usize) {
                    m.after = after;
                }
            }
            Entry::Vacant(v) => {
                v.insert(next);
                self.ats.push(Moved {
                    sku,
                    loc,
                    before: position_ats(old, location),
                    after,
                });
            }
        }
    }

    fn location(&mut self, id: &str) -> Option<u32> {
        if self.last_location.1 != u32::MAX && self.last_location.0 == id {
            return Some(self.last_location.1);
        }
        let i = self.network.lookup(id)?;
        self.last_location.0.clear();
        self.last_location.0.push_str(id);
        self.last_location.1 = i;
        Some(i)
    }

    fn sku(&mut self, inventory: &mut Inventory, sku: &str) -> u32 {
        if self.last_sku.1 != u32::MAX && self.last_sku.0 == sku {
            return self.last_sku.1;
        }
        let i = inventory.intern(sku);
        self.last_sku.0.clear();
        self.last_sku.0.push_str(sku);
        self.last_sku.1 = i;
        i
    }
}

impl Inventory {
    /// Applies a JSON array of events. A batch that is not a well-formed JSON array is refused
    /// whole, before any event applies.
    pub fn apply_json(
        &mut self,
        network: &Network,
        json: &str,
        opts: ApplyOptions,
    ) -> Result<ApplyReport, InputError> {
        let slots = scan::events(json)?;
        let mut batch = Batch::new(network, opts, slots.len());
        for (index, slot) in slots.into_iter().enumerate() {
            let result = slot.and_then(|e| self.apply_one(&mut batch, &e));
            batch.record(index, result);
        }
        Ok(self.finish(batch))
    }

    /// Applies typed events (the native path).
    pub fn apply_events(
        &mut self,
        network: &Network,
        events: &[Event<'_>],
        opts: ApplyOptions,
    ) -> ApplyReport {
        let mut batch = Batch::new(network, opts, events.len());
        for (index, e) in events.iter().enumerate() {
            let result = self.apply_one(&mut batch, e);
            batch.record(index, result);
        }
        self.finish(batch)
    }

    fn apply_one(
        &mut self,
        batch: &mut Batch<'_>,
        e: &Event<'_>,
    ) -> Result<Outcome, (&'static str, String)> {
        let h = id_hash(&e.id);
        if !self.log.claim(h) {
            return Ok(Outcome::Duplicate);
        }
        let result = self.apply_new(batch, e);
        match result {
            Ok(_) => self.log.commit(h),
            Err(_) => self.log.release(h),
        }
        result
    }

    /// Applies an event whose id is new.
    fn apply_new(
        &mut self,
        batch: &mut Batch<'_>,
        e: &Event<'_>,
    ) -> Result<Outcome, (&'static str, String)> {
        let Some(loc) = batch.location(&e.location) else {
            return Err((
                "unknown_location",
                format!("unknown location `{}`", e.location),
            ));
        };
        let sku = batch.sku(self, &e.sku);
        if let EventKind::Incoming { qty, date } = e.kind {
            self.inbound_mut(sku, loc).set(date, qty);
            return Ok(Outcome::Applied);
        }
        let stock = self
            .stock
            .get_mut(sku as usize)
            .ok_or(("invalid_field", String::new()))?;
        let found = stock.find(loc);
        let old = found.map(|i| stock.get(i)).unwrap_or_default();
        let Some(new) = next(old, e.kind)? else {
            return Ok(Outcome::Stale);
        };
        if batch.track {
            batch.moved(sku, loc, &old, &new);
        }
        let slot = match found {
            Some(i) => i,
            None => stock.slot(loc),
        };
        stock.put(slot, new);
        Ok(Outcome::Applied)
    }

    /// The report: counts, then the ATS changes and alert crossings of the touched positions.
    fn finish(&self, batch: Batch<'_>) -> ApplyReport {
        let Batch {
            network,
            mut report,
            ats,
            ..
        } = batch;
        for Moved {
            sku,
            loc,
            before,
            after,
        } in ats
        {
            let Some(location) = network.get(loc).filter(|_| after != before) else {
                continue;
            };
            let sku = self.sku_name(sku);
            let threshold = self.thresholds.low(sku, &location.id);
            if let Some(kind) = Thresholds::crossing(before, after, threshold) {
                report.alerts.push(Alert {
                    sku: sku.to_string(),
                    location: location.id.clone(),
                    kind,
                    ats: after,
                    before,
                    threshold,
                });
            }
            report.changes.push(AtsChange {
                sku: sku.to_string(),
                location: location.id.clone(),
                before,
                after,
            });
        }
        report
    }
}

fn overflow() -> (&'static str, String) {
    (
        "invalid_quantity",
        "the quantity would overflow the position".to_string(),
    )
}

fn add(a: i32, b: i32) -> Result<i32, (&'static str, String)> {
    a.checked_add(b).ok_or_else(overflow)
}

/// The position after `kind`, `None` when a versioned `set` is stale.
fn next(mut p: Position, kind: EventKind) -> Result<Option<Position>, (&'static str, String)> {
    match kind {
        EventKind::Set { on_hand, version } => {
            if let (Some(v), Some(last)) = (version, p.version) {
                if v <= last {
                    return Ok(None);
                }
            }
            p.on_hand = on_hand;
            p.version = version.or(p.version);
        }
        EventKind::Adjust(delta) => p.on_hand = add(p.on_hand, delta)?,
        EventKind::Reserve(q) => p.reserved = add(p.reserved, q)?,
        EventKind::Release(q) => p.reserved = (p.reserved - q).max(0),
        EventKind::Pick(q) => {
            p.reserved = (p.reserved - q).max(0);
            p.picking = add(p.picking, q)?;
        }
        EventKind::Ship(q) => {
            p.picking = (p.picking - q).max(0);
            p.on_hand = p.on_hand.checked_sub(q).ok_or_else(overflow)?;
        }
        EventKind::Return(q) => p.on_hand = add(p.on_hand, q)?,
        EventKind::SafetyStock(q) => p.safety = Some(q),
        EventKind::Incoming { .. } => {}
    }
    Ok(Some(p))
}
