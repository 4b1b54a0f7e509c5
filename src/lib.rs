//! # atsource
//!
//! The availability and sourcing core of an Order Management System, built to run where the
//! customer is: natively, in the browser and at the edge (WebAssembly).
//!
//! The crate is a pure Rust core — [`network`] (locations and their geo index), [`inventory`]
//! (positions, events, Availability To Sell, future supply, alerts), [`snapshot`] (binary state)
//! and [`demo`] (a deterministic French retail network) — tied together by [`Engine`]. The only
//! module that knows about JavaScript is `wasm`, compiled for `wasm32` alone.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![warn(missing_docs)]

pub mod date;
pub mod demo;
mod engine;
mod error;
pub mod inventory;
pub(crate) mod json_object;
mod json_path;
mod memcmp;
pub mod network;
mod order;
mod prefetch;
pub mod promise;
pub mod snapshot;
pub mod sourcing;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{BuildInfo, Engine};

/// The crate's hash maps and sets: hashbrown's, with rustc's Fx hash (ids and names are not
/// attacker-chosen keys of a shared server: each engine holds one retailer's own data). One
/// hash table implementation for the whole crate, where std's and hashbrown's (the SKU index's
/// [`hashbrown::HashTable`]) would both be in the wasm.
pub(crate) type FxHashMap<K, V> = hashbrown::HashMap<K, V, rustc_hash::FxBuildHasher>;
/// See [`FxHashMap`].
pub(crate) type FxHashSet<K> = hashbrown::HashSet<K, rustc_hash::FxBuildHasher>;
pub use error::{Error, InputError};

/// Decodes a JSON document into `T`, reporting the path of the offending field on failure.
///
/// Every JSON request of the public API goes through this one function, so that every caller
/// gets the same `invalid_input` error naming the field (`[3].lat: invalid type: null …`).
pub fn from_json<'a, T: serde::Deserialize<'a>>(json: &'a str) -> Result<T, InputError> {
    serde_json::from_str(json).map_err(|e| InputError::from_json(json, &e))
}

/// Length of `s` in UTF-16 code units, as JS counts (and slices) strings: the packed answers
/// send their strings as one text and these lengths. Counted on the bytes: one unit per
/// character (every byte but UTF-8's continuation bytes), two for a character beyond the BMP
/// (a 4-byte one, whose first byte is 0xF0 or above).
pub(crate) fn utf16_len(s: &str) -> usize {
    s.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}
