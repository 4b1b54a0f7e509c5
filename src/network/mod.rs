//! The stocking network: locations, their validation and their spatial index.

pub mod geo;
mod index;
mod location;

use crate::FxHashMap;
use thiserror::Error;

pub use geo::{haversine_km, GeoPoint};
pub use index::GeoIndex;
pub use location::{check_cost, Location, LocationInput, LocationKind, MAX_COST};

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
    /// Position of each location in `id_order`, by location index.
    id_rank: Vec<u32>,
}

/// Position of `p` along a Hilbert curve over a 65,536 x 65,536 grid of longitude and latitude
/// (cells of about 600 m): points close on the curve are close on the ground.
fn hilbert_key(p: GeoPoint) -> u64 {
    const SIDE: f64 = 65_535.0;
    let x = ((p.lon + 180.0) / 360.0 * SIDE).clamp(0.0, SIDE) as u32;
    let y = ((p.lat + 90.0) / 180.0 * SIDE).clamp(0.0, SIDE) as u32;
    fast_hilbert::xy2h(x, y, 16)
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
    /// Returns the indexes of the upserted locations, in input order.
    ///
    /// A known id keeps its index. New locations get the next indexes in spatial order (along a
    /// Hilbert curve over latitude and longitude), not in input order: locations near each
    /// other then have nearby indexes, so that the positions of the few dozen locations around a
    /// shopper lie in a few cache lines of each SKU's columns instead of one each. When the same
    /// new id comes twice, the last one wins, as for known ids.
    pub fn upsert(&mut self, inputs: Vec<LocationInput>) -> Result<Vec<u32>, NetworkError> {
        let mut valid = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            valid.push(
                input
                    .validate(&format!("[{i}]"))
                    .map_err(NetworkError::Invalid)?,
            );
        }
        let ids: Vec<String> = valid.iter().map(|l| l.id.clone()).collect();
        let mut fresh: Vec<Location> = Vec::new();
        let mut fresh_at: FxHashMap<String, u32> = FxHashMap::default();
        for l in valid {
            if self.by_id.contains_key(&l.id) {
                self.insert(l);
            } else if let Some(slot) = fresh_at.get(&l.id).and_then(|&i| fresh.get_mut(i as usize))
            {
                *slot = l;
            } else {
                fresh_at.insert(l.id.clone(), fresh.len() as u32);
                fresh.push(l);
            }
        }
        crate::order::sort_by(&mut fresh, |a, b| {
            hilbert_key(a.point())
                .cmp(&hilbert_key(b.point()))
                .then_with(|| a.id.cmp(&b.id))
        });
        for l in fresh {
            self.insert(l);
        }
        self.reindex();
        Ok(ids.iter().filter_map(|id| self.lookup(id)).collect())
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
        self.id_rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            if let Some(x) = self.id_rank.get_mut(i as usize) {
                *x = r as u32;
            }
        }
        // Locations at the same distance from a shopper list by id.
        self.index.break_ties_by(&order, &self.id_rank);
        self.id_order = order;
    }

    /// Location indexes in id order.
    pub fn by_id(&self) -> &[u32] {
        &self.id_order
    }

    /// The position of location `idx` in id order (`u32::MAX` for an unknown index): comparing
    /// ranks compares ids, without reading them.
    pub fn id_rank(&self, idx: u32) -> u32 {
        self.id_rank.get(idx as usize).copied().unwrap_or(u32::MAX)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: &str, lat: f64, lon: f64) -> LocationInput {
        crate::from_json(&format!(
            r#"{{"id":"{id}","kind":"store","lat":{lat},"lon":{lon}}}"#
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn ids(n: &Network) -> Vec<&str> {
        n.all().iter().map(|l| l.id.as_str()).collect()
    }

    #[test]
    fn new_locations_are_numbered_along_the_curve_and_known_ones_keep_their_index() {
        // Two clusters far apart, given interleaved: each cluster gets consecutive indexes.
        let mut n = Network::default();
        let given = vec![
            input("lille-1", 50.63, 3.06),
            input("nice-1", 43.70, 7.26),
            input("lille-2", 50.64, 3.07),
            input("nice-2", 43.71, 7.27),
            input("lille-3", 50.62, 3.05),
        ];
        let idx = n.upsert(given).unwrap();
        let order = ids(&n);
        let lille: Vec<usize> = (0..5).filter(|&i| order[i].starts_with("lille")).collect();
        assert!(
            lille == [0, 1, 2] || lille == [2, 3, 4],
            "clusters split: {order:?}"
        );
        // Indexes come back in input order.
        for (i, id) in ["lille-1", "nice-1", "lille-2", "nice-2", "lille-3"]
            .iter()
            .enumerate()
        {
            assert_eq!(n.get(idx[i]).map(|l| l.id.as_str()), Some(*id));
        }
        let mut sorted = order.clone();
        sorted.sort_by_key(|id| {
            let l = n
                .get(n.lookup(id).unwrap_or(u32::MAX))
                .unwrap_or_else(|| panic!("{id}"));
            hilbert_key(l.point())
        });
        assert_eq!(order, sorted);

        // A second upsert: known ids stay where they were, new ones go after them.
        let before = ids(&n).iter().map(|s| s.to_string()).collect::<Vec<_>>();
        n.upsert(vec![
            input("paris", 48.85, 2.35),
            input("nice-1", 43.0, 7.0),
        ])
        .unwrap();
        assert_eq!(
            &ids(&n)[..5],
            before.iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(ids(&n)[5], "paris");
        let nice = n.get(n.lookup("nice-1").unwrap_or(u32::MAX));
        assert_eq!(nice.map(|l| l.lat), Some(43.0), "replaced in place");
    }

    #[test]
    fn a_new_id_given_twice_in_one_batch_keeps_the_last() {
        let mut n = Network::default();
        let idx = n
            .upsert(vec![
                input("a", 10.0, 10.0),
                input("b", 50.0, 5.0),
                input("a", 11.0, 11.0),
            ])
            .unwrap();
        assert_eq!(n.len(), 2);
        assert_eq!(idx[0], idx[2]);
        assert_eq!(n.get(idx[0]).map(|l| l.lat), Some(11.0));
    }

    #[test]
    fn id_ranks_order_locations_as_their_ids() {
        let mut n = Network::default();
        n.upsert(vec![input("m", 10.0, 10.0), input("b", 50.0, 5.0)])
            .unwrap();
        n.upsert(vec![input("z", 1.0, 1.0), input("a", 60.0, 6.0)])
            .unwrap();
        let mut by_rank: Vec<u32> = (0..n.len() as u32).collect();
        by_rank.sort_by_key(|&i| n.id_rank(i));
        let names: Vec<&str> = by_rank
            .iter()
            .map(|&i| n.get(i).map_or("", |l| l.id.as_str()))
            .collect();
        assert_eq!(names, ["a", "b", "m", "z"]);
        assert_eq!(n.id_rank(99), u32::MAX);
    }
}
