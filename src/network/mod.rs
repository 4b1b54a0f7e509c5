//! The stocking network: locations, their validation and their spatial index.

pub mod geo;
mod index;
mod location;

use rustc_hash::FxHashMap;
use thiserror::Error;

pub use geo::{haversine_km, GeoPoint};
pub use index::GeoIndex;
pub use location::{Location, LocationInput, LocationKind};

use crate::InputError;

/// Errors about locations.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NetworkError {
    /// A location field is missing or out of range.
    #[error("{0}")]
    Invalid(InputError),
    /// The id names no known location.
    #[error("unknown location `{0}`")]
    UnknownLocation(String),
}

impl NetworkError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            NetworkError::Invalid(_) => "invalid_input",
            NetworkError::UnknownLocation(_) => "unknown_location",
        }
    }
}

/// All locations, addressed by a dense index (`u32`) that inventory positions refer to.
///
/// Locations are never removed — deactivate one instead — so indexes stay valid for the
/// engine's life and across snapshots.
#[derive(Debug, Default, Clone)]
pub struct Network {
    locations: Vec<Location>,
    by_id: FxHashMap<String, u32>,
    index: GeoIndex,
    /// Location indexes sorted by id.
    id_order: Vec<u32>,
}

impl Network {
    /// A network holding `locations` (already validated), in index order.
    pub fn from_locations(locations: Vec<Location>) -> Self {
        let mut n = Self::default();
        for l in locations {
            n.insert(l);
        }
        n.reindex();
        n
    }

    /// Validates every input first, then inserts or replaces them all: nothing is half-applied.
    /// Returns the indexes of the upserted locations.
    pub fn upsert(&mut self, inputs: Vec<LocationInput>) -> Result<Vec<u32>, NetworkError> {
        let mut valid = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            valid.push(
                input
                    .validate(&format!("[{i}]"))
                    .map_err(NetworkError::Invalid)?,
            );
        }
        let idx = valid.into_iter().map(|l| self.insert(l)).collect();
        self.reindex();
        Ok(idx)
    }

    fn insert(&mut self, l: Location) -> u32 {
        if let Some(&i) = self.by_id.get(&l.id) {
            if let Some(slot) = self.locations.get_mut(i as usize) {
                *slot = l;
            }
            return i;
        }
        let i = self.locations.len() as u32;
        self.by_id.insert(l.id.clone(), i);
        self.locations.push(l);
        i
    }

    fn reindex(&mut self) {
        self.index = GeoIndex::build(self.locations.iter().map(Location::point).collect());
        let mut order: Vec<u32> = (0..self.locations.len() as u32).collect();
        let locations = &self.locations;
        crate::order::sort_by(&mut order, |&a, &b| {
            let id = |i: u32| locations.get(i as usize).map_or("", |l| l.id.as_str());
            id(a).cmp(id(b))
        });
        self.id_order = order;
    }

    /// Location indexes in id order.
    pub fn by_id(&self) -> &[u32] {
        &self.id_order
    }

    /// The index of location `id`.
    pub fn lookup(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// The index of location `id`, or `unknown_location`.
    pub fn require(&self, id: &str) -> Result<u32, NetworkError> {
        self.lookup(id)
            .ok_or_else(|| NetworkError::UnknownLocation(id.to_string()))
    }

    /// The location at `idx`.
    pub fn get(&self, idx: u32) -> Option<&Location> {
        self.locations.get(idx as usize)
    }

    /// Every location in index order.
    pub fn all(&self) -> &[Location] {
        &self.locations
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.locations.len()
    }

    /// True when there is no location.
    pub fn is_empty(&self) -> bool {
        self.locations.is_empty()
    }

    /// The spatial index.
    pub fn index(&self) -> &GeoIndex {
        &self.index
    }
}
