//! Errors of sourcing requests and profiles.

use thiserror::Error;

use crate::InputError;

/// Why a sourcing request or a profile was refused. Each carries a stable [`SourcingError::code`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SourcingError {
    /// The request is malformed (missing field, empty cart, bad destination): `invalid_input`.
    #[error("{0}")]
    Invalid(InputError),
    /// A line's quantity is not an integer in `1..=1e9`: `invalid_quantity`.
    #[error("{0}")]
    InvalidQuantity(InputError),
    /// The cart has more than [`crate::sourcing::MAX_LINES`] lines or
    /// [`crate::sourcing::MAX_UNITS`] units: `cart_too_large`.
    #[error("{0}")]
    CartTooLarge(InputError),
    /// The named profile is not registered: `unknown_profile`.
    #[error("unknown profile `{0}`")]
    UnknownProfile(String),
    /// A profile field is out of range or misplaced; the error names its path: `invalid_profile`.
    #[error("{0}")]
    InvalidProfile(InputError),
    /// A field of a profile's `delivery` configuration is out of range or inconsistent; the
    /// error names its path (`profile.delivery.serviceLevels[0].basePrice`):
    /// `invalid_delivery_config`.
    #[error("{0}")]
    InvalidDeliveryConfig(InputError),
}

impl SourcingError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SourcingError::Invalid(_) => "invalid_input",
            SourcingError::InvalidQuantity(_) => "invalid_quantity",
            SourcingError::CartTooLarge(_) => "cart_too_large",
            SourcingError::UnknownProfile(_) => "unknown_profile",
            SourcingError::InvalidProfile(_) => "invalid_profile",
            SourcingError::InvalidDeliveryConfig(_) => "invalid_delivery_config",
        }
    }

    /// The offending field's path (`lines[2].qty`, `profile.strategies[0].maxShipments`), empty
    /// when the error is about the whole request.
    pub fn field(&self) -> &str {
        match self {
            SourcingError::Invalid(e)
            | SourcingError::InvalidQuantity(e)
            | SourcingError::CartTooLarge(e)
            | SourcingError::InvalidProfile(e)
            | SourcingError::InvalidDeliveryConfig(e) => &e.field,
            SourcingError::UnknownProfile(_) => "profile",
        }
    }

    pub(crate) fn profile(field: impl Into<String>, message: impl Into<String>) -> Self {
        SourcingError::InvalidProfile(InputError::new(field, message))
    }

    /// A decoding error inside a profile whose path starts with `profile`: in its `delivery`
    /// configuration `invalid_delivery_config`, elsewhere `invalid_profile`.
    pub fn in_profile(e: InputError) -> Self {
        let delivery = Self::in_delivery(e.field.strip_prefix("profile.").unwrap_or(""));
        Self::of_profile(delivery, e)
    }

    /// True when `within`, a path inside a profile (`delivery.currency`, `maxDistanceKm`), lies
    /// in its `delivery` configuration.
    pub fn in_delivery(within: &str) -> bool {
        let rest = within.strip_prefix("delivery").unwrap_or("-");
        rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')
    }

    /// A profile's `delivery` configuration refused by its checks: `invalid_delivery_config`
    /// (a sourcing error inside it stays what it is).
    pub fn of_delivery(e: crate::promise::PromiseError) -> Self {
        use crate::promise::PromiseError;
        match e {
            PromiseError::Sourcing(e) => e,
            PromiseError::Invalid(e) | PromiseError::InvalidConfig(e) => {
                SourcingError::InvalidDeliveryConfig(e)
            }
        }
    }

    /// `invalid_delivery_config` when `delivery`, else `invalid_profile`.
    pub fn of_profile(delivery: bool, e: InputError) -> Self {
        if delivery {
            SourcingError::InvalidDeliveryConfig(e)
        } else {
            SourcingError::InvalidProfile(e)
        }
    }
}
