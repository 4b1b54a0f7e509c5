//! The positions of one SKU across locations, sorted by location index.
//!
//! A position takes 4 bytes in memory when it holds only on-hand stock, 16 when it holds more
//! (see [`super::slots`]), plus its location: a SKU stocked at a fair share of the locations
//! keeps them as a bitmap with rank counts (a succinct set: 2 bits per location, the slot of a
//! location found in constant time with a popcount), a sparse one as a sorted list (4 bytes per
//! position, binary search). Versions of versioned `set` events live in a column of their own,
//! allocated only for SKUs that ever received one. Snapshots store the columns, not the structs:
//! location gaps and quantities as varints, and the columns that hold nothing but defaults (no
//! reservation, no pick, no own safety stock, no version: the common case) not at all.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::slots::{Slot, Slots};

/// One (SKU, location) position as plain numbers, in units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// Physically present.
    pub on_hand: i32,
    /// Held by carts and orders not yet in preparation.
    pub reserved: i32,
    /// Being picked and packed.
    pub picking: i32,
    /// The position's own safety stock; `None` inherits the location's.
    pub safety: Option<i32>,
    /// Version of the last versioned `set`, if any.
    pub version: Option<u64>,
}

impl Position {
    /// ATS before the location's state is considered: `max(0, onHand - reserved - picking - safety)`.
    pub fn ats(&self, location_safety: u32) -> i64 {
        self.net(location_safety).max(0)
    }

    /// `onHand - reserved - picking - safety`, not floored at 0: how far below the line a
    /// position is, which supply on its way must fill before any of it sells.
    pub fn net(&self, location_safety: u32) -> i64 {
        let safety = self.safety.map_or(i64::from(location_safety), i64::from);
        i64::from(self.on_hand) - i64::from(self.reserved) - i64::from(self.picking) - safety
    }
}

/// Stored version: 0 is "never versioned", otherwise version + 1.
fn stored_version(v: Option<u64>) -> u64 {
    v.map_or(0, |v| v.saturating_add(1))
}

mod codec;
mod locs;

use locs::{masked_word, Locs};
#[cfg(test)]
mod tests;

/// All positions of one SKU: location indexes (searched) beside the quantities (read once
/// found) and, when any position was ever versioned, the versions. 36 bytes in the wasm, so
/// that it fits with the SKU's name in one 64-byte record (`SkuRecord`, in the inventory).
#[derive(Debug, Clone, Default)]
pub struct SkuStock {
    locs: Locs,
    slots: Slots,
    /// Empty, or one stored version per slot.
    versions: Versions,
}

/// A SKU's stored versions: none until a versioned `set` reaches one of its positions (most
/// SKUs never get one), then one per slot. Held behind one thin pointer, 4 bytes in the wasm
/// where a `Vec` takes 12: what lets a SKU's stock and name share one cache line. The price is
/// one more pointer to follow for a versioned SKU's versions (an `applyEvents` lookahead reads
/// the box to prefetch the version). Reads see a slice (empty when there are none).
#[derive(Debug, Clone, Default)]
// A `Vec` behind a box on purpose: a thin pointer, where a boxed slice would be two words.
#[allow(clippy::box_collection)]
struct Versions(Option<Box<Vec<u64>>>);

impl Versions {
    /// `n` versions, all 0 (none stored).
    fn zeros(n: usize) -> Self {
        Versions(Some(Box::new(vec![0; n])))
    }

    /// Inserts `v` at `i`, when there are versions at all.
    fn insert(&mut self, i: usize, v: u64) {
        if let Some(list) = &mut self.0 {
            list.insert(i, v);
        }
    }
}

impl From<Vec<u64>> for Versions {
    fn from(list: Vec<u64>) -> Self {
        Versions((!list.is_empty()).then(|| Box::new(list)))
    }
}

impl std::ops::Deref for Versions {
    type Target = [u64];

    fn deref(&self) -> &[u64] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl std::ops::DerefMut for Versions {
    fn deref_mut(&mut self) -> &mut [u64] {
        self.0.as_deref_mut().map_or(&mut [], Vec::as_mut_slice)
    }
}

/// Equal when they hold the same positions, whichever the representations (a list or a bitmap of
/// locations, 2- or 4-byte counts or full slots, no versions or versions all 0): a stock built
/// by events and the same stock read from a snapshot are equal.
impl PartialEq for SkuStock {
    fn eq(&self, other: &Self) -> bool {
        let version = |s: &Self, i: usize| s.versions.get(i).copied().unwrap_or(0);
        self.slots == other.slots
            && self.locs.iter().eq(other.locs.iter())
            && (0..self.slots.len()).all(|i| version(self, i) == version(other, i))
    }
}

impl Eq for SkuStock {}

impl SkuStock {
    /// Number of positions.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when the SKU is stocked nowhere.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// True when the columns have matching lengths and locations are strictly increasing.
    pub fn is_consistent(&self) -> bool {
        self.locs.is_increasing()
            && self.locs.len() == self.slots.len()
            && (self.versions.is_empty() || self.versions.len() == self.slots.len())
    }

    /// Slot of location `loc`.
    pub fn find(&self, loc: u32) -> Option<usize> {
        self.locs.find(loc).ok()
    }

    /// Hints the CPU to load the quantities (and version) of location `loc`'s position, if it
    /// has one, and returns its slot (as [`SkuStock::find`]).
    pub fn prefetch(&self, loc: u32) -> Option<usize> {
        let i = self.find(loc)?;
        self.slots.prefetch(i);
        if let Some(v) = self.versions.get(i) {
            crate::prefetch::read(v);
        }
        Some(i)
    }

    /// Adds to `out` a byte of what a query over the location words `words` (indexes of
    /// 64-location words, see [`SkuStock::visit_masked`]) reads of this SKU first, for
    /// `prefetch::read_all`: its bitmap and rank counts at those words, or the middle of
    /// its list. Answering many SKUs, the lines of all of them are then loaded together, instead
    /// of one miss at a time.
    pub fn index_lines<'a>(&'a self, words: &[u32], out: &mut Vec<&'a u8>) {
        match &self.locs {
            Locs::Bits(bits) => {
                for &w in words {
                    if let Some(x) = bits.get(w as usize) {
                        out.push(crate::prefetch::first_byte(x));
                    }
                }
            }
            Locs::List(v) => {
                if let Some(x) = v.get(v.len() / 2) {
                    out.push(crate::prefetch::first_byte(x));
                }
            }
        }
    }

    /// Adds to `out` a byte of each line of slots that a query over `mask` will read at the
    /// location words `words` (as [`SkuStock::visit_masked`] takes them), for
    /// `prefetch::read_all`: per word, from the slot of its first location in the mask
    /// to that of its last, not the word's other slots. The bitmap and rank counts read here
    /// should have been loaded from [`SkuStock::index_lines`].
    pub fn slot_lines<'a>(&'a self, mask: &[u64], words: &[u32], out: &mut Vec<&'a u8>) {
        let Locs::Bits(bits) = &self.locs else {
            return;
        };
        for &w in words {
            let Some((x, b, m)) = masked_word(bits, mask, w) else {
                break;
            };
            let hits = x & m;
            if hits != 0 {
                // Slots of the positions below the first hit, and up to the last one included.
                let first = (x & ((1u64 << hits.trailing_zeros()) - 1)).count_ones();
                let last = (x & (u64::MAX >> hits.leading_zeros())).count_ones();
                self.slots
                    .lines((b + first) as usize, (b + last) as usize, out);
            }
        }
    }

    /// True when positions are found in constant time (a bitmap), so that probing locations
    /// one by one beats walking them all.
    pub fn is_dense(&self) -> bool {
        matches!(self.locs, Locs::Bits(_))
    }

    /// Slot of location `loc`, searching only from slot `from` on (for merge-joins); `Err` holds
    /// where the search may resume.
    pub fn find_from(&self, loc: u32, from: usize) -> Result<usize, usize> {
        match &self.locs {
            Locs::List(v) => {
                let tail = v.get(from..).unwrap_or(&[]);
                match tail.binary_search(&loc) {
                    Ok(i) => Ok(from + i),
                    Err(i) => Err(from + i),
                }
            }
            bits => bits.find(loc),
        }
    }

    /// Calls `visit(slot, location)` for the positions at locations whose bit is set in `mask`
    /// (bit `l % 64` of `mask[l / 64]` for location `l`), by location; `false` when this SKU
    /// keeps a list, not a bitmap (walk it or probe it instead). `words` lists the words of
    /// `mask` with a bit set, ascending (a query's 50 locations are a few words of the bitmap:
    /// the others are not read). A word-wise AND: a few word operations plus one step per
    /// position actually held.
    pub fn visit_masked(
        &self,
        mask: &[u64],
        words: &[u32],
        mut visit: impl FnMut(usize, u32),
    ) -> bool {
        let Locs::Bits(bits) = &self.locs else {
            return false;
        };
        for &w in words {
            let Some((word, b, m)) = masked_word(bits, mask, w) else {
                break;
            };
            let mut hits = word & m;
            while hits != 0 {
                let bit = hits.trailing_zeros();
                hits &= hits - 1;
                let below = (word & ((1u64 << bit) - 1)).count_ones() + b;
                visit(below as usize, w * 64 + bit);
            }
        }
        true
    }

    /// Location index of slot `i` (`u32::MAX` past the end).
    pub fn loc(&self, i: usize) -> u32 {
        self.locs.select(i).unwrap_or(u32::MAX)
    }

    /// (slot, location index) of every position, by location.
    pub fn positions(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.locs.iter().enumerate()
    }

    /// The highest location index holding a position.
    pub fn last_loc(&self) -> Option<u32> {
        self.locs.last()
    }

    /// ATS at slot `i` before the location's state is considered, with the location's safety
    /// stock (as [`Position::ats`], without building the position).
    #[inline(always)]
    pub fn ats(&self, i: usize, location_safety: u32) -> i64 {
        self.slots.ats(i, location_safety)
    }

    /// The position at slot `i`.
    pub fn get(&self, i: usize) -> Position {
        let s = self.slots.get(i).unwrap_or_default();
        Position {
            on_hand: s.on_hand,
            reserved: s.reserved,
            picking: s.picking,
            safety: (s.safety >= 0).then_some(s.safety),
            version: self.versions.get(i).and_then(|v| v.checked_sub(1)),
        }
    }

    /// Writes the position at slot `i`.
    pub fn put(&mut self, i: usize, p: Position) {
        if i >= self.slots.len() {
            return;
        }
        self.slots.set(
            i,
            Slot {
                on_hand: p.on_hand,
                reserved: p.reserved,
                picking: p.picking,
                safety: p.safety.unwrap_or(-1),
            },
        );
        let v = stored_version(p.version);
        if self.versions.is_empty() && v != 0 {
            self.versions = Versions::zeros(self.slots.len());
        }
        if let Some(x) = self.versions.get_mut(i) {
            *x = v;
        }
    }

    /// Slot of location `loc`, creating an empty position there if needed.
    pub fn slot(&mut self, loc: u32) -> usize {
        match self.locs.find(loc) {
            Ok(i) => i,
            Err(i) => {
                self.locs.insert(i, loc);
                self.slots.insert_empty(i);
                self.versions.insert(i, 0);
                i
            }
        }
    }
}

impl Serialize for SkuStock {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&codec::encode(self))
    }
}

impl<'de> Deserialize<'de> for SkuStock {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = SkuStock;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a SKU's stock columns")
            }

            fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<SkuStock, E> {
                codec::decode(b).ok_or_else(|| E::custom("a SKU's stock columns are malformed"))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}
