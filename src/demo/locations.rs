//! The demo's locations: warehouses at real French logistics hubs, stores in the towns of
//! [`CITIES`], each with plausible costs, performance and capacity.

use fastrand::Rng;

use super::cities::{fold, City, CITIES};
use super::{between, cents, chance, jitter_km};
use crate::network::{LocationInput, LocationKind};

/// A distribution centre site.
struct Hub {
    code: &'static str,
    town: &'static str,
    lat: f64,
    lon: f64,
}

/// Logistics hubs where French retailers really run their distribution centres, in the order
/// a growing chain would open them.
static HUBS: &[Hub] = &[
    hub("PARIS", "Roissy-en-France", 49.0036, 2.5170),
    hub("LYON", "Saint-Quentin-Fallavier", 45.6436, 5.1094),
    hub("LILLE", "Lesquin", 50.5889, 3.1110),
    hub("MARSEILLE", "Miramas", 43.5824, 5.0019),
    hub("BORDEAUX", "Cestas", 44.7425, -0.6806),
    hub("ORLEANS", "Saran", 47.9500, 1.8750),
    hub("TOULOUSE", "Castelnau-d'Estrétefonds", 43.7833, 1.3597),
    hub("NANTES", "Carquefou", 47.2975, -1.4917),
];

const fn hub(code: &'static str, town: &'static str, lat: f64, lon: f64) -> Hub {
    Hub {
        code,
        town,
        lat,
        lon,
    }
}

/// Stores visit the city table with this stride (coprime with its length), so that a small
/// network of 10 or 20 stores still spreads over all of France rather than filling Paris first.
const STRIDE: usize = 17;

/// `warehouses` distribution centres then `stores` stores, in that order.
pub(super) fn generate(rng: &mut Rng, warehouses: u32, stores: u32) -> Vec<LocationInput> {
    let mut out = Vec::with_capacity(warehouses as usize + stores as usize);
    for i in 0..warehouses as usize {
        out.push(warehouse(rng, i));
    }
    let cities = CityOrder::new();
    for i in 0..stores as usize {
        out.push(store(rng, &cities, i));
    }
    out
}

fn warehouse(rng: &mut Rng, i: usize) -> LocationInput {
    let n = HUBS.len();
    let (site, round) = (&HUBS[i % n], i / n);
    let (mut lat, mut lon) = (site.lat, site.lon);
    let (id, name) = if round == 0 {
        (
            format!("WH-{}", site.code),
            format!("Entrepôt {}", site.town),
        )
    } else {
        (lat, lon) = jitter_km(rng, lat, lon);
        (
            format!("WH-{}-{}", site.code, round + 1),
            format!("Entrepôt {} {}", site.town, round + 1),
        )
    };
    LocationInput {
        id,
        name: Some(name),
        kind: LocationKind::Warehouse,
        lat,
        lon,
        active: Some(true),
        ship: Some(true),
        pickup: Some(false),
        // Automated parcel lines: cheap per unit, a fixed handling cost per parcel.
        cost_per_shipment: Some(cents(between(rng, 120, 220))),
        cost_per_unit: Some(cents(between(rng, 15, 40))),
        performance: Some(cents(between(rng, 95, 99))),
        capacity_units: Some(f64::from(between(rng, 12, 30) * 1_000)),
        safety_stock: Some(f64::from(between(rng, 2, 6) * 5)),
    }
}

/// The city table in store-opening order, with each town's id slug and store numbering.
struct CityOrder {
    /// (row in CITIES, slug, ordinal among rows of that slug, rows sharing that slug)
    rows: Vec<(usize, String, usize, usize)>,
}

impl CityOrder {
    fn new() -> Self {
        let slugs: Vec<String> = CITIES.iter().map(|c| slug(c.name)).collect();
        let n = CITIES.len();
        let rows = (0..n)
            .map(|j| {
                let row = (j * STRIDE) % n;
                let s = &slugs[row];
                let ordinal = slugs[..row].iter().filter(|x| *x == s).count();
                let same = slugs.iter().filter(|x| *x == s).count();
                (row, s.clone(), ordinal, same)
            })
            .collect();
        Self { rows }
    }
}

fn store(rng: &mut Rng, cities: &CityOrder, i: usize) -> LocationInput {
    let n = cities.rows.len();
    let (row, slug, ordinal, same) = &cities.rows[i % n];
    let round = i / n;
    let city: &City = &CITIES[*row];
    let number = round * same + ordinal + 1;
    let base = match city.district {
        Some(d) => format!("{} {d}", city.name),
        None => city.name.to_string(),
    };
    let (mut lat, mut lon) = (city.lat, city.lon);
    let name = if round == 0 {
        base
    } else {
        // Further stores in the same town: another mall a few kilometres away.
        (lat, lon) = jitter_km(rng, lat, lon);
        format!("{base} — boutique {}", round + 1)
    };
    let big_city = *same > 1 || city.district.is_some();
    LocationInput {
        id: format!("ST-{slug}-{number:02}"),
        name: Some(name),
        kind: LocationKind::Store,
        lat,
        lon,
        // One store closed for refurbishment: inactive locations sell and ship nothing.
        active: Some(i != n / 2 + 3),
        // A few small boutiques only offer click & collect.
        ship: Some(!chance(rng, 0.07)),
        pickup: Some(true),
        cost_per_shipment: Some(cents(between(rng, 200, 500))),
        cost_per_unit: Some(cents(between(rng, 50, 150))),
        performance: Some(cents(store_performance(rng))),
        capacity_units: capacity(rng, big_city),
        safety_stock: Some(f64::from(between(rng, 0, 2))),
    }
}

/// Most stores score 0.85–0.97; a few struggle (0.70–0.84).
fn store_performance(rng: &mut Rng) -> u32 {
    if chance(rng, 0.15) {
        between(rng, 70, 84)
    } else {
        between(rng, 85, 99)
    }
}

/// Daily ship-from-store capacity, in units: set on about 40% of stores (larger in big cities).
fn capacity(rng: &mut Rng, big_city: bool) -> Option<f64> {
    if !chance(rng, 0.4) {
        return None;
    }
    let tens = if big_city {
        between(rng, 6, 20)
    } else {
        between(rng, 2, 12)
    };
    Some(f64::from(tens * 10))
}

/// Upper-case ASCII id fragment of a town name: `Villeneuve-d'Ascq` → `VILLENEUVE-D-ASCQ`.
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in fold(name).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_ids() {
        assert_eq!(slug("Saint-Étienne"), "SAINT-ETIENNE");
        assert_eq!(slug("Villeneuve-d'Ascq"), "VILLENEUVE-D-ASCQ");
        assert_eq!(slug("Le Havre"), "LE-HAVRE");
    }

    #[test]
    fn the_stride_visits_every_city_once() {
        let order = CityOrder::new();
        let mut rows: Vec<usize> = order.rows.iter().map(|r| r.0).collect();
        rows.sort_unstable();
        assert_eq!(rows, (0..CITIES.len()).collect::<Vec<_>>());
    }
}
