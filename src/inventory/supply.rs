//! Future supply: units expected at a location on a day (purchase orders, transfers, ASNs).
//!
//! Availability answers "available from `<date>`" when today's ATS falls short but what is
//! expected by that day covers the request (ATS + inbound by date, as in "available to
//! promise" by date).

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// A calendar day, stored as days since 1970-01-01 so that it sorts and subtracts cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i32);

impl Day {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Day, String> {
        let date: Date = s
            .parse()
            .map_err(|_| format!("must be a YYYY-MM-DD date, got `{s}`"))?;
        Ok(Self::from_date(date))
    }

    /// The day of a civil date.
    pub fn from_date(date: Date) -> Day {
        Day(date.to_days())
    }

    /// The civil date of this day.
    pub fn date(self) -> Date {
        Date::from_days(self.0).unwrap_or(Date::MIN)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.date())
    }
}

/// Expected units at one position, sorted by day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbound(pub Vec<(Day, i32)>);

impl Inbound {
    /// True when the entries are what [`Inbound::set`] leaves: days strictly increasing, each a
    /// calendar date, each with units expected (> 0). Snapshot loading checks it.
    pub fn is_consistent(&self) -> bool {
        self.0.windows(2).all(|w| w[0].0 < w[1].0)
            && self
                .0
                .iter()
                .all(|&(day, qty)| qty > 0 && Date::from_days(day.0).is_some())
    }

    /// Sets what is expected on `day` (0 removes the entry).
    pub fn set(&mut self, day: Day, qty: i32) {
        match self.0.binary_search_by_key(&day, |e| e.0) {
            Ok(i) if qty == 0 => {
                self.0.remove(i);
            }
            Ok(i) => {
                if let Some(e) = self.0.get_mut(i) {
                    e.1 = qty;
                }
            }
            Err(_) if qty == 0 => {}
            Err(i) => self.0.insert(i, (day, qty)),
        }
    }

    /// Expected entries from `today` on (earlier ones are late or already received).
    pub fn from_day(&self, today: Day) -> impl Iterator<Item = (Day, i32)> + '_ {
        self.0.iter().copied().filter(move |e| e.0 >= today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_round_trips() {
        let d = Day::parse("2026-11-25").unwrap();
        assert_eq!(d.to_string(), "2026-11-25");
        assert_eq!(Day::parse("1970-01-02").unwrap(), Day(1));
        assert!(Day::parse("2026-02-30").is_err());
    }

    #[test]
    fn inbound_set_replaces_and_clears() {
        let mut i = Inbound::default();
        i.set(Day(10), 5);
        i.set(Day(3), 2);
        i.set(Day(10), 7);
        assert_eq!(i.0, vec![(Day(3), 2), (Day(10), 7)]);
        i.set(Day(3), 0);
        assert_eq!(i.0, vec![(Day(10), 7)]);
    }
}
