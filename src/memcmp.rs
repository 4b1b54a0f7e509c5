//! `memcmp` for the wasm build, eight bytes at a time.
//!
//! Every comparison of two strings ends in `memcmp`: each hash lookup of a SKU or a location id
//! compares the key it finds with the one asked (an availability query of 100 SKUs makes 100),
//! and sorts by id compare ids. On `wasm32` the `memcmp` linked by default (compiler-builtins')
//! compares byte by byte, a loop of several wasm instructions per byte; for ids of 10 to 30
//! bytes that was 6% of an availability query's time in the wasm (V8's profiler). The exported
//! `memcmp` below replaces it (compiler-builtins' memory functions are weak symbols, so the
//! linker takes this one) and compares eight bytes per load: availability through the wasm
//! 9% faster for 20 SKUs and 11% for 100 (`node bench/availability-ab.mjs`, two builds
//! interleaved, same answers); sourcing unchanged. Native builds keep the C library's.

/// Orders `a` before `b` as `memcmp` does over their common length: the difference of the first
/// bytes that differ (as unsigned), 0 when none does. What the tests check `memcmp` by.
#[cfg(test)]
fn compare(a: &[u8], b: &[u8]) -> i32 {
    // SAFETY: both slices hold at least the common length.
    unsafe { compare_raw(a.as_ptr(), b.as_ptr(), a.len().min(b.len())) }
}

/// Compares `n` bytes at `a` and `b` (as `memcmp`): a loop of plain loads and compares, which the
/// size-optimised build keeps as tight as written (slice iterators cost it 5% of an
/// availability query).
///
/// # Safety
/// `a` and `b` each point to `n` readable bytes.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // native: tested, not linked
unsafe fn compare_raw(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: `i + 8 <= n`.
        let (x, y) = unsafe {
            (
                u64::from_le(a.add(i).cast::<u64>().read_unaligned()),
                u64::from_le(b.add(i).cast::<u64>().read_unaligned()),
            )
        };
        if x != y {
            // Little-endian words: the lowest differing bit lies in the first differing byte.
            let shift = (x ^ y).trailing_zeros() & !7;
            return i32::from((x >> shift) as u8) - i32::from((y >> shift) as u8);
        }
        i += 8;
    }
    while i < n {
        // SAFETY: `i < n`.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// The C library's `memcmp`, which Rust's slice and string comparisons call.
///
/// # Safety
/// `a` and `b` each point to `n` readable bytes (the C contract of `memcmp`).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the caller's contract is `compare_raw`'s.
    unsafe { compare_raw(a, b, n) }
}

#[cfg(test)]
mod tests {
    use super::compare;
    use proptest::prelude::*;

    fn sign(x: i32) -> std::cmp::Ordering {
        x.cmp(&0)
    }

    #[test]
    fn orders_as_bytes_order_and_gives_the_first_difference() {
        assert_eq!(compare(b"", b""), 0);
        assert_eq!(compare(b"SKU-0001-A", b"SKU-0001-A"), 0);
        // The difference in the first word, in the last byte of a word, in the tail.
        assert_eq!(
            compare(b"ABCDEFGHIJ", b"ABCEEFGHIJ"),
            i32::from(b'D') - i32::from(b'E')
        );
        assert_eq!(
            compare(b"ABCDEFGHIJ", b"ABCDEFGXIJ"),
            i32::from(b'H') - i32::from(b'X')
        );
        assert_eq!(compare(b"ABCDEFGHIJ", b"ABCDEFGHIK"), -1);
        // Bytes compare unsigned: 0xFF after 0x01, in a word and in the tail.
        assert!(compare(&[0xFF; 9], &[0x01; 9]) > 0);
        assert!(compare(&[0x01, 0xFF], &[0x01, 0x7F]) > 0);
        // Only the common length counts (memcmp is given one length).
        assert_eq!(compare(b"ABCDEFGHIJKL", b"ABCDEFGHIJ"), 0);
        assert!(compare(b"ABCDEFGHIJKZ", b"ABCDEFGHIA") > 0);
    }

    proptest! {
        #[test]
        fn agrees_with_the_order_of_byte_slices(
            // A small alphabet makes long common prefixes, so that differences fall at every
            // offset, in words and in tails.
            a in prop::collection::vec(0u8..3, 0..40),
            b in prop::collection::vec(0u8..3, 0..40),
            high in any::<bool>(),
        ) {
            let lift = |v: Vec<u8>| -> Vec<u8> {
                v.into_iter().map(|x| if high { x.wrapping_mul(0x7F) } else { x }).collect()
            };
            let (a, b) = (lift(a), lift(b));
            let n = a.len().min(b.len());
            let (x, y) = (&a[..n], &b[..n]);
            prop_assert_eq!(sign(compare(x, y)), x.cmp(y));
            if let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) {
                prop_assert_eq!(compare(x, y), i32::from(x[i]) - i32::from(y[i]));
            }
            prop_assert_eq!(compare(&a, &b), compare(x, y));
        }
    }
}
