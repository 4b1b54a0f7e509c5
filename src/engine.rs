//! The engine: a network of locations and the inventory held there, behind one request/response
//! API that the bindings expose unchanged.

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::inventory::{
    ApplyOptions, ApplyReport, AvailabilityQuery, Event, Inventory, InventoryParts,
    InventoryPartsRef, Position, SkuAvailability, ThresholdRule,
};
use crate::network::{Location, LocationInput, Network, MAX_COST};
use crate::promise::{self, DeliveryConfig, DeliveryOptions, DeliveryRequest};
use crate::snapshot::{self, SnapshotError};
use crate::sourcing::{self, Plan, Profile, Profiles, SourceRequest, SourcingError};
use crate::Error;

/// The availability engine.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    network: Network,
    inventory: Inventory,
    profiles: Profiles,
}

/// Crate version and the git commit it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BuildInfo {
    /// Crate version.
    pub version: String,
    /// Git commit (short hash), or `unknown`.
    pub commit: String,
    /// Snapshot format version this build writes and reads.
    pub snapshot_format: u16,
}

impl BuildInfo {
    /// This build.
    pub fn current() -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_string(),
            commit: option_env!("ATSOURCE_GIT_COMMIT")
                .unwrap_or("unknown")
                .to_string(),
            snapshot_format: snapshot::FORMAT_VERSION,
        }
    }
}

/// Counts describing the engine's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct EngineStats {
    /// Locations.
    pub locations: u32,
    /// Distinct SKUs.
    pub skus: u32,
    /// (SKU, location) positions.
    pub positions: u32,
    /// Event ids remembered for de-duplication.
    pub remembered_events: u32,
}

/// Every number of one position, in units, as an operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PositionView {
    /// The SKU.
    pub sku: String,
    /// Location id.
    pub location: String,
    /// Physically present.
    pub on_hand: i64,
    /// Held for carts and orders.
    pub reserved: i64,
    /// Being picked.
    pub picking: i64,
    /// Safety stock in force (the position's own, else the location's).
    pub safety_stock: i64,
    /// Version of the last versioned count, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub version: Option<u64>,
    /// Availability To Sell.
    pub ats: i64,
}

#[derive(Serialize)]
struct StateRef<'a> {
    locations: &'a [Location],
    inventory: InventoryPartsRef<'a>,
    profiles: &'a Profiles,
}

struct State {
    locations: Vec<Location>,
    inventory: InventoryParts,
    profiles: Profiles,
}

/// Decodes a [`State`] from a payload of `bytes` bytes, the fields in [`StateRef`]'s order
/// (postcard writes a struct as the tuple of its fields). The inventory is read by its own seed,
/// which sizes the SKU table from the snapshot.
struct StateSeed {
    bytes: usize,
}

impl<'de> DeserializeSeed<'de> for StateSeed {
    type Value = State;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<State, D::Error> {
        d.deserialize_tuple(3, self)
    }
}

impl<'de> Visitor<'de> for StateSeed {
    type Value = State;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an engine state")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<State, A::Error> {
        // A tuple's elements are all there or the read fails (postcard): never short.
        let short = || A::Error::invalid_length(3, &self);
        Ok(State {
            locations: seq.next_element()?.ok_or_else(short)?,
            inventory: seq
                .next_element_seed(InventoryParts::seed(self.bytes))?
                .ok_or_else(short)?,
            profiles: seq.next_element()?.ok_or_else(short)?,
        })
    }
}

impl Engine {
    /// An empty engine.
    pub fn new() -> Self {
        Self::default()
    }

    /// The locations.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The inventory.
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// Inserts or replaces locations by id; validates all before changing any. Returns how many.
    pub fn upsert_locations(&mut self, locations: Vec<LocationInput>) -> Result<u32, Error> {
        Ok(self.network.upsert(locations)?.len() as u32)
    }

    /// [`Engine::upsert_locations`] for locations an earlier build stored (a journal being
    /// replayed), as a snapshot's are read: a cost above today's [`MAX_COST`], which that build
    /// took, is read at the ceiling; everything else is checked as it comes in.
    pub fn restore_locations(&mut self, mut locations: Vec<LocationInput>) -> Result<u32, Error> {
        for l in &mut locations {
            for c in [&mut l.cost_per_shipment, &mut l.cost_per_unit] {
                *c = c.map(|c| if c > MAX_COST { MAX_COST } else { c });
            }
        }
        self.upsert_locations(locations)
    }

    /// Applies a JSON array of events (the batch path: no per-event object decoding).
    pub fn apply_events_json(&mut self, json: &str) -> Result<ApplyReport, Error> {
        self.apply_events_json_with(json, ApplyOptions::default())
    }

    /// [`Engine::apply_events_json`] with reporting options.
    pub fn apply_events_json_with(
        &mut self,
        json: &str,
        opts: ApplyOptions,
    ) -> Result<ApplyReport, Error> {
        Ok(self.inventory.apply_json(&self.network, json, opts)?)
    }

    /// [`Engine::apply_events_json_with`], the ATS changes as numbers (see
    /// [`crate::inventory::PackedChanges`]); the report's `changes` stays empty.
    pub fn apply_events_json_packed(
        &mut self,
        json: &str,
        opts: ApplyOptions,
    ) -> Result<(ApplyReport, crate::inventory::PackedChanges), Error> {
        Ok(self
            .inventory
            .apply_json_packed(&self.network, json, opts)?)
    }

    /// Applies typed events.
    pub fn apply_events(&mut self, events: &[Event<'_>]) -> ApplyReport {
        self.inventory
            .apply_events(&self.network, events, ApplyOptions::default())
    }

    /// [`Engine::apply_events`] with reporting options.
    pub fn apply_events_with(&mut self, events: &[Event<'_>], opts: ApplyOptions) -> ApplyReport {
        self.inventory.apply_events(&self.network, events, opts)
    }

    /// ATS of `sku` at `location`, or over the whole network when `location` is `None`.
    pub fn ats(&self, sku: &str, location: Option<&str>) -> Result<i64, Error> {
        match location {
            Some(l) => Ok(self.inventory.ats_at(&self.network, sku, l)?),
            None => Ok(self.inventory.ats_total(&self.network, sku)),
        }
    }

    /// Availability per SKU near a point.
    pub fn availability(&self, query: &AvailabilityQuery) -> Result<Vec<SkuAvailability>, Error> {
        Ok(self.inventory.availability(&self.network, query)?)
    }

    /// Sets (or with `low: null` removes) a low-stock alert threshold.
    pub fn set_alert_threshold(&mut self, rule: ThresholdRule) -> Result<(), Error> {
        // A rule for a location the network does not know would wait, unseen, for one of that
        // id: refused as an event for it is.
        if let Some(location) = &rule.location {
            self.network.require(location)?;
        }
        Ok(self.inventory.thresholds_mut().set(rule)?)
    }

    /// Every number of one position; `None` when the SKU was never stocked there.
    pub fn position(&self, sku: &str, location: &str) -> Result<Option<PositionView>, Error> {
        let loc_idx = self.network.require(location)?;
        let Some(loc) = self.network.get(loc_idx) else {
            return Ok(None);
        };
        let Some(p): Option<Position> = self.inventory.position(&self.network, sku, location)
        else {
            return Ok(None);
        };
        Ok(Some(PositionView {
            sku: sku.to_string(),
            location: location.to_string(),
            on_hand: p.on_hand.into(),
            reserved: p.reserved.into(),
            picking: p.picking.into(),
            safety_stock: p.safety.map_or(i64::from(loc.safety_stock), i64::from),
            version: p.version,
            ats: crate::inventory::position_ats(&p, loc),
        }))
    }

    /// Registers (or replaces) the sourcing profile `name`, validated whole first.
    pub fn set_profile(&mut self, name: &str, profile: Profile) -> Result<(), Error> {
        // Its own checks first, then the hours of the locations it names, with their kind's
        // (unknown ids: with either kind's, among its own checks).
        let network = &self.network;
        let located = |p: &Profile| match &p.delivery {
            Some(d) => {
                promise::check_located(d, "delivery", network).map_err(SourcingError::of_delivery)
            }
            None => Ok(()),
        };
        Ok(self.profiles.set_checked(name, profile, located)?)
    }

    /// Registers a profile stored by an earlier build (a journal being replayed), checked as
    /// that build checked it: what it accepted still loads, as from a snapshot.
    pub fn restore_profile(&mut self, name: &str, profile: Profile) -> Result<(), Error> {
        Ok(self.profiles.restore(name, profile)?)
    }

    /// Removes the sourcing profile `name`; true when it existed.
    pub fn remove_profile(&mut self, name: &str) -> bool {
        self.profiles.remove(name)
    }

    /// The registered sourcing profiles.
    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// Sources an order: which locations ship which units, at minimum cost (see [`crate::sourcing`]).
    pub fn source(&self, request: &SourceRequest) -> Result<Plan, Error> {
        Ok(sourcing::source(
            &self.network,
            &self.inventory,
            &self.profiles,
            request,
        )?)
    }

    /// The delivery configuration a request is priced with: its own `delivery`, else its
    /// profile's `delivery`, else the built-in default (the demo's French retail configuration).
    pub fn delivery_config<'a>(&'a self, request: &'a DeliveryRequest) -> Cow<'a, DeliveryConfig> {
        match promise::configured(&self.profiles, request) {
            Some((c, _)) => Cow::Borrowed(c),
            None => Cow::Owned(DeliveryConfig::default()),
        }
    }

    /// What a checkout page offers for a cart: home delivery service levels (price, dates, the
    /// plan behind each) and click & collect (see [`crate::promise`]).
    pub fn delivery_options(&self, request: &DeliveryRequest) -> Result<DeliveryOptions, Error> {
        Ok(promise::delivery_options(
            &self.network,
            &self.inventory,
            &self.profiles,
            request,
            &DeliveryConfig::default(),
        )?)
    }

    /// What a checkout page shows for a cart: the plan `source` gives it and its delivery
    /// options, sourced once where they coincide (see [`promise::quote`]).
    pub fn quote(&self, request: &DeliveryRequest) -> Result<promise::Quote, Error> {
        Ok(promise::quote(
            &self.network,
            &self.inventory,
            &self.profiles,
            request,
            &DeliveryConfig::default(),
        )?)
    }

    /// Counts describing the state.
    pub fn stats(&self) -> EngineStats {
        EngineStats {
            locations: self.network.len() as u32,
            skus: self.inventory.sku_count() as u32,
            positions: self.inventory.position_count() as u32,
            remembered_events: self.inventory.log().len() as u32,
        }
    }

    /// The whole state as bytes (see [`crate::snapshot`]).
    pub fn snapshot(&self) -> Vec<u8> {
        let state = StateRef {
            locations: self.network.all(),
            inventory: self.inventory.to_parts(),
            profiles: &self.profiles,
        };
        // Serializing plain data into a Vec cannot fail; an empty payload would be refused on load.
        let payload = postcard::to_allocvec(&state).unwrap_or_default();
        snapshot::seal(&payload)
    }

    /// Rebuilds an engine from [`Engine::snapshot`] bytes; refuses anything else whole.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Self, Error> {
        let payload = snapshot::open(bytes)?;
        let seed = StateSeed {
            bytes: payload.len(),
        };
        let mut state = seed
            .deserialize(&mut postcard::Deserializer::from_bytes(payload))
            .map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
        {
            // Its own scope: the set borrows the ids until it is dropped.
            let mut ids = crate::FxHashSet::default();
            for (i, l) in state.locations.iter_mut().enumerate() {
                // What upsertLocations would refuse, a snapshot cannot bring in either (costs
                // aside: any finite one an earlier build took, read at today's ceiling so that
                // plans stay finite).
                if let Err(e) = l.check(&format!("locations[{i}]"), f64::MAX) {
                    return Err(SnapshotError::Corrupt(e.to_string()).into());
                }
                l.cost_per_shipment = l.cost_per_shipment.min(MAX_COST);
                l.cost_per_unit = l.cost_per_unit.min(MAX_COST);
                if !ids.insert(l.id.as_str()) {
                    return Err(SnapshotError::Corrupt(format!(
                        "location `{}` appears twice",
                        l.id
                    ))
                    .into());
                }
            }
        }
        let n = state.locations.len();
        let inventory =
            Inventory::from_parts(state.inventory, n).map_err(SnapshotError::Corrupt)?;
        Ok(Self {
            network: Network::from_locations(state.locations),
            inventory,
            profiles: state.profiles,
        })
    }
}
