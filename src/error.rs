//! The crate's error type: one enum per area, gathered here so that bindings map it once.

use thiserror::Error;

use crate::inventory::QueryError;
use crate::network::NetworkError;
use crate::promise::PromiseError;
use crate::snapshot::SnapshotError;
use crate::sourcing::SourcingError;

/// A request whose shape is wrong: a missing field, a wrong type, a malformed document.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{}", if .field.is_empty() { .message.clone() } else { format!("{}: {}", .field, .message) })]
pub struct InputError {
    /// Path of the offending field (`[2].lat`, `near.lon`), empty when the whole document is bad.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl InputError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn from_json(json: &str, err: &serde_json::Error) -> Self {
        let mut field = crate::json_path::path_at(json, err.line(), err.column());
        let text = err.to_string();
        // serde_json appends "at line 1 column 57": noise for a caller who sent an object.
        let message = match text.find(" at line ") {
            Some(cut) => text[..cut].to_string(),
            None => text,
        };
        // JSON.stringify writes a lone surrogate as a `\u` escape, which serde_json refuses in
        // terms of escapes a caller who sent a string never wrote.
        let message = if [
            "unexpected end of hex escape",
            "lone leading surrogate in hex escape",
            "invalid unicode code point",
        ]
        .contains(&message.as_str())
        {
            format!("is not well-formed Unicode: a lone surrogate ({message})")
        } else {
            message
        };
        // serde_json refuses a value of an enum field that is neither a string nor an object
        // (`"mode": 5`) as "expected value", its word for malformed JSON; in a well-formed
        // document it is the value's type that is wrong.
        let message = if message == "expected value"
            && serde_json::from_str::<serde::de::IgnoredAny>(json).is_ok()
        {
            "invalid type: expected one of this field's names, as a string".to_string()
        } else {
            message
        };
        // A missing field is reported at the end of the object that lacks it: the field named is
        // the one missing (`[1].id`), not its object.
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            field = if field.is_empty() {
                name.to_string()
            } else {
                format!("{field}.{name}")
            };
        }
        // An array where something else belongs is reported once serde_json has read its `[`:
        // the field named is the array, not its first item.
        if message.starts_with("invalid type: sequence") {
            if let Some(array) = field.strip_suffix("[0]") {
                field.truncate(array.len());
            }
        }
        Self { field, message }
    }
}

/// Every error the engine reports. Each carries a stable machine-readable [`Error::code`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A malformed request.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A location that cannot be stored or found.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// An availability or ATS query that cannot be answered.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A snapshot that cannot be loaded.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// A sourcing request or profile that cannot be used.
    #[error(transparent)]
    Sourcing(#[from] SourcingError),
    /// A delivery-options request or delivery configuration that cannot be used.
    #[error(transparent)]
    Promise(#[from] PromiseError),
}

impl Error {
    /// The stable code of this error (`invalid_input`, `unknown_location`, …), for programs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input(_) => "invalid_input",
            Error::Network(e) => e.code(),
            Error::Query(e) => e.code(),
            Error::Snapshot(e) => e.code(),
            Error::Sourcing(e) => e.code(),
            Error::Promise(e) => e.code(),
        }
    }

    /// The offending field's path (`[3].lat`), when the error is about one field.
    pub fn field(&self) -> Option<&str> {
        let input = match self {
            Error::Input(e)
            | Error::Network(NetworkError::Invalid(e))
            | Error::Query(QueryError::Invalid(e)) => e,
            Error::Sourcing(e) => return Some(e.field()).filter(|f| !f.is_empty()),
            Error::Promise(e) => return Some(e.field()).filter(|f| !f.is_empty()),
            // The location argument of `ats`, `position` or `setAlertThreshold`.
            Error::Network(NetworkError::UnknownLocation(_))
            | Error::Query(QueryError::UnknownLocation(_)) => return Some("location"),
            _ => return None,
        };
        (!input.field.is_empty()).then_some(input.field.as_str())
    }
}
