//! The path of the JSON value at which a decoding error occurred (`[3].lat`, `lines[0].qty`).
//!
//! serde_json reports where an error happened as a line and column; this walks the document up to
//! that point and names the value being read. It replaces a path-tracking deserializer wrapper,
//! which instantiated a second copy of every request type's decoder (the largest single item in
//! the shipped `.wasm`); the scan runs only when decoding has already failed.

enum Frame {
    Object {
        key: Option<String>,
        after_colon: bool,
    },
    Array {
        index: usize,
    },
}

/// Byte offset of 1-based `line` and `column` in `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column).min(text.len())
}

/// The path of the value being read at 1-based `line`/`column` of `text`; empty at the root.
pub fn path_at(text: &str, line: usize, column: usize) -> String {
    let end = offset(text, line, column);
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object {
                    key,
                    after_colon: false,
                }) = stack.last_mut()
                {
                    let raw = text.get(start..i.min(text.len())).unwrap_or("");
                    *key = Some(
                        serde_json::from_str::<String>(&format!("\"{raw}\""))
                            .unwrap_or_else(|_| raw.to_string()),
                    );
                }
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                after_colon: false,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { after_colon, .. }) = stack.last_mut() {
                    *after_colon = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, after_colon }) => {
                    *key = None;
                    *after_colon = false;
                }
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::LocationInput;

    fn field_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        crate::from_json::<T>(json).unwrap_err().field
    }

    #[test]
    fn names_the_value_that_failed() {
        let ok = r#"{"id":"A","kind":"store","lat":1,"lon":2}"#;
        assert_eq!(
            field_of::<Vec<LocationInput>>(&format!(
                "[{ok},{{\"id\":\"B\",\"kind\":\"store\",\"lat\":null,\"lon\":2}}]"
            )),
            "[1].lat"
        );
        assert_eq!(
            field_of::<Vec<LocationInput>>(&format!(
                "[{ok},{ok},{{\"id\":\"C\",\"lat\":1,\"lon\":2}}]"
            )),
            "[2].kind"
        );
        assert_eq!(
            field_of::<Vec<LocationInput>>(r#"[{"id":"A","kind":"shop","lat":1,"lon":2}]"#),
            "[0].kind"
        );
        assert_eq!(
            field_of::<Vec<LocationInput>>(
                "[{\n \"id\": \"A\",\n \"kind\": \"store\",\n \"lat\": \"x\", \"lon\": 2}]"
            ),
            "[0].lat"
        );
        assert_eq!(
            field_of::<Vec<LocationInput>>(
                r#"[{"name":"x\",]","id":"A","kind":"store","lat":1,"lon":[1,{"a":"]"}]}]"#
            ),
            "[0].lon"
        );
        assert_eq!(
            field_of::<Vec<LocationInput>>(
                r#"[{"id":"A","kind":"store","lat":1,"lon":2,"cost\u0050":1}]"#
            ),
            "[0].costP"
        );
        assert_eq!(path_at(r#"{"near":{"lat":true}}"#, 1, 19), "near.lat");
        // A point given as a coordinate pair: the array is named, not its first item.
        let pair = crate::from_json::<crate::inventory::AvailabilityQuery>(
            r#"{"skus":["A"],"near":[2.35,48.85]}"#,
        )
        .unwrap_err();
        assert_eq!(pair.field, "near");
        assert!(
            pair.message.contains("expected an object {lat, lon}"),
            "{}",
            pair.message
        );
    }

    #[test]
    fn a_lone_surrogate_is_named_as_such() {
        for id in [r"\ud800", r"\ud800X", r"\udc00"] {
            let e = crate::from_json::<Vec<LocationInput>>(&format!(
                r#"[{{"id":"{id}","kind":"store","lat":1,"lon":2}}]"#
            ))
            .unwrap_err();
            assert_eq!(e.field, "[0].id", "{id}");
            assert!(
                e.message
                    .starts_with("is not well-formed Unicode: a lone surrogate"),
                "{id}: {}",
                e.message
            );
        }
    }
}
