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
            if rng.f64() < 0.3 { Some(rng.u32(50..=500)) } else { None },
        ),
        LocationKind::Store => (
            3.0 + 3.0 * rng.f64(),
            0.5 + 0.5 * rng.f64(),
            0.7 + 0.3 * rng.f64(),
            if rng.f64() < 0.4 { Some(rng.u32(2..=15)) } else { None },
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
        Family::Mixed => (locations / 10).max(1),
        Family::StoreHeavy => 1,
    };
    let mut locs = Vec::with_capacity(locations);
    for i in 0..locations {
        let kind = if i < warehouses {
            LocationKind::Warehouse
        } else {
            LocationKind::Store
        };
        let spread = if kind == LocationKind::Warehouse { 4.0 } else { 2.5 };
        let at = GeoPoint {
            lat: dest.lat + spread * (rng.f64() - 0.5),
            lon: dest.lon + 1.5 * spread * (rng.f64() - 0.5),
        };
        let prefix = if kind == LocationKind::Warehouse { "WH" } else { "ST" };
        locs.push(location(format!("{prefix}-{i:04}"), kind, at, &mut rng));
    }
    let network = Network::from_locations(locs.clone());
    let skus: Vec<String> = (0..lines).map(|k| format!("SKU-{seed}-{k:03}")).collect();
    let mut events = Vec::new();
    for l in &locs {
        for sku in &skus {
            let (p, lo, hi) = match (family, l.kind) {
                (Family::Mixed, LocationKind::Warehouse) => (0.7, 0, 50),
                (Family::Mixed, LocationKind::Store) => (0.3, 1, 5),
                (Family::StoreHeavy, LocationKind::Warehouse) => (0.5, 5, 50),
                (Family::StoreHeavy, LocationKind::Store) => (0.15, 1, 2),
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
    let report = inventory.apply_events(&network, &events, ApplyOptions { changes: false });
    assert!(report.rejected.is_empty());
    let request = SourceRequest {
        lines: skus
            .iter()
            .map(|s| LineInput {
                sku: s.clone(),
                qty: if rng.f64() < 0.8 { 1.0 } else { rng.u32(2..=3) as f64 },
            })
            .collect(),
        destination: dest,
        profile: Some(atsource::sourcing::ProfileRef::Inline(Box::new(carrier_profile()))),
    };
    Scenario {
        network,
        inventory,
        request,
    }
}
