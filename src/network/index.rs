//! Spatial index over locations: an R-tree of unit vectors, so that radius and nearest queries
//! on great circles become Euclidean queries on chords.

use rstar::{primitives::GeomWithData, RTree};

use super::geo::{chord2_for_km, GeoPoint, EARTH_RADIUS_KM};

type Entry = GeomWithData<[f64; 3], u32>;

/// Location indexes by position on the sphere.
#[derive(Debug, Default, Clone)]
pub struct GeoIndex {
    tree: RTree<Entry>,
    /// Per location: latitude and longitude in radians and the cosine of the latitude, so that a
    /// haversine distance from a query point costs two sines, a square root and an arcsine.
    trig: Vec<[f64; 3]>,
}

fn trig(p: GeoPoint) -> [f64; 3] {
    let lat = p.lat.to_radians();
    [lat, p.lon.to_radians(), lat.cos()]
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
            trig: points.into_iter().map(trig).collect(),
        }
    }

    /// Every location within `radius_km` of `from` (all of them when `None`), with its distance,
    /// nearest first.
    pub fn within(&self, from: GeoPoint, radius_km: Option<f64>) -> Vec<(u32, f64)> {
        let origin = trig(from);
        let mut found: Vec<(u32, f64)> = match radius_km {
            Some(r) => self
                .tree
                .locate_within_distance(from.unit_vector(), chord2_for_km(r) * (1.0 + 1e-9))
                .map(|e| (e.data, self.distance(e.data, &origin)))
                .filter(|&(_, d)| d <= r)
                .collect(),
            None => (0..self.trig.len() as u32)
                .map(|i| (i, self.distance(i, &origin)))
                .collect(),
        };
        crate::order::sort_by(&mut found, |a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        found
    }

    /// The haversine distance in km (as [`super::geo::haversine_km`], from precomputed terms).
    fn distance(&self, i: u32, from: &[f64; 3]) -> f64 {
        let Some(p) = self.trig.get(i as usize) else {
            return f64::INFINITY;
        };
        let h = ((p[0] - from[0]) / 2.0).sin().powi(2)
            + from[2] * p[2] * ((p[1] - from[1]) / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::haversine_km;

    #[test]
    fn distances_are_the_haversine_ones() {
        let pts = vec![
            GeoPoint {
                lat: 48.8566,
                lon: 2.3522,
            },
            GeoPoint {
                lat: 43.2965,
                lon: 5.3698,
            },
        ];
        let idx = GeoIndex::build(pts.clone());
        let from = GeoPoint {
            lat: 45.764,
            lon: 4.8357,
        };
        for (i, d) in idx.within(from, None) {
            assert_eq!(d, haversine_km(pts[i as usize], from));
        }
        assert_eq!(
            idx.within(from, Some(300.0)).len(),
            1,
            "only Marseille is within 300 km of Lyon"
        );
    }
}
