//! The delivery promise: what a checkout page offers for a cart — home delivery service levels
//! with their price, earliest and latest delivery dates and the sourcing plan behind each, and
//! click & collect at nearby stores — computed from an explicit `now`, never from a clock.
//!
//! [`delivery_options`] is the entry point (`engine.deliveryOptions`). A [`DeliveryConfig`]
//! describes the retailer's promise: the request's own `delivery`, else its profile's `delivery`
//! (configured once per retailer, see [`configured`]), else the built-in default, the demo's
//! French retail configuration.
//!
//! # Home delivery
//! For each service level, the cart is sourced under the request's profile (as
//! `engine.source` does) restricted by the level: only locations within the reach of its last
//! transit band, at most `maxShipments` parcels, complete plans only and, for a
//! `sameDayDispatch` level, only locations that can still send a parcel today. Levels with the
//! same constraints share one plan. Then, for each parcel of the plan:
//!
//! 1. **ready** — processing starts at `now` if the location works today and `now` is before its
//!    cutoff (at opening if earlier), else at the opening of its next working day; it takes
//!    `processingHours` of working time, carried over to the next working day past closing;
//! 2. **dispatch** — the carrier collects the parcel on the day it is ready;
//! 3. **delivery** — the transit band of its distance gives `minDays`..`maxDays` delivery days
//!    after dispatch, counted on the level's `deliveryDays` (never Sundays by default, never
//!    public holidays).
//!
//! The cart's `earliest` and `latest` dates are its last parcel's. The price is `basePrice +
//! extraParcelSurcharge × (parcels − 1)`, rounded to the cent, or 0 when the cart value reaches
//! `freeAbove`. A level with no complete plan, or needing a same-day dispatch after every
//! cutoff, is listed in `unavailable` with its reason.
//!
//! # Click & collect
//! Active pickup stores within `maxDistanceKm` of the destination, nearest first, at most
//! `maxStores`: a store whose ATS covers the whole cart is ready (`readyAt`) when processing
//! ends ("ready in 2 h"; as above, but from `now` whenever the store is open: the cutoff is the
//! carrier's, and a collected order leaves with the shopper); otherwise the nearest active
//! warehouse whose ATS covers what the store lacks sends it, and the order is ready (`readyOn`)
//! on the day the transfer arrives: `transferDays` store working days after the warehouse's
//! dispatch day.
//!
//! # Time
//! `now` is a local civil time (`YYYY-MM-DDTHH:MM`) in the configuration's `timeZone`; hours and
//! answers are in the same local time. One zone for the whole network: the core has no time-zone
//! database and reads no clock, so equal inputs always give equal answers.

mod calendar;
mod collect;
mod config;
mod error;
mod home;
mod options;
mod request;
mod rules;
mod time;

use std::borrow::Cow;

pub use calendar::{easter_sunday, french_holidays, Calendar, Holidays, Weekday, Weekdays};
pub use config::{ClickAndCollect, Country, DeliveryConfig, ServiceLevel, SiteHours, TransitBand};
pub use error::PromiseError;
pub use options::{
    CollectOption, CollectSource, DeliveryOptions, HomeOption, Quote, ShipmentTiming, Unavailable,
    UnavailableReason,
};
pub use request::{Checked, DeliveryRequest};
pub use rules::{check_incoming, check_located, Rules, Site, MAX_PRICE};
pub use time::Moment;

use crate::inventory::{Inventory, SkuStock};
use crate::network::Network;
use crate::sourcing::{self, Cart, ProfileRef, Profiles, SourcingError, Strategy};

/// What the computations of one request share.
struct Context<'a> {
    network: &'a Network,
    rules: &'a Rules,
    sites: rules::Sites,
    holidays: Holidays,
    now: Moment,
    cart: &'a Cart,
    /// The stock of each cart line's SKU, looked up once for every level and store.
    stocks: Vec<Option<&'a SkuStock>>,
    /// `pickupAt`: the one store whose click & collect offer is wanted.
    pickup_at: Option<&'a str>,
}

impl DeliveryConfig {
    /// Checks every field; `at` prefixes field paths in errors (`delivery`, `profile.delivery`,
    /// or empty). Errors are `invalid_delivery_config`.
    pub fn validate(&self, at: &str) -> Result<(), PromiseError> {
        Rules::compile(self, at).map(drop)
    }
}

/// The strategies of the request's profile, resolved as `engine.source` resolves them
/// ([`Profiles::resolve_priced`]).
pub fn strategies<'p>(
    profiles: &'p Profiles,
    profile: Option<&ProfileRef>,
    price_explanations: Option<bool>,
) -> Result<Cow<'p, [Strategy]>, SourcingError> {
    profiles.resolve_priced(profile, price_explanations)
}

/// The delivery configuration a request names, with the path its errors are reported under: the
/// request's own `delivery`, else its profile's (see [`Profiles::delivery`]); `None` when neither
/// has one.
pub fn configured<'a>(
    profiles: &'a Profiles,
    request: &'a DeliveryRequest,
) -> Option<(&'a DeliveryConfig, &'static str)> {
    match &request.delivery {
        Some(inline) => Some((inline, "delivery")),
        None => profiles
            .delivery(request.profile.as_ref())
            .map(|c| (c, "profile.delivery")),
    }
}

/// The delivery options of `request` over `network` and `inventory`.
///
/// `profiles` resolves the request's profile; `config` is the delivery configuration used when
/// neither the request nor its profile has one (the engine passes the built-in default).
pub fn delivery_options(
    network: &Network,
    inventory: &Inventory,
    profiles: &Profiles,
    request: &DeliveryRequest,
    config: &DeliveryConfig,
) -> Result<DeliveryOptions, PromiseError> {
    let checked = request.check()?;
    let strategies = strategies(
        profiles,
        request.profile.as_ref(),
        request.price_explanations,
    )?;
    offer(
        network,
        inventory,
        profiles,
        request,
        config,
        &checked,
        &strategies,
        home::PlanCache::default(),
    )
}

/// What a checkout page shows for a cart (`engine.quote`): the plan `source` gives it and the
/// delivery options, as [`delivery_options`] gives them. The plan comes first and seeds the
/// service levels' sourcing: a level whose constraints it meets (typically standard delivery)
/// reuses it instead of sourcing the cart again. The plan's `costlier` explanations are priced
/// unless `priceExplanations` is false.
pub fn quote(
    network: &Network,
    inventory: &Inventory,
    profiles: &Profiles,
    request: &DeliveryRequest,
    config: &DeliveryConfig,
) -> Result<Quote, PromiseError> {
    let checked = request.check()?;
    let strategies = strategies(
        profiles,
        request.profile.as_ref(),
        request.price_explanations,
    )?;
    let plan = sourcing::source_cart(network, inventory, &checked.cart, &strategies);
    let cache = home::PlanCache::seeded(strategies.to_vec(), plan.clone());
    let delivery_options = offer(
        network,
        inventory,
        profiles,
        request,
        config,
        &checked,
        &strategies,
        cache,
    )?;
    Ok(Quote {
        plan,
        delivery_options,
    })
}

#[allow(clippy::too_many_arguments)]
fn offer(
    network: &Network,
    inventory: &Inventory,
    profiles: &Profiles,
    request: &DeliveryRequest,
    config: &DeliveryConfig,
    checked: &request::Checked,
    strategies: &[Strategy],
    cache: home::PlanCache,
) -> Result<DeliveryOptions, PromiseError> {
    // A configuration coming in with the request; a profile's was checked when it was set
    // (an inline profile's, but for its locations' hours, when the request was read).
    if let Some(inline) = &request.delivery {
        rules::check_incoming(inline, "delivery")?;
    }
    let (config, at) = configured(profiles, request).unwrap_or((config, ""));
    let rules = Rules::compile(config, at)?;
    // Coming in with the request (its own, or its inline profile's): the hours of the
    // locations it names must hold with their kind's; a stored one's that do not are left out.
    let incoming = request.delivery.is_some()
        || matches!(&request.profile, Some(ProfileRef::Inline(p)) if p.delivery.is_some());
    let ctx = Context {
        network,
        rules: &rules,
        sites: rules.located_sites(network, incoming.then_some(at))?,
        holidays: rules.holidays(checked.now),
        now: checked.now,
        cart: &checked.cart,
        stocks: sourcing::problem::stocks(inventory, &checked.cart),
        pickup_at: request.pickup_at.as_deref(),
    };
    let (home, unavailable) = home::offers(&ctx, strategies, checked.cart_value, cache);
    let click_and_collect = collect::offers(&ctx);
    Ok(DeliveryOptions {
        now: checked.now.to_string(),
        currency: rules.currency.clone(),
        cart_value: checked.cart_value,
        home,
        unavailable,
        click_and_collect,
    })
}
