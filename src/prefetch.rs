//! A hint to the CPU that memory is about to be read, so that a loop over independent random
//! accesses (a batch of events) overlaps their cache misses instead of waiting on each in turn.
//! x86-64 has a prefetch instruction. WebAssembly has none: there the hint is a plain load whose
//! value nobody waits for, which the CPU running the compiled module issues early and overlaps
//! with the work in between, as it would a prefetch. Elsewhere it is a no-op.

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
    #[cfg(target_arch = "wasm32")]
    {
        // SAFETY: `x` is a live reference, so reading its first byte is in bounds; volatile
        // only keeps the compiler from dropping a load whose value is unused.
        unsafe { std::ptr::read_volatile(std::ptr::from_ref(x).cast::<u8>()) };
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "wasm32")))]
    let _ = x;
}

/// The first byte of `x`: what [`read_all`] touches, whatever `x`'s type, so that one batch can
/// hold the addresses of differently typed values. For plain values only: `T` must not start
/// with padding (the callers pass integers and slots of four `i32`s).
#[inline(always)]
pub fn first_byte<T>(x: &T) -> &u8 {
    const { assert!(std::mem::size_of::<T>() > 0) };
    // SAFETY: `T` is not zero-sized (checked above) and does not start with padding (see
    // above), so `x` points to at least one initialised byte, readable while `x` lives.
    unsafe { &*std::ptr::from_ref(x).cast::<u8>() }
}

/// [`read`] for each of `lines`, in a loop that does nothing else. A batch gathered first and
/// touched here keeps many more loads in flight at once than loads spread through the work that
/// found them: in the wasm each hint is a real load, and the CPU overlaps only the loads that fit
/// in its window of instructions in flight.
pub fn read_all(lines: &[&u8]) {
    for x in lines {
        read(*x);
    }
}
