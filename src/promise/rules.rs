//! A [`DeliveryConfig`] checked field by field and compiled into plain numbers: minutes, day
//! counts and weekday sets.

use crate::FxHashMap;

use super::calendar::{Calendar, Holidays, Weekdays};
use super::config::{Country, DeliveryConfig, SiteHours};
use super::time::Moment;
use super::PromiseError;
use crate::inventory::Day;
use crate::network::{LocationKind, Network};

mod check;

use check::{
    check_hours, check_level, money, own_hours, path, price, resolve_site, unset_hours, whole,
};
pub use check::{check_incoming, check_located};

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

/// The most a price of a configuration coming in may be ([`check_incoming`]): as a sourcing
/// cost, so that a price summed over parcels never overflows. A stored configuration above it
/// (an earlier build accepted any finite price) is read at this ceiling.
pub const MAX_PRICE: f64 = crate::network::MAX_COST;

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
