//! serde's reading of a batch: the reference the decoder in `scan` is tested against.

use super::*;
use serde::de;

enum Key {
    Id,
    Type,
    Sku,
    Location,
    Qty,
    Delta,
    OnHand,
    Version,
    Date,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "id" => Key::Id,
                    "type" => Key::Type,
                    "sku" => Key::Sku,
                    "location" => Key::Location,
                    "qty" => Key::Qty,
                    "delta" => Key::Delta,
                    "onHand" => Key::OnHand,
                    "version" => Key::Version,
                    "date" => Key::Date,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawEvent<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawEvent<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut e = RawEvent::default();
                while let Some(key) = map.next_key::<Key>()? {
                    let slot = match key {
                        Key::Id => &mut e.id,
                        Key::Type => &mut e.kind,
                        Key::Sku => &mut e.sku,
                        Key::Location => &mut e.location,
                        Key::Qty => &mut e.qty,
                        Key::Delta => &mut e.delta,
                        Key::OnHand => &mut e.on_hand,
                        Key::Version => &mut e.version,
                        Key::Date => &mut e.date,
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(map.next_value()?);
                }
                Ok(e)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// One element of a batch: an object, or something that cannot be an event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSlot<'a>(pub Option<RawEvent<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for EventSlot<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = EventSlot<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
                RawEvent::deserialize(de::value::MapAccessDeserializer::new(a))
                    .map(|e| EventSlot(Some(e)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(EventSlot(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(EventSlot(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(EventSlot(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(EventSlot(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(EventSlot(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(EventSlot(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(EventSlot(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}
