//! Stock alerts: low-stock thresholds per SKU, per location, per position, and the crossings
//! that a batch of events causes.

use serde::{Deserialize, Serialize};

use crate::InputError;

/// What happened to a position's ATS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// ATS fell to or below the low-stock threshold (still above 0).
    Low,
    /// ATS fell to 0.
    OutOfStock,
    /// ATS rose from 0.
    BackInStock,
}

/// A threshold crossing on one position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Alert {
    /// The SKU.
    pub sku: String,
    /// The location id.
    pub location: String,
    /// The crossing.
    pub kind: AlertKind,
    /// ATS after the batch, in units.
    pub ats: i64,
    /// ATS before the batch, in units.
    pub before: i64,
    /// The low-stock threshold in force, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub threshold: Option<u32>,
}

/// One threshold setting; `low: null` removes it. Without `sku` and `location` it is the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ThresholdRule {
    /// Applies to this SKU only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub sku: Option<String>,
    /// Applies to this location only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub location: Option<String>,
    /// "Low" once ATS is at or below this many units; `null` removes the rule. Required: a rule
    /// without `low` is refused, not read as a removal.
    #[serde(deserialize_with = "super::events::present")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub low: Option<f64>,
}

/// Low-stock thresholds. The most specific applies: position, then SKU, then location, then
/// the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    default: Option<u32>,
    // Sorted by key, keys unique, found by binary search: no map type of their own in the wasm
    // build. In postcard (snapshots) a list of pairs is the very bytes of a map sorted alike.
    #[serde(deserialize_with = "sorted")]
    by_sku: Vec<(String, u32)>,
    #[serde(deserialize_with = "sorted")]
    by_location: Vec<(String, u32)>,
    /// By (SKU, location), found without building a key.
    #[serde(deserialize_with = "sorted")]
    by_position: Vec<((String, String), u32)>,
}

/// A stored list of thresholds, refused unless sorted by key with keys unique, as [`Thresholds`]
/// keeps it: snapshots are written so, and a tampered one must not leave lookups missing.
fn sorted<'de, D, K>(d: D) -> Result<Vec<(K, u32)>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Ord + Deserialize<'de>,
{
    let list = Vec::<(K, u32)>::deserialize(d)?;
    if list.windows(2).any(|w| matches!(w, [a, b] if a.0 >= b.0)) {
        return Err(serde::de::Error::custom("thresholds are not sorted"));
    }
    Ok(list)
}

impl Thresholds {
    /// Applies one rule.
    pub fn set(&mut self, rule: ThresholdRule) -> Result<(), InputError> {
        if rule.sku.as_deref() == Some("") {
            return Err(InputError::new("sku", "must not be empty"));
        }
        let low = match rule.low {
            None => None,
            Some(v)
                if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) =>
            {
                Some(v as u32)
            }
            Some(_) => return Err(InputError::new("low", "must be an integer >= 0 or null")),
        };
        /// Sets or (with `None`) removes the value at `at`, a binary search's answer.
        fn put<K>(list: &mut Vec<(K, u32)>, at: Result<usize, usize>, k: K, v: Option<u32>) {
            match (at, v) {
                (Ok(i), Some(v)) => list[i].1 = v,
                (Ok(i), None) => {
                    list.remove(i);
                }
                (Err(i), Some(v)) => list.insert(i, (k, v)),
                (Err(_), None) => {}
            }
        }
        match (rule.sku, rule.location) {
            (None, None) => self.default = low,
            (Some(s), None) => {
                let at = find(&self.by_sku, &s);
                put(&mut self.by_sku, at, s, low);
            }
            (None, Some(l)) => {
                let at = find(&self.by_location, &l);
                put(&mut self.by_location, at, l, low);
            }
            (Some(s), Some(l)) => {
                let at = self.position_index(&s, &l);
                put(&mut self.by_position, at, (s, l), low);
            }
        }
        Ok(())
    }

    /// True when no threshold is set.
    pub fn is_empty(&self) -> bool {
        self.default.is_none()
            && self.by_sku.is_empty()
            && self.by_location.is_empty()
            && self.by_position.is_empty()
    }

    /// The threshold for (sku, location).
    pub fn low(&self, sku: &str, location: &str) -> Option<u32> {
        if self.is_empty() {
            return None;
        }
        if let Ok(i) = self.position_index(sku, location) {
            return Some(self.by_position[i].1);
        }
        let value = |list: &[(String, u32)], key: &str| find(list, key).ok().map(|i| list[i].1);
        value(&self.by_sku, sku)
            .or_else(|| value(&self.by_location, location))
            .or(self.default)
    }

    /// Index of (sku, location) in `by_position`, or where it would go.
    fn position_index(&self, sku: &str, location: &str) -> Result<usize, usize> {
        self.by_position
            .binary_search_by(|((s, l), _)| (s.as_str(), l.as_str()).cmp(&(sku, location)))
    }

    /// The crossing from `before` to `after` under threshold `low`, if any.
    pub fn crossing(before: i64, after: i64, low: Option<u32>) -> Option<AlertKind> {
        if before > 0 && after == 0 {
            return Some(AlertKind::OutOfStock);
        }
        if before == 0 && after > 0 {
            return Some(AlertKind::BackInStock);
        }
        let t = i64::from(low?);
        (before > t && after <= t && after > 0).then_some(AlertKind::Low)
    }
}

/// Index of `key` in a list sorted by key, or where it would go.
fn find(list: &[(String, u32)], key: &str) -> Result<usize, usize> {
    list.binary_search_by(|e| e.0.as_str().cmp(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_specific_threshold_wins() {
        let mut t = Thresholds::default();
        let rule = |sku: Option<&str>, location: Option<&str>, low| ThresholdRule {
            sku: sku.map(String::from),
            location: location.map(String::from),
            low: Some(low),
        };
        t.set(rule(None, None, 1.0)).unwrap();
        t.set(rule(None, Some("L"), 2.0)).unwrap();
        t.set(rule(Some("A"), None, 3.0)).unwrap();
        t.set(rule(Some("A"), Some("L"), 4.0)).unwrap();
        assert_eq!(t.low("A", "L"), Some(4));
        assert_eq!(t.low("A", "M"), Some(3));
        assert_eq!(t.low("B", "L"), Some(2));
        assert_eq!(t.low("B", "M"), Some(1));
        assert!(t.set(rule(None, None, -1.0)).is_err());
    }

    #[test]
    fn stored_lists_must_be_sorted_as_kept() {
        let mut t = Thresholds::default();
        for (sku, location) in [(Some("B"), None), (Some("A"), None), (Some("A"), Some("L"))] {
            t.set(ThresholdRule {
                sku: sku.map(String::from),
                location: location.map(String::from),
                low: Some(2.0),
            })
            .unwrap();
        }
        let bytes = postcard::to_allocvec(&t).unwrap();
        assert_eq!(postcard::from_bytes::<Thresholds>(&bytes).unwrap(), t);
        let list = |by_sku: &str| {
            let json = format!(
                r#"{{"default":null,"by_sku":{by_sku},"by_location":[],"by_position":[]}}"#
            );
            serde_json::from_str::<Thresholds>(&json).map(|t| t.low("A", "L"))
        };
        assert_eq!(list(r#"[["A",1],["B",2]]"#).unwrap(), Some(1));
        for bad in [r#"[["B",2],["A",1]]"#, r#"[["A",1],["A",2]]"#] {
            let err = list(bad).unwrap_err().to_string();
            assert!(err.contains("not sorted"), "{err}");
        }
    }

    #[test]
    fn crossings() {
        assert_eq!(
            Thresholds::crossing(5, 0, None),
            Some(AlertKind::OutOfStock)
        );
        assert_eq!(
            Thresholds::crossing(0, 2, Some(3)),
            Some(AlertKind::BackInStock)
        );
        assert_eq!(Thresholds::crossing(5, 3, Some(3)), Some(AlertKind::Low));
        assert_eq!(Thresholds::crossing(3, 2, Some(3)), None);
        assert_eq!(Thresholds::crossing(5, 4, None), None);
    }
}
