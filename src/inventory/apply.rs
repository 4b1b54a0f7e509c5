//! Applying a batch of events: each stands alone, duplicates and stale counts change nothing,
//! and the report lists the ATS changes and alert crossings the batch caused.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::alerts::{Alert, Thresholds};
use super::dedup::id_hash;
use super::events::{Event, EventKind, EventSlot, Rejection};
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

/// First-touch ATS of each position a batch modifies.
#[derive(Default)]
struct Touched {
    enabled: bool,
    before: FxHashMap<(u32, u32), i64>,
    order: Vec<(u32, u32)>,
}

impl Touched {
    fn new(opts: ApplyOptions, batch: usize) -> Self {
        let mut t = Touched {
            enabled: opts.changes,
            ..Touched::default()
        };
        if t.enabled {
            t.before.reserve(batch.min(1 << 16));
        }
        t
    }
}

impl Inventory {
    /// Applies a JSON array of events, decoding and applying one element at a time so that no
    /// decoded copy of the batch is ever held. A batch that is not a well-formed JSON array is
    /// refused whole, before any event applies.
    pub fn apply_json(
        &mut self,
        network: &Network,
        json: &str,
        opts: ApplyOptions,
    ) -> Result<ApplyReport, InputError> {
        serde_json::from_str::<IgnoredAny>(json).map_err(|e| InputError::new("events", trim(e)))?;
        let mut run = Run {
            inventory: self,
            network,
            report: ApplyReport::default(),
            touched: Touched::new(opts, 1024),
        };
        let mut de = serde_json::Deserializer::from_str(json);
        de.deserialize_seq(&mut run)
            .map_err(|e| InputError::new("events", trim(e)))?;
        let Run {
            mut report,
            touched,
            ..
        } = run;
        self.finish(network, touched, &mut report);
        Ok(report)
    }

    /// Applies typed events (the native path).
    pub fn apply_events(
        &mut self,
        network: &Network,
        events: &[Event<'_>],
        opts: ApplyOptions,
    ) -> ApplyReport {
        let mut report = ApplyReport::default();
        let mut touched = Touched::new(opts, events.len());
        for (index, e) in events.iter().enumerate() {
            let result = self.apply_one(network, e, &mut touched);
            record(&mut report, index, result);
        }
        self.finish(network, touched, &mut report);
        report
    }

    fn apply_one(
        &mut self,
        network: &Network,
        e: &Event<'_>,
        touched: &mut Touched,
    ) -> Result<Outcome, (&'static str, String)> {
        let h = id_hash(&e.id);
        if self.log.contains(h) {
            return Ok(Outcome::Duplicate);
        }
        let Some(loc) = network.lookup(&e.location) else {
            return Err((
                "unknown_location",
                format!("unknown location `{}`", e.location),
            ));
        };
        let location = network
            .get(loc)
            .ok_or(("unknown_location", String::new()))?;
        let sku = self.intern(&e.sku);
        if let EventKind::Incoming { qty, date } = e.kind {
            self.inbound_mut(sku, loc).set(date, qty);
            self.log.remember(h);
            return Ok(Outcome::Applied);
        }
        let stock = self
            .stock
            .get_mut(sku as usize)
            .ok_or(("invalid_field", String::new()))?;
        let old = stock.find(loc).map(|i| stock.get(i)).unwrap_or_default();
        let Some(new) = next(old, e.kind)? else {
            self.log.remember(h);
            return Ok(Outcome::Stale);
        };
        let key = (sku, loc);
        if touched.enabled && !touched.before.contains_key(&key) {
            touched.before.insert(key, position_ats(&old, location));
            touched.order.push(key);
        }
        let slot = stock.slot(loc);
        stock.put(slot, new);
        self.log.remember(h);
        Ok(Outcome::Applied)
    }

    fn finish(&self, network: &Network, touched: Touched, report: &mut ApplyReport) {
        for key in touched.order {
            let before = touched.before.get(&key).copied().unwrap_or(0);
            let (Some(stock), Some(location)) = (self.stock(key.0), network.get(key.1)) else {
                continue;
            };
            let after = stock
                .find(key.1)
                .map_or(0, |i| position_ats(&stock.get(i), location));
            if after == before {
                continue;
            }
            let sku = self.sku_name(key.0);
            if let Some(kind) =
                Thresholds::crossing(before, after, self.thresholds.low(sku, &location.id))
            {
                report.alerts.push(Alert {
                    sku: sku.to_string(),
                    location: location.id.clone(),
                    kind,
                    ats: after,
                    before,
                    threshold: self.thresholds.low(sku, &location.id),
                });
            }
            report.changes.push(AtsChange {
                sku: sku.to_string(),
                location: location.id.clone(),
                before,
                after,
            });
        }
    }
}

struct Run<'i, 'n> {
    inventory: &'i mut Inventory,
    network: &'n Network,
    report: ApplyReport,
    touched: Touched,
}

impl<'de> Visitor<'de> for &mut Run<'_, '_> {
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
            let result = checked.and_then(|e| {
                self.inventory
                    .apply_one(self.network, &e, &mut self.touched)
            });
            record(&mut self.report, index, result);
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

fn record(report: &mut ApplyReport, index: usize, result: Result<Outcome, (&'static str, String)>) {
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
