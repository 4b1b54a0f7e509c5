//! Spatial index over locations: an R-tree of unit vectors, so that radius and nearest queries
//! on great circles become Euclidean queries on chords.

use rstar::{primitives::GeomWithData, RTree};

use super::geo::{chord2_for_km, haversine_km, GeoPoint};

type Entry = GeomWithData<[f64; 3], u32>;

/// Location indexes by position on the sphere.
#[derive(Debug, Default, Clone)]
pub struct GeoIndex {
    tree: RTree<Entry>,
    points: Vec<GeoPoint>,
}

impl GeoIndex {
    /// Builds the index over `points`; entry `i` is location index `i`.
    pub fn build(points: Vec<GeoPoint>) -> Self {
        let entries = points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(p.unit_vector(), i as u32))
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            points,
        }
    }

    /// Every location within `radius_km` of `from` (all of them when `None`), with its distance,
    /// nearest first.
    pub fn within(&self, from: GeoPoint, radius_km: Option<f64>) -> Vec<(u32, f64)> {
        let q = from.unit_vector();
        let mut found: Vec<(u32, f64)> = match radius_km {
            Some(r) => self
                .tree
                .locate_within_distance(q, chord2_for_km(r) * (1.0 + 1e-9))
                .map(|e| (e.data, self.distance(e.data, from)))
                .filter(|&(_, d)| d <= r)
                .collect(),
            None => (0..self.points.len() as u32)
                .map(|i| (i, self.distance(i, from)))
                .collect(),
        };
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        found
    }

    fn distance(&self, i: u32, from: GeoPoint) -> f64 {
        self.points
            .get(i as usize)
            .map_or(f64::INFINITY, |p| haversine_km(*p, from))
    }
}
