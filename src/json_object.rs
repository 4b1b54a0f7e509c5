//! Objects only, in JSON: serde's derived decoders also read a struct from an array, field by
//! field in order, so `{"fallback": [null, 5]}` or `{"lines": [["A", 2]]}` would be read as
//! whatever those positions mean. Fields holding structs use these functions
//! (`#[serde(deserialize_with = ...)]`), which refuse anything but an object in a human-readable
//! format ("invalid type: sequence, expected an object", named at its path) and read formats that
//! are not (postcard, in snapshots: structs there are sequences) as the derived decoder does.
//!
//! In the JSON decoder a struct is then read through `MapAccessDeserializer` instead of
//! serde_json's own deserializer: one instantiation of its decoder replaces the other.
//!
//! The visitors below repeat what serde's decoders of `Option`, `Vec` and maps do, on purpose:
//! reading a newtype through those (`Vec<Obj<T>>` and so on) was measured at 4.9 KB more gzip of
//! the shipped wasm (258.6 against 253.7 KB, over the 256 KB budget).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A struct that must be a JSON object.
pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    if d.is_human_readable() {
        d.deserialize_map(Object(PhantomData))
    } else {
        T::deserialize(d)
    }
}

/// An optional struct: absent or `null`, else an object.
pub fn object_opt<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    if d.is_human_readable() {
        d.deserialize_option(OptObject(PhantomData))
    } else {
        Option::<T>::deserialize(d)
    }
}

/// A list of structs, each an object.
pub fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    if d.is_human_readable() {
        d.deserialize_seq(List(PhantomData))
    } else {
        Vec::<T>::deserialize(d)
    }
}

/// An optional list of structs: absent or `null`, else a list of objects.
pub fn objects_opt<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    if d.is_human_readable() {
        d.deserialize_option(OptObjects(PhantomData))
    } else {
        Option::<Vec<T>>::deserialize(d)
    }
}

/// Structs by key, each an object.
pub fn object_values<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<BTreeMap<String, T>, D::Error> {
    if d.is_human_readable() {
        d.deserialize_map(Values(PhantomData))
    } else {
        BTreeMap::<String, T>::deserialize(d)
    }
}

struct Object<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Object<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Object<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        object(d)
    }
}

/// `null`, else an object.
struct OptObject<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OptObject<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        object(d).map(Some)
    }
}

/// `null`, else a list of objects.
struct OptObjects<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OptObjects<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of objects or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        objects(d).map(Some)
    }
}

struct List<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for List<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(x) = seq.next_element_seed(Object(PhantomData))? {
            out.push(x);
        }
        Ok(out)
    }
}

struct Values<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Values<T> {
    type Value = BTreeMap<String, T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(Object(PhantomData))?;
            out.insert(k, v);
        }
        Ok(out)
    }
}

/// A list of structs, each an object, as a whole document (`upsertLocations`' argument).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub struct Objects<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Objects<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        objects(d).map(Objects)
    }
}
