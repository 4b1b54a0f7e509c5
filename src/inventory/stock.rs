//! The positions of one SKU across locations, sorted by location index.
//!
//! A position takes 28 bytes, and a snapshot loads straight into this layout.

use serde::{Deserialize, Serialize};

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
        let safety = self.safety.map_or(i64::from(location_safety), i64::from);
        (i64::from(self.on_hand) - i64::from(self.reserved) - i64::from(self.picking) - safety)
            .max(0)
    }
}

/// A position as stored: 24 bytes, one cache line shared with its neighbours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Slot {
    on_hand: i32,
    reserved: i32,
    picking: i32,
    /// -1 inherits the location's safety stock.
    safety: i32,
    /// 0 is "never versioned"; otherwise version + 1.
    version: u64,
}

impl From<Position> for Slot {
    fn from(p: Position) -> Self {
        Slot {
            on_hand: p.on_hand,
            reserved: p.reserved,
            picking: p.picking,
            safety: p.safety.unwrap_or(-1),
            version: p.version.map_or(0, |v| v.saturating_add(1)),
        }
    }
}

impl From<Slot> for Position {
    fn from(s: Slot) -> Self {
        Position {
            on_hand: s.on_hand,
            reserved: s.reserved,
            picking: s.picking,
            safety: (s.safety >= 0).then_some(s.safety),
            version: s.version.checked_sub(1),
        }
    }
}

/// All positions of one SKU: location indexes (searched) beside the positions (read once found).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStock {
    locs: Vec<u32>,
    slots: Vec<Slot>,
}

impl SkuStock {
    /// Number of positions.
    pub fn len(&self) -> usize {
        self.locs.len()
    }

    /// True when the SKU is stocked nowhere.
    pub fn is_empty(&self) -> bool {
        self.locs.is_empty()
    }

    /// True when both columns have the same length and locations are strictly increasing.
    pub fn is_consistent(&self) -> bool {
        self.slots.len() == self.locs.len() && self.locs.windows(2).all(|w| w[0] < w[1])
    }

    /// Slot of location `loc`.
    pub fn find(&self, loc: u32) -> Option<usize> {
        self.locs.binary_search(&loc).ok()
    }

    /// Slot of location `loc`, searching only from slot `from` on (for merge-joins); `Err` holds
    /// where the search may resume.
    pub fn find_from(&self, loc: u32, from: usize) -> Result<usize, usize> {
        let tail = self.locs.get(from..).unwrap_or(&[]);
        match tail.binary_search(&loc) {
            Ok(i) => Ok(from + i),
            Err(i) => Err(from + i),
        }
    }

    /// Location index of slot `i`.
    pub fn loc(&self, i: usize) -> u32 {
        self.locs.get(i).copied().unwrap_or(u32::MAX)
    }

    /// Location indexes, ascending.
    pub fn locs(&self) -> &[u32] {
        &self.locs
    }

    /// The position at slot `i`.
    pub fn get(&self, i: usize) -> Position {
        self.slots.get(i).copied().unwrap_or_default().into()
    }

    /// Writes the position at slot `i`.
    pub fn put(&mut self, i: usize, p: Position) {
        if let Some(s) = self.slots.get_mut(i) {
            *s = p.into();
        }
    }

    /// Slot of location `loc`, creating an empty position there if needed.
    pub fn slot(&mut self, loc: u32) -> usize {
        match self.locs.binary_search(&loc) {
            Ok(i) => i,
            Err(i) => {
                self.locs.insert(i, loc);
                self.slots.insert(i, Position::default().into());
                i
            }
        }
    }
}
