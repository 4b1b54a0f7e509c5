//! The SKU table: each SKU's record (its name beside its stock, one cache line) in index order,
//! and an index from name to record that holds record numbers only.
//!
//! Memory per SKU in the wasm: a 64-byte record plus 5.7 to 11.4 bytes of index (hashbrown
//! keeps its power-of-two table at most 7/8 full, each bucket a 4-byte record number and a
//! control byte: 10.5 bytes a SKU at a million), and nothing else for a SKU held in at most two
//! places with plain counts (its columns are inline, see `stock`). A map keyed by the names
//! themselves took 32 bytes a bucket, and a second list of the names 24 bytes a SKU more. A
//! lookup compares the name in the record it finds, which is the record an answer reads next
//! anyway: one cache miss for the two, as when the name sat in the map.
//!
//! Snapshots keep the stored form of earlier builds (every name, then every SKU's stock) and
//! decode it straight into records of their final size: [`RecordsSeed`] reserves the count the
//! snapshot announces, no more than its payload could hold (each SKU takes at least
//! [`MIN_STORED_BYTES`] bytes there, so a forged count reserves at most 16 times the payload's
//! size in the wasm), then [`StocksSeed`] fills each record's stock in place. Neither refuses
//! anything: the counts and names are checked by the inventory, whose errors keep their
//! messages (postcard's own errors do not).

use std::fmt;
use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use smol_str::SmolStr;

use super::stock::SkuStock;

/// One SKU: its name and its stock, on one 64-byte line in the wasm (60 bytes): an availability
/// query reads the records of SKUs picked at random, and a record across two lines would be two
/// misses. Natively (96 bytes) a record takes a 128-byte aligned pair of lines, which the CPU's
/// adjacent-line prefetch loads together.
#[derive(Debug, Clone, Default)]
#[cfg_attr(target_pointer_width = "32", repr(align(64)))]
#[cfg_attr(not(target_pointer_width = "32"), repr(align(128)))]
pub struct SkuRecord {
    name: SmolStr,
    stock: SkuStock,
}

/// SKU records in index order, and the index from name to record.
#[derive(Debug, Clone, Default)]
pub struct SkuTable {
    index: HashTable<u32>,
    records: Vec<SkuRecord>,
}

fn hash(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

/// True for the record number of `name` in `records`.
fn named<'a>(records: &'a [SkuRecord], name: &'a str) -> impl Fn(&u32) -> bool + 'a {
    move |&i| records.get(i as usize).is_some_and(|r| r.name == name)
}

/// `index`'s entry for `name`: occupied by its record number if `records` holds it, vacant
/// otherwise (one probe, whichever it is). The index rehashes from the records' names.
fn entry<'i>(index: &'i mut HashTable<u32>, records: &[SkuRecord], name: &str) -> Entry<'i, u32> {
    index.entry(hash(name), named(records, name), |&i| {
        records.get(i as usize).map_or(0, |r| hash(&r.name))
    })
}

impl SkuTable {
    /// Index of `name`, if it was ever seen.
    #[inline]
    pub fn find(&self, name: &str) -> Option<u32> {
        self.index
            .find(hash(name), named(&self.records, name))
            .copied()
    }

    /// Index of `name`, registering it (with no stock) if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        match entry(&mut self.index, &self.records, name) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let i = self.records.len() as u32;
                self.records.push(SkuRecord {
                    name: SmolStr::new(name),
                    stock: SkuStock::default(),
                });
                e.insert(i);
                i
            }
        }
    }

    /// Number of SKUs.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The name of SKU index `i` (empty when there is none).
    pub fn name(&self, i: u32) -> &str {
        self.records.get(i as usize).map_or("", |r| r.name.as_str())
    }

    /// Every SKU's name, in index order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.records.iter().map(|r| r.name.as_str())
    }

    /// The stock of SKU index `i`.
    #[inline]
    pub fn stock(&self, i: u32) -> Option<&SkuStock> {
        self.records.get(i as usize).map(|r| &r.stock)
    }

    /// The stock of SKU index `i`, to change.
    #[inline]
    pub fn stock_mut(&mut self, i: u32) -> Option<&mut SkuStock> {
        self.records.get_mut(i as usize).map(|r| &mut r.stock)
    }

    /// Every SKU's stock, in index order.
    pub fn stocks(&self) -> impl ExactSizeIterator<Item = &SkuStock> {
        self.records.iter().map(|r| &r.stock)
    }

    /// A table of `records` (decoded from a snapshot), refused when a name appears twice.
    pub fn from_records(records: Vec<SkuRecord>) -> Result<Self, String> {
        let mut index = HashTable::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            match entry(&mut index, &records, &r.name) {
                Entry::Occupied(_) => return Err(format!("SKU `{}` appears twice", r.name)),
                Entry::Vacant(e) => {
                    e.insert(i as u32);
                }
            }
        }
        Ok(SkuTable { index, records })
    }

    /// The names as a snapshot stores them: a sequence of strings.
    pub fn stored_names(&self) -> impl Serialize + '_ {
        Stored(self, |r| &r.name)
    }

    /// The stocks as a snapshot stores them: a sequence, in index order.
    pub fn stored_stocks(&self) -> impl Serialize + '_ {
        Stored(self, |r| &r.stock)
    }
}

/// One column of the records, serialised as a sequence.
struct Stored<'a, T>(&'a SkuTable, fn(&SkuRecord) -> &T);

impl<T: Serialize> Serialize for Stored<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.records.iter().map(self.1))
    }
}

/// The fewest payload bytes a SKU takes in a snapshot: its name's length (a byte at least) and
/// its stock's byte string (a length, a position count and a flags byte).
pub const MIN_STORED_BYTES: usize = 4;

/// Decodes a snapshot's SKU names into records with no stock yet. `bytes` is the size of the
/// payload they come from: no more records than [`MIN_STORED_BYTES`] each of it could hold are
/// reserved up front, whatever count the snapshot announces (postcard announces none when the
/// count is beyond the bytes left, and the list then grows as names are read).
pub struct RecordsSeed {
    /// Size of the payload in bytes.
    pub bytes: usize,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed {
    type Value = Vec<SkuRecord>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed {
    type Value = Vec<SkuRecord>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("SKU names")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let most = self.bytes / MIN_STORED_BYTES;
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(most));
        while let Some(name) = seq.next_element::<SmolStr>()? {
            records.push(SkuRecord {
                name,
                stock: SkuStock::default(),
            });
        }
        Ok(records)
    }
}

/// Decodes a snapshot's stocks into the records [`RecordsSeed`] made, one each, in order, and
/// counts them: stocks beyond the records are read and dropped, so that the caller can refuse a
/// count that differs either way with its own message.
pub struct StocksSeed<'r>(pub &'r mut [SkuRecord]);

impl<'de> DeserializeSeed<'de> for StocksSeed<'_> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for StocksSeed<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("one stock per SKU")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut read = 0;
        while let Some(stock) = seq.next_element::<SkuStock>()? {
            if let Some(record) = self.0.get_mut(read) {
                record.stock = stock;
            }
            read += 1;
        }
        Ok(read)
    }
}

// The size the module's memory figures rest on, checked where it matters: the wasm build.
#[cfg(target_pointer_width = "32")]
const _: () = assert!(std::mem::size_of::<SkuRecord>() == 64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_one_line_in_the_wasm() {
        if cfg!(target_pointer_width = "32") {
            assert_eq!(std::mem::size_of::<SkuRecord>(), 64);
            assert_eq!(std::mem::align_of::<SkuRecord>(), 64);
        } else {
            assert_eq!(std::mem::size_of::<SkuRecord>(), 128);
            assert_eq!(std::mem::align_of::<SkuRecord>(), 128);
        }
    }

    #[test]
    fn names_find_their_index_and_come_back_in_order() {
        let mut t = SkuTable::default();
        let long = "a SKU name longer than twenty-three bytes";
        for (k, name) in ["B", "A", long, "C"].iter().enumerate() {
            assert_eq!(t.intern(name), k as u32);
        }
        assert_eq!(t.intern("A"), 1, "an interned name keeps its index");
        assert_eq!(t.find(long), Some(2));
        assert_eq!(t.find("D"), None);
        assert_eq!(t.names().collect::<Vec<_>>(), ["B", "A", long, "C"]);
        assert_eq!(t.name(3), "C");
        assert_eq!(t.name(9), "");
        // Past many growths of the index, every name still finds its own record.
        for k in 0..5000 {
            t.intern(&format!("SKU-{k}"));
        }
        for k in 0..5000 {
            assert_eq!(t.find(&format!("SKU-{k}")), Some(4 + k), "SKU-{k}");
        }
        let rebuilt = SkuTable::from_records(t.records.clone()).unwrap();
        assert!((0..t.len() as u32).all(|i| rebuilt.find(t.name(i)) == Some(i)));
    }

    #[test]
    fn a_name_twice_is_refused() {
        let mut t = SkuTable::default();
        t.intern("A");
        t.intern("B");
        let mut records = t.records.clone();
        records.push(records[0].clone());
        assert_eq!(
            SkuTable::from_records(records).unwrap_err(),
            "SKU `A` appears twice"
        );
    }
}
