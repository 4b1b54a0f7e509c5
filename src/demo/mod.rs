//! The embedded demo network: a deterministic French fashion and home retailer.
//!
//! About 150 stores in real French towns ([`CITIES`], public coordinates) and 4 distribution
//! centres at real logistics hubs, a catalogue of about 2,000 SKUs with French names, prices and
//! weights, and its stock as inventory events: warehouses deep, stores shallow, some positions
//! and a few SKUs out of stock everywhere, some open reservations, expected supply.
//!
//! It is what `make demo`, the tests and the benchmarks run on. The same [`DemoOptions`] always
//! give byte-identical output, on every platform: only integer and basic float arithmetic feed
//! the output, never a platform's `sin` or `pow`. It scales: `stores`, `warehouses`, `skus`
//! and `density` go up to a million positions and beyond for benchmarks.
//!
//! ```
//! use atsource::demo::{self, DemoOptions};
//!
//! let mut engine = atsource::Engine::new();
//! let network = demo::load(&mut engine, &DemoOptions { skus: 100, ..DemoOptions::default() })?;
//! assert_eq!(network.locations.len(), 154);
//! let sku = &network.catalogue[0].sku;
//! assert!(engine.ats(sku, None)? >= 0);
//! # Ok::<(), atsource::Error>(())
//! ```

mod catalogue;
mod categories;
mod cities;
mod locations;
mod stock;

use fastrand::Rng;
use serde::{Deserialize, Serialize};

pub use catalogue::Product;
pub use cities::{find_cities, City, CITIES};

use crate::inventory::dedup::id_hash;
use crate::inventory::{ApplyOptions, EventInput};
use crate::network::LocationInput;
use crate::{Engine, Error, InputError};

/// The demo's "today" (`YYYY-MM-DD`): expected supply is dated in the weeks after it.
pub const DEMO_TODAY: &str = "2026-12-01";
/// Month of the demo's expected supply (`DEMO_TODAY`'s), as a date prefix.
const SUPPLY_MONTH: &str = "2026-12-";

/// Most (SKU, location) pairs — `skus × (stores + warehouses)` — that [`DemoOptions::validate`]
/// accepts: enough for the million-position benchmark, little enough for a wasm instance.
pub const MAX_PAIRS: u64 = 2_000_000;

/// Most locations (`stores + warehouses`) and most SKUs [`DemoOptions::validate`] accepts, each
/// bounded on its own: with no SKUs (or no locations) the pairs bound no longer holds the other.
pub const MAX_LOCATIONS: u32 = 10_000;
/// See [`MAX_LOCATIONS`].
pub const MAX_SKUS: u32 = 100_000;

/// What to generate. Every field is optional in JSON (`{}` is the default network).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DemoOptions {
    /// Seed of every random draw (default 42).
    pub seed: u64,
    /// Number of stores (default 150, one per town of `cities()`; beyond, further stores open
    /// in the same towns a few kilometres apart).
    pub stores: u32,
    /// Number of distribution centres (default 4: Roissy, Saint-Quentin-Fallavier, Lesquin,
    /// Miramas; up to 8 distinct hubs).
    pub warehouses: u32,
    /// Number of SKUs in the catalogue (default 2,000).
    pub skus: u32,
    /// Fraction in [0, 1] of (SKU, store) pairs that hold a position. By default each SKU is
    /// in 15% to 85% of the stores depending on how well it sells; 1.0 stocks every SKU in
    /// every store and warehouse (the dense benchmark network).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub density: Option<f64>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seed: 42,
            stores: 150,
            warehouses: 4,
            skus: 2_000,
            density: None,
        }
    }
}

impl DemoOptions {
    /// Checks `density` and the network's size (at most [`MAX_PAIRS`] pairs, [`MAX_LOCATIONS`]
    /// locations and [`MAX_SKUS`] SKUs).
    pub fn validate(&self) -> Result<(), InputError> {
        if let Some(d) = self.density {
            if !(d.is_finite() && (0.0..=1.0).contains(&d)) {
                return Err(InputError::new("density", "must be a number in [0, 1]"));
            }
        }
        let locations = u64::from(self.stores) + u64::from(self.warehouses);
        if locations > u64::from(MAX_LOCATIONS) {
            let field = if self.stores > self.warehouses {
                "stores"
            } else {
                "warehouses"
            };
            return Err(InputError::new(
                field,
                format!("stores + warehouses must be at most {MAX_LOCATIONS}, got {locations}"),
            ));
        }
        if self.skus > MAX_SKUS {
            return Err(InputError::new(
                "skus",
                format!("must be at most {MAX_SKUS}, got {}", self.skus),
            ));
        }
        let pairs = u64::from(self.skus) * locations;
        if pairs > MAX_PAIRS {
            return Err(InputError::new(
                "skus",
                format!("skus × (stores + warehouses) must be at most {MAX_PAIRS}, got {pairs}"),
            ));
        }
        Ok(())
    }
}

/// A generated network: what to upsert, what to apply, and what the shop sells.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DemoNetwork {
    /// The demo's reference day (2026-12-01), to pass as `today` to availability queries.
    pub today: String,
    /// Warehouses first, then stores.
    pub locations: Vec<LocationInput>,
    /// Stock counts (`set`, version 1) grouped by SKU, then reservations, then expected supply.
    pub events: Vec<EventInput>,
    /// Every SKU, grouped by model.
    pub catalogue: Vec<Product>,
}

/// Generates the network described by `opts`. Deterministic; does not check
/// [`DemoOptions::validate`]'s size limit (an out-of-range density is clamped to [0, 1]).
pub fn generate(opts: &DemoOptions) -> DemoNetwork {
    let density = opts
        .density
        .map(|d| if d.is_nan() { 0.0 } else { d.clamp(0.0, 1.0) });
    // One stream per part, so that the catalogue does not change when the store count does.
    let mut place = Rng::with_seed(stream(opts.seed, 1));
    let mut design = Rng::with_seed(stream(opts.seed, 2));
    let mut count = Rng::with_seed(stream(opts.seed, 3));
    let locations = locations::generate(&mut place, opts.warehouses, opts.stores);
    let items = catalogue::generate(&mut design, opts.skus);
    let events = stock::generate(&mut count, &items, &locations, &stock::Spread { density });
    DemoNetwork {
        today: DEMO_TODAY.to_string(),
        locations,
        events,
        catalogue: items.into_iter().map(|i| i.product).collect(),
    }
}

/// Generates the network described by `opts` and loads it into `engine`: upserts the locations,
/// then applies the events (in batches, typed). Returns what it loaded.
///
/// Fails with `invalid_input` when `opts` is out of range. Loading the same network again
/// changes nothing: events whose ids the engine remembers are skipped before any is applied
/// (so a network of more events than the engine remembers cannot evict its own ids halfway),
/// and the counts it has forgotten replay as stale versions.
pub fn load(engine: &mut Engine, opts: &DemoOptions) -> Result<DemoNetwork, Error> {
    const BATCH: usize = 65_536;
    opts.validate()?;
    let network = generate(opts);
    engine.upsert_locations(network.locations.clone())?;
    let log = engine.inventory().log();
    let fresh: Vec<bool> = network
        .events
        .iter()
        .map(|e| !log.contains(id_hash(e.id())))
        .collect();
    for (b, batch) in network.events.chunks(BATCH).enumerate() {
        let at = |i: usize| format!("events[{}]", b * BATCH + i);
        let mut index = Vec::with_capacity(batch.len());
        let mut typed = Vec::with_capacity(batch.len());
        for (i, e) in batch.iter().enumerate() {
            if fresh.get(b * BATCH + i).copied().unwrap_or(true) {
                typed.push(e.to_event().map_err(|(_, m)| InputError::new(at(i), m))?);
                index.push(i);
            }
        }
        let report = engine.apply_events_with(
            &typed,
            ApplyOptions {
                changes: false,
                ..Default::default()
            },
        );
        if let Some(r) = report.rejected.first() {
            let i = index.get(r.index).copied().unwrap_or(r.index);
            let message = format!("{} ({})", r.message, r.code);
            return Err(InputError::new(at(i), message).into());
        }
    }
    Ok(network)
}

/// Seed of the `k`-th independent random stream derived from `seed`.
fn stream(seed: u64, k: u64) -> u64 {
    seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// A uniform integer in `lo..=hi` (`lo` when the range is empty).
fn between(rng: &mut Rng, lo: u32, hi: u32) -> u32 {
    if hi <= lo {
        lo
    } else {
        rng.u32(lo..=hi)
    }
}

/// True with probability `p`.
fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.f64() < p
}

/// Hundredths as a number: `cents(1299)` is 12.99.
fn cents(hundredths: u32) -> f64 {
    f64::from(hundredths) / 100.0
}

/// A point 1.5 to 5 km north or south and east or west of (`lat`, `lon`), to four decimals.
fn jitter_km(rng: &mut Rng, lat: f64, lon: f64) -> (f64, f64) {
    const KM_PER_DEGREE: f64 = 111.195;
    let mut offset = || {
        let km = 1.5 + 3.5 * rng.f64();
        if rng.bool() {
            km
        } else {
            -km
        }
    };
    let (north, east) = (offset(), offset());
    let new_lat = lat + north / KM_PER_DEGREE;
    let new_lon = lon + east / (KM_PER_DEGREE * cos_deg(lat));
    (round4(new_lat.clamp(-90.0, 90.0)), round4(new_lon))
}

/// Cosine of an angle in degrees within ±60°, by its Taylor series: the same bits on every
/// platform, unlike `f64::cos`, and within 1e-6 of it there.
fn cos_deg(deg: f64) -> f64 {
    let x = deg.clamp(-60.0, 60.0) * (std::f64::consts::PI / 180.0);
    let x2 = x * x;
    1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0 * (1.0 - x2 / 90.0))))
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taylor_cosine_matches_the_library() {
        for deg in [-60.0, -12.5, 0.0, 41.9, 45.0, 51.1, 60.0] {
            let want = (deg * std::f64::consts::PI / 180.0_f64).cos();
            assert!((cos_deg(deg) - want).abs() < 1e-6, "{deg}");
        }
    }

    #[test]
    fn jitter_stays_a_few_kilometres_away() {
        let mut rng = Rng::with_seed(7);
        for _ in 0..200 {
            let (lat, lon) = jitter_km(&mut rng, 48.8566, 2.3522);
            let d = crate::network::haversine_km(
                crate::network::GeoPoint {
                    lat: 48.8566,
                    lon: 2.3522,
                },
                crate::network::GeoPoint { lat, lon },
            );
            assert!((1.5..7.5).contains(&d), "{d}");
        }
    }

    #[test]
    fn options_accept_partial_json() {
        let o: DemoOptions = crate::from_json(r#"{"skus":10000,"density":1}"#).unwrap();
        assert_eq!((o.skus, o.stores, o.density), (10_000, 150, Some(1.0)));
        assert!(crate::from_json::<DemoOptions>(r#"{"sku":1}"#).is_err());
        let too_big = DemoOptions {
            skus: 100_000,
            ..DemoOptions::default()
        };
        assert_eq!(too_big.validate().unwrap_err().field, "skus");
    }
}
