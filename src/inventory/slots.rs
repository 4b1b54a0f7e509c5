//! The quantities of one SKU's positions, slot by slot.
//!
//! Most positions of a network hold on-hand stock and nothing else: no reservation, no pick in
//! progress, the location's safety stock. A SKU whose positions are all like that keeps one
//! count per position, 2 bytes while every count is in 0..=65535 (a store's shelf, a
//! warehouse's bay), 4 bytes once one is not; the first reservation, pick or own safety stock
//! turns its column into 16-byte slots (all four quantities side by side, so that reading an ATS
//! stays one memory access). A million plain positions take 2 MB instead of 16 MB: a fraction
//! of the memory a restored snapshot touches, and as many page faults fewer on a fresh
//! instance; an availability query over random SKUs reads half as many cache lines of counts.

use smallvec::SmallVec;

/// The quantities of a position as stored: 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub(super) on_hand: i32,
    pub(super) reserved: i32,
    pub(super) picking: i32,
    /// -1 inherits the location's safety stock.
    pub(super) safety: i32,
}

impl Default for Slot {
    fn default() -> Self {
        Slot::on_hand(0)
    }
}

impl Slot {
    /// A position holding `on_hand` units and nothing else.
    pub(super) const fn on_hand(on_hand: i32) -> Self {
        Slot {
            on_hand,
            reserved: 0,
            picking: 0,
            safety: -1,
        }
    }

    /// True when only the on-hand count differs from an empty position.
    fn is_plain(&self) -> bool {
        self.reserved == 0 && self.picking == 0 && self.safety == -1
    }

    #[inline(always)]
    fn ats(&self, location_safety: u32) -> i64 {
        let safety = if self.safety >= 0 {
            i64::from(self.safety)
        } else {
            i64::from(location_safety)
        };
        (i64::from(self.on_hand) - i64::from(self.reserved) - i64::from(self.picking) - safety)
            .max(0)
    }
}

/// The slots of one SKU, in slot order.
#[derive(Debug, Clone)]
pub(super) enum Slots {
    /// Plain positions whose counts are all in 0..=65535; up to four of them inline, in the
    /// SKU's record (a long catalogue's SKUs are mostly held in a place or two).
    Small(SmallVec<[u16; 4]>),
    /// Plain positions: on-hand counts only.
    OnHand(Vec<i32>),
    /// Any positions.
    Full(Vec<Slot>),
}

/// `n` as a small count, if it is one.
fn small(n: i32) -> Option<u16> {
    u16::try_from(n).ok()
}

/// A byte of `v[i]` every `step` slots from `from`, and of `v[to - 1]`.
fn each_line<'a, T>(v: &'a [T], from: usize, to: usize, step: usize, out: &mut Vec<&'a u8>) {
    let Some(range) = v.get(from..to) else {
        return;
    };
    // A plain loop: `step_by`'s fold is a call per line in the size-optimised build.
    out.reserve(range.len() / step.max(1) + 2);
    let mut i = 0;
    while let Some(x) = range.get(i) {
        out.push(crate::prefetch::first_byte(x));
        i += step.max(1);
    }
    if let Some(last) = range.last() {
        out.push(crate::prefetch::first_byte(last));
    }
}

impl Default for Slots {
    fn default() -> Self {
        Slots::Small(SmallVec::new())
    }
}

/// Equal when they hold the same positions, whichever the representation.
impl PartialEq for Slots {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Slots::Small(a), Slots::Small(b)) => a == b,
            (Slots::OnHand(a), Slots::OnHand(b)) => a == b,
            (Slots::Full(a), Slots::Full(b)) => a == b,
            _ => self.len() == other.len() && self.iter().eq(other.iter()),
        }
    }
}

impl Eq for Slots {}

impl Slots {
    /// Columns of plain positions (see [`Slots::from_slots`] for any others), 2 bytes a count
    /// when every count fits.
    pub(super) fn from_on_hand(on_hand: Vec<i32>) -> Self {
        if on_hand.iter().all(|&n| small(n).is_some()) {
            Slots::Small(on_hand.iter().map(|&n| small(n).unwrap_or(0)).collect())
        } else {
            Slots::OnHand(on_hand)
        }
    }

    /// Columns of any positions, compact when they are all plain.
    pub(super) fn from_slots(slots: Vec<Slot>) -> Self {
        if slots.iter().all(Slot::is_plain) {
            Slots::from_on_hand(slots.iter().map(|s| s.on_hand).collect())
        } else {
            Slots::Full(slots)
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Slots::Small(v) => v.len(),
            Slots::OnHand(v) => v.len(),
            Slots::Full(v) => v.len(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot at `i` (`None` past the end).
    #[inline(always)]
    pub(super) fn get(&self, i: usize) -> Option<Slot> {
        match self {
            Slots::Small(v) => v.get(i).map(|&n| Slot::on_hand(i32::from(n))),
            Slots::OnHand(v) => v.get(i).map(|&n| Slot::on_hand(n)),
            Slots::Full(v) => v.get(i).copied(),
        }
    }

    /// ATS at slot `i` with the location's safety stock (0 past the end). Inlined: it is the
    /// inner step of every availability answer (a call per position in the size-optimised build).
    #[inline(always)]
    pub(super) fn ats(&self, i: usize, location_safety: u32) -> i64 {
        match self {
            Slots::Small(v) => v
                .get(i)
                .map_or(0, |&n| (i64::from(n) - i64::from(location_safety)).max(0)),
            Slots::OnHand(v) => v
                .get(i)
                .map_or(0, |&n| (i64::from(n) - i64::from(location_safety)).max(0)),
            Slots::Full(v) => v.get(i).map_or(0, |s| s.ats(location_safety)),
        }
    }

    /// Hints the CPU to load slot `i`.
    pub(super) fn prefetch(&self, i: usize) {
        match self {
            Slots::Small(v) => {
                if let Some(x) = v.get(i) {
                    crate::prefetch::read(x);
                }
            }
            Slots::OnHand(v) => {
                if let Some(x) = v.get(i) {
                    crate::prefetch::read(x);
                }
            }
            Slots::Full(v) => {
                if let Some(x) = v.get(i) {
                    crate::prefetch::read(x);
                }
            }
        }
    }

    /// Adds to `out` a byte of each line that slots `from..to` lie on (see
    /// `prefetch::read_all`).
    pub(super) fn lines<'a>(&'a self, from: usize, to: usize, out: &mut Vec<&'a u8>) {
        // Slots per 64-byte line: 32 small counts, 16 counts, or 4 full slots.
        match self {
            Slots::Small(v) => each_line(v, from, to, 32, out),
            Slots::OnHand(v) => each_line(v, from, to, 16, out),
            Slots::Full(v) => each_line(v, from, to, 4, out),
        }
    }

    /// Writes slot `i` (nothing past the end).
    pub(super) fn set(&mut self, i: usize, s: Slot) {
        match self {
            Slots::Small(v) => {
                match small(s.on_hand).filter(|_| s.is_plain()) {
                    Some(n) => {
                        if let Some(x) = v.get_mut(i) {
                            *x = n;
                        }
                    }
                    // A count out of range, or more than a count: widen the column, once.
                    None if i < v.len() => {
                        *self = Slots::OnHand(v.iter().map(|&n| i32::from(n)).collect());
                        self.set(i, s);
                    }
                    None => {}
                }
            }
            Slots::OnHand(v) if s.is_plain() => {
                if let Some(x) = v.get_mut(i) {
                    *x = s.on_hand;
                }
            }
            Slots::Full(v) => {
                if let Some(x) = v.get_mut(i) {
                    *x = s;
                }
            }
            // The first position that needs more than a count: widen the column, once.
            Slots::OnHand(v) => {
                if i < v.len() {
                    let mut full: Vec<Slot> = v.iter().map(|&n| Slot::on_hand(n)).collect();
                    if let Some(x) = full.get_mut(i) {
                        *x = s;
                    }
                    *self = Slots::Full(full);
                }
            }
        }
    }

    /// Inserts an empty position at slot `i` (`i <= len`).
    pub(super) fn insert_empty(&mut self, i: usize) {
        match self {
            Slots::Small(v) => v.insert(i, 0),
            Slots::OnHand(v) => v.insert(i, 0),
            Slots::Full(v) => v.insert(i, Slot::default()),
        }
    }

    /// Every slot, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_until_a_position_needs_more_then_equal_either_way() {
        let mut s = Slots::from_on_hand(vec![5, 0, 9]);
        s.set(1, Slot::on_hand(3));
        assert!(
            matches!(s, Slots::Small(_)),
            "small on-hand writes stay 2 bytes"
        );
        s.set(0, Slot::on_hand(70_000));
        assert!(matches!(s, Slots::OnHand(_)), "a larger count widens to 4");
        assert_eq!(s.get(0), Some(Slot::on_hand(70_000)));
        s.set(0, Slot::on_hand(5));
        assert_eq!(s.ats(0, 2), 3);
        assert_eq!(s.ats(1, 4), 0, "never negative");
        s.set(
            2,
            Slot {
                reserved: 4,
                ..Slot::on_hand(9)
            },
        );
        assert!(
            matches!(s, Slots::Full(_)),
            "a reservation widens the column"
        );
        assert_eq!(s.ats(2, 1), 4);
        assert_eq!(s.ats(0, 2), 3, "other slots kept");
        assert_eq!(s.get(1), Some(Slot::on_hand(3)));
        assert_eq!(s.get(3), None);
        s.insert_empty(0);
        assert_eq!(s.len(), 4);
        assert_eq!(s.get(0), Some(Slot::default()));

        let compact = Slots::from_slots(vec![Slot::on_hand(1), Slot::on_hand(2)]);
        let wide = Slots::Full(vec![Slot::on_hand(1), Slot::on_hand(2)]);
        assert!(matches!(compact, Slots::Small(_)));
        assert_eq!(compact, wide);
        assert_eq!(compact, Slots::OnHand(vec![1, 2]));
        assert!(matches!(Slots::from_on_hand(vec![1, -1]), Slots::OnHand(_)));
        assert!(matches!(
            Slots::from_on_hand(vec![65_536]),
            Slots::OnHand(_)
        ));
        assert!(matches!(
            Slots::from_on_hand(vec![65_535, 0]),
            Slots::Small(_)
        ));
        assert_ne!(
            compact,
            Slots::Full(vec![Slot::on_hand(1), Slot::on_hand(3)])
        );
        // Writing past the end changes nothing.
        let mut short = Slots::from_on_hand(vec![1]);
        short.set(
            4,
            Slot {
                picking: 1,
                ..Slot::default()
            },
        );
        assert_eq!(short, Slots::from_on_hand(vec![1]));
    }
}
