//! Objects only, in JSON: serde's derived decoders also read a struct from an array, field by
//! field in order, so `{"fallback": [null, 5]}` or `{"lines": [["A", 2]]}` would be read as
//! whatever those positions mean. Fields holding structs use these functions
//! (`#[serde(deserialize_with = ...)]`), which refuse anything but an object in a human-readable
//! format ("invalid type: sequence, expected an object", named at its path) and read formats that
//! are not (postcard, in snapshots: structs there are sequences) as the derived decoder does.
//!
//! One rule, [`object`], read through [`Obj`] wherever a struct sits inside an `Option`, a list
//! or a map: serde's own decoders of those containers do the rest. In the JSON decoder a struct
//! is then read through `MapAccessDeserializer` instead of serde_json's own deserializer: one
//! instantiation of its decoder replaces the other.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// A struct that must be a JSON object.
pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    if d.is_human_readable() {
        d.deserialize_map(ObjectVisitor(PhantomData))
    } else {
        T::deserialize(d)
    }
}

/// An optional struct: absent or `null`, else an object.
pub fn object_opt<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(Option::<Obj<T>>::deserialize(d)?.map(|o| o.0))
}

/// A list of structs, each an object.
pub fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Vec::<Obj<T>>::deserialize(d)?
        .into_iter()
        .map(|o| o.0)
        .collect())
}

/// An optional list of structs: absent or `null`, else a list of objects.
pub fn objects_opt<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    Ok(Option::<Objects<T>>::deserialize(d)?.map(|o| o.0))
}

/// Structs by key, each an object.
pub fn object_values<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<BTreeMap<String, T>, D::Error> {
    let map = BTreeMap::<String, Obj<T>>::deserialize(d)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// A struct read by [`object`]: what serde's decoders of `Option`, `Vec` and maps hold.
pub struct Obj<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object(d).map(Obj)
    }
}

/// A list of structs, each an object, as a whole document (`upsertLocations`' argument).
pub struct Objects<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Objects<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        objects(d).map(Objects)
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}
