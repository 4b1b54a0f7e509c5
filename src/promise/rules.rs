//! A [`DeliveryConfig`] checked field by field and compiled into plain numbers: minutes, day
//! counts and weekday sets.

use rustc_hash::FxHashMap;

use super::calendar::{Calendar, Holidays, Weekdays};
use super::config::{Country, DeliveryConfig, ServiceLevel, SiteHours};
use super::time::Moment;
use super::PromiseError;
use crate::inventory::Day;
use crate::network::{LocationKind, Network};

/// Most service levels a configuration may list.
pub const MAX_LEVELS: usize = 16;
/// Most transit bands per service level.
pub const MAX_BANDS: usize = 16;
/// Most extra holidays.
pub const MAX_HOLIDAYS: usize = 1_000;
/// Largest day count (transit, transfer).
pub const MAX_DAYS: u32 = 60;
/// Longest processing time, in hours.
pub const MAX_PROCESSING_HOURS: u32 = 240;

/// When a location works, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    /// Working weekdays.
    pub days: Weekdays,
    /// Opening minute of the day.
    pub open: i64,
    /// Closing minute of the day (> open).
    pub close: i64,
    /// Orders after this minute wait for the next working day.
    pub cutoff: i64,
    /// Working minutes to prepare an order.
    pub processing: i64,
}

impl Site {
    /// When an order placed at `now` is ready to leave (or to be collected): processing starts at
    /// `now` on a working day before the cutoff (at opening if earlier), else at the next working
    /// day's opening, and runs in working hours only, carrying over to the next working day.
    pub fn ready_at(&self, now: Moment, holidays: &Holidays) -> Moment {
        let (day, minute) = self.ready(now, holidays);
        Moment::at(day, minute)
    }

    /// The working day on which an order placed at `now` is ready, the day it leaves: the day
    /// of [`Site::ready_at`], except that ready at a midnight close (24:00) is that working
    /// day's, not the next calendar day's 00:00.
    pub fn ready_day(&self, now: Moment, holidays: &Holidays) -> Day {
        self.ready(now, holidays).0
    }

    /// The working day and minute of that day (up to 1440) at which it is ready: both
    /// [`Site::ready_day`] and [`Site::ready_at`] at once.
    pub fn ready(&self, now: Moment, holidays: &Holidays) -> (Day, i64) {
        let cal = Calendar::new(self.days, holidays);
        let (today, minute) = (now.day(), now.minute_of_day());
        let (mut day, mut at) = if cal.is_open(today) && minute < self.cutoff {
            (today, minute.max(self.open))
        } else {
            (cal.next_business_day(today), self.open)
        };
        let mut left = self.processing;
        // A working day lasts at least an hour and processing at most 240 h: 241 days at most.
        for _ in 0..=MAX_PROCESSING_HOURS {
            let slice = self.close - at;
            if left <= slice {
                break;
            }
            left -= slice;
            day = cal.next_business_day(day);
            at = self.open;
        }
        (day, at + left.min(self.close - at))
    }
}

/// One transit band, in delivery days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Upper bound in km (`None`: unbounded).
    pub max_km: Option<f64>,
    /// Fewest delivery days after dispatch.
    pub min_days: u32,
    /// Most delivery days after dispatch.
    pub max_days: u32,
}

/// A checked service level.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Price of the first parcel.
    pub base_price: f64,
    /// Free from this cart value.
    pub free_above: Option<f64>,
    /// Per extra parcel.
    pub surcharge: f64,
    /// Bands by increasing `max_km`.
    pub bands: Vec<Band>,
    /// Delivery weekdays.
    pub delivery: Weekdays,
    /// Parcel limit.
    pub max_shipments: Option<u32>,
    /// Every parcel must leave on the order day.
    pub same_day_dispatch: bool,
}

impl Level {
    /// Farthest a location may be to ship this level (`None`: anywhere).
    pub fn reach_km(&self) -> Option<f64> {
        self.bands.last().and_then(|b| b.max_km)
    }

    /// The band of a parcel travelling `km`.
    pub fn band(&self, km: f64) -> Band {
        let fallback = Band {
            max_km: None,
            min_days: 0,
            max_days: 0,
        };
        self.bands
            .iter()
            .find(|b| b.max_km.is_none_or(|m| km <= m))
            .or(self.bands.last())
            .copied()
            .unwrap_or(fallback)
    }

    /// The price of `parcels` parcels for a cart worth `cart_value`, rounded to the cent.
    pub fn price(&self, parcels: usize, cart_value: f64) -> f64 {
        if self.free_above.is_some_and(|f| cart_value >= f) {
            return 0.0;
        }
        let extra = parcels.saturating_sub(1) as f64;
        ((self.base_price + self.surcharge * extra) * 100.0).round() / 100.0
    }
}

/// Checked click & collect rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Collect {
    /// Offered at all.
    pub enabled: bool,
    /// Price.
    pub price: f64,
    /// Radius around the destination, km.
    pub max_km: f64,
    /// Most stores listed.
    pub max_stores: usize,
    /// Store working days of a warehouse transfer.
    pub transfer_days: u32,
}

/// A whole configuration, checked.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Currency code.
    pub currency: String,
    country: Option<Country>,
    extra_holidays: Vec<Day>,
    store: Site,
    warehouse: Site,
    store_hours: SiteHours,
    warehouse_hours: SiteHours,
    /// Hours of a location by its id, as written (resolved against its kind's on use), sorted
    /// by id: the first that does not hold is the one an error names.
    overrides: Vec<(String, SiteHours)>,
    /// Service levels in listing order.
    pub levels: Vec<Level>,
    /// Click & collect.
    pub collect: Collect,
}

fn path(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    }
}

/// The most a price of a configuration coming in may be ([`check_incoming`]): as a sourcing
/// cost, so that a price summed over parcels never overflows. A stored configuration above it
/// (an earlier build accepted any finite price) is read at this ceiling.
pub const MAX_PRICE: f64 = crate::network::MAX_COST;

/// A price: a finite number >= 0, read at most [`MAX_PRICE`].
fn price(at: &str, field: &str, v: f64) -> Result<f64, PromiseError> {
    Ok(money(at, field, v)?.min(MAX_PRICE))
}

/// A finite number >= 0 (a price, a distance).
fn money(at: &str, field: &str, v: f64) -> Result<f64, PromiseError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(PromiseError::config(
            path(at, field),
            "must be a finite number >= 0",
        ))
    }
}

fn whole(at: &str, field: &str, v: f64, lo: u32, hi: u32) -> Result<u32, PromiseError> {
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
fn hour(at: &str, field: &str, v: f64, lo: f64, hi: f64) -> Result<i64, PromiseError> {
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
fn check_hours(at: &str, h: &SiteHours) -> Result<(), PromiseError> {
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
fn resolve_site(at: &str, kind: LocationKind, layers: &[&SiteHours]) -> Result<Site, PromiseError> {
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

fn check_level(at: &str, l: &ServiceLevel) -> Result<Level, PromiseError> {
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
fn own_hours(
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
fn unset_hours(e: PromiseError, kind: &str) -> PromiseError {
    match e {
        PromiseError::InvalidConfig(e) => PromiseError::config(
            e.field,
            format!("{}, with {kind} hours it leaves unset", e.message),
        ),
        e => e,
    }
}

fn check_currency(config: &DeliveryConfig, at: &str) -> Result<(), PromiseError> {
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

impl Rules {
    /// Checks every field of `config`; `at` prefixes field paths in errors (`delivery` for an
    /// inline configuration, empty for a registered one).
    pub fn compile(config: &DeliveryConfig, at: &str) -> Result<Rules, PromiseError> {
        for (field, v) in [
            ("currency", &config.currency),
            ("timeZone", &config.time_zone),
        ] {
            if v.is_empty() {
                return Err(PromiseError::config(path(at, field), "must not be empty"));
            }
        }
        if config.holidays.len() > MAX_HOLIDAYS {
            return Err(PromiseError::config(
                path(at, "holidays"),
                format!("at most {MAX_HOLIDAYS} days"),
            ));
        }
        let mut extra_holidays = Vec::with_capacity(config.holidays.len());
        for (i, h) in config.holidays.iter().enumerate() {
            let day = Day::parse(h)
                .map_err(|m| PromiseError::config(path(at, &format!("holidays[{i}]")), m))?;
            extra_holidays.push(day);
        }
        check_hours(&path(at, "store"), &config.store)?;
        check_hours(&path(at, "warehouse"), &config.warehouse)?;
        let store = resolve_site(&path(at, "store"), LocationKind::Store, &[&config.store])?;
        let warehouse = resolve_site(
            &path(at, "warehouse"),
            LocationKind::Warehouse,
            &[&config.warehouse],
        )?;
        let mut overrides = Vec::with_capacity(config.locations.len());
        for (id, h) in &config.locations {
            let here = path(at, &format!("locations.{id}"));
            if id.is_empty() {
                return Err(PromiseError::config(here, "location id must not be empty"));
            }
            check_hours(&here, h)?;
            overrides.push((id.clone(), h.clone()));
        }
        if config.service_levels.len() > MAX_LEVELS {
            return Err(PromiseError::config(
                path(at, "serviceLevels"),
                format!("at most {MAX_LEVELS} levels"),
            ));
        }
        let mut levels: Vec<Level> = Vec::with_capacity(config.service_levels.len());
        for (i, l) in config.service_levels.iter().enumerate() {
            let here = path(at, &format!("serviceLevels[{i}]"));
            let level = check_level(&here, l)?;
            if levels.iter().any(|x| x.id == level.id) {
                return Err(PromiseError::config(
                    path(&here, "id"),
                    format!("`{}` appears twice", level.id),
                ));
            }
            levels.push(level);
        }
        let c = &config.click_and_collect;
        let here = path(at, "clickAndCollect");
        let collect = Collect {
            enabled: c.enabled,
            price: price(&here, "price", c.price)?,
            max_km: money(&here, "maxDistanceKm", c.max_distance_km)?,
            max_stores: whole(&here, "maxStores", c.max_stores, 1, 50)? as usize,
            transfer_days: whole(&here, "transferDays", c.transfer_days, 0, MAX_DAYS)?,
        };
        Ok(Rules {
            currency: config.currency.clone(),
            country: config.country,
            extra_holidays,
            store,
            warehouse,
            store_hours: config.store.clone(),
            warehouse_hours: config.warehouse.clone(),
            overrides,
            levels,
            collect,
        })
    }

    /// The holidays in force around `now`: the country's for the years from the one before
    /// `now` to ten years after (as far as a calendar walks: the longest processing at one
    /// open hour a week, then the longest transit, reach about six), plus the extra days.
    pub fn holidays(&self, now: Moment) -> Holidays {
        match self.country {
            Some(Country::France) => {
                let year = now.day().date().year();
                Holidays::french(
                    year.saturating_sub(1),
                    year.saturating_add(10),
                    &self.extra_holidays,
                )
            }
            None => Holidays::new(self.extra_holidays.clone()),
        }
    }

    /// The hours of every location of `network` that has its own, by location index
    /// (overrides naming unknown ids are ignored). Own hours that do not hold with the kind's
    /// they leave unset: for a configuration coming in (`incoming`, the path it is at), an
    /// error naming the field; for a stored one (an earlier build took them) left out, the
    /// location keeping its kind's hours and the rest of the network its own.
    pub fn located_sites(
        &self,
        network: &Network,
        incoming: Option<&str>,
    ) -> Result<Sites, PromiseError> {
        let mut by_location = FxHashMap::default();
        for (id, h) in &self.overrides {
            let Some(i) = network.lookup(id) else {
                continue;
            };
            let Some(l) = network.get(i) else { continue };
            let here = incoming.map(|at| path(at, &format!("locations.{id}")));
            let at = here.as_deref().unwrap_or("");
            match own_hours(&self.store_hours, &self.warehouse_hours, at, h, l.kind) {
                Ok(site) => {
                    by_location.insert(i, site);
                }
                Err(e) if incoming.is_some() => {
                    let kind = match l.kind {
                        LocationKind::Store => "a store's",
                        LocationKind::Warehouse => "a warehouse's",
                    };
                    return Err(unset_hours(e, kind));
                }
                Err(_) => {}
            }
        }
        Ok(Sites {
            store: self.store,
            warehouse: self.warehouse,
            by_location,
        })
    }
}

/// The hours of every location, resolved for one network.
#[derive(Debug, Clone)]
pub struct Sites {
    store: Site,
    warehouse: Site,
    by_location: FxHashMap<u32, Site>,
}

impl Sites {
    /// The hours of the location at index `i`, of kind `kind`.
    pub fn of(&self, i: u32, kind: LocationKind) -> Site {
        match self.by_location.get(&i) {
            Some(s) => *s,
            None => self.of_kind(kind),
        }
    }

    /// The hours of a kind, without per-location overrides.
    pub fn of_kind(&self, kind: LocationKind) -> Site {
        match kind {
            LocationKind::Store => self.store,
            LocationKind::Warehouse => self.warehouse,
        }
    }

    /// Locations with their own hours, by index.
    pub fn overrides(&self) -> impl Iterator<Item = (u32, &Site)> {
        self.by_location.iter().map(|(i, s)| (*i, s))
    }
}
