//! Applying a batch of events: each stands alone, duplicates and stale counts change nothing,
//! and the report lists the ATS changes and alert crossings the batch caused.

use serde::{Deserialize, Serialize};

use super::alerts::{Alert, Thresholds};
use super::dedup::id_hash;
use super::events::{Event, EventKind, Rejection};
use super::moves::{Moved, Moves};
use super::scan;
use super::{position_ats, Inventory, Position};
use crate::network::{Location, Network};
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
    /// Positions whose ATS changed, in the order the batch first touched them (an event that
    /// left a position's ATS as it was counts: `reserve 0`, then `reserve 1` there).
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
    /// Check event ids against the remembered ones and remember them (default true). A writer
    /// that never sends an event twice (the edge ledger's own holds and order moves, made once
    /// under its own idempotency keys) sets it to false: its events then take no room among
    /// the last 100,000 ids that an integration's retries are de-duplicated by.
    #[serde(default = "yes")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub remember: bool,
}

fn yes() -> bool {
    true
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            changes: true,
            remember: true,
        }
    }
}

/// How many events ahead of the one applying are resolved and prefetched: enough to cover a
/// cache miss with the work of the events in between.
const AHEAD: usize = 16;

/// How many events ahead of the one applying the texts of a typed event (its id, SKU and
/// location, each in an allocation of its own) are prefetched: they are read when the event is
/// resolved, [`AHEAD`] events before it applies.
const TEXT_AHEAD: usize = 2 * AHEAD;

/// An event's id hash, SKU and location indexes (`u32::MAX` when unknown), found ahead, and
/// its position's slot then (`u32::MAX`: none yet), valid while the batch has created as many
/// positions as `created` says (creating one shifts the slots after it).
#[derive(Debug, Clone, Copy)]
struct Resolved {
    h: u128,
    sku: u32,
    loc: u32,
    slot: u32,
    created: u32,
}

impl Default for Resolved {
    fn default() -> Self {
        Resolved {
            h: 0,
            sku: u32::MAX,
            loc: u32::MAX,
            slot: u32::MAX,
            created: u32::MAX,
        }
    }
}

enum Outcome {
    Applied,
    Duplicate,
    Stale,
}

/// The state of one batch while it applies: the report so far and the positions it moved.
struct Batch<'n> {
    network: &'n Network,
    report: ApplyReport,
    track: bool,
    /// Event ids are de-duplicated and remembered ([`ApplyOptions::remember`]).
    remember: bool,
    moves: Moves,
    /// Positions created so far (see [`Resolved`]).
    created: u32,
}

impl<'n> Batch<'n> {
    /// A batch of about `events` events: the change tracking is sized for them up front (at most
    /// one change per event), so that its list never grows while the batch applies.
    fn new(network: &'n Network, opts: ApplyOptions, events: usize) -> Self {
        let expected = if opts.changes { events.min(1 << 20) } else { 0 };
        Batch {
            network,
            report: ApplyReport::default(),
            track: opts.changes,
            remember: opts.remember,
            moves: Moves::with_capacity(expected),
            created: 0,
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
        self.moves.note(
            sku,
            loc,
            position_ats(old, location),
            position_ats(new, location),
        );
    }
}

/// The events ahead of the one applying, resolved: a ring of [`AHEAD`] entries, and the last
/// SKU and location looked up (feeds often repeat them).
struct Lookahead<'e> {
    ring: [Resolved; AHEAD],
    last_sku: (&'e str, u32),
    last_location: (&'e str, u32),
}

impl<'e> Lookahead<'e> {
    fn location(&mut self, network: &Network, id: &'e str) -> Option<u32> {
        if self.last_location.1 != u32::MAX && self.last_location.0 == id {
            return Some(self.last_location.1);
        }
        let i = network.lookup(id)?;
        self.last_location = (id, i);
        Some(i)
    }

    /// The index of `sku` if the inventory knows it already (a new one is registered when its
    /// event applies).
    fn sku(&mut self, inventory: &Inventory, sku: &'e str) -> Option<u32> {
        if self.last_sku.1 != u32::MAX && self.last_sku.0 == sku {
            return Some(self.last_sku.1);
        }
        let i = inventory.sku_index(sku)?;
        self.last_sku = (sku, i);
        Some(i)
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
        let batch =
            self.apply_all::<_, false>(network, &slots, opts, |s| s.as_ref().map_err(Clone::clone));
        Ok(self.finish(batch))
    }

    /// [`Inventory::apply_json`] with the ATS changes as numbers (see [`PackedChanges`]): the
    /// report's `changes` stays empty. For bindings, which turn numbers into objects far
    /// faster than they decode a text of a hundred thousand of them.
    pub fn apply_json_packed(
        &mut self,
        network: &Network,
        json: &str,
        opts: ApplyOptions,
    ) -> Result<(ApplyReport, PackedChanges), InputError> {
        let slots = scan::events(json)?;
        let batch =
            self.apply_all::<_, false>(network, &slots, opts, |s| s.as_ref().map_err(Clone::clone));
        let mut packed = PackedChanges::default();
        // Slot of each SKU in `packed.skus`, by SKU index (`u32::MAX`: not listed yet).
        let mut listed: Vec<u32> = Vec::new();
        packed.numbers.reserve_exact(4 * batch.moves.len());
        let report = self.finish_with(batch, |c| {
            if listed.len() <= c.sku as usize {
                listed.resize(c.sku as usize + 1, u32::MAX);
            }
            let slot = match listed.get_mut(c.sku as usize) {
                Some(x) if *x == u32::MAX => {
                    *x = packed.skus.len() as u32;
                    packed.skus.push(c.name.to_string());
                    *x
                }
                Some(x) => *x,
                None => u32::MAX,
            };
            // Pushes into the room reserved above (`extend` from an array is a call per
            // change in the size-optimised build).
            packed.numbers.push(f64::from(slot));
            packed.numbers.push(f64::from(c.loc));
            packed.numbers.push(c.before as f64);
            packed.numbers.push(c.after as f64);
        });
        Ok((report, packed))
    }

    /// Applies typed events (the native path).
    pub fn apply_events(
        &mut self,
        network: &Network,
        events: &[Event<'_>],
        opts: ApplyOptions,
    ) -> ApplyReport {
        let batch = self.apply_all::<_, true>(network, events, opts, Ok);
        self.finish(batch)
    }

    /// Applies `items` in order. Each event's id, SKU and location are resolved [`AHEAD`]
    /// events before it applies, and the memory it will touch (its id's slot in the event log,
    /// the id the log will forget, its position) is prefetched then: the cache misses of
    /// consecutive events overlap instead of adding up. ATS changes are only appended while the
    /// events apply, and folded into one per position after the last ([`Moves::settle`]).
    ///
    /// `APART`: the events' texts each lie in an allocation of their own, wherever the allocator
    /// put it (typed events), and are prefetched [`TEXT_AHEAD`] events ahead; without that,
    /// resolving an event waited on the bytes of its SKU and location before hashing them (the
    /// typed 100,000-event bench took 1.5 ms more, 18.2-19.9 ms). A JSON batch's texts lie in
    /// order in its JSON, read in order.
    fn apply_all<'e, 'n, T, const APART: bool>(
        &mut self,
        network: &'n Network,
        items: &'e [T],
        opts: ApplyOptions,
        event: impl Fn(&'e T) -> Result<&'e Event<'e>, (&'static str, String)>,
    ) -> Batch<'n> {
        let mut batch = Batch::new(network, opts, items.len());
        let mut ahead = Lookahead {
            ring: [Resolved::default(); AHEAD],
            last_sku: ("", u32::MAX),
            last_location: ("", u32::MAX),
        };
        for (i, item) in items.iter().enumerate().take(AHEAD) {
            if let Ok(e) = event(item) {
                let r = self.resolve(&batch, &mut ahead, e);
                if let Some(x) = ahead.ring.get_mut(i) {
                    *x = r;
                }
            }
        }
        for (index, item) in items.iter().enumerate() {
            if APART {
                if let Some(Ok(e)) = items.get(index + TEXT_AHEAD).map(&event) {
                    for text in [&e.id, &e.sku, &e.location] {
                        if let Some(b) = text.as_bytes().first() {
                            crate::prefetch::read(b);
                        }
                    }
                }
            }
            let here = ahead.ring.get(index % AHEAD).copied().unwrap_or_default();
            if let Some(Ok(next)) = items.get(index + AHEAD).map(&event) {
                let r = self.resolve(&batch, &mut ahead, next);
                if let Some(x) = ahead.ring.get_mut(index % AHEAD) {
                    *x = r;
                }
            }
            let result = event(item).and_then(|e| self.apply_one(&mut batch, e, here));
            batch.record(index, result);
        }
        batch.moves.settle();
        batch
    }

    /// Resolves an event ahead of applying it and prefetches what applying it will read.
    fn resolve<'e>(
        &self,
        batch: &Batch<'_>,
        ahead: &mut Lookahead<'e>,
        e: &'e Event<'e>,
    ) -> Resolved {
        let h = id_hash(&e.id);
        self.log.prefetch(h, AHEAD);
        let loc = ahead.location(batch.network, &e.location);
        let sku = ahead.sku(self, &e.sku);
        let mut slot = u32::MAX;
        if let (Some(s), Some(l)) = (sku, loc) {
            if let Some(i) = self.skus.stock(s).and_then(|stock| stock.prefetch(l)) {
                slot = i as u32;
            }
        }
        Resolved {
            h,
            sku: sku.unwrap_or(u32::MAX),
            loc: loc.unwrap_or(u32::MAX),
            slot,
            created: batch.created,
        }
    }

    fn apply_one(
        &mut self,
        batch: &mut Batch<'_>,
        e: &Event<'_>,
        r: Resolved,
    ) -> Result<Outcome, (&'static str, String)> {
        if !batch.remember {
            return self.apply_new(batch, e, r);
        }
        if !self.log.claim(r.h) {
            return Ok(Outcome::Duplicate);
        }
        let result = self.apply_new(batch, e, r);
        match result {
            Ok(_) => self.log.commit(r.h),
            Err(_) => self.log.release(r.h),
        }
        result
    }

    /// Applies an event whose id is new.
    fn apply_new(
        &mut self,
        batch: &mut Batch<'_>,
        e: &Event<'_>,
        r: Resolved,
    ) -> Result<Outcome, (&'static str, String)> {
        if r.loc == u32::MAX {
            return Err((
                "unknown_location",
                format!("unknown location `{}`", e.location),
            ));
        }
        let loc = r.loc;
        // A SKU unknown when the event was resolved may have been registered since.
        let sku = if r.sku == u32::MAX {
            self.intern(&e.sku)
        } else {
            r.sku
        };
        if let EventKind::Incoming { qty, date } = e.kind {
            self.inbound_mut(sku, loc).set(date, qty);
            return Ok(Outcome::Applied);
        }
        let stock = self
            .skus
            .stock_mut(sku)
            .ok_or(("invalid_field", String::new()))?;
        // The slot found when the event was resolved, unless a position was created since.
        let found = if r.sku == sku && r.created == batch.created {
            (r.slot != u32::MAX).then_some(r.slot as usize)
        } else {
            stock.find(loc)
        };
        let old = found.map(|i| stock.get(i)).unwrap_or_default();
        let Some(new) = next(old, e.kind)? else {
            return Ok(Outcome::Stale);
        };
        if batch.track {
            batch.moved(sku, loc, &old, &new);
        }
        let slot = match found {
            Some(i) => i,
            None => {
                batch.created = batch.created.wrapping_add(1);
                stock.slot(loc)
            }
        };
        stock.put(slot, new);
        Ok(Outcome::Applied)
    }

    /// The report: counts, then the ATS changes and alert crossings of the touched positions.
    fn finish(&self, batch: Batch<'_>) -> ApplyReport {
        // Sized once: growing a list of 100,000 changes by doubling copies it about twice over.
        let mut changes = Vec::with_capacity(batch.moves.len());
        let mut report = self.finish_with(batch, |c| {
            changes.push(AtsChange {
                sku: c.name.to_string(),
                location: c.location.id.clone(),
                before: c.before,
                after: c.after,
            });
        });
        report.changes = changes;
        report
    }

    /// The report without its changes, which go to `change` in order of first change; alert
    /// crossings are listed.
    fn finish_with(&self, batch: Batch<'_>, mut change: impl FnMut(Changed<'_>)) -> ApplyReport {
        let Batch {
            network,
            mut report,
            moves,
            ..
        } = batch;
        for Moved {
            sku,
            loc,
            before,
            after,
        } in moves.into_list()
        {
            let Some(location) = network.get(loc) else {
                continue;
            };
            let name = self.sku_name(sku);
            let threshold = self.thresholds.low(name, &location.id);
            if let Some(kind) = Thresholds::crossing(before, after, threshold) {
                report.alerts.push(Alert {
                    sku: name.to_string(),
                    location: location.id.clone(),
                    kind,
                    ats: after,
                    before,
                    threshold,
                });
            }
            change(Changed {
                sku,
                name,
                loc,
                location,
                before,
                after,
            });
        }
        report
    }
}

/// One position whose ATS a batch changed, as [`Inventory::finish_with`] hands it on.
struct Changed<'a> {
    /// SKU index and name.
    sku: u32,
    name: &'a str,
    /// Location index and location.
    loc: u32,
    location: &'a Location,
    /// ATS before the batch and after it, in units.
    before: i64,
    after: i64,
}

/// The ATS changes of a batch as numbers, for a binding to turn into objects without a text
/// round trip: per change, in order, `SKU slot, location index, before, after`, where the SKU
/// slot indexes `skus` (the names of the SKUs that changed, each once).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackedChanges {
    /// Four numbers per change.
    pub numbers: Vec<f64>,
    /// SKU names by slot.
    pub skus: Vec<String>,
}

/// The event's `field` (`qty` or `delta`) would take a count of the position out of range.
fn overflow(field: &str) -> (&'static str, String) {
    (
        "invalid_quantity",
        format!("{field}: would overflow the position"),
    )
}

fn add(a: i32, b: i32, field: &str) -> Result<i32, (&'static str, String)> {
    a.checked_add(b).ok_or_else(|| overflow(field))
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
        EventKind::Adjust(delta) => p.on_hand = add(p.on_hand, delta, "delta")?,
        EventKind::Reserve(q) => p.reserved = add(p.reserved, q, "qty")?,
        EventKind::Release(q) => p.reserved = (p.reserved - q).max(0),
        EventKind::Pick(q) => {
            p.reserved = (p.reserved - q).max(0);
            p.picking = add(p.picking, q, "qty")?;
        }
        EventKind::Ship(q) => {
            p.picking = (p.picking - q).max(0);
            p.on_hand = p.on_hand.checked_sub(q).ok_or_else(|| overflow("qty"))?;
        }
        EventKind::Return(q) => p.on_hand = add(p.on_hand, q, "qty")?,
        EventKind::SafetyStock(q) => p.safety = q,
        EventKind::Incoming { .. } => {}
    }
    Ok(Some(p))
}
