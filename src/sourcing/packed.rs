//! A plan as numbers, for a binding to turn into objects without a JSON text round trip (the
//! plan's JSON object was most of a small cart's `source` call through the wasm).

use super::explain::Reason;
use super::plan::{Plan, PlanLine, Status};
use crate::network::Network;

/// A [`Plan`] as numbers and a table of strings. In order:
///
/// * the number of strings, then the length of each in UTF-16 code units (as JavaScript
///   counts them): the strings are `text` cut at those lengths, in order;
/// * `status` (0 complete, 1 partial, 2 unfulfillable), `totalCost`, `optimal` (0 or 1),
///   `lowerBound`, `searchNodes`, `strategy` (a string, or -1 when absent);
/// * the shipment count, then per shipment: location, `distanceKm`, `cost`, the line count and
///   per line `sku` (a string) and `qty`;
/// * the unfulfilled line count, then per line `sku` and `qty`;
/// * the explanation count, then per explanation: location, `distanceKm`, `reason` (its index
///   in [`REASONS`]), `message` (a string), `costlierBy` (NaN when absent), `costlierByExact`
///   (-1 when absent, else 0 or 1).
///
/// A location is its index in the network, a string its index in the table. The strings cross
/// as one text, cut by lengths, rather than as a JSON array: escaping and parsing them was a
/// twentieth of a small cart's `source` call through the wasm.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackedPlan {
    /// The numbers, as laid out above.
    pub numbers: Vec<f64>,
    /// The strings the numbers refer to, one after the other.
    pub text: String,
}

/// A plan's strings while it is packed.
#[derive(Default)]
struct Strings<'a> {
    all: Vec<&'a str>,
}

/// The statuses by code, as their JSON names.
pub const STATUSES: [&str; 3] = ["complete", "partial", "unfulfillable"];

/// The reasons by code, as their JSON names.
pub const REASONS: [&str; 10] = [
    "inactive",
    "no_shipping",
    "kind_excluded",
    "not_listed",
    "too_far",
    "below_performance",
    "capacity_exhausted",
    "out_of_stock",
    "costlier",
    "insufficient",
];

fn status_code(s: Status) -> f64 {
    match s {
        Status::Complete => 0.0,
        Status::Partial => 1.0,
        Status::Unfulfillable => 2.0,
    }
}

fn reason_code(r: Reason) -> f64 {
    match r {
        Reason::Inactive => 0.0,
        Reason::NoShipping => 1.0,
        Reason::KindExcluded => 2.0,
        Reason::NotListed => 3.0,
        Reason::TooFar => 4.0,
        Reason::BelowPerformance => 5.0,
        Reason::CapacityExhausted => 6.0,
        Reason::OutOfStock => 7.0,
        Reason::Costlier => 8.0,
        Reason::Insufficient => 9.0,
    }
}

impl<'a> Strings<'a> {
    /// The slot of `s`, added when new, searched among the SKU names only (the slots from
    /// `skus` on).
    fn sku(&mut self, skus: usize, s: &'a str) -> f64 {
        let found = self
            .all
            .get(skus..)
            .and_then(|t| t.iter().position(|x| *x == s));
        match found {
            Some(k) => (skus + k) as f64,
            None => self.add(s),
        }
    }

    /// A new slot holding `s`.
    fn add(&mut self, s: &'a str) -> f64 {
        self.all.push(s);
        (self.all.len() - 1) as f64
    }

    /// `lines`: their number, then `sku, qty` each.
    fn lines(&mut self, numbers: &mut Vec<f64>, skus: usize, lines: &'a [PlanLine]) {
        numbers.push(lines.len() as f64);
        for l in lines {
            let s = self.sku(skus, &l.sku);
            numbers.extend([s, l.qty as f64]);
        }
    }
}

/// The network index of location `id` (-1 when unknown: a plan names only known locations).
fn location(network: &Network, id: &str) -> f64 {
    network.lookup(id).map_or(-1.0, f64::from)
}

impl Plan {
    /// The plan as numbers (see [`PackedPlan`]), its locations by index in `network`.
    pub fn packed(&self, network: &Network) -> PackedPlan {
        let mut strings = Strings::default();
        let mut numbers = Vec::new();
        let lines: usize = self.shipments.iter().map(|s| 4 + 2 * s.lines.len()).sum();
        numbers.reserve(9 + lines + 2 * self.unfulfilled.len() + 6 * self.explanations.len());
        let strategy = match &self.strategy {
            Some(s) => strings.add(s),
            None => -1.0,
        };
        numbers.extend([
            status_code(self.status),
            self.total_cost,
            f64::from(u8::from(self.optimal)),
            self.lower_bound,
            self.search_nodes as f64,
            strategy,
            self.shipments.len() as f64,
        ]);
        let skus = strings.all.len();
        for s in &self.shipments {
            numbers.extend([location(network, &s.location), s.distance_km, s.cost]);
            strings.lines(&mut numbers, skus, &s.lines);
        }
        strings.lines(&mut numbers, skus, &self.unfulfilled);
        numbers.push(self.explanations.len() as f64);
        for x in &self.explanations {
            let message = strings.add(&x.message);
            numbers.extend([
                location(network, &x.location),
                x.distance_km,
                reason_code(x.reason),
                message,
                x.costlier_by.unwrap_or(f64::NAN),
                x.costlier_by_exact.map_or(-1.0, |e| f64::from(u8::from(e))),
            ]);
        }
        // The string table goes first: its count and lengths, then the plan's numbers.
        let mut out = PackedPlan {
            numbers: Vec::with_capacity(1 + strings.all.len() + numbers.len()),
            text: String::with_capacity(strings.all.iter().map(|s| s.len()).sum()),
        };
        out.numbers.push(strings.all.len() as f64);
        for s in &strings.all {
            out.numbers.push(crate::utf16_len(s) as f64);
            out.text.push_str(s);
        }
        out.numbers.extend_from_slice(&numbers);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_name_what_json_names() {
        let reasons = [
            Reason::Inactive,
            Reason::NoShipping,
            Reason::KindExcluded,
            Reason::NotListed,
            Reason::TooFar,
            Reason::BelowPerformance,
            Reason::CapacityExhausted,
            Reason::OutOfStock,
            Reason::Costlier,
            Reason::Insufficient,
        ];
        for r in reasons {
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", REASONS[reason_code(r) as usize]));
        }
        for s in [Status::Complete, Status::Partial, Status::Unfulfillable] {
            let json = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", STATUSES[status_code(s) as usize]));
        }
    }

    #[test]
    fn utf16_lengths_are_javascripts() {
        for s in ["", "abc", "…", "é à", "𝄞 clef", "holds 1 of 3 lines; …"] {
            assert_eq!(crate::utf16_len(s), s.encode_utf16().count(), "{s}");
        }
    }
}
