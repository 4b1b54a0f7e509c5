//! The positions a batch of events moves: each one's ATS before the batch and after its latest
//! event, in order of first change. Looked up by (SKU, location) in an open-addressed table of
//! 12-byte entries (linear probing, at most half full) whose slot the batch loop can prefetch
//! a few events ahead, as it does for the event log and the positions.

/// A position's ATS before the batch and after its latest event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Moved {
    pub sku: u32,
    pub loc: u32,
    pub before: i64,
    pub after: i64,
}

/// One table entry: a position and the index of its [`Moved`]; `at == u32::MAX` is empty.
#[derive(Debug, Clone, Copy)]
struct Entry {
    sku: u32,
    loc: u32,
    at: u32,
}

const EMPTY: Entry = Entry {
    sku: 0,
    loc: 0,
    at: u32::MAX,
};

/// The moved positions of one batch.
#[derive(Debug, Default)]
pub(super) struct Moves {
    table: Vec<Entry>,
    list: Vec<Moved>,
}

/// Fibonacci hashing of the packed position: the high bits of the product are well mixed.
fn home(sku: u32, loc: u32, mask: usize) -> usize {
    let k = (u64::from(sku) << 32 | u64::from(loc)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (k >> 32) as usize & mask
}

impl Moves {
    /// Room for `n` positions without growing.
    pub fn with_capacity(n: usize) -> Self {
        if n == 0 {
            return Moves::default();
        }
        Moves {
            table: vec![EMPTY; (2 * n).next_power_of_two().max(16)],
            list: Vec::with_capacity(n),
        }
    }

    fn mask(&self) -> usize {
        self.table.len().wrapping_sub(1)
    }

    /// Where (sku, loc) is, or the empty slot where it would go.
    fn find(&self, sku: u32, loc: u32) -> usize {
        let mask = self.mask();
        let mut i = home(sku, loc, mask);
        while let Some(e) = self.table.get(i) {
            if e.at == u32::MAX || (e.sku == sku && e.loc == loc) {
                return i;
            }
            i = (i + 1) & mask;
        }
        i
    }

    /// Hints the CPU to load the slot where (sku, loc) is looked up.
    pub fn prefetch(&self, sku: u32, loc: u32) {
        if let Some(e) = self.table.get(home(sku, loc, self.mask())) {
            crate::prefetch::read(e);
        }
    }

    /// Notes that (sku, loc) now has ATS `after`; `before` gives its ATS before the batch, asked
    /// only on its first change.
    pub fn note(&mut self, sku: u32, loc: u32, before: impl FnOnce() -> i64, after: i64) {
        if 2 * (self.list.len() + 1) > self.table.len() {
            self.grow();
        }
        let i = self.find(sku, loc);
        let Some(e) = self.table.get_mut(i) else {
            return;
        };
        if let Some(m) = self.list.get_mut(e.at as usize) {
            m.after = after;
            return;
        }
        *e = Entry {
            sku,
            loc,
            at: self.list.len() as u32,
        };
        self.list.push(Moved {
            sku,
            loc,
            before: before(),
            after,
        });
    }

    fn grow(&mut self) {
        let n = (self.list.len() + 1).max(8);
        self.table = vec![EMPTY; (4 * n).next_power_of_two()];
        for (at, m) in self.list.iter().enumerate() {
            let i = self.find(m.sku, m.loc);
            if let Some(e) = self.table.get_mut(i) {
                *e = Entry {
                    sku: m.sku,
                    loc: m.loc,
                    at: at as u32,
                };
            }
        }
    }

    /// The moved positions, in order of first change.
    /// Number of positions moved so far.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn into_list(self) -> Vec<Moved> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_before_and_the_last_after_in_first_change_order() {
        // Starts too small, so that it grows while positions repeat.
        let mut moves = Moves::with_capacity(2);
        let mut rng = fastrand::Rng::with_seed(9);
        let mut reference: Vec<Moved> = Vec::new();
        for step in 0..5_000 {
            let (sku, loc) = (rng.u32(0..40), rng.u32(0..40));
            let after = step;
            moves.note(sku, loc, || -step, after);
            match reference.iter_mut().find(|m| m.sku == sku && m.loc == loc) {
                Some(m) => m.after = after,
                None => reference.push(Moved {
                    sku,
                    loc,
                    before: -step,
                    after,
                }),
            }
        }
        assert_eq!(moves.into_list(), reference);
        let mut empty = Moves::with_capacity(0);
        empty.prefetch(1, 2);
        empty.note(1, 2, || 5, 6);
        assert_eq!(
            empty.into_list(),
            vec![Moved {
                sku: 1,
                loc: 2,
                before: 5,
                after: 6
            }]
        );
    }
}
