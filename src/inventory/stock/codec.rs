//! The stored form of a [`SkuStock`], as one byte string (decoded in tight loops straight into
//! the final columns, without a serde call per number):
//!
//! ```text
//! n            varint: number of positions
//! present      one byte: bit 0 reserved, 1 picking, 2 safety, 3 versions (a column is left
//!              out when every value is its default: 0, or -1 for safety, or never versioned)
//! gaps         n varints: the first location index, then the differences (each >= 1)
//! on_hand      n zigzag varints
//! reserved, picking, safety+1: n zigzag varints each, when present
//! versions     n varints, when present
//! ```

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
