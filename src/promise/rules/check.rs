//! A delivery configuration's fields checked one by one (what [`Rules::compile`] reads), and the
//! further checks of a configuration coming in ([`check_incoming`], [`check_located`]).

use super::{Band, Level, Rules, Site, MAX_BANDS, MAX_DAYS, MAX_PRICE, MAX_PROCESSING_HOURS};
use crate::network::{LocationKind, Network};
use crate::promise::calendar::Weekdays;
use crate::promise::config::{DeliveryConfig, ServiceLevel, SiteHours};
use crate::promise::PromiseError;

pub(super) fn path(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    }
}

/// A price: a finite number >= 0, read at most [`MAX_PRICE`].
pub(super) fn price(at: &str, field: &str, v: f64) -> Result<f64, PromiseError> {
    Ok(money(at, field, v)?.min(MAX_PRICE))
}

/// A finite number >= 0 (a price, a distance).
pub(super) fn money(at: &str, field: &str, v: f64) -> Result<f64, PromiseError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(PromiseError::config(
            path(at, field),
            "must be a finite number >= 0",
        ))
    }
}

pub(super) fn whole(at: &str, field: &str, v: f64, lo: u32, hi: u32) -> Result<u32, PromiseError> {
    if v.is_finite() && v.fract() == 0.0 && v >= f64::from(lo) && v <= f64::from(hi) {
        Ok(v as u32)
    } else {
        Err(PromiseError::config(
            path(at, field),
            format!("must be an integer in {lo}..={hi}"),
        ))
    }
}

/// Hours as a number to the minute, in `[lo, hi]`, to minutes.
pub(super) fn hour(at: &str, field: &str, v: f64, lo: f64, hi: f64) -> Result<i64, PromiseError> {
    let minutes = v * 60.0;
    if v.is_finite() && (lo..=hi).contains(&v) && (minutes - minutes.round()).abs() < 1e-6 {
        Ok(minutes.round() as i64)
    } else {
        Err(PromiseError::config(
            path(at, field),
            format!("must be a number of hours in [{lo}, {hi}], to the minute"),
        ))
    }
}

/// Checks the fields of `h` that are set, alone.
pub(super) fn check_hours(at: &str, h: &SiteHours) -> Result<(), PromiseError> {
    if h.open_days.as_ref().is_some_and(Vec::is_empty) {
        return Err(PromiseError::config(
            path(at, "openDays"),
            "must not be empty",
        ));
    }
    let hours = [
        ("openHour", h.open_hour, 24.0),
        ("closeHour", h.close_hour, 24.0),
        ("cutoffHour", h.cutoff_hour, 24.0),
        (
            "processingHours",
            h.processing_hours,
            f64::from(MAX_PROCESSING_HOURS),
        ),
    ];
    for (field, v, hi) in hours {
        if let Some(v) = v {
            hour(at, field, v, 0.0, hi)?;
        }
    }
    Ok(())
}

/// `layers`, most specific first, resolved field by field over the built-in hours of `kind`.
pub(super) fn resolve_site(
    at: &str,
    kind: LocationKind,
    layers: &[&SiteHours],
) -> Result<Site, PromiseError> {
    let builtin = SiteHours::builtin(kind);
    let pick = |f: fn(&SiteHours) -> Option<f64>| {
        layers
            .iter()
            .find_map(|h| f(h))
            .or(f(&builtin))
            .unwrap_or(0.0)
    };
    let days = layers
        .iter()
        .find_map(|h| h.open_days.as_ref())
        .or(builtin.open_days.as_ref())
        .map_or(Weekdays::MON_FRI, |d| Weekdays::of(d));
    let site = Site {
        days,
        open: hour(at, "openHour", pick(|h| h.open_hour), 0.0, 24.0)?,
        close: hour(at, "closeHour", pick(|h| h.close_hour), 0.0, 24.0)?,
        cutoff: hour(at, "cutoffHour", pick(|h| h.cutoff_hour), 0.0, 24.0)?,
        processing: hour(
            at,
            "processingHours",
            pick(|h| h.processing_hours),
            0.0,
            f64::from(MAX_PROCESSING_HOURS),
        )?,
    };
    if site.close - site.open < 60 {
        return Err(PromiseError::config(
            path(at, "closeHour"),
            "must be at least one hour after openHour",
        ));
    }
    if !(site.open..=site.close).contains(&site.cutoff) {
        return Err(PromiseError::config(
            path(at, "cutoffHour"),
            "must lie between openHour and closeHour",
        ));
    }
    Ok(site)
}

pub(super) fn check_level(at: &str, l: &ServiceLevel) -> Result<Level, PromiseError> {
    if l.id.is_empty() {
        return Err(PromiseError::config(path(at, "id"), "must not be empty"));
    }
    if l.transit.is_empty() || l.transit.len() > MAX_BANDS {
        return Err(PromiseError::config(
            path(at, "transit"),
            format!("must list 1 to {MAX_BANDS} bands"),
        ));
    }
    let mut bands = Vec::with_capacity(l.transit.len());
    let last = l.transit.len() - 1;
    for (i, b) in l.transit.iter().enumerate() {
        let here = path(at, &format!("transit[{i}]"));
        let max_km = match b.max_km {
            None if i < last => {
                return Err(PromiseError::config(
                    path(&here, "maxKm"),
                    "is required on every band but the last",
                ))
            }
            None => None,
            Some(km) => Some(money(&here, "maxKm", km)?),
        };
        let prev = bands.last().and_then(|p: &Band| p.max_km);
        if let (Some(p), Some(km)) = (prev, max_km) {
            if km <= p {
                return Err(PromiseError::config(
                    path(&here, "maxKm"),
                    "must be greater than the previous band's",
                ));
            }
        }
        let min_days = whole(&here, "minDays", b.min_days, 0, MAX_DAYS)?;
        let max_days = whole(&here, "maxDays", b.max_days, min_days, MAX_DAYS)?;
        bands.push(Band {
            max_km,
            min_days,
            max_days,
        });
    }
    let delivery = match &l.delivery_days {
        Some(d) if d.is_empty() => {
            return Err(PromiseError::config(
                path(at, "deliveryDays"),
                "must not be empty",
            ))
        }
        Some(d) => Weekdays::of(d),
        None => Weekdays::MON_FRI,
    };
    let max_shipments = l
        .max_shipments
        .map(|m| whole(at, "maxShipments", m, 1, u32::MAX))
        .transpose()?;
    let name = match &l.name {
        Some(n) if n.is_empty() => {
            return Err(PromiseError::config(path(at, "name"), "must not be empty"))
        }
        Some(n) => n.clone(),
        None => l.id.clone(),
    };
    Ok(Level {
        id: l.id.clone(),
        name,
        base_price: price(at, "basePrice", l.base_price)?,
        free_above: l
            .free_above
            .map(|f| price(at, "freeAbove", f))
            .transpose()?,
        surcharge: price(
            at,
            "extraParcelSurcharge",
            l.extra_parcel_surcharge.unwrap_or(0.0),
        )?,
        bands,
        delivery,
        max_shipments,
        same_day_dispatch: l.same_day_dispatch.unwrap_or(false),
    })
}

/// What a configuration coming in must pass beyond [`Rules::compile`]'s checks. Checked where
/// it comes in (`setProfile`, a request's `delivery`), not where a stored one is read back (a
/// snapshot, a journal): a configuration an earlier build accepted still loads.
/// - `currency` is a currency code (three letters, `EUR`, `chf`): checkout pages format prices
///   with it, and `Intl.NumberFormat` throws on anything else;
/// - prices are at most [`MAX_PRICE`];
/// - each location's own hours hold with the unset hours of at least one kind (which kind is the
///   network's to say: [`check_located`]).
pub fn check_incoming(config: &DeliveryConfig, at: &str) -> Result<(), PromiseError> {
    check_currency(config, at)?;
    let priced = config.service_levels.iter().enumerate().flat_map(|(i, l)| {
        let here = path(at, &format!("serviceLevels[{i}]"));
        [
            (path(&here, "basePrice"), Some(l.base_price)),
            (path(&here, "freeAbove"), l.free_above),
            (
                path(&here, "extraParcelSurcharge"),
                l.extra_parcel_surcharge,
            ),
        ]
    });
    let collect = (
        path(at, "clickAndCollect.price"),
        Some(config.click_and_collect.price),
    );
    for (field, v) in priced.chain([collect]) {
        if v.is_some_and(|v| v > MAX_PRICE) {
            return Err(PromiseError::config(
                field,
                format!("must be a number in [0, {MAX_PRICE}]"),
            ));
        }
    }
    let (store, warehouse) = (&config.store, &config.warehouse);
    for (id, h) in &config.locations {
        let here = path(at, &format!("locations.{id}"));
        let as_store = own_hours(store, warehouse, &here, h, LocationKind::Store);
        if as_store.is_err()
            && own_hours(store, warehouse, &here, h, LocationKind::Warehouse).is_ok()
        {
            continue;
        }
        as_store.map_err(|e| unset_hours(e, "neither with a store's nor with a warehouse's"))?;
    }
    Ok(())
}

/// Checks the own hours of the locations of `network` that `config` names, with the unset hours
/// of their kind: a configuration coming in (`setProfile`) is refused when they do not hold,
/// rather than have them left out at request time ([`Rules::located_sites`], which a request's
/// own configuration goes through as it is answered).
pub fn check_located(
    config: &DeliveryConfig,
    at: &str,
    network: &Network,
) -> Result<(), PromiseError> {
    Rules::compile(config, at)?
        .located_sites(network, Some(at))
        .map(drop)
}

/// A location's own hours `h` completed by its kind's (`store` or `warehouse`, as configured).
pub(super) fn own_hours(
    store: &SiteHours,
    warehouse: &SiteHours,
    at: &str,
    h: &SiteHours,
    kind: LocationKind,
) -> Result<Site, PromiseError> {
    let hours = match kind {
        LocationKind::Store => store,
        LocationKind::Warehouse => warehouse,
    };
    resolve_site(at, kind, &[h, hours])
}

/// `e` saying which kind's hours, left unset by the location, it was checked with.
pub(super) fn unset_hours(e: PromiseError, kind: &str) -> PromiseError {
    match e {
        PromiseError::InvalidConfig(e) => PromiseError::config(
            e.field,
            format!("{}, with {kind} hours it leaves unset", e.message),
        ),
        e => e,
    }
}

pub(super) fn check_currency(config: &DeliveryConfig, at: &str) -> Result<(), PromiseError> {
    let c = config.currency.as_bytes();
    if c.len() == 3 && c.iter().all(u8::is_ascii_alphabetic) {
        return Ok(());
    }
    Err(PromiseError::config(
        path(at, "currency"),
        format!(
            "must be a three-letter ISO 4217 code (EUR, CHF), got `{}`",
            config.currency
        ),
    ))
}
