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
}
