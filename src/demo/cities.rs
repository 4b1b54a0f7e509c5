//! French cities and towns with public coordinates: where the demo stores stand, and the
//! postcode/city → coordinates table the storefront widget offers when the shopper has no
//! geolocation.
//!
//! Coordinates are WGS84 degrees of the town centre (or of the named district), rounded to four
//! decimals (about 10 m); postcodes are each town's main one.

use serde::Serialize;

/// A city or town of metropolitan France (or one district of it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct City {
    /// Town name as written in French (`Saint-Étienne`).
    pub name: &'static str,
    /// Main postcode, five digits (`75011`, `01000`).
    pub postcode: &'static str,
    /// District or quarter, for the big cities that hold several stores (`Bastille`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub district: Option<&'static str>,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Administrative region (`Auvergne-Rhône-Alpes`).
    pub region: &'static str,
}

const fn city(
    name: &'static str,
    postcode: &'static str,
    district: Option<&'static str>,
    lat: f64,
    lon: f64,
    region: &'static str,
) -> City {
    City {
        name,
        postcode,
        district,
        lat,
        lon,
        region,
    }
}

const IDF: &str = "Île-de-France";
const HDF: &str = "Hauts-de-France";
const GES: &str = "Grand Est";
const NOR: &str = "Normandie";
const BRE: &str = "Bretagne";
const PDL: &str = "Pays de la Loire";
const CVL: &str = "Centre-Val de Loire";
const BFC: &str = "Bourgogne-Franche-Comté";
const NAQ: &str = "Nouvelle-Aquitaine";
const OCC: &str = "Occitanie";
const ARA: &str = "Auvergne-Rhône-Alpes";
const PAC: &str = "Provence-Alpes-Côte d'Azur";
const COR: &str = "Corse";

/// The demo's towns, grouped by region, Paris and its suburbs first. One store stands in each by
/// default; 14 Paris districts and 23 suburbs reflect where a French chain really trades.
pub static CITIES: &[City] = &[
    city("Paris", "75001", Some("Rivoli"), 48.8603, 2.3412, IDF),
    city("Paris", "75003", Some("Marais"), 48.8627, 2.3622, IDF),
    city(
        "Paris",
        "75006",
        Some("Saint-Germain"),
        48.8539,
        2.3338,
        IDF,
    ),
    city(
        "Paris",
        "75008",
        Some("Champs-Élysées"),
        48.8718,
        2.3030,
        IDF,
    ),
    city("Paris", "75009", Some("Opéra"), 48.8720, 2.3316, IDF),
    city("Paris", "75011", Some("Bastille"), 48.8534, 2.3714, IDF),
    city("Paris", "75012", Some("Bercy"), 48.8331, 2.3862, IDF),
    city("Paris", "75013", Some("Italie"), 48.8310, 2.3556, IDF),
    city("Paris", "75014", Some("Montparnasse"), 48.8421, 2.3219, IDF),
    city("Paris", "75015", Some("Beaugrenelle"), 48.8487, 2.2826, IDF),
    city("Paris", "75016", Some("Passy"), 48.8575, 2.2795, IDF),
    city("Paris", "75017", Some("Batignolles"), 48.8853, 2.3183, IDF),
    city("Paris", "75018", Some("Montmartre"), 48.8867, 2.3431, IDF),
    city("Paris", "75020", Some("Gambetta"), 48.8650, 2.3985, IDF),
    city("Boulogne-Billancourt", "92100", None, 48.8352, 2.2410, IDF),
    city("Neuilly-sur-Seine", "92200", None, 48.8846, 2.2697, IDF),
    city("Levallois-Perret", "92300", None, 48.8950, 2.2874, IDF),
    city("Puteaux", "92800", Some("La Défense"), 48.8920, 2.2380, IDF),
    city("Nanterre", "92000", None, 48.8924, 2.2071, IDF),
    city("Issy-les-Moulineaux", "92130", None, 48.8245, 2.2700, IDF),
    city("Rueil-Malmaison", "92500", None, 48.8778, 2.1802, IDF),
    city("Antony", "92160", None, 48.7543, 2.2977, IDF),
    city("Montreuil", "93100", None, 48.8611, 2.4437, IDF),
    city("Saint-Denis", "93200", None, 48.9362, 2.3574, IDF),
    city("Noisy-le-Grand", "93160", None, 48.8486, 2.5528, IDF),
    city("Vincennes", "94300", None, 48.8474, 2.4395, IDF),
    city("Créteil", "94000", None, 48.7904, 2.4556, IDF),
    city("Versailles", "78000", None, 48.8049, 2.1204, IDF),
    city("Saint-Germain-en-Laye", "78100", None, 48.8989, 2.0938, IDF),
    city("Argenteuil", "95100", None, 48.9472, 2.2467, IDF),
    city("Cergy", "95000", None, 49.0364, 2.0761, IDF),
    city("Évry-Courcouronnes", "91000", None, 48.6290, 2.4410, IDF),
    city("Massy", "91300", None, 48.7309, 2.2713, IDF),
    city("Meaux", "77100", None, 48.9601, 2.8788, IDF),
    city("Melun", "77000", None, 48.5421, 2.6554, IDF),
    city("Fontainebleau", "77300", None, 48.4047, 2.7016, IDF),
    city("Lille", "59000", None, 50.6292, 3.0573, HDF),
    city("Roubaix", "59100", None, 50.6942, 3.1746, HDF),
    city("Tourcoing", "59200", None, 50.7239, 3.1612, HDF),
    city("Villeneuve-d'Ascq", "59650", None, 50.6233, 3.1450, HDF),
    city("Amiens", "80000", None, 49.8941, 2.2958, HDF),
    city("Dunkerque", "59140", None, 51.0343, 2.3768, HDF),
    city("Calais", "62100", None, 50.9513, 1.8587, HDF),
    city("Boulogne-sur-Mer", "62200", None, 50.7264, 1.6147, HDF),
    city("Arras", "62000", None, 50.2910, 2.7775, HDF),
    city("Valenciennes", "59300", None, 50.3570, 3.5235, HDF),
    city("Douai", "59500", None, 50.3714, 3.0800, HDF),
    city("Lens", "62300", None, 50.4320, 2.8333, HDF),
    city("Saint-Quentin", "02100", None, 49.8465, 3.2876, HDF),
    city("Beauvais", "60000", None, 49.4295, 2.0807, HDF),
    city("Strasbourg", "67000", None, 48.5734, 7.7521, GES),
    city("Metz", "57000", None, 49.1193, 6.1757, GES),
    city("Nancy", "54000", None, 48.6921, 6.1844, GES),
    city("Reims", "51100", None, 49.2583, 4.0317, GES),
    city("Mulhouse", "68100", None, 47.7508, 7.3359, GES),
    city("Colmar", "68000", None, 48.0794, 7.3585, GES),
    city("Troyes", "10000", None, 48.2973, 4.0744, GES),
    city("Épinal", "88000", None, 48.1724, 6.4496, GES),
    city("Charleville-Mézières", "08000", None, 49.7621, 4.7263, GES),
    city("Thionville", "57100", None, 49.3579, 6.1683, GES),
    city("Châlons-en-Champagne", "51000", None, 48.9566, 4.3631, GES),
    city("Rouen", "76000", None, 49.4432, 1.0999, NOR),
    city("Le Havre", "76600", None, 49.4944, 0.1079, NOR),
    city("Caen", "14000", None, 49.1829, -0.3707, NOR),
    city(
        "Cherbourg-en-Cotentin",
        "50100",
        None,
        49.6337,
        -1.6222,
        NOR,
    ),
    city("Évreux", "27000", None, 49.0270, 1.1508, NOR),
    city("Alençon", "61000", None, 48.4329, 0.0913, NOR),
    city("Rennes", "35000", None, 48.1173, -1.6778, BRE),
    city("Brest", "29200", None, 48.3904, -4.4861, BRE),
    city("Quimper", "29000", None, 47.9960, -4.1024, BRE),
    city("Lorient", "56100", None, 47.7483, -3.3700, BRE),
    city("Vannes", "56000", None, 47.6582, -2.7608, BRE),
    city("Saint-Malo", "35400", None, 48.6493, -2.0257, BRE),
    city("Saint-Brieuc", "22000", None, 48.5136, -2.7653, BRE),
    city("Nantes", "44000", None, 47.2184, -1.5536, PDL),
    city("Angers", "49000", None, 47.4784, -0.5632, PDL),
    city("Le Mans", "72000", None, 48.0061, 0.1996, PDL),
    city("Saint-Nazaire", "44600", None, 47.2735, -2.2138, PDL),
    city("La Roche-sur-Yon", "85000", None, 46.6705, -1.4260, PDL),
    city("Cholet", "49300", None, 47.0600, -0.8790, PDL),
    city("Laval", "53000", None, 48.0707, -0.7734, PDL),
    city("Tours", "37000", None, 47.3941, 0.6848, CVL),
    city("Orléans", "45000", None, 47.9030, 1.9093, CVL),
    city("Bourges", "18000", None, 47.0810, 2.3988, CVL),
    city("Blois", "41000", None, 47.5861, 1.3359, CVL),
    city("Chartres", "28000", None, 48.4439, 1.4890, CVL),
    city("Châteauroux", "36000", None, 46.8103, 1.6913, CVL),
    city("Dijon", "21000", None, 47.3220, 5.0415, BFC),
    city("Besançon", "25000", None, 47.2378, 6.0241, BFC),
    city("Belfort", "90000", None, 47.6380, 6.8628, BFC),
    city("Chalon-sur-Saône", "71100", None, 46.7806, 4.8539, BFC),
    city("Auxerre", "89000", None, 47.7982, 3.5673, BFC),
    city("Mâcon", "71000", None, 46.3069, 4.8287, BFC),
    city("Nevers", "58000", None, 46.9910, 3.1590, BFC),
    city(
        "Bordeaux",
        "33000",
        Some("Sainte-Catherine"),
        44.8378,
        -0.5792,
        NAQ,
    ),
    city("Limoges", "87000", None, 45.8336, 1.2611, NAQ),
    city("Poitiers", "86000", None, 46.5802, 0.3404, NAQ),
    city("La Rochelle", "17000", None, 46.1603, -1.1511, NAQ),
    city("Pau", "64000", None, 43.2951, -0.3708, NAQ),
    city("Bayonne", "64100", None, 43.4929, -1.4748, NAQ),
    city("Biarritz", "64200", None, 43.4832, -1.5586, NAQ),
    city("Angoulême", "16000", None, 45.6484, 0.1562, NAQ),
    city("Niort", "79000", None, 46.3237, -0.4588, NAQ),
    city("Périgueux", "24000", None, 45.1846, 0.7214, NAQ),
    city("Arcachon", "33120", None, 44.6586, -1.1689, NAQ),
    city("Brive-la-Gaillarde", "19100", None, 45.1589, 1.5331, NAQ),
    city("Agen", "47000", None, 44.2033, 0.6163, NAQ),
    city("Toulouse", "31000", Some("Capitole"), 43.6047, 1.4442, OCC),
    city("Montpellier", "34000", None, 43.6108, 3.8767, OCC),
    city("Nîmes", "30000", None, 43.8367, 4.3601, OCC),
    city("Perpignan", "66000", None, 42.6887, 2.8948, OCC),
    city("Béziers", "34500", None, 43.3442, 3.2158, OCC),
    city("Narbonne", "11100", None, 43.1839, 3.0042, OCC),
    city("Carcassonne", "11000", None, 43.2130, 2.3491, OCC),
    city("Albi", "81000", None, 43.9289, 2.1464, OCC),
    city("Tarbes", "65000", None, 43.2328, 0.0781, OCC),
    city("Montauban", "82000", None, 44.0176, 1.3550, OCC),
    city("Rodez", "12000", None, 44.3506, 2.5750, OCC),
    city("Sète", "34200", None, 43.4028, 3.6928, OCC),
    city("Lyon", "69002", Some("Bellecour"), 45.7578, 4.8320, ARA),
    city("Lyon", "69003", Some("Part-Dieu"), 45.7606, 4.8590, ARA),
    city("Villeurbanne", "69100", None, 45.7719, 4.8902, ARA),
    city("Grenoble", "38000", None, 45.1885, 5.7245, ARA),
    city("Saint-Étienne", "42000", None, 45.4397, 4.3872, ARA),
    city("Clermont-Ferrand", "63000", None, 45.7772, 3.0870, ARA),
    city("Annecy", "74000", None, 45.8992, 6.1294, ARA),
    city("Chambéry", "73000", None, 45.5646, 5.9178, ARA),
    city("Valence", "26000", None, 44.9334, 4.8924, ARA),
    city(
        "Villefranche-sur-Saône",
        "69400",
        None,
        45.9896,
        4.7186,
        ARA,
    ),
    city("Bourg-en-Bresse", "01000", None, 46.2052, 5.2255, ARA),
    city("Roanne", "42300", None, 46.0360, 4.0683, ARA),
    city("Annemasse", "74100", None, 46.1934, 6.2342, ARA),
    city("Vichy", "03200", None, 46.1277, 3.4260, ARA),
    city(
        "Marseille",
        "13001",
        Some("Vieux-Port"),
        43.2965,
        5.3698,
        PAC,
    ),
    city("Marseille", "13008", Some("Prado"), 43.2720, 5.3900, PAC),
    city("Nice", "06000", None, 43.7102, 7.2620, PAC),
    city("Toulon", "83000", None, 43.1242, 5.9280, PAC),
    city("Aix-en-Provence", "13100", None, 43.5297, 5.4474, PAC),
    city("Avignon", "84000", None, 43.9493, 4.8055, PAC),
    city("Cannes", "06400", None, 43.5528, 7.0174, PAC),
    city("Antibes", "06600", None, 43.5808, 7.1251, PAC),
    city("Fréjus", "83600", None, 43.4331, 6.7370, PAC),
    city("Hyères", "83400", None, 43.1204, 6.1286, PAC),
    city("Gap", "05000", None, 44.5594, 6.0786, PAC),
    city("Arles", "13200", None, 43.6766, 4.6278, PAC),
    city("Aubagne", "13400", None, 43.2927, 5.5708, PAC),
    city("Menton", "06500", None, 43.7747, 7.4975, PAC),
    city("Salon-de-Provence", "13300", None, 43.6403, 5.0970, PAC),
    city("Ajaccio", "20000", None, 41.9192, 8.7386, COR),
    city("Bastia", "20200", None, 42.6970, 9.4500, COR),
];

/// Finds towns by postcode (exact) or by name (case- and accent-insensitive prefix), best first.
pub fn find_cities(query: &str) -> Vec<&'static City> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let by_postcode: Vec<&City> = CITIES.iter().filter(|c| c.postcode == q).collect();
    if !by_postcode.is_empty() {
        return by_postcode;
    }
    CITIES
        .iter()
        .filter(|c| fold(c.name).starts_with(&q))
        .collect()
}

/// Lower-case ASCII folding of French text: `Saint-Étienne` → `saint-etienne`.
pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ÿ' | 'Ÿ' => 'y',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}
