//! Where a SKU's positions are: the locations, as a sorted list or a bitmap with rank counts.

use smallvec::SmallVec;

/// Word `w` of a bitmap, the positions before it (its rank count) and word `w` of a query's
/// mask; `None` past the bitmap's end (and past the mask's). Inlined: read in availability's
/// innermost loops.
#[inline(always)]
pub(super) fn masked_word(words: &[Word], mask: &[u64], w: u32) -> Option<(u64, u32, u64)> {
    let w = w as usize;
    let word = words.get(w)?;
    Some((word.bits, word.before, *mask.get(w)?))
}

/// 64 locations of a bitmap (bit `l % 64` for location `l`) and the number of positions in the
/// words before it (its rank count), side by side: a query reads both, which then share a cache
/// line instead of one line each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Word {
    pub(super) bits: u64,
    pub(super) before: u32,
}

/// The locations of a SKU's positions, ascending; slot `i` is the `i`-th of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Locs {
    /// Sorted location indexes; up to two of them inline (no allocation: most SKUs of a long
    /// catalogue are held in one or two places).
    List(SmallVec<[u32; 2]>),
    /// Bit `l % 64` of word `l / 64` set when location `l` holds a position; each word counts
    /// the bits set in the words before it.
    Bits(Vec<Word>),
}

impl Default for Locs {
    fn default() -> Self {
        Locs::List(SmallVec::new())
    }
}

/// True when a bitmap over `span` locations is smaller than a list of `n` of them: 16 bytes per
/// 64 locations against 4 bytes per position (a density of 1 in 16). `slack` multiplies
/// the list's cost: an existing bitmap stays until it costs twice the list (hysteresis).
fn bitmap_pays(n: usize, span: usize, slack: usize) -> bool {
    span > 0 && span.div_ceil(64) * 16 <= n * 4 * slack
}

impl Locs {
    pub(super) fn from_sorted(list: Vec<u32>) -> Self {
        let span = list.last().map_or(0, |&l| l as usize + 1);
        if !bitmap_pays(list.len(), span, 1) {
            return Locs::List(SmallVec::from_vec(list));
        }
        let mut words = vec![0u64; span.div_ceil(64)];
        for &l in &list {
            if let Some(w) = words.get_mut(l as usize / 64) {
                *w |= 1 << (l % 64);
            }
        }
        let mut count = 0;
        Locs::Bits(
            words
                .into_iter()
                .map(|bits| {
                    let before = count;
                    count += bits.count_ones();
                    Word { bits, before }
                })
                .collect(),
        )
    }

    /// Number of locations.
    pub(super) fn len(&self) -> usize {
        match self {
            Locs::List(v) => v.len(),
            Locs::Bits(words) => Self::bits_len(words),
        }
    }

    /// Number of locations in a bitmap.
    fn bits_len(words: &[Word]) -> usize {
        words
            .last()
            .map_or(0, |w| w.before as usize + w.bits.count_ones() as usize)
    }

    pub(super) fn find(&self, loc: u32) -> Result<usize, usize> {
        match self {
            Locs::List(v) => v.binary_search(&loc),
            Locs::Bits(words) => {
                let w = loc as usize / 64;
                let Some(&Word {
                    bits: word,
                    before: b,
                }) = words.get(w)
                else {
                    return Err(Self::bits_len(words));
                };
                let below = ((word & ((1u64 << (loc % 64)) - 1)).count_ones() + b) as usize;
                if (word >> (loc % 64)) & 1 == 1 {
                    Ok(below)
                } else {
                    Err(below)
                }
            }
        }
    }

    /// Adds `loc` (absent) at slot `at`, as [`Locs::find`] returned it.
    pub(super) fn insert(&mut self, at: usize, loc: u32) {
        match self {
            Locs::List(v) => {
                v.insert(at, loc);
                let span = v.last().map_or(0, |&l| l as usize + 1);
                if bitmap_pays(v.len(), span, 1) {
                    *self = Locs::from_sorted(std::mem::take(v).into_vec());
                }
            }
            Locs::Bits(words) => {
                let w = loc as usize / 64;
                if w >= words.len() {
                    let before = Self::bits_len(words) as u32;
                    words.resize(w + 1, Word { bits: 0, before });
                }
                if let Some(x) = words.get_mut(w) {
                    x.bits |= 1 << (loc % 64);
                }
                for x in words.iter_mut().skip(w + 1) {
                    x.before += 1;
                }
                // A far location can leave the bitmap mostly empty: back to a list then.
                if !bitmap_pays(Self::bits_len(words), words.len() * 64, 2) {
                    *self = Locs::List(self.iter().collect());
                }
            }
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (list, words): (&[u32], &[Word]) = match self {
            Locs::List(v) => (v, &[]),
            Locs::Bits(words) => (&[], words),
        };
        list.iter()
            .copied()
            .chain(words.iter().enumerate().flat_map(|(w, word)| {
                let mut bits = word.bits;
                std::iter::from_fn(move || {
                    (bits != 0).then(|| {
                        let b = bits.trailing_zeros();
                        bits &= bits - 1;
                        w as u32 * 64 + b
                    })
                })
            }))
    }

    /// The location at slot `i`.
    pub(super) fn select(&self, i: usize) -> Option<u32> {
        match self {
            Locs::List(v) => v.get(i).copied(),
            Locs::Bits(words) => {
                let w = words
                    .partition_point(|x| x.before as usize <= i)
                    .checked_sub(1)?;
                let Word {
                    bits: mut word,
                    before,
                } = *words.get(w)?;
                for _ in 0..i - before as usize {
                    word &= word.wrapping_sub(1);
                }
                (word != 0).then(|| w as u32 * 64 + word.trailing_zeros())
            }
        }
    }

    pub(super) fn last(&self) -> Option<u32> {
        match self {
            Locs::List(v) => v.last().copied(),
            Locs::Bits(words) => {
                let w = words.iter().rposition(|x| x.bits != 0)?;
                let word = words.get(w)?.bits;
                Some(w as u32 * 64 + 63 - word.leading_zeros())
            }
        }
    }

    pub(super) fn is_increasing(&self) -> bool {
        match self {
            Locs::List(v) => v.windows(2).all(|w| w[0] < w[1]),
            Locs::Bits(words) => words
                .iter()
                .try_fold(0u32, |n, w| {
                    (w.before == n).then(|| n + w.bits.count_ones())
                })
                .is_some(),
        }
    }
}
