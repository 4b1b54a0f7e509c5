//! The positions of one SKU across locations, stored column-wise and sorted by location index.
//!
//! Columns keep a position at 28 bytes and let a snapshot load straight into place.

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

/// All positions of one SKU.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStock {
    locs: Vec<u32>,
    on_hand: Vec<i32>,
    reserved: Vec<i32>,
    picking: Vec<i32>,
    /// -1 inherits the location's safety stock.
    safety: Vec<i32>,
    /// 0 is "never versioned"; otherwise version + 1.
    version: Vec<u64>,
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

    /// True when every column has the same length and locations are strictly increasing.
    pub fn is_consistent(&self) -> bool {
        let n = self.locs.len();
        [
            self.on_hand.len(),
            self.reserved.len(),
            self.picking.len(),
            self.safety.len(),
            self.version.len(),
        ]
        .iter()
        .all(|&l| l == n)
            && self.locs.windows(2).all(|w| w[0] < w[1])
    }

    /// Slot of location `loc`.
    pub fn find(&self, loc: u32) -> Option<usize> {
        self.locs.binary_search(&loc).ok()
    }

    /// Slot of location `loc`, searching only from slot `from` on (for merge-joins).
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
        let at = |c: &Vec<i32>| c.get(i).copied().unwrap_or(0);
        let safety = at(&self.safety);
        let version = self.version.get(i).copied().unwrap_or(0);
        Position {
            on_hand: at(&self.on_hand),
            reserved: at(&self.reserved),
            picking: at(&self.picking),
            safety: (safety >= 0).then_some(safety),
            version: version.checked_sub(1),
        }
    }

    /// Writes the position at slot `i`.
    pub fn put(&mut self, i: usize, p: Position) {
        let set = |c: &mut Vec<i32>, v: i32| {
            if let Some(x) = c.get_mut(i) {
                *x = v;
            }
        };
        set(&mut self.on_hand, p.on_hand);
        set(&mut self.reserved, p.reserved);
        set(&mut self.picking, p.picking);
        set(&mut self.safety, p.safety.unwrap_or(-1));
        if let Some(x) = self.version.get_mut(i) {
            *x = p.version.map_or(0, |v| v.saturating_add(1));
        }
    }

    /// Slot of location `loc`, creating an empty position there if needed.
    pub fn slot(&mut self, loc: u32) -> usize {
        match self.locs.binary_search(&loc) {
            Ok(i) => i,
            Err(i) => {
                self.locs.insert(i, loc);
                self.on_hand.insert(i, 0);
                self.reserved.insert(i, 0);
                self.picking.insert(i, 0);
                self.safety.insert(i, -1);
                self.version.insert(i, 0);
                i
            }
        }
    }
}
