//! The module's allocator: Talc, noting each allocation it cannot make, so that the trap that
//! follows (Rust aborts when memory runs out) reaches JS as `out_of_memory` (see glue.js,
//! `trapped`).

use std::alloc::{GlobalAlloc, Layout};

use wasm_bindgen::prelude::*;

// Talc instead of std's dlmalloc: 2.4 KB less gzipped wasm (the budget is the binding limit),
// and no slower (bench/*-ab.mjs; dlmalloc made sourcing's 5x20 p50 4-12% slower); it reuses
// freed large blocks less well: 17.6 MiB against 13.8 MiB after thirty 1,000,000-position
// snapshot loads, flat after that.
#[global_allocator]
static ALLOCATOR: Noting = Noting(talc::wasm::new_wasm_dynamic_allocator());

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    /// Tells the glue that an allocation failed: the trap that follows (Rust aborts when memory
    /// runs out) is then `out_of_memory` rather than `internal_error`. No parameter and no
    /// result: a signature the module imports already (V8 compiles a wrapper per signature).
    #[wasm_bindgen(js_name = noteOutOfMemory)]
    fn note_out_of_memory();
}

/// The allocator, noting each allocation it cannot make (the wasm memory at its limit).
struct Noting(talc::wasm::WasmDynamicTalc);

fn noted(ptr: *mut u8) -> *mut u8 {
    if ptr.is_null() {
        note_out_of_memory();
    }
    ptr
}

// SAFETY: every call is Talc's own, with the caller's arguments; only a null result is noted.
unsafe impl GlobalAlloc for Noting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        noted(self.0.alloc(layout))
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        noted(self.0.alloc_zeroed(layout))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        noted(self.0.realloc(ptr, layout, new_size))
    }
}
