//! Great-circle geometry.

/// Mean Earth radius (IUGG), in km: the radius the contract's haversine distance uses.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point on the Earth in WGS84 degrees: an object `{lat, lon}` (a coordinate pair such as
/// `[lon, lat]` is refused).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    /// Latitude in degrees, in [-90, 90].
    pub lat: f64,
    /// Longitude in degrees, in [-180, 180].
    pub lon: f64,
}

/// `{lat, lon}`, each once, nothing else. Written out rather than derived: a derived struct also
/// reads an array in field order, and a coordinate pair is ambiguous — GeoJSON writes `[lon,
/// lat]`, Leaflet `[lat, lng]` — so `[2.35, 48.85]` (Paris, GeoJSON) would silently be a point
/// off the Horn of Africa. An array is refused as not an object, so a point does not round-trip
/// through a format that writes structs as sequences (postcard): snapshots store coordinates as
/// plain numbers.
impl<'de> serde::Deserialize<'de> for GeoPoint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("GeoPoint", FIELDS, PointVisitor)
    }
}

const FIELDS: &[&str] = &["lat", "lon"];

/// A key of a point, read in place (no allocation: `near` is read on every availability query).
struct Field(bool);

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

struct FieldVisitor;

impl serde::de::Visitor<'_> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("`lat` or `lon`")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Field, E> {
        match key {
            "lat" => Ok(Field(true)),
            "lon" => Ok(Field(false)),
            other => Err(E::unknown_field(other, FIELDS)),
        }
    }
}

struct PointVisitor;

impl<'de> serde::de::Visitor<'de> for PointVisitor {
    type Value = GeoPoint;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object {lat, lon}")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<GeoPoint, A::Error> {
        use serde::de::Error;
        let (mut lat, mut lon) = (None, None);
        while let Some(Field(is_lat)) = map.next_key()? {
            let (slot, name) = if is_lat {
                (&mut lat, "lat")
            } else {
                (&mut lon, "lon")
            };
            if slot.is_some() {
                return Err(A::Error::duplicate_field(name));
            }
            *slot = Some(map.next_value::<f64>()?);
        }
        Ok(GeoPoint {
            lat: lat.ok_or_else(|| A::Error::missing_field("lat"))?,
            lon: lon.ok_or_else(|| A::Error::missing_field("lon"))?,
        })
    }
}

impl GeoPoint {
    /// Checks that both coordinates are finite and in range; `field` names the point in errors.
    pub fn validate(&self, field: &str) -> Result<(), crate::InputError> {
        if !self.lat.is_finite() || !(-90.0..=90.0).contains(&self.lat) {
            return Err(crate::InputError::new(
                format!("{field}.lat"),
                "must be a number in [-90, 90]",
            ));
        }
        if !self.lon.is_finite() || !(-180.0..=180.0).contains(&self.lon) {
            return Err(crate::InputError::new(
                format!("{field}.lon"),
                "must be a number in [-180, 180]",
            ));
        }
        Ok(())
    }

    /// The point on the unit sphere, for Euclidean (chord) indexing.
    pub fn unit_vector(&self) -> [f64; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    }
}

/// Haversine great-circle distance in km: `2R·asin(√h)` where `h`, the haversine of the central
/// angle, is computed as a quarter of the squared chord between the two points on the unit
/// sphere (equal to `sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)`): the spatial index keeps each
/// location's unit vector, so that a distance from a query point costs a square root and an
/// arcsine rather than two sines more (a fifth of an availability query's fixed part). The two
/// forms differ by a few nanometres at most (under 4e-12 km, measured from millimetres to
/// 10,000 km): the rounding of the unit vectors, about 1e-16 of the Earth's radius whatever the
/// distance (so, relatively, 1e-9 at a kilometre, 3e-6 at a millimetre).
pub fn haversine_km(a: GeoPoint, b: GeoPoint) -> f64 {
    chord2_km(squared(&a.unit_vector(), &b.unit_vector()))
}

/// The squared Euclidean distance between `a` and `b` (the same bits either way round).
#[inline(always)]
pub(super) fn squared(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let [x, y, z] = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    x * x + y * y + z * z
}

/// The great-circle distance in km of a squared chord `c2` on the unit sphere (finite, >= 0),
/// shared by [`haversine_km`] and the spatial index so that both give the same bits.
#[inline(always)]
pub(super) fn chord2_km(c2: f64) -> f64 {
    let s = (c2 * 0.25).sqrt();
    // Rounding can take it a hair above 1 (near antipodes). A comparison rather than
    // `f64::min`, which the wasm build calls `fmin` for (NaN handling); nothing here is NaN.
    2.0 * EARTH_RADIUS_KM * if s > 1.0 { 1.0 } else { s }.asin()
}

/// The squared chord length on the unit sphere that matches a great-circle distance in km.
///
/// Chord length grows monotonically with arc length, so a Euclidean radius query on unit vectors
/// finds exactly the points within a great-circle radius.
pub fn chord2_for_km(km: f64) -> f64 {
    let chord = chord_for_km(km);
    chord * chord
}

fn chord_for_km(km: f64) -> f64 {
    let angle = (km / EARTH_RADIUS_KM).min(std::f64::consts::PI);
    2.0 * (angle / 2.0).sin()
}

/// The squared chord a Euclidean query on unit vectors must search within so as to miss no point
/// whose haversine distance is at most `km` (the exact distance then decides): [`chord2_for_km`]
/// widened for rounding. Relatively (1e-9) for the two formulas' rounding at any distance, and
/// absolutely: a unit vector's coordinates are each a few ulps of 1 (about 1e-16) off, so the
/// chord between two points centimetres apart (about 1e-9) is off by up to 1e-7 of itself, which
/// no relative margin of that size covers. 1e-12 of the unit sphere is 6 micrometres.
pub fn search_chord2_for_km(km: f64) -> f64 {
    let chord = chord_for_km(km) * (1.0 + 1e-9) + 1e-12;
    chord * chord
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_to_lyon_is_about_392_km() {
        let paris = GeoPoint {
            lat: 48.8566,
            lon: 2.3522,
        };
        let lyon = GeoPoint {
            lat: 45.7640,
            lon: 4.8357,
        };
        let d = haversine_km(paris, lyon);
        assert!((d - 391.5).abs() < 1.5, "{d}");
    }

    #[test]
    fn chord_radius_matches_haversine() {
        let a = GeoPoint {
            lat: 48.0,
            lon: 2.0,
        };
        let b = GeoPoint {
            lat: 43.3,
            lon: 5.4,
        };
        let d = haversine_km(a, b);
        let (ua, ub) = (a.unit_vector(), b.unit_vector());
        let c2: f64 = ua.iter().zip(ub).map(|(x, y)| (x - y) * (x - y)).sum();
        assert!((c2 - chord2_for_km(d)).abs() < 1e-12);
    }

    #[test]
    fn the_chord_form_is_the_trigonometric_haversine() {
        // The textbook formula, in radians.
        let textbook = |a: GeoPoint, b: GeoPoint| {
            let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
            let (dlat, dlon) = (la2 - la1, (b.lon - a.lon).to_radians());
            let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
            2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
        };
        let mut rng = fastrand::Rng::with_seed(3);
        let mut worst = 0.0f64;
        // From a few millimetres to across the world (short of antipodes, where both forms lose
        // precision), anywhere.
        for scale in [1e-7, 1e-5, 1e-3, 0.1, 10.0, 90.0] {
            for _ in 0..2000 {
                let a = GeoPoint {
                    lat: -80.0 + rng.f64() * 160.0,
                    lon: -180.0 + rng.f64() * 360.0,
                };
                let b = GeoPoint {
                    lat: (a.lat + (rng.f64() - 0.5) * scale).clamp(-90.0, 90.0),
                    lon: a.lon + (rng.f64() - 0.5) * scale,
                };
                let (got, want) = (haversine_km(a, b), textbook(a, b));
                assert_eq!(got, haversine_km(b, a), "symmetric");
                worst = worst.max((got - want).abs());
            }
        }
        // A few nanometres apart at any distance (3.6e-12 km measured): the unit vectors' rounding,
        // about 1e-16 of the Earth's radius, whatever the distance.
        assert!(worst < 1e-11, "{worst:e} km");
        let p = GeoPoint {
            lat: 45.0,
            lon: 5.0,
        };
        assert_eq!(haversine_km(p, p), 0.0);
    }
}
