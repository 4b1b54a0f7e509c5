//! The registered sourcing profiles: `engine.setProfile(name, profile)` and what snapshots keep
//! of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::profile::{Profile, Strategy};
use super::SourcingError;
use crate::promise::DeliveryConfig;

/// Named profiles, as `engine.setProfile(name, profile)` registers them. Serializes as a map
/// name → profile: profile objects in human-readable formats (JSON), profile JSON texts in binary
/// ones (postcard snapshots: a profile's optional fields are skipped when absent, which only a
/// self-describing format can read back). Deserializing validates every profile again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profiles {
    /// By name, sorted, names unique: a handful of profiles, looked up by binary search (a
    /// `BTreeMap` of this value type cost the wasm build several KB of its own code).
    map: Vec<(String, (Profile, Vec<Strategy>))>,
}

impl Profiles {
    /// No profile.
    pub fn new() -> Self {
        Self::default()
    }

    /// Validates `profile` and registers it as `name`, replacing any profile of that name.
    pub fn set(&mut self, name: &str, profile: Profile) -> Result<(), SourcingError> {
        self.set_checked(name, profile, |_| Ok(()))
    }

    /// [`Profiles::set`], with `also` checking the profile once its own checks passed (what only
    /// the caller can check: the engine, its locations' hours against the network).
    pub fn set_checked(
        &mut self,
        name: &str,
        profile: Profile,
        also: impl FnOnce(&Profile) -> Result<(), SourcingError>,
    ) -> Result<(), SourcingError> {
        self.insert(name, profile, true, also)
    }

    /// Registers a stored profile read back (a snapshot, a journal): checked as an earlier build
    /// checked it, so that what it accepted still loads; [`Profiles::set`] checks what comes in.
    pub fn restore(&mut self, name: &str, profile: Profile) -> Result<(), SourcingError> {
        self.insert(name, profile, false, |_| Ok(()))
    }

    fn insert(
        &mut self,
        name: &str,
        profile: Profile,
        strict: bool,
        also: impl FnOnce(&Profile) -> Result<(), SourcingError>,
    ) -> Result<(), SourcingError> {
        if name.is_empty() {
            return Err(SourcingError::profile("name", "must not be empty"));
        }
        let strategies = profile.checked("", strict)?;
        also(&profile)?;
        match self.find(name) {
            Ok(i) => self.map[i].1 = (profile, strategies),
            Err(i) => self
                .map
                .insert(i, (name.to_string(), (profile, strategies))),
        }
        Ok(())
    }

    /// Removes profile `name`; true when it existed.
    pub fn remove(&mut self, name: &str) -> bool {
        self.find(name).map(|i| self.map.remove(i)).is_ok()
    }

    /// Profile `name` as registered.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.entry(name).map(|e| &e.0)
    }

    /// The resolved strategies of profile `name`.
    pub fn strategies(&self, name: &str) -> Option<&[Strategy]> {
        self.entry(name).map(|e| e.1.as_slice())
    }

    /// Index of `name` in `map`, or where it would go.
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.map.binary_search_by(|e| e.0.as_str().cmp(name))
    }

    fn entry(&self, name: &str) -> Option<&(Profile, Vec<Strategy>)> {
        self.find(name).ok().map(|i| &self.map[i].1)
    }

    /// The strategies a request's profile stands for: a registered name, an inline profile, else
    /// the profile registered as `default`, else the contract's defaults.
    pub fn resolve<'p>(
        &'p self,
        profile: Option<&super::ProfileRef>,
    ) -> Result<std::borrow::Cow<'p, [Strategy]>, SourcingError> {
        use std::borrow::Cow;
        Ok(match profile {
            None => self
                .strategies("default")
                .map_or_else(|| Cow::Owned(vec![Strategy::default()]), Cow::Borrowed),
            Some(super::ProfileRef::Name(name)) => Cow::Borrowed(
                self.strategies(name)
                    .ok_or_else(|| SourcingError::UnknownProfile(name.clone()))?,
            ),
            Some(super::ProfileRef::Inline(p)) => Cow::Owned(p.strategies("profile")?),
        })
    }

    /// [`Profiles::resolve`], with the pricing of `costlier` explanations turned off
    /// (`explainBudget` 0) when the request says `priceExplanations: false`.
    pub fn resolve_priced<'p>(
        &'p self,
        profile: Option<&super::ProfileRef>,
        price_explanations: Option<bool>,
    ) -> Result<std::borrow::Cow<'p, [Strategy]>, SourcingError> {
        let mut strategies = self.resolve(profile)?;
        if price_explanations == Some(false) {
            strategies
                .to_mut()
                .iter_mut()
                .for_each(|s| s.explain_budget = 0);
        }
        Ok(strategies)
    }

    /// The delivery configuration of a request's profile (resolved as [`Profiles::resolve`]
    /// does), if it has one.
    pub fn delivery<'p>(
        &'p self,
        profile: Option<&'p super::ProfileRef>,
    ) -> Option<&'p DeliveryConfig> {
        match profile {
            None => self.get("default")?.delivery.as_ref(),
            Some(super::ProfileRef::Name(name)) => self.get(name)?.delivery.as_ref(),
            Some(super::ProfileRef::Inline(p)) => p.delivery.as_ref(),
        }
    }

    /// Registered names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.iter().map(|e| e.0.as_str())
    }

    /// Number of profiles.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when none is registered.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl Serialize for Profiles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return s.collect_map(self.map.iter().map(|(k, v)| (k, &v.0)));
        }
        let mut texts = Vec::with_capacity(self.map.len());
        for (k, v) in &self.map {
            let text = serde_json::to_string(&v.0).map_err(serde::ser::Error::custom)?;
            texts.push((k, text));
        }
        s.collect_map(texts)
    }
}

impl<'de> Deserialize<'de> for Profiles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: Vec<(String, Profile)> = if d.is_human_readable() {
            BTreeMap::<String, Profile>::deserialize(d)?
                .into_iter()
                .collect()
        } else {
            // A list of (name, text) pairs: in postcard the very bytes of the map `serialize`
            // writes, without a map type's code in the wasm build. Written sorted and unique;
            // a repeated name would replace the earlier one, as in a map.
            let texts = Vec::<(String, String)>::deserialize(d)?;
            let mut raw = Vec::with_capacity(texts.len());
            for (name, text) in texts {
                let p = serde_json::from_str(&text)
                    .map_err(|e| serde::de::Error::custom(format!("profile `{name}`: {e}")))?;
                raw.push((name, p));
            }
            raw
        };
        let mut out = Profiles::new();
        for (name, p) in raw {
            out.restore(&name, p)
                .map_err(|e| serde::de::Error::custom(format!("profile `{name}`: {e}")))?;
        }
        Ok(out)
    }
}
