//! Applying a batch of events: each stands alone, duplicates and stale counts change nothing,
//! and the report lists the ATS changes and alert crossings the batch caused.

use std::fmt;

use rustc_hash::FxHashSet;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::alerts::{Alert, Thresholds};
use super::dedup::id_hash;
use super::events::{Event, EventKind, EventSlot, Rejection};
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

/// The state of one batch while it applies: the report so far, the first-touch ATS of the
/// positions it changes, and the previous event's SKU and location (feeds often repeat them).
struct Batch<'n> {
    network: &'n Network,
    report: ApplyReport,
    track: bool,
    /// (sku, location) of every position changed so far, packed in a u64.
    touched: FxHashSet<u64>,
    /// (sku, location, ATS before the batch), in order of first change.
    first: Vec<(u32, u32, i64)>,
    last_sku: (String, u32),
    last_location: (String, u32),
}

impl<'n> Batch<'n> {
    fn new(network: &'n Network, opts: ApplyOptions) -> Self {
        Batch {
            network,
            report: ApplyReport::default(),
            track: opts.changes,
            touched: FxHashSet::default(),
            first: Vec::new(),
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
        let mut batch = Batch::new(network, opts);
        if let Some(slots) = scan::events(json) {
            for (index, slot) in slots.into_iter().enumerate() {
                let result = slot.and_then(|e| self.apply_one(&mut batch, &e));
                batch.record(index, result);
            }
        } else {
            self.apply_json_serde(&mut batch, json)?;
        }
        Ok(self.finish(batch))
    }

    /// The serde path, for what the fast decoder declines: checks the whole text first, then
    /// decodes and applies one element at a time.
    fn apply_json_serde(&mut self, batch: &mut Batch<'_>, json: &str) -> Result<(), InputError> {
        serde_json::from_str::<IgnoredAny>(json).map_err(|e| InputError::new("events", trim(e)))?;
        let mut run = Run {
            inventory: self,
            batch,
        };
        let mut de = serde_json::Deserializer::from_str(json);
        de.deserialize_seq(&mut run)
            .map_err(|e| InputError::new("events", trim(e)))
    }

    /// Applies typed events (the native path).
    pub fn apply_events(
        &mut self,
        network: &Network,
        events: &[Event<'_>],
        opts: ApplyOptions,
    ) -> ApplyReport {
        let mut batch = Batch::new(network, opts);
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
        if batch.track && batch.touched.insert(u64::from(sku) << 32 | u64::from(loc)) {
            let location = batch
                .network
                .get(loc)
                .ok_or(("unknown_location", String::new()))?;
            batch.first.push((sku, loc, position_ats(&old, location)));
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
            first,
            ..
        } = batch;
        for (sku_idx, loc, before) in first {
            let (Some(stock), Some(location)) = (self.stock(sku_idx), network.get(loc)) else {
                continue;
            };
            let after = stock
                .find(loc)
                .map_or(0, |i| position_ats(&stock.get(i), location));
            if after == before {
                continue;
            }
            let sku = self.sku_name(sku_idx);
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

struct Run<'i, 'b, 'n> {
    inventory: &'i mut Inventory,
    batch: &'b mut Batch<'n>,
}

impl<'de> Visitor<'de> for &mut Run<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(slot) = seq.next_element::<EventSlot<'_>>()? {
            let checked = match slot.0 {
                Some(raw) => raw.validate(),
                None => Err(("not_an_object", "an event must be an object".to_string())),
            };
            let result = checked.and_then(|e| self.inventory.apply_one(self.batch, &e));
            self.batch.record(index, result);
            index += 1;
        }
        Ok(())
    }
}

fn trim(e: serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(cut) => s[..cut].to_string(),
        None => s,
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
