//! Random retail networks around a destination, for end-to-end sourcing tests and timings.

use std::borrow::Cow;

use atsource::inventory::{ApplyOptions, Event, EventKind, Inventory};
use atsource::network::{GeoPoint, Location, LocationKind, Network};
use atsource::sourcing::{LineInput, Profile, SourceRequest};

/// Instance families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A tenth warehouses (deep, most SKUs), the rest stores holding some SKUs.
    Mixed,
    /// One warehouse holding half the SKUs, many shallow stores: several shipments are needed.
    StoreHeavy,
    /// The distributions of `bench/sourcing/instances.mjs` "mixed": 2-5 warehouses anywhere in
    /// France, stores clustered around the destination holding 35% of the SKUs 1-6 deep, a random
    /// carrier profile, costs in cents.
    BenchMixed,
    /// The same, "store-heavy": one warehouse with 60% of the SKUs, stores holding 20%, 1-2 deep.
    BenchStoreHeavy,
}

/// A network, its inventory and a request.
pub struct Scenario {
    pub network: Network,
    pub inventory: Inventory,
    pub request: SourceRequest,
}

/// The carrier profile of the timings.
pub fn carrier_profile() -> Profile {
    Profile {
        cost_per_shipment: Some(4.9),
        cost_per_km: Some(0.02),
        cost_per_unit_km: Some(0.001),
        performance_penalty: Some(20.0),
        ..Profile::default()
    }
}

fn location(id: String, kind: LocationKind, at: GeoPoint, rng: &mut fastrand::Rng) -> Location {
    let (ship, unit, perf, cap) = match kind {
        LocationKind::Warehouse => (
            2.0 + 2.0 * rng.f64(),
            0.2 + 0.3 * rng.f64(),
            0.9 + 0.1 * rng.f64(),
            if rng.f64() < 0.3 {
                Some(rng.u32(50..=500))
            } else {
                None
            },
        ),
        LocationKind::Store => (
            3.0 + 3.0 * rng.f64(),
            0.5 + 0.5 * rng.f64(),
            0.7 + 0.3 * rng.f64(),
            if rng.f64() < 0.4 {
                Some(rng.u32(2..=15))
            } else {
                None
            },
        ),
    };
    Location {
        name: id.clone(),
        id,
        kind,
        lat: at.lat,
        lon: at.lon,
        active: true,
        ship: true,
        pickup: kind == LocationKind::Store,
        cost_per_shipment: ship,
        cost_per_unit: unit,
        performance: perf,
        capacity_units: cap,
        safety_stock: 0,
    }
}

/// A scenario with `lines` cart lines and `locations` locations around Paris.
pub fn scenario(family: Family, lines: usize, locations: usize, seed: u64) -> Scenario {
    let mut rng = fastrand::Rng::with_seed(seed);
    let dest = GeoPoint {
        lat: 48.85,
        lon: 2.35,
    };
    let warehouses = match family {
        Family::Mixed | Family::BenchMixed => (locations / 10).max(1),
        Family::StoreHeavy | Family::BenchStoreHeavy => 1,
    };
    let mut locs = Vec::with_capacity(locations);
    for i in 0..locations {
        let kind = if i < warehouses {
            LocationKind::Warehouse
        } else {
            LocationKind::Store
        };
        let spread = if kind == LocationKind::Warehouse {
            4.0
        } else {
            2.5
        };
        let at = GeoPoint {
            lat: dest.lat + spread * (rng.f64() - 0.5),
            lon: dest.lon + 1.5 * spread * (rng.f64() - 0.5),
        };
        let prefix = if kind == LocationKind::Warehouse {
            "WH"
        } else {
            "ST"
        };
        locs.push(location(format!("{prefix}-{i:04}"), kind, at, &mut rng));
    }
    let network = Network::from_locations(locs.clone());
    let skus: Vec<String> = (0..lines).map(|k| format!("SKU-{seed}-{k:03}")).collect();
    let mut events = Vec::new();
    for l in &locs {
        for sku in &skus {
            let (p, lo, hi) = match (family, l.kind) {
                (Family::Mixed | Family::BenchMixed, LocationKind::Warehouse) => (0.7, 0, 50),
                (Family::Mixed | Family::BenchMixed, LocationKind::Store) => (0.3, 1, 5),
                (Family::StoreHeavy | Family::BenchStoreHeavy, LocationKind::Warehouse) => {
                    (0.5, 5, 50)
                }
                (Family::StoreHeavy | Family::BenchStoreHeavy, LocationKind::Store) => (0.15, 1, 2),
            };
            if rng.f64() < p {
                events.push(Event {
                    id: Cow::Owned(format!("e{}", events.len())),
                    sku: Cow::Owned(sku.clone()),
                    location: Cow::Owned(l.id.clone()),
                    kind: EventKind::Set {
                        on_hand: rng.i32(lo..=hi),
                        version: None,
                    },
                });
            }
        }
    }
    let mut inventory = Inventory::default();
    let report = inventory.apply_events(
        &network,
        &events,
        ApplyOptions {
            changes: false,
            ..Default::default()
        },
    );
    assert!(report.rejected.is_empty());
    let request = SourceRequest {
        lines: skus
            .iter()
            .map(|s| LineInput {
                sku: s.clone(),
                qty: if rng.f64() < 0.8 {
                    1.0
                } else {
                    rng.u32(2..=3) as f64
                },
                unit_price: None,
            })
            .collect(),
        destination: dest,
        profile: Some(atsource::sourcing::ProfileRef::Inline(Box::new(
            carrier_profile(),
        ))),
        price_explanations: None,
    };
    Scenario {
        network,
        inventory,
        request,
    }
}

/// A plain location: active, shipping, no cost, performance 1, unlimited capacity.
pub fn place(id: &str, kind: LocationKind, lat: f64, lon: f64) -> Location {
    Location {
        id: id.to_string(),
        name: id.to_string(),
        kind,
        lat,
        lon,
        active: true,
        ship: true,
        pickup: kind == LocationKind::Store,
        cost_per_shipment: 0.0,
        cost_per_unit: 0.0,
        performance: 1.0,
        capacity_units: None,
        safety_stock: 0,
    }
}

/// An inventory with `onHand` counts `(sku, location, units)`.
pub fn stocked(network: &Network, counts: &[(&str, &str, i32)]) -> Inventory {
    let events: Vec<Event> = counts
        .iter()
        .enumerate()
        .map(|(k, &(sku, location, units))| Event {
            id: Cow::Owned(format!("s{k}")),
            sku: Cow::Owned(sku.to_string()),
            location: Cow::Owned(location.to_string()),
            kind: EventKind::Set {
                on_hand: units,
                version: None,
            },
        })
        .collect();
    let mut inventory = Inventory::default();
    let report = inventory.apply_events(
        network,
        &events,
        ApplyOptions {
            changes: false,
            ..Default::default()
        },
    );
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    inventory
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A scenario drawn from the distributions of the wasm benchmark's generator.
pub fn bench_scenario(family: Family, lines: usize, n: usize, seed: u64) -> Scenario {
    let mut t = fastrand::Rng::with_seed(seed * 7919 + lines as u64 * 31 + n as u64);
    let uni = |t: &mut fastrand::Rng, lo: f64, hi: f64| lo + (hi - lo) * t.f64();
    let dest = GeoPoint {
        lat: uni(&mut t, 43.3, 49.6),
        lon: uni(&mut t, -1.2, 7.0),
    };
    let mixed = family == Family::BenchMixed;
    let skus: Vec<String> = (0..lines).map(|k| format!("SKU-{seed}-{k}")).collect();
    let warehouses = if mixed { n.min(t.usize(2..=5)) } else { 1 };
    let mut locs = Vec::with_capacity(n);
    let mut events = Vec::new();
    for i in 0..n {
        let wh = i < warehouses;
        let (lat, lon) = if wh {
            (uni(&mut t, 43.3, 49.6), uni(&mut t, -1.2, 7.0))
        } else {
            let spread = if t.f64() < 0.7 { 0.6 } else { 2.5 };
            (
                dest.lat + uni(&mut t, -spread, spread),
                dest.lon + uni(&mut t, -spread, spread) * 1.4,
            )
        };
        let kind = if wh {
            LocationKind::Warehouse
        } else {
            LocationKind::Store
        };
        let id = format!("{}-{i}", if wh { "WH" } else { "ST" });
        let mut l = place(&id, kind, lat.clamp(-90.0, 90.0), lon.clamp(-180.0, 180.0));
        l.cost_per_shipment = cents(if wh {
            uni(&mut t, 1.5, 3.0)
        } else {
            uni(&mut t, 2.5, 7.0)
        });
        l.cost_per_unit = cents(if wh {
            uni(&mut t, 0.2, 0.6)
        } else {
            uni(&mut t, 0.4, 1.6)
        });
        l.performance = if wh {
            uni(&mut t, 0.93, 1.0)
        } else {
            uni(&mut t, 0.6, 1.0)
        };
        if !wh && t.f64() < 0.3 {
            l.capacity_units = Some(t.u32(1..=8));
        }
        if wh && t.f64() < 0.3 {
            l.capacity_units = Some(t.u32(lines as u32..=4 * lines as u32));
        }
        for sku in &skus {
            let units = if wh {
                let holds = t.f64() < if mixed { 0.85 } else { 0.6 };
                holds.then(|| {
                    if t.u8(0..4) == 0 {
                        t.i32(1..=4)
                    } else {
                        t.i32(10..=200)
                    }
                })
            } else {
                let p = if mixed { 0.35 } else { 0.2 };
                (t.f64() < p).then(|| if mixed { t.i32(1..=6) } else { t.i32(1..=2) })
            };
            if let Some(u) = units {
                events.push(Event {
                    id: Cow::Owned(format!("e{}", events.len())),
                    sku: Cow::Owned(sku.clone()),
                    location: Cow::Owned(id.clone()),
                    kind: EventKind::Set {
                        on_hand: u,
                        version: None,
                    },
                });
            }
        }
        locs.push(l);
    }
    let network = Network::from_locations(locs);
    let mut inventory = Inventory::default();
    let report = inventory.apply_events(
        &network,
        &events,
        ApplyOptions {
            changes: false,
            ..Default::default()
        },
    );
    assert!(report.rejected.is_empty());
    let lines_in: Vec<LineInput> = skus
        .iter()
        .map(|s| LineInput {
            sku: s.clone(),
            qty: if t.f64() < 0.7 {
                1.0
            } else {
                t.u32(2..=4) as f64
            },
            unit_price: None,
        })
        .collect();
    let profile = Profile {
        cost_per_shipment: Some(cents(uni(&mut t, 3.0, 7.0))),
        cost_per_km: Some(uni(&mut t, 0.002, 0.02)),
        cost_per_unit_km: Some(uni(&mut t, 0.0002, 0.003)),
        performance_penalty: Some(cents(uni(&mut t, 0.0, 8.0))),
        ..Profile::default()
    };
    Scenario {
        network,
        inventory,
        request: SourceRequest {
            lines: lines_in,
            destination: dest,
            profile: Some(atsource::sourcing::ProfileRef::Inline(Box::new(profile))),
            price_explanations: None,
        },
    }
}
