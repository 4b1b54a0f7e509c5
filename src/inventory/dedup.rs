//! Memory of applied event ids, bounded: the last `capacity` ids are remembered.
//!
//! Ids are kept as 128-bit xxh3 hashes (a collision is as likely as a cosmic-ray flip) in a
//! ring, so memory stays fixed whatever the ids' length.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

/// How many event ids are remembered by default.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The remembered ids, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLog {
    capacity: usize,
    order: VecDeque<u128>,
    seen: HashSet<u128, BuildHasherDefault<Prehashed>>,
}

/// The keys are xxh3 hashes already: their low 64 bits index the table as they are.
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u128` is used; anything else still hashes, just less cheaply.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u128(&mut self, h: u128) {
        self.0 = h as u64;
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
            seen: HashSet::default(),
        }
    }

    /// Claims `h` for an event about to apply: false when it is already remembered. A claim
    /// ends in [`EventLog::commit`] (the event applied) or [`EventLog::release`] (it was
    /// rejected), before the next claim.
    pub(super) fn claim(&mut self, h: u128) -> bool {
        self.seen.insert(h)
    }

    /// Remembers the claimed `h`, forgetting the oldest id past capacity.
    pub(super) fn commit(&mut self, h: u128) {
        self.order.push_back(h);
        if self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
    }

    /// Gives the claimed `h` up: the event was rejected, so its id is not remembered.
    pub(super) fn release(&mut self, h: u128) {
        self.seen.remove(&h);
    }

    /// True when the id hash was already applied.
    pub fn contains(&self, h: u128) -> bool {
        self.seen.contains(&h)
    }

    /// Remembers `h`, forgetting the oldest id past capacity.
    pub fn remember(&mut self, h: u128) {
        if !self.seen.insert(h) {
            return;
        }
        self.order.push_back(h);
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
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
        let mut seen = HashSet::with_capacity_and_hasher(ids.len(), Default::default());
        // Only a tampered snapshot repeats an id: keep its first occurrence, as `remember` would.
        ids.retain(|&h| seen.insert(h));
        Self {
            capacity,
            order: VecDeque::from(ids),
            seen,
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
}
