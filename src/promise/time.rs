//! Local civil time to the minute: the explicit `now` of a delivery request and the times
//! computed from it. No clock and no time zone is read here: the caller states `now` in the
//! network's local time, and every answer is in that same local time.

use std::fmt;

use crate::inventory::Day;

/// Minutes in a day.
pub const DAY_MINUTES: i64 = 1_440;

/// A local civil date and time, as minutes since 1970-01-01T00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment(pub i64);

impl Moment {
    /// `minute` minutes after the start of `day`.
    pub fn at(day: Day, minute: i64) -> Moment {
        Moment(i64::from(day.0) * DAY_MINUTES + minute)
    }

    /// Parses `YYYY-MM-DDTHH:MM`, optionally followed by `:SS` (seconds are dropped). Offsets,
    /// zone names and fractions are refused: `now` is a local time by contract.
    pub fn parse(s: &str) -> Result<Moment, String> {
        let bad = || format!("must be a local date and time `YYYY-MM-DDTHH:MM`, got `{s}`");
        let b = s.as_bytes();
        if !(b.len() == 16 || b.len() == 19) || b.get(10) != Some(&b'T') {
            return Err(bad());
        }
        let day = Day::parse(s.get(..10).ok_or_else(bad)?).map_err(|_| bad())?;
        let two = |at: usize| -> Option<i64> {
            let (h, l) = (*b.get(at)?, *b.get(at + 1)?);
            (h.is_ascii_digit() && l.is_ascii_digit())
                .then(|| i64::from(h - b'0') * 10 + i64::from(l - b'0'))
        };
        let (hour, minute) = (two(11).ok_or_else(bad)?, two(14).ok_or_else(bad)?);
        if b.get(13) != Some(&b':') || hour > 23 || minute > 59 {
            return Err(bad());
        }
        if b.len() == 19 && (b.get(16) != Some(&b':') || two(17).is_none_or(|sec| sec > 59)) {
            return Err(bad());
        }
        Ok(Moment::at(day, hour * 60 + minute))
    }

    /// The day.
    pub fn day(self) -> Day {
        Day(self.0.div_euclid(DAY_MINUTES) as i32)
    }

    /// Minutes since midnight.
    pub fn minute_of_day(self) -> i64 {
        self.0.rem_euclid(DAY_MINUTES)
    }
}

impl fmt::Display for Moment {
    /// `YYYY-MM-DDTHH:MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minute_of_day();
        write!(f, "{}T{:02}:{:02}", self.day(), m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m = Moment::parse("2026-12-05T09:07").unwrap();
        assert_eq!(m.to_string(), "2026-12-05T09:07");
        assert_eq!(m.minute_of_day(), 9 * 60 + 7);
        assert_eq!(Moment::parse("2026-12-05T09:07:59").unwrap(), m);
        assert_eq!(
            Moment::parse("1969-12-31T23:59").unwrap().to_string(),
            "1969-12-31T23:59"
        );
    }

    #[test]
    fn refuses_anything_else() {
        for s in [
            "",
            "2026-12-05",
            "2026-12-05 09:07",
            "2026-12-05T9:07",
            "2026-12-05T24:00",
            "2026-12-05T09:60",
            "2026-02-30T10:00",
            "2026-12-05T09:07Z",
            "2026-12-05T09:07+01:00",
            "2026-12-05T09:07:60",
            "2026-12-05T09:07:5x",
            "2026-12-05T09-07",
            "2026-12-05T09:07:00.5",
        ] {
            assert!(Moment::parse(s).is_err(), "{s}");
        }
    }
}
