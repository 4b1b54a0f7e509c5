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
use smallvec::SmallVec;

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

/// Word `w` of a bitmap, the positions before it (its rank count) and word `w` of a query's
/// mask; `None` past the bitmap's end (and past the mask's). Inlined: read in availability's
/// innermost loops.
#[inline(always)]
fn masked_word(words: &[Word], mask: &[u64], w: u32) -> Option<(u64, u32, u64)> {
    let w = w as usize;
    let word = words.get(w)?;
    Some((word.bits, word.before, *mask.get(w)?))
}

/// 64 locations of a bitmap (bit `l % 64` for location `l`) and the number of positions in the
/// words before it (its rank count), side by side: a query reads both, which then share a cache
/// line instead of one line each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Word {
    bits: u64,
    before: u32,
}

/// The locations of a SKU's positions, ascending; slot `i` is the `i`-th of them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Locs {
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
    fn from_sorted(list: Vec<u32>) -> Self {
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
    fn len(&self) -> usize {
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

    fn find(&self, loc: u32) -> Result<usize, usize> {
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
    fn insert(&mut self, at: usize, loc: u32) {
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

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
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
    fn select(&self, i: usize) -> Option<u32> {
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

    fn last(&self) -> Option<u32> {
        match self {
            Locs::List(v) => v.last().copied(),
            Locs::Bits(words) => {
                let w = words.iter().rposition(|x| x.bits != 0)?;
                let word = words.get(w)?.bits;
                Some(w as u32 * 64 + 63 - word.leading_zeros())
            }
        }
    }

    fn is_increasing(&self) -> bool {
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

/// The stored form of a [`SkuStock`], as one byte string (decoded in tight loops straight into
/// the final columns, without a serde call per number):
///
/// ```text
/// n            varint: number of positions
/// present      one byte: bit 0 reserved, 1 picking, 2 safety, 3 versions (a column is left
///              out when every value is its default: 0, or -1 for safety, or never versioned)
/// gaps         n varints: the first location index, then the differences (each >= 1)
/// on_hand      n zigzag varints
/// reserved, picking, safety+1: n zigzag varints each, when present
/// versions     n varints, when present
/// ```
mod codec {
    use super::{Locs, SkuStock, Slot, Slots};

    const RESERVED: u8 = 1;
    const PICKING: u8 = 2;
    const SAFETY: u8 = 4;
    const VERSIONS: u8 = 8;

    fn put(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn zigzag(v: i32) -> u64 {
        u64::from(((v << 1) ^ (v >> 31)) as u32)
    }

    pub fn encode(s: &SkuStock) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + 2 * s.slots.len());
        put(&mut out, s.slots.len() as u64);
        let any = |f: fn(&Slot) -> bool| s.slots.iter().any(|x| f(&x));
        let mut present = 0;
        if any(|x| x.reserved != 0) {
            present |= RESERVED;
        }
        if any(|x| x.picking != 0) {
            present |= PICKING;
        }
        if any(|x| x.safety != -1) {
            present |= SAFETY;
        }
        if s.versions.iter().any(|&v| v != 0) {
            present |= VERSIONS;
        }
        out.push(present);
        let mut prev = 0;
        for (i, l) in s.locs.iter().enumerate() {
            put(&mut out, u64::from(if i == 0 { l } else { l - prev }));
            prev = l;
        }
        let column = |out: &mut Vec<u8>, f: fn(&Slot) -> i32| {
            for x in s.slots.iter() {
                put(out, zigzag(f(&x)));
            }
        };
        column(&mut out, |x| x.on_hand);
        if present & RESERVED != 0 {
            column(&mut out, |x| x.reserved);
        }
        if present & PICKING != 0 {
            column(&mut out, |x| x.picking);
        }
        if present & SAFETY != 0 {
            column(&mut out, |x| x.safety.wrapping_add(1));
        }
        if present & VERSIONS != 0 {
            for &v in s.versions.iter() {
                put(&mut out, v);
            }
        }
        out
    }

    /// Reads varints from a byte string; every failure is "truncated or malformed".
    struct Reader<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl Reader<'_> {
        /// One varint. Most quantities and location gaps fit in one byte: that case is a load
        /// and a compare, inlined into the column loops (in the size-optimised wasm every call
        /// is a real call, and these run two to five million times per snapshot).
        #[inline(always)]
        fn u64(&mut self) -> Option<u64> {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            if b < 0x80 {
                return Some(u64::from(b));
            }
            self.u64_long(u64::from(b & 0x7f))
        }

        /// The rest of a varint of two or more bytes, whose low 7 bits are `v`.
        #[inline(never)]
        fn u64_long(&mut self, mut v: u64) -> Option<u64> {
            let mut shift = 7;
            while shift < 64 {
                let b = *self.bytes.get(self.at)?;
                self.at += 1;
                v |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return Some(v);
                }
                shift += 7;
            }
            None
        }

        #[inline(always)]
        fn u32(&mut self) -> Option<u32> {
            u32::try_from(self.u64()?).ok()
        }

        #[inline(always)]
        fn i32(&mut self) -> Option<i32> {
            let z = self.u32()?;
            Some((z >> 1) as i32 ^ -((z & 1) as i32))
        }
    }

    /// Decodes one SKU's columns. Kept out of line on purpose: a snapshot calls it once per
    /// SKU, so V8 tiers it up to optimised code after the first few hundred SKUs, where one
    /// inlined loop over the whole snapshot would run to the end in the baseline compiler's
    /// code (a fresh process's first load was 2.5x slower than later ones).
    #[inline(never)]
    pub fn decode(bytes: &[u8]) -> Option<SkuStock> {
        let mut r = Reader { bytes, at: 0 };
        let n = usize::try_from(r.u64()?).ok()?;
        let present = *bytes.get(r.at)?;
        r.at += 1;
        // Every position takes at least two bytes: refuse a count the bytes cannot hold before
        // allocating for it.
        if present & !(RESERVED | PICKING | SAFETY | VERSIONS) != 0 || n > bytes.len() / 2 {
            return None;
        }
        // Columns allocated at their final length and written in place: `push` is a call in
        // the size-optimised build.
        let mut locs = vec![0u32; n];
        let mut next_min = 0u32;
        for (i, l) in locs.iter_mut().enumerate() {
            let gap = r.u32()?;
            // Gaps after the first are >= 1: locations strictly increase.
            if i > 0 && gap == 0 {
                return None;
            }
            *l = next_min.checked_add(gap)?;
            next_min = *l;
        }
        let mut on_hand = vec![0i32; n];
        for x in on_hand.iter_mut() {
            *x = r.i32()?;
        }
        // Plain positions (the common case) stay a column of counts; any other column present
        // makes them full slots.
        let slots = if present & (RESERVED | PICKING | SAFETY) == 0 {
            Slots::from_on_hand(on_hand)
        } else {
            let mut slots: Vec<Slot> = on_hand.into_iter().map(Slot::on_hand).collect();
            let mut fill = |bit: u8, set: fn(&mut Slot, i32)| -> Option<()> {
                if present & bit != 0 {
                    for s in slots.iter_mut() {
                        set(s, r.i32()?);
                    }
                }
                Some(())
            };
            fill(RESERVED, |s, v| s.reserved = v)?;
            fill(PICKING, |s, v| s.picking = v)?;
            fill(SAFETY, |s, v| s.safety = v.wrapping_sub(1))?;
            // What no sequence of events can leave (reserved and picking never go below 0; a
            // safety stock is >= 0, or -1 for none) is refused: it would sell what is not there.
            if slots
                .iter()
                .any(|s| s.reserved < 0 || s.picking < 0 || s.safety < -1)
            {
                return None;
            }
            Slots::from_slots(slots)
        };
        let mut versions = Vec::new();
        if present & VERSIONS != 0 {
            versions.reserve_exact(n);
            for _ in 0..n {
                versions.push(r.u64()?);
            }
        }
        (r.at == bytes.len()).then(|| SkuStock {
            locs: Locs::from_sorted(locs),
            slots,
            versions: versions.into(),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stock(positions: &[(u32, Position)]) -> SkuStock {
        let mut s = SkuStock::default();
        for &(loc, p) in positions {
            let i = s.slot(loc);
            s.put(i, p);
        }
        s
    }

    #[test]
    fn a_sparse_sku_keeps_its_columns_inline() {
        let spilled = |s: &SkuStock| {
            let locs = match &s.locs {
                Locs::List(v) => v.spilled(),
                Locs::Bits(_) => true,
            };
            let slots = match &s.slots {
                Slots::Small(v) => v.spilled(),
                _ => true,
            };
            (locs, slots)
        };
        let plain = |n| Position {
            on_hand: n,
            ..Default::default()
        };
        // Built by events: two positions inline, a third location moves the list out.
        let mut s = stock(&[(40, plain(3)), (7, plain(65_535))]);
        assert_eq!(spilled(&s), (false, false));
        let i = s.slot(90);
        s.put(i, plain(1));
        assert_eq!(spilled(&s), (true, false));
        // Read back from its stored form, a one-position SKU allocates nothing either.
        let one = stock(&[(5, plain(2))]);
        let read: SkuStock = postcard::from_bytes(&postcard::to_allocvec(&one).unwrap()).unwrap();
        assert_eq!(spilled(&read), (false, false));
        assert_eq!(read, one);
        assert_eq!(read.get(0).on_hand, 2);
    }

    #[test]
    fn columns_round_trip_and_skip_defaults() {
        let plain = stock(&[
            (
                7,
                Position {
                    on_hand: 3,
                    ..Default::default()
                },
            ),
            (
                2,
                Position {
                    on_hand: 5,
                    ..Default::default()
                },
            ),
        ]);
        assert!(
            plain.versions.is_empty(),
            "no version column until one is set"
        );
        let bytes = postcard::to_allocvec(&plain).unwrap();
        // 6 bytes: n=2, no optional column, gaps [2, 5], on_hand zigzag [10, 6].
        assert_eq!(bytes, [6, 2, 0, 2, 5, 10, 6]);
        assert_eq!(postcard::from_bytes::<SkuStock>(&bytes).unwrap(), plain);

        let full = stock(&[
            (
                0,
                Position {
                    on_hand: -4,
                    reserved: 1,
                    picking: 2,
                    safety: Some(0),
                    version: Some(0),
                },
            ),
            (
                9,
                Position {
                    on_hand: 8,
                    reserved: 0,
                    picking: 0,
                    safety: None,
                    version: None,
                },
            ),
        ]);
        assert_eq!(full.get(0).version, Some(0));
        assert_eq!(full.get(1).version, None);
        let bytes = postcard::to_allocvec(&full).unwrap();
        let back: SkuStock = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, full);
        assert_eq!(back.get(0), full.get(0));
    }

    #[test]
    fn inserting_keeps_the_version_column_aligned() {
        let mut s = stock(&[(
            5,
            Position {
                on_hand: 1,
                version: Some(7),
                ..Default::default()
            },
        )]);
        let i = s.slot(1);
        assert_eq!(i, 0);
        assert!(s.is_consistent());
        assert_eq!(s.get(0).version, None);
        assert_eq!(s.get(1).version, Some(7));
    }

    #[test]
    fn dense_skus_use_a_bitmap_that_answers_like_a_list() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let span = rng.u32(1..300);
            let mut s = SkuStock::default();
            let mut model = std::collections::BTreeSet::new();
            for k in 0..rng.usize(0..200) {
                // Mostly near locations, now and then a far one.
                let loc = if rng.u8(..) < 8 {
                    rng.u32(0..5000)
                } else {
                    rng.u32(0..span)
                };
                let i = s.slot(loc);
                s.put(
                    i,
                    Position {
                        on_hand: k as i32,
                        ..Default::default()
                    },
                );
                model.insert(loc);
                assert!(s.is_consistent());
            }
            let locs: Vec<u32> = model.iter().copied().collect();
            assert_eq!(s.positions().map(|p| p.1).collect::<Vec<_>>(), locs);
            assert_eq!(s.last_loc(), locs.last().copied());
            for (i, &l) in locs.iter().enumerate() {
                assert_eq!(s.loc(i), l);
            }
            assert_eq!(s.loc(locs.len()), u32::MAX);
            for probe in 0..5001 {
                assert_eq!(s.find(probe), locs.binary_search(&probe).ok());
            }
            let back: SkuStock = postcard::from_bytes(&postcard::to_allocvec(&s).unwrap()).unwrap();
            assert_eq!(
                back.positions().collect::<Vec<_>>(),
                s.positions().collect::<Vec<_>>()
            );
            assert_eq!(
                (0..s.len()).map(|i| back.get(i)).collect::<Vec<_>>(),
                (0..s.len()).map(|i| s.get(i)).collect::<Vec<_>>()
            );
            // Equal whatever the representations: the events' stock may keep a bitmap (or a list)
            // that its snapshot reads back the other way.
            assert_eq!(back, s);
        }
        let dense = stock(
            &(0..100)
                .map(|l| (l, Position::default()))
                .collect::<Vec<_>>(),
        );
        assert!(dense.is_dense());
        let sparse = stock(&[(0, Position::default()), (4000, Position::default())]);
        assert!(!sparse.is_dense());
    }

    #[test]
    fn refuses_inconsistent_columns() {
        // Two positions at the same location (second gap 0).
        let bad = [6, 2, 0, 1, 0, 2, 2];
        assert!(postcard::from_bytes::<SkuStock>(&bad).is_err());
        // Three locations, two quantities.
        let short = [7, 3, 0, 1, 1, 1, 2, 2];
        assert!(postcard::from_bytes::<SkuStock>(&short).is_err());
        // An unknown column, a count the bytes cannot hold, bytes left over.
        for bytes in [&[4, 1, 16, 0, 2][..], &[3, 100, 0, 0], &[5, 1, 0, 0, 2, 9]] {
            assert!(
                postcard::from_bytes::<SkuStock>(bytes).is_err(),
                "{bytes:?}"
            );
        }
        assert!(postcard::from_bytes::<SkuStock>(&[4, 1, 0, 0, 2]).is_ok());
    }
}
