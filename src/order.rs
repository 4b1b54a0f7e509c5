//! Sorting through one shared routine.
//!
//! Every `slice::sort_by` call site instantiates the whole of std's sort (10-20 KB of wasm each).
//! Sorting goes through one non-generic routine instead: it sorts `u32` indices with a
//! comparator behind a reference, then permutes the slice in place. That costs an indirect call
//! per comparison, which matters little for the short lists sorted here, and keeps the shipped
//! `.wasm` small.

use std::cmp::Ordering;

/// Stable sort of `v` by `cmp` (std's stable sort on indices).
pub(crate) fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    {
        let items: &[T] = v;
        let by_index = |a: u32, b: u32| match (items.get(a as usize), items.get(b as usize)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        };
        sort_indices(&mut order, &by_index);
    }
    permute(v, &mut order);
}

/// Sort of `v` by a key (stable).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` by `key`, then by value, where `key(x)`'s low 32 bits are zero: through one sort of
/// `key(x) | x` integers in `scratch`. std's integer sort compares inline, as fast as a sort with
/// an inlined comparison function, but is one instantiation for every such sort in the wasm
/// build instead of one per comparison function.
pub(crate) fn sort_by_wide_key(v: &mut [u32], scratch: &mut Vec<u128>, key: impl Fn(u32) -> u128) {
    scratch.clear();
    scratch.extend(v.iter().map(|&x| key(x) | u128::from(x)));
    scratch.sort_unstable();
    for (x, &k) in v.iter_mut().zip(scratch.iter()) {
        *x = k as u32;
    }
}

/// `x` as an integer that orders as `f64::total_cmp` orders floats.
#[inline(always)]
pub(crate) fn total_order_bits(x: f64) -> u64 {
    // `total_cmp`'s own mapping to a signed integer, then the sign bit flipped to order unsigned.
    let b = x.to_bits() as i64;
    (b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64 ^ (1 << 63)
}

/// The float of [`total_order_bits`].
#[inline(always)]
pub(crate) fn from_total_order_bits(t: u64) -> f64 {
    let t = (t ^ (1 << 63)) as i64;
    f64::from_bits((t ^ ((((t >> 63) as u64) >> 1) as i64)) as u64)
}

#[inline(never)]
fn sort_indices(order: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Puts `v[order[i]]` at `i` for every `i`, following the permutation's cycles with swaps.
fn permute<T>(v: &mut [T], order: &mut [u32]) {
    for i in 0..order.len() {
        let mut j = i;
        loop {
            let k = order[j] as usize;
            order[j] = j as u32;
            if k == i {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_std() {
        let mut rng = fastrand::Rng::with_seed(1);
        for n in 0..60 {
            let v: Vec<(u8, usize)> = (0..n).map(|i| (rng.u8(0..5), i)).collect();
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = v.clone();
            std.sort_by_key(|e| e.0);
            assert_eq!(ours, std);
            let mut keyed = v;
            sort_by_key(&mut keyed, |e| std::cmp::Reverse(e.0));
            assert!(keyed.windows(2).all(|w| w[0].0 >= w[1].0));
        }
    }

    #[test]
    fn wide_keys_sort_like_a_comparison_function() {
        let mut rng = fastrand::Rng::with_seed(2);
        let mut scratch = Vec::new();
        for n in 0..60 {
            let w: Vec<f64> = (0..n)
                .map(|_| match rng.u8(0..4) {
                    0 => -rng.f64() * 10.0,
                    1 => 0.0,
                    2 => -0.0,
                    _ => f64::from(rng.u8(0..3)),
                })
                .collect();
            let mut ours: Vec<u32> = (0..n as u32).rev().collect();
            sort_by_wide_key(&mut ours, &mut scratch, |i| {
                u128::from(total_order_bits(w[i as usize])) << 64
            });
            let mut std: Vec<u32> = (0..n as u32).collect();
            std.sort_by(|&a, &b| w[a as usize].total_cmp(&w[b as usize]).then(a.cmp(&b)));
            assert_eq!(ours, std);
            for &x in &w {
                assert_eq!(
                    from_total_order_bits(total_order_bits(x)).to_bits(),
                    x.to_bits()
                );
            }
        }
    }
}
