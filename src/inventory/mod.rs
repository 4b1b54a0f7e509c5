//! Inventory: positions per (SKU, location), the events that move them, Availability To Sell,
//! future supply and stock alerts.
//!
//! ```text
//! ats(sku, location) = 0                                              if the location is inactive
//!                    = max(0, onHand - reserved - picking - safety)   otherwise
//! safety             = the position's safetyStock, else the location's, else 0
//! ```

mod alerts;
mod apply;
mod availability;
pub mod dedup;
pub mod events;
mod moves;
mod scan;
mod sku_table;
mod slots;
mod stock;
pub mod supply;

use crate::FxHashMap;
use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use thiserror::Error;

use sku_table::{RecordsSeed, SkuTable, StocksSeed};

pub use alerts::{Alert, AlertKind, ThresholdRule, Thresholds};
pub use apply::{ApplyOptions, ApplyReport, AtsChange, PackedChanges};
pub use availability::{
    AvailabilityBuffers, AvailabilityQuery, FulfilmentMode, LocationAvailability,
    PackedAvailability, SkuAvailability, SupplyLine,
};
pub use dedup::EventLog;
pub use events::{Event, EventInput, EventKind, RawEvent, Rejection, MAX_BATCH_EVENTS};
pub use stock::{Position, SkuStock};
pub use supply::{Day, Inbound};

use crate::network::{Location, Network};
use crate::InputError;

/// Errors of ATS and availability queries.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum QueryError {
    /// The query is malformed.
    #[error("{0}")]
    Invalid(InputError),
    /// The location id is unknown.
    #[error("unknown location `{0}`")]
    UnknownLocation(String),
}

impl QueryError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::Invalid(_) => "invalid_input",
            QueryError::UnknownLocation(_) => "unknown_location",
        }
    }
}

/// Every position, with the SKU dictionary, expected supply, alert thresholds and the memory of
/// applied event ids.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Every SKU's name and stock, by index, and the index from name to SKU.
    skus: SkuTable,
    /// Expected supply per SKU index: (location index, inbound), sorted by location.
    supply: FxHashMap<u32, Vec<(u32, Inbound)>>,
    thresholds: Thresholds,
    log: EventLog,
}

/// ATS of a position at a location, honouring the location's state.
pub fn position_ats(p: &Position, location: &Location) -> i64 {
    if location.active {
        p.ats(location.safety_stock)
    } else {
        0
    }
}

/// ATS of `stock`'s position at slot `slot`, at `location`: [`position_ats`] read straight
/// from the slot, without building the [`Position`] (its version is another lookup).
pub fn slot_ats(stock: &SkuStock, slot: usize, location: &Location) -> i64 {
    if location.active {
        stock.ats(slot, location.safety_stock)
    } else {
        0
    }
}

impl Inventory {
    /// Index of `sku`, if it was ever seen.
    pub fn sku_index(&self, sku: &str) -> Option<u32> {
        self.skus.find(sku)
    }

    /// Index of `sku`, registering it if new.
    pub fn intern(&mut self, sku: &str) -> u32 {
        self.skus.intern(sku)
    }

    /// The SKU named by index `i`.
    pub fn sku_name(&self, i: u32) -> &str {
        self.skus.name(i)
    }

    /// Number of known SKUs.
    pub fn sku_count(&self) -> usize {
        self.skus.len()
    }

    /// Every known SKU, in index order.
    pub fn sku_names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.skus.names()
    }

    /// Positions of SKU index `i`.
    pub fn stock(&self, i: u32) -> Option<&SkuStock> {
        self.skus.stock(i)
    }

    /// Number of (SKU, location) positions.
    pub fn position_count(&self) -> usize {
        self.skus.stocks().map(SkuStock::len).sum()
    }

    /// The position of (`sku`, `location`), if it exists.
    pub fn position(&self, network: &Network, sku: &str, location: &str) -> Option<Position> {
        let s = self.stock(self.sku_index(sku)?)?;
        s.find(network.lookup(location)?).map(|i| s.get(i))
    }

    /// ATS of `sku` at `location`; an unknown SKU has none.
    pub fn ats_at(&self, network: &Network, sku: &str, location: &str) -> Result<i64, QueryError> {
        let loc_idx = network
            .lookup(location)
            .ok_or_else(|| QueryError::UnknownLocation(location.to_string()))?;
        let Some(s) = self.sku_index(sku).and_then(|i| self.stock(i)) else {
            return Ok(0);
        };
        let (Some(slot), Some(loc)) = (s.find(loc_idx), network.get(loc_idx)) else {
            return Ok(0);
        };
        Ok(slot_ats(s, slot, loc))
    }

    /// ATS of `sku` summed over the whole network.
    pub fn ats_total(&self, network: &Network, sku: &str) -> i64 {
        let Some(s) = self.sku_index(sku).and_then(|i| self.stock(i)) else {
            return 0;
        };
        s.positions()
            .filter_map(|(i, loc)| network.get(loc).map(|l| slot_ats(s, i, l)))
            .sum()
    }

    /// Alert thresholds.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Alert thresholds, to configure.
    pub fn thresholds_mut(&mut self) -> &mut Thresholds {
        &mut self.thresholds
    }

    /// Expected supply of (sku index, location index).
    pub fn inbound(&self, sku: u32, loc: u32) -> Option<&Inbound> {
        let list = self.supply.get(&sku)?;
        list.binary_search_by_key(&loc, |e| e.0)
            .ok()
            .and_then(|i| list.get(i))
            .map(|e| &e.1)
    }

    /// Expected supply of SKU index `sku` at every location.
    pub fn inbound_of(&self, sku: u32) -> &[(u32, Inbound)] {
        self.supply.get(&sku).map_or(&[], Vec::as_slice)
    }

    fn inbound_mut(&mut self, sku: u32, loc: u32) -> &mut Inbound {
        let list = self.supply.entry(sku).or_default();
        let i = match list.binary_search_by_key(&loc, |e| e.0) {
            Ok(i) => i,
            Err(i) => {
                list.insert(i, (loc, Inbound::default()));
                i
            }
        };
        &mut list[i].1
    }

    /// The remembered event ids.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// Assembles an inventory from stored parts (snapshot loading). Checks internal consistency.
    pub fn from_parts(parts: InventoryParts, locations: usize) -> Result<Self, String> {
        if parts.stocks != parts.records.len() {
            return Err("SKU table and stock table differ in length".into());
        }
        let skus = SkuTable::from_records(parts.records)?;
        for s in skus.stocks() {
            if !s.is_consistent() || s.last_loc().is_some_and(|l| l as usize >= locations) {
                return Err("a stock table is inconsistent".into());
            }
        }
        let n = skus.len() as u32;
        let mut supply: FxHashMap<u32, Vec<(u32, Inbound)>> = FxHashMap::default();
        for ((s, l), inbound) in parts.supply {
            if s >= n || l as usize >= locations {
                return Err("supply refers to an unknown position".into());
            }
            if !inbound.is_consistent() {
                return Err("expected supply is not sorted by day, or holds no units".into());
            }
            let list = supply.entry(s).or_default();
            if list.last().is_some_and(|e| e.0 >= l) {
                return Err("supply is not sorted".into());
            }
            list.push((l, inbound));
        }
        Ok(Self {
            skus,
            supply,
            thresholds: parts.thresholds,
            log: EventLog::from_parts(parts.log),
        })
    }

    /// The stored form of this inventory.
    pub fn to_parts(&self) -> InventoryPartsRef<'_> {
        let mut supply: Vec<_> = self
            .supply
            .iter()
            .flat_map(|(s, list)| list.iter().map(move |(l, v)| ((*s, *l), v)))
            .collect();
        crate::order::sort_by_key(&mut supply, |e| e.0);
        InventoryPartsRef {
            skus: &self.skus,
            supply,
            thresholds: &self.thresholds,
            log: self.log.to_parts(),
        }
    }
}

/// Owned stored form of an [`Inventory`], as decoded from a snapshot (by [`InventoryParts::seed`]).
#[derive(Debug)]
pub struct InventoryParts {
    /// SKU records in index order, each with its stock (unchecked: see
    /// [`Inventory::from_parts`]).
    records: Vec<sku_table::SkuRecord>,
    /// How many stocks the snapshot held (one per record when it is sound).
    stocks: usize,
    /// Expected supply per (sku, location) index.
    pub supply: Vec<((u32, u32), Inbound)>,
    /// Alert thresholds.
    pub thresholds: Thresholds,
    /// Remembered event ids.
    pub log: dedup::EventLogParts,
}

impl InventoryParts {
    /// Decodes the stored form from a snapshot payload of `bytes` bytes: the SKU records are
    /// reserved at the count the snapshot announces (bounded by `bytes`), and each SKU's stock
    /// decoded into its record, so that loading never holds two copies of the SKU table.
    pub fn seed(bytes: usize) -> impl for<'de> DeserializeSeed<'de, Value = InventoryParts> {
        PartsSeed { bytes }
    }
}

struct PartsSeed {
    bytes: usize,
}

impl<'de> DeserializeSeed<'de> for PartsSeed {
    type Value = InventoryParts;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<InventoryParts, D::Error> {
        d.deserialize_tuple(5, self)
    }
}

impl<'de> Visitor<'de> for PartsSeed {
    type Value = InventoryParts;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an inventory")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<InventoryParts, A::Error> {
        // A tuple's elements are all there or the read fails (postcard): never short.
        let short = || A::Error::invalid_length(5, &self);
        let mut records = seq
            .next_element_seed(RecordsSeed { bytes: self.bytes })?
            .ok_or_else(short)?;
        let stocks = seq
            .next_element_seed(StocksSeed(&mut records))?
            .ok_or_else(short)?;
        Ok(InventoryParts {
            records,
            stocks,
            supply: seq.next_element()?.ok_or_else(short)?,
            thresholds: seq.next_element()?.ok_or_else(short)?,
            log: seq.next_element()?.ok_or_else(short)?,
        })
    }
}

/// Borrowed stored form of an [`Inventory`], to encode a snapshot without copying: the SKU
/// names in index order, then each SKU's stock, then the rest.
#[derive(Debug)]
pub struct InventoryPartsRef<'a> {
    skus: &'a SkuTable,
    /// Expected supply, sorted by key for reproducible bytes.
    pub supply: Vec<((u32, u32), &'a Inbound)>,
    /// Alert thresholds.
    pub thresholds: &'a Thresholds,
    /// Remembered event ids.
    pub log: dedup::EventLogParts,
}

impl serde::Serialize for InventoryPartsRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("InventoryParts", 5)?;
        st.serialize_field("skus", &self.skus.stored_names())?;
        st.serialize_field("stock", &self.skus.stored_stocks())?;
        st.serialize_field("supply", &self.supply)?;
        st.serialize_field("thresholds", self.thresholds)?;
        st.serialize_field("log", &self.log)?;
        st.end()
    }
}
