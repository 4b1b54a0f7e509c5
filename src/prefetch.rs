//! A hint to the CPU that memory is about to be read, so that a loop over independent random
//! accesses (a batch of events) overlaps their cache misses instead of waiting on each in turn.
//! Only x86-64 has a stable prefetch instruction in Rust; elsewhere (wasm32) it is a no-op.

/// Starts loading the cache line holding `x` into all cache levels.
#[inline(always)]
pub fn read<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: SSE is part of the x86-64 baseline, so the instruction exists on every
        // x86-64 CPU; a prefetch never faults and has no effect the program can observe.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(x).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
