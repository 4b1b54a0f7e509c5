//! Spatial index over locations: an R-tree of unit vectors, so that radius and nearest queries
//! on great circles become Euclidean queries on chords.

use rstar::{
    primitives::GeomWithData, ParentNode, Point, RStarInsertionStrategy, RTree, RTreeNode,
    RTreeParams,
};

use super::geo::{chord2_km, search_chord2_for_km, squared, GeoPoint};

type Entry = GeomWithData<Unit, u32>;

/// A point on the unit sphere. rstar reaches coordinates through `generate` and `nth` in every
/// distance it computes; forced inline here, they vanish from a size-optimised build's hot loop.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Unit([f64; 3]);

impl Point for Unit {
    type Scalar = f64;
    const DIMENSIONS: usize = 3;

    #[inline(always)]
    fn generate(mut generator: impl FnMut(usize) -> f64) -> Self {
        Unit([generator(0), generator(1), generator(2)])
    }

    #[inline(always)]
    fn nth(&self, index: usize) -> f64 {
        self.0.get(index).copied().unwrap_or(0.0)
    }

    #[inline(always)]
    fn nth_mut(&mut self, index: usize) -> &mut f64 {
        let [x, y, z] = &mut self.0;
        match index {
            0 => x,
            1 => y,
            _ => z,
        }
    }
}

/// Wide nodes: a radius query over a few thousand locations then visits a handful of nodes and
/// tests points in tight loops, instead of descending a deep tree of six-entry nodes. 16 rather
/// than 32: a shopper's query (the 50 nearest of 1,000 locations) tests fewer points for as few
/// nodes, 4-8% less time per availability query through the wasm (interleaved A/B); sourcing
/// unchanged.
#[derive(Debug, Clone, Copy)]
struct Wide;

impl RTreeParams for Wide {
    const MIN_SIZE: usize = 8;
    const MAX_SIZE: usize = NODE;
    const REINSERTION_COUNT: usize = 6;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

const NODE: usize = 16;

/// Location indexes by position on the sphere.
#[derive(Debug, Default, Clone)]
pub struct GeoIndex {
    tree: RTree<Entry, Wide>,
    /// Per location: its point on the unit sphere, so that a distance from a query point costs a
    /// squared chord, a square root and an arcsine (see [`super::geo::haversine_km`]).
    units: Vec<[f64; 3]>,
    /// Where each location comes among locations at the same distance (by location index), and
    /// the inverse; empty: by location index. See [`GeoIndex::break_ties_by`].
    tie: Vec<u32>,
    by_tie: Vec<u32>,
}

/// A query point on the unit sphere.
#[derive(Debug, Clone, Copy)]
pub struct Origin([f64; 3]);

impl GeoIndex {
    /// Builds the index over `points`; entry `i` is location index `i`.
    pub fn build(points: Vec<GeoPoint>) -> Self {
        let entries = points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(Unit(p.unit_vector()), i as u32))
            .collect();
        Self {
            tree: RTree::bulk_load_with_params(entries),
            units: points.iter().map(GeoPoint::unit_vector).collect(),
            tie: Vec::new(),
            by_tie: Vec::new(),
        }
    }

    /// Lists locations at the same distance in the order of `order` (location indexes, each
    /// once), where `rank[i]` is the position of location `i` in `order`: the network passes
    /// its id order and id ranks, so that equal distances list by id.
    pub fn break_ties_by(&mut self, order: &[u32], rank: &[u32]) {
        self.by_tie = order.to_vec();
        self.tie = rank.to_vec();
    }

    /// Every location within `radius_km` of `from` (all of them when `None`), with its distance,
    /// nearest first.
    pub fn within(&self, from: GeoPoint, radius_km: Option<f64>) -> Vec<(u32, f64)> {
        let mut out = Vec::new();
        self.within_into(from, radius_km, &mut Vec::new(), &mut out);
        out
    }

    /// [`GeoIndex::within`] into `out` (cleared first), sorting in `keys`: vectors a caller
    /// keeps from one query to the next.
    pub fn within_into(
        &self,
        from: GeoPoint,
        radius_km: Option<f64>,
        keys: &mut Vec<u128>,
        out: &mut Vec<(u32, f64)>,
    ) {
        let origin = from.unit_vector();
        // By distance, then the tie order: as one integer per location (a distance is >= 0, and
        // the bits of non-negative floats order as the floats do), which std's sort compares
        // inline. The sort was most of a radius query's time with a comparison function.
        let key = |i: u32, d: f64| {
            let tie = self.tie.get(i as usize).copied().unwrap_or(i);
            u128::from(d.to_bits()) << 32 | u128::from(tie)
        };
        keys.clear();
        match radius_km {
            Some(r) => {
                // A shopper's query finds a few dozen locations: room for them from the start.
                keys.reserve(64);
                each_within(
                    self.tree.root(),
                    &origin,
                    search_chord2_for_km(r),
                    &mut |i, c2| {
                        let d = chord2_km(c2);
                        if d <= r {
                            keys.push(key(i, d));
                        }
                    },
                );
            }
            None => {
                keys.extend((0..self.units.len() as u32).map(|i| key(i, self.distance(i, &origin))))
            }
        }
        keys.sort_unstable();
        out.clear();
        out.extend(keys.iter().map(|&k| {
            let tie = k as u32;
            let i = self.by_tie.get(tie as usize).copied().unwrap_or(tie);
            (i, f64::from_bits((k >> 32) as u64))
        }));
    }

    /// The terms of `from` that [`GeoIndex::distance_km`] reads, computed once per query.
    pub fn origin(from: GeoPoint) -> Origin {
        Origin(from.unit_vector())
    }

    /// The haversine distance in km from `from` to location `i`, bit for bit
    /// [`super::geo::haversine_km`]`(from, location)`, from the location's precomputed terms.
    pub fn distance_km(&self, i: u32, from: &Origin) -> f64 {
        self.distance(i, &from.0)
    }

    /// The haversine distance in km (as [`super::geo::haversine_km`], from precomputed terms).
    fn distance(&self, i: u32, from: &[f64; 3]) -> f64 {
        let Some(p) = self.units.get(i as usize) else {
            return f64::INFINITY;
        };
        chord2_km(squared(p, from))
    }
}

/// Calls `hit` with the location index and squared chord of every entry within `r2` of `q` (in the
/// tree's order): what rstar's `locate_within_distance` selects, the same squared distances
/// compared, walked over the nodes' children in plain loops. The library's iterator keeps a stack
/// of nodes and reaches coordinates through its generic point accessors, a third of a
/// shopper's query before any SKU (the 50 nearest of 1,000 locations, through the wasm).
fn each_within(node: &ParentNode<Entry>, q: &[f64; 3], r2: f64, hit: &mut impl FnMut(u32, f64)) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => {
                let c2 = squared(&e.geom().0, q);
                if c2 <= r2 {
                    hit(e.data, c2);
                }
            }
            RTreeNode::Parent(p) => {
                // The squared distance from `q` to the node's box (0 inside it).
                let b = p.envelope();
                let (lo, hi) = (b.lower().0, b.upper().0);
                // Comparisons, not `f64::max`/`min` (calls to `fmax`/`fmin` in the wasm build).
                let near = [0, 1, 2].map(|k| {
                    let x = if q[k] < lo[k] { lo[k] } else { q[k] };
                    if x > hi[k] {
                        hi[k]
                    } else {
                        x
                    }
                });
                if squared(&near, q) <= r2 {
                    each_within(p, q, r2, hit);
                }
            }
        }
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

    #[test]
    fn equal_distances_come_in_index_order() {
        // Three locations at one address and one nearer: nearest first, then the three by index.
        let at = |lat: f64, lon: f64| GeoPoint { lat, lon };
        let idx = GeoIndex::build(vec![
            at(45.0, 5.0),
            at(45.0, 5.0),
            at(45.01, 5.0),
            at(45.0, 5.0),
        ]);
        let from = at(45.02, 5.0);
        for radius in [None, Some(10.0)] {
            let got: Vec<u32> = idx.within(from, radius).iter().map(|e| e.0).collect();
            assert_eq!(got, [2, 0, 1, 3], "radius {radius:?}");
        }
        assert_eq!(idx.within(from, Some(0.0)), []);
    }

    #[test]
    fn equal_distances_come_in_the_tie_order_given() {
        // The network gives its id order: here 3, 1, 0 for the three at one address.
        let at = |lat: f64, lon: f64| GeoPoint { lat, lon };
        let mut idx = GeoIndex::build(vec![
            at(45.0, 5.0),
            at(45.0, 5.0),
            at(45.01, 5.0),
            at(45.0, 5.0),
        ]);
        idx.break_ties_by(&[2, 3, 1, 0], &[3, 2, 0, 1]);
        let from = at(45.02, 5.0);
        for radius in [None, Some(10.0)] {
            let got: Vec<u32> = idx.within(from, radius).iter().map(|e| e.0).collect();
            assert_eq!(got, [2, 3, 1, 0], "radius {radius:?}");
        }
    }

    #[test]
    fn a_location_centimetres_away_is_within_its_own_distance() {
        // Unit vectors carry rounding errors of about 1e-16 in each coordinate: between points
        // centimetres apart that is a relative error of 1e-7 in their squared chord, far above
        // a relative slack (an auditor's case: 2.3 cm away, left out at radius = its distance).
        let mut rng = fastrand::Rng::with_seed(5);
        for scale in [1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4] {
            for _ in 0..200 {
                let at = GeoPoint {
                    lat: -60.0 + rng.f64() * 120.0,
                    lon: -180.0 + rng.f64() * 360.0,
                };
                let from = GeoPoint {
                    lat: at.lat + (rng.f64() - 0.5) * scale,
                    lon: at.lon + (rng.f64() - 0.5) * scale,
                };
                let idx = GeoIndex::build(vec![at]);
                let d = haversine_km(at, from);
                assert_eq!(idx.within(from, Some(d)), [(0, d)], "{at:?} from {from:?}");
                if d > 0.0 {
                    let below = f64::from_bits(d.to_bits() - 1);
                    assert_eq!(idx.within(from, Some(below)), [], "{at:?} from {from:?}");
                }
            }
        }
    }

    #[test]
    fn radius_queries_match_a_scan_of_every_location() {
        // Enough points for several levels of wide nodes, spread over France and beyond.
        let mut rng = fastrand::Rng::with_seed(11);
        let pts: Vec<GeoPoint> = (0..3000)
            .map(|_| GeoPoint {
                lat: 41.0 + rng.f64() * 10.0,
                lon: -5.0 + rng.f64() * 14.0,
            })
            .collect();
        let idx = GeoIndex::build(pts.clone());
        for _ in 0..50 {
            let from = GeoPoint {
                lat: 40.0 + rng.f64() * 12.0,
                lon: -6.0 + rng.f64() * 16.0,
            };
            let r = rng.f64() * 300.0;
            let mut want: Vec<(u32, f64)> = (0..pts.len() as u32)
                .map(|i| (i, haversine_km(pts[i as usize], from)))
                .filter(|e| e.1 <= r)
                .collect();
            want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            let got = idx.within(from, Some(r));
            assert_eq!(got.len(), want.len(), "radius {r} from {from:?}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.0, w.0);
                assert!((g.1 - w.1).abs() < 1e-9);
            }
        }
    }
}
