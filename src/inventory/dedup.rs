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

    /// Rebuilds a log from its stored form.
    pub fn from_parts(parts: EventLogParts) -> Self {
        let mut log = Self::with_capacity(parts.capacity as usize);
        for h in parts.ids {
            log.remember(h);
        }
        log
    }
}

/// Serializable form of an [`EventLog`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLogParts {
    /// How many ids are kept.
    pub capacity: u64,
    /// Id hashes, oldest first.
    pub ids: Vec<u128>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
