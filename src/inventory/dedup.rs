//! Memory of applied event ids, bounded: the last `capacity` ids are remembered.
//!
//! Ids are kept as 128-bit xxh3 hashes in a ring (oldest first, what a snapshot stores), and
//! looked up by their low 64 bits in an open-addressed table of plain `u64`s (linear probing,
//! at most half full, deletion by backward shift). A lookup is one probe into one array: one
//! cache line, which the batch loop prefetches a few events ahead (`EventLog::prefetch`).
//! Two distinct ids agree on 64 bits with probability 2^-64 per pair: among 100,000 remembered
//! ids, one false duplicate in about 10^14 events.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// How many event ids are remembered by default.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The remembered ids, oldest first.
#[derive(Debug, Clone)]
pub struct EventLog {
    capacity: usize,
    order: VecDeque<u128>,
    table: IdTable,
}

impl PartialEq for EventLog {
    fn eq(&self, other: &Self) -> bool {
        self.capacity == other.capacity && self.order == other.order
    }
}

impl Eq for EventLog {}

/// The table's key for an id hash: its low 64 bits, 0 kept for "empty".
fn key(h: u128) -> u64 {
    (h as u64).max(1)
}

/// A set of non-zero `u64`s by linear probing; the slot count is a power of two, at least twice
/// the number of keys.
#[derive(Debug, Clone, Default)]
struct IdTable {
    slots: Vec<u64>,
    len: usize,
}

impl IdTable {
    fn with_keys(n: usize) -> Self {
        IdTable {
            slots: vec![0; (2 * n).next_power_of_two().max(16)],
            len: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The slot holding `k`, or the empty slot where it would go.
    fn find(&self, k: u64) -> (usize, bool) {
        let mask = self.mask();
        let mut i = k as usize & mask;
        loop {
            match self.slots.get(i) {
                Some(&x) if x == k => return (i, true),
                Some(&0) | None => return (i, false),
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    fn contains(&self, k: u64) -> bool {
        !self.slots.is_empty() && self.find(k).1
    }

    /// Adds `k`; false when it was there already.
    fn insert(&mut self, k: u64) -> bool {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let (i, found) = self.find(k);
        if found {
            return false;
        }
        if let Some(x) = self.slots.get_mut(i) {
            *x = k;
            self.len += 1;
        }
        true
    }

    /// Removes `k` if present, shifting the rest of its probe run back over the gap.
    fn remove(&mut self, k: u64) {
        if self.slots.is_empty() {
            return;
        }
        let (mut gap, found) = self.find(k);
        if !found {
            return;
        }
        let mask = self.mask();
        let mut j = gap;
        loop {
            j = (j + 1) & mask;
            let x = self.slots.get(j).copied().unwrap_or(0);
            if x == 0 {
                break;
            }
            // `x` may fill the gap unless its home lies cyclically in (gap, j].
            let home = x as usize & mask;
            let stays = if gap <= j {
                gap < home && home <= j
            } else {
                gap < home || home <= j
            };
            if !stays {
                self.slots.swap(gap, j);
                gap = j;
            }
        }
        if let Some(x) = self.slots.get_mut(gap) {
            *x = 0;
        }
        self.len -= 1;
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, IdTable::with_keys(self.len + 1));
        for k in old.slots.into_iter().filter(|&k| k != 0) {
            let (i, _) = self.find(k);
            if let Some(x) = self.slots.get_mut(i) {
                *x = k;
                self.len += 1;
            }
        }
    }

    /// Hints the CPU to load the slot where a lookup of `k` starts.
    fn prefetch(&self, k: u64) {
        if let Some(x) = self.slots.get(k as usize & self.mask()) {
            crate::prefetch::read(x);
        }
    }
}

impl Default for EventLog {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

/// Hash of an event id.
pub fn id_hash(id: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(id.as_bytes())
}

impl EventLog {
    /// A log remembering the last `capacity` ids.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            order: VecDeque::new(),
            table: IdTable::default(),
        }
    }

    /// Claims `h` for an event about to apply: false when it is already remembered. A claim
    /// ends in [`EventLog::commit`] (the event applied) or [`EventLog::release`] (it was
    /// rejected), before the next claim.
    pub(super) fn claim(&mut self, h: u128) -> bool {
        self.table.insert(key(h))
    }

    /// Remembers the claimed `h`, forgetting the oldest id past capacity.
    pub(super) fn commit(&mut self, h: u128) {
        self.order.push_back(h);
        if self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.table.remove(key(old));
            }
        }
    }

    /// Hints the CPU to load what claiming `h` will read, and what the commit `ahead` commits
    /// from now will forget, so that the batch loop does not wait on memory.
    pub(super) fn prefetch(&self, h: u128, ahead: usize) {
        self.table.prefetch(key(h));
        if self.order.len() >= self.capacity {
            if let Some(&old) = self.order.get(ahead) {
                self.table.prefetch(key(old));
            }
        }
    }

    /// Gives the claimed `h` up: the event was rejected, so its id is not remembered.
    pub(super) fn release(&mut self, h: u128) {
        self.table.remove(key(h));
    }

    /// True when the id hash was already applied.
    pub fn contains(&self, h: u128) -> bool {
        self.table.contains(key(h))
    }

    /// Remembers `h`, forgetting the oldest id past capacity.
    pub fn remember(&mut self, h: u128) {
        if !self.table.insert(key(h)) {
            return;
        }
        self.order.push_back(h);
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.table.remove(key(old));
            }
        }
    }

    /// Number of remembered ids.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The stored form: capacity and hashes, oldest first.
    pub fn to_parts(&self) -> EventLogParts {
        EventLogParts {
            capacity: self.capacity as u64,
            ids: self.order.iter().copied().collect(),
        }
    }

    /// Rebuilds a log from its stored form: the stored ids become the ring as they are, and the
    /// set is sized once (no growth while loading a snapshot).
    pub fn from_parts(parts: EventLogParts) -> Self {
        let capacity = (parts.capacity as usize).max(1);
        let mut ids = parts.ids;
        if ids.len() > capacity {
            ids.drain(..ids.len() - capacity);
        }
        let mut table = IdTable::with_keys(ids.len());
        // Only a tampered snapshot repeats an id: keep its first occurrence, as `remember` would.
        // In chunks through an out-of-line call, so that V8 can switch to optimised code part
        // way through (see `snapshot::checksum`).
        // Kept ids move down in place over the dropped ones.
        #[inline(never)]
        fn insert_all(
            table: &mut IdTable,
            ids: &mut [u128],
            from: usize,
            mut kept: usize,
        ) -> usize {
            for i in from..ids.len().min(from + 1024) {
                let h = ids.get(i).copied().unwrap_or_default();
                if table.insert(key(h)) {
                    if let Some(x) = ids.get_mut(kept) {
                        *x = h;
                    }
                    kept += 1;
                }
            }
            kept
        }
        let mut kept = 0;
        for from in (0..ids.len()).step_by(1024) {
            kept = insert_all(&mut table, &mut ids, from, kept);
        }
        ids.truncate(kept);
        Self {
            capacity,
            order: VecDeque::from(ids),
            table,
        }
    }
}

/// Serializable form of an [`EventLog`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLogParts {
    /// How many ids are kept.
    pub capacity: u64,
    /// Id hashes, oldest first (stored as one string of 16-byte little-endian blocks).
    #[serde(with = "id_bytes")]
    pub ids: Vec<u128>,
}

/// Id hashes as one byte string of 16-byte little-endian blocks: a snapshot copies them instead
/// of decoding 100,000 varints of up to 19 bytes.
mod id_bytes {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ids: &[u128], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = ids.iter().flat_map(|h| h.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u128>, D::Error> {
        struct Blocks;
        impl Visitor<'_> for Blocks {
            type Value = Vec<u128>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("16-byte id hashes")
            }

            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<u128>, E> {
                if b.len() % 16 != 0 {
                    return Err(E::custom("id hashes are 16 bytes each"));
                }
                Ok(b.chunks_exact(16)
                    .map(|c| {
                        let mut a = [0u8; 16];
                        a.copy_from_slice(c);
                        u128::from_le_bytes(a)
                    })
                    .collect())
            }
        }
        d.deserialize_bytes(Blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips_and_tolerates_repeats() {
        let mut log = EventLog::with_capacity(3);
        for id in ["a", "b", "c", "d"] {
            log.remember(id_hash(id));
        }
        let bytes = postcard::to_allocvec(&log.to_parts()).unwrap();
        // Capacity 3, then 48 bytes of hashes.
        assert_eq!(&bytes[..2], &[3, 48]);
        let back = EventLog::from_parts(postcard::from_bytes(&bytes).unwrap());
        assert_eq!(back, log);
        let parts = EventLogParts {
            capacity: 2,
            ids: vec![1, 2, 2, 3],
        };
        let log = EventLog::from_parts(parts);
        assert_eq!(log.len(), 2);
        assert!(log.contains(2) && log.contains(3) && !log.contains(1));
        assert!(postcard::from_bytes::<EventLogParts>(&[3, 5, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn forgets_the_oldest_past_capacity() {
        let mut log = EventLog::with_capacity(3);
        for id in ["a", "b", "c", "d"] {
            log.remember(id_hash(id));
        }
        assert!(!log.contains(id_hash("a")));
        assert!(log.contains(id_hash("d")));
        assert_eq!(log.len(), 3);
    }

    #[test]
    fn the_table_agrees_with_a_hash_set() {
        // Keys sharing low bits crowd a few probe runs, so that removals shift entries across
        // runs and around the end of the table.
        let mut rng = fastrand::Rng::with_seed(5);
        let mut table = IdTable::default();
        let mut reference = std::collections::HashSet::new();
        for _ in 0..20_000 {
            let k = (rng.u64(1..200) << 40) | rng.u64(0..4) | u64::from(rng.bool()) << 63;
            if rng.u8(..3) == 0 {
                table.remove(k);
                reference.remove(&k);
            } else {
                assert_eq!(table.insert(k), reference.insert(k));
            }
            assert_eq!(table.len, reference.len());
        }
        for k in 0..4 {
            for hi in 1..200u64 {
                for top in [0, 1u64 << 63] {
                    let k = (hi << 40) | k | top;
                    assert_eq!(table.contains(k), reference.contains(&k));
                }
            }
        }
        assert!(2 * table.len <= table.slots.len());
    }
}
