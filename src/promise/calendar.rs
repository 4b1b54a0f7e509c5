//! Business-day calendars: which weekdays a location works or a carrier delivers, minus public
//! holidays, and the French public holidays computed for any year.
//!
//! Days are [`Day`]s (days since 1970-01-01), so stepping through a calendar is integer
//! arithmetic; only parsing and printing go through civil dates.

use crate::date::Date;
use serde::{Deserialize, Serialize};

use crate::inventory::Day;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 for Monday to 6 for Sunday.
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The weekday of `day` (1970-01-01 was a Thursday).
    pub fn of(day: Day) -> Weekday {
        let i = (i64::from(day.0) + 3).rem_euclid(7) as usize;
        Weekday::ALL.get(i).copied().unwrap_or(Weekday::Monday)
    }
}

/// A set of weekdays, one bit per day (bit 0 is Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Weekdays(u8);

impl Weekdays {
    /// Monday to Friday.
    pub const MON_FRI: Weekdays = Weekdays(0b001_1111);
    /// Monday to Saturday.
    pub const MON_SAT: Weekdays = Weekdays(0b011_1111);
    /// Every day.
    pub const ALL: Weekdays = Weekdays(0b111_1111);

    /// The set of `days`.
    pub fn of(days: &[Weekday]) -> Weekdays {
        Weekdays(days.iter().fold(0, |m, d| m | (1 << d.index())))
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.index()) != 0
    }

    /// True when no weekday is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The weekdays in the set, Monday first.
    pub fn to_vec(self) -> Vec<Weekday> {
        Weekday::ALL
            .into_iter()
            .filter(|d| self.contains(*d))
            .collect()
    }
}

/// Public holidays, as a sorted list of days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Holidays(Vec<Day>);

impl Holidays {
    /// Exactly `days` (any order, duplicates allowed).
    pub fn new(mut days: Vec<Day>) -> Self {
        crate::order::sort_by(&mut days, Ord::cmp);
        days.dedup();
        Self(days)
    }

    /// The French public holidays of the years `from..=to`, plus `extra` days.
    pub fn french(from: i16, to: i16, extra: &[Day]) -> Self {
        let mut days: Vec<Day> = (from..=to)
            .flat_map(french_holidays)
            .map(Day::from_date)
            .collect();
        days.extend_from_slice(extra);
        Self::new(days)
    }

    /// Whether `day` is a holiday.
    pub fn contains(&self, day: Day) -> bool {
        self.0.binary_search(&day).is_ok()
    }

    /// The holidays, sorted.
    pub fn days(&self) -> &[Day] {
        &self.0
    }
}

/// Most days a calendar walks before giving up: a calendar always has an open weekday, so this
/// bound is only reached on absurd holiday lists and keeps every walk finite.
const MAX_WALK: i32 = 3_660;

/// Working (or delivery) weekdays minus holidays.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'h> {
    open: Weekdays,
    holidays: &'h Holidays,
}

impl<'h> Calendar<'h> {
    /// A calendar open on `open` weekdays except `holidays`.
    pub fn new(open: Weekdays, holidays: &'h Holidays) -> Self {
        Self { open, holidays }
    }

    /// Whether `day` is a business day.
    pub fn is_open(&self, day: Day) -> bool {
        self.open.contains(Weekday::of(day)) && !self.holidays.contains(day)
    }

    /// `day` itself when it is a business day, else the next one.
    pub fn first_open_from(&self, day: Day) -> Day {
        let mut d = day;
        while !self.is_open(d) && d.0 - day.0 < MAX_WALK {
            d = Day(d.0 + 1);
        }
        d
    }

    /// The first business day strictly after `day`.
    pub fn next_business_day(&self, day: Day) -> Day {
        self.first_open_from(Day(day.0 + 1))
    }

    /// The `n`-th business day after `day`; with `n = 0`, `day` itself if it is a business day,
    /// else the next one.
    pub fn add_business_days(&self, day: Day, n: u32) -> Day {
        if n == 0 {
            return self.first_open_from(day);
        }
        let mut d = day;
        for _ in 0..n {
            d = self.next_business_day(d);
        }
        d
    }
}

/// Easter Sunday of `year` in the Gregorian calendar (`None` outside years 1583..=9999).
///
/// The "anonymous Gregorian algorithm" (Meeus/Jones/Butcher), as given in Jean Meeus,
/// *Astronomical Algorithms*, 2nd ed. (1998), chapter 8: valid for every Gregorian year.
pub fn easter_sunday(year: i16) -> Option<Date> {
    if !(1583..=9999).contains(&year) {
        return None;
    }
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).ok()
}

/// The 11 national public holidays of France in `year`, in date order: New Year's Day, Easter
/// Monday, Labour Day, Victory in Europe Day, Ascension Thursday (Easter + 39 days), Whit Monday
/// (Easter + 50 days), Bastille Day, Assumption, All Saints' Day, Armistice Day and Christmas
/// (Code du travail, art. L3133-1); the Easter-based ones only for Gregorian years (from 1583).
/// Alsace-Moselle's extra days (Good Friday, 26 December) are
/// not included: list them in `holidays` where needed.
pub fn french_holidays(year: i16) -> Vec<Date> {
    let fixed = [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    let mut days: Vec<Date> = fixed
        .iter()
        .filter_map(|&(m, d)| Date::new(year, m, d).ok())
        .collect();
    if let Some(easter) = easter_sunday(year) {
        let easter = Day::from_date(easter);
        days.extend([1, 39, 50].map(|n| Day(easter.0 + n).date()));
    }
    crate::order::sort_by(&mut days, Ord::cmp);
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn weekdays_of_known_dates() {
        assert_eq!(Weekday::of(day("1970-01-01")), Weekday::Thursday);
        assert_eq!(Weekday::of(day("2026-12-05")), Weekday::Saturday);
        assert_eq!(Weekday::of(day("2026-12-06")), Weekday::Sunday);
        assert_eq!(Weekday::of(day("1969-12-29")), Weekday::Monday);
        for s in ["2026-03-02", "2027-03-29", "2000-02-29"] {
            let expected = day(s).date().weekday_from_monday();
            assert_eq!(Weekday::of(day(s)).index(), expected, "{s}");
        }
    }

    #[test]
    fn easter_matches_published_dates() {
        for (y, m, d) in [
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Date::new(y, m, d).ok(), "{y}");
        }
    }

    #[test]
    fn french_holidays_of_2026() {
        let got: Vec<String> = french_holidays(2026)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got,
            [
                "2026-01-01",
                "2026-04-06",
                "2026-05-01",
                "2026-05-08",
                "2026-05-14",
                "2026-05-25",
                "2026-07-14",
                "2026-08-15",
                "2026-11-01",
                "2026-11-11",
                "2026-12-25"
            ]
        );
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let h = Holidays::french(2026, 2026, &[]);
        let cal = Calendar::new(Weekdays::MON_FRI, &h);
        // Thursday 24 December + 1 → Monday 28 (Christmas Friday, then the weekend).
        assert_eq!(
            cal.add_business_days(day("2026-12-24"), 1),
            day("2026-12-28")
        );
        assert_eq!(
            cal.add_business_days(day("2026-12-26"), 0),
            day("2026-12-28")
        );
        assert_eq!(
            cal.add_business_days(day("2026-12-28"), 0),
            day("2026-12-28")
        );
        assert_eq!(cal.next_business_day(day("2026-05-13")), day("2026-05-15"));
    }
}
