//! Civil (proleptic Gregorian) dates, as the API writes them: `YYYY-MM-DD`.
//!
//! The engine needs only calendar days — parse, print, count and weekday — so it converts to and
//! from a day count itself (the classic era-based algorithm: 400-year eras of 146,097 days)
//! instead of shipping a date-time library and its time-zone machinery in the `.wasm`.

use std::fmt;
use std::str::FromStr;

/// A calendar date in the years 1..=9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i16,
    month: i8,
    day: i8,
}

/// Why a date is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(&'static str);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: i8) -> i8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// 0001-01-01.
    pub const MIN: Date = Date {
        year: 1,
        month: 1,
        day: 1,
    };

    /// The date `year-month-day`, checked (years 1..=9999).
    pub fn new(year: i16, month: i8, day: i8) -> Result<Date, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError("year out of range 1..=9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError("month out of range 1..=12"));
        }
        if day < 1 || day > days_in_month(i32::from(year), month) {
            return Err(DateError("day out of range for the month"));
        }
        Ok(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i16 {
        self.year
    }

    /// The month, 1..=12.
    pub fn month(self) -> i8 {
        self.month
    }

    /// The day of the month, 1..=31.
    pub fn day(self) -> i8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i32 {
        let (m, d) = (i32::from(self.month), i32::from(self.day));
        let y = i32::from(self.year) - i32::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if within years 1..=9999.
    pub fn from_days(days: i32) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i32::from(month <= 2);
        Date::new(i16::try_from(year).ok()?, month as i8, day as i8).ok()
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub fn weekday_from_monday(self) -> u8 {
        // 1970-01-01 was a Thursday (3 from Monday).
        (self.to_days() + 3).rem_euclid(7) as u8
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;

    /// Parses exactly `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<i32> {
            let part = b.get(r)?;
            part.iter().try_fold(0i32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
            })
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError("expected YYYY-MM-DD"));
        }
        match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => Date::new(y as i16, m as i8, d as i8),
            _ => Err(DateError("expected YYYY-MM-DD")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_round_trip_and_match_known_dates() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().to_days(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().to_days(), 11_017);
        assert_eq!(Date::new(2026, 11, 25).unwrap().to_days(), 20_782);
        for days in (-719_162..2_932_896).step_by(997) {
            let d = Date::from_days(days).unwrap();
            assert_eq!(d.to_days(), days, "{d}");
        }
        assert_eq!(Date::from_days(-719_163), None, "year 0 is out of range");
    }

    #[test]
    fn parses_prints_and_knows_weekdays() {
        let d: Date = "2026-11-25".parse().unwrap();
        assert_eq!(d.to_string(), "2026-11-25");
        assert_eq!(d.weekday_from_monday(), 2, "a Wednesday");
        assert_eq!(
            "2024-02-29".parse::<Date>().unwrap().weekday_from_monday(),
            3
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-11-25",
            "2026-11-25T",
            "abcd-ef-gh",
            "0000-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }
}
