//! Errors of delivery-option requests and delivery configurations.

use thiserror::Error;

use crate::sourcing::SourcingError;
use crate::InputError;

/// Why a delivery-options request or a delivery configuration was refused. Each carries a
/// stable [`PromiseError::code`] and names the offending field.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PromiseError {
    /// The request is malformed (bad `now`, negative price, missing field): `invalid_input`.
    #[error("{0}")]
    Invalid(InputError),
    /// The cart, destination or profile was refused as `engine.source` refuses them; the code is
    /// the sourcing one (`invalid_input`, `invalid_quantity`, `cart_too_large`,
    /// `unknown_profile`, `invalid_profile`).
    #[error(transparent)]
    Sourcing(#[from] SourcingError),
    /// A delivery configuration field is out of range or inconsistent:
    /// `invalid_delivery_config`.
    #[error("{0}")]
    InvalidConfig(InputError),
}

impl PromiseError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PromiseError::Invalid(_) => "invalid_input",
            PromiseError::Sourcing(e) => e.code(),
            PromiseError::InvalidConfig(_) => "invalid_delivery_config",
        }
    }

    /// The offending field's path (`now`, `lines[2].unitPrice`,
    /// `delivery.serviceLevels[1].transit[0].minDays`), empty when about the whole request.
    pub fn field(&self) -> &str {
        match self {
            PromiseError::Invalid(e) | PromiseError::InvalidConfig(e) => &e.field,
            PromiseError::Sourcing(e) => e.field(),
        }
    }

    pub(crate) fn input(field: impl Into<String>, message: impl Into<String>) -> Self {
        PromiseError::Invalid(InputError::new(field, message))
    }

    pub(crate) fn config(field: impl Into<String>, message: impl Into<String>) -> Self {
        PromiseError::InvalidConfig(InputError::new(field, message))
    }
}
