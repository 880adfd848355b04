//! The civil calendar of an Italian city: Europe/Rome time, national holidays and the patron day.

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use serde::Serialize;

pub const ROME: Tz = chrono_tz::Europe::Rome;

/// The instant at which a Rome wall-clock time happens. `None` in the hour that does not exist
/// when clocks go forward (last Sunday of March, 02:00–03:00); in the hour that happens twice
/// (last Sunday of October) the first one is meant, as a counter clerk would read it.
pub fn to_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    match ROME.from_local_datetime(&NaiveDateTime::new(date, time)) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// A day's wall-clock times as instants. Most days keep one UTC offset from midnight to midnight,
/// so the time-zone rules are read twice for the day instead of once per slot; on the two DST
/// days every time goes through [`to_instant`].
#[derive(Debug, Clone, Copy)]
pub struct LocalDay {
    date: NaiveDate,
    offset: Option<FixedOffset>,
}

impl LocalDay {
    pub fn new(date: NaiveDate) -> Self {
        let offset_at = |time: NaiveTime| match ROME.from_local_datetime(&NaiveDateTime::new(date, time)) {
            LocalResult::Single(at) => Some(at.offset().fix()),
            _ => None,
        };
        let midnight = offset_at(NaiveTime::MIN);
        let last_second = NaiveTime::from_hms_opt(23, 59, 59).and_then(offset_at);
        let offset = match (midnight, last_second) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        };
        Self { date, offset }
    }

    pub fn instant(&self, time: NaiveTime) -> Option<DateTime<Utc>> {
        match self.offset {
            Some(offset) => NaiveDateTime::new(self.date, time)
                .checked_sub_offset(offset)
                .map(|utc| Utc.from_utc_datetime(&utc)),
            None => to_instant(self.date, time),
        }
    }
}

/// Rome wall-clock date and time of an instant.
pub fn local(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&ROME).naive_local()
}

/// Easter Sunday (Gregorian computus, Meeus/Jones/Butcher); `None` outside chrono's years.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
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
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_it: &'static str,
    pub name_en: &'static str,
}

const FIXED_HOLIDAYS: &[(u32, u32, &str, &str)] = &[
    (1, 1, "Capodanno", "New Year's Day"),
    (1, 6, "Epifania", "Epiphany"),
    (4, 25, "Festa della Liberazione", "Liberation Day"),
    (5, 1, "Festa del Lavoro", "Labour Day"),
    (6, 2, "Festa della Repubblica", "Republic Day"),
    (8, 15, "Ferragosto (Assunzione)", "Assumption Day"),
    (11, 1, "Ognissanti", "All Saints' Day"),
    (12, 8, "Immacolata Concezione", "Immaculate Conception"),
    (12, 25, "Natale", "Christmas Day"),
    (12, 26, "Santo Stefano", "St Stephen's Day"),
];

/// 4 October (San Francesco d'Assisi e Santa Caterina da Siena) is a national holiday again
/// from 2026 (legge 151/2025).
const SAINT_FRANCIS_FROM_YEAR: i32 = 2026;

/// A day of the year without a year: the patron saint's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthDayError {
    #[error("write the day as MM-DD, for example 08-26")]
    Format,
    #[error("no such day in a year")]
    NoSuchDay,
}

impl MonthDay {
    pub fn parse(raw: &str) -> Result<Self, MonthDayError> {
        let (month, day) = raw.split_once('-').ok_or(MonthDayError::Format)?;
        if month.len() != 2 || day.len() != 2 {
            return Err(MonthDayError::Format);
        }
        let month: u32 = month.parse().map_err(|_| MonthDayError::Format)?;
        let day: u32 = day.parse().map_err(|_| MonthDayError::Format)?;
        // 2023 is not a leap year: 29 February would be a patron day three years out of four.
        NaiveDate::from_ymd_opt(2023, month, day).ok_or(MonthDayError::NoSuchDay)?;
        Ok(Self { month, day })
    }
}

/// Which days the city's offices may open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    pub patron_day: Option<MonthDay>,
}

impl Calendar {
    pub fn new(patron_day: Option<MonthDay>) -> Self {
        Self { patron_day }
    }

    /// Every holiday of a year, national ones first, the patron day last; a date may appear twice
    /// (a patron day on a national holiday). The one place the rules are written.
    fn holidays_unsorted(&self, year: i32) -> impl Iterator<Item = Holiday> + '_ {
        let fixed = FIXED_HOLIDAYS
            .iter()
            .filter_map(move |&(month, day, name_it, name_en)| {
                Some(Holiday {
                    date: NaiveDate::from_ymd_opt(year, month, day)?,
                    name_it,
                    name_en,
                })
            });
        let easter = easter_sunday(year);
        let easter_days = [
            easter.map(|date| Holiday {
                date,
                name_it: "Pasqua",
                name_en: "Easter Sunday",
            }),
            easter.and_then(|e| e.succ_opt()).map(|date| Holiday {
                date,
                name_it: "Lunedì dell'Angelo (Pasquetta)",
                name_en: "Easter Monday",
            }),
        ];
        let saint_francis = (year >= SAINT_FRANCIS_FROM_YEAR)
            .then(|| NaiveDate::from_ymd_opt(year, 10, 4))
            .flatten()
            .map(|date| Holiday {
                date,
                name_it: "San Francesco d'Assisi e Santa Caterina da Siena",
                name_en: "St Francis of Assisi and St Catherine of Siena",
            });
        let patron = self
            .patron_day
            .and_then(|patron| NaiveDate::from_ymd_opt(year, patron.month, patron.day))
            .map(|date| Holiday {
                date,
                name_it: "Santo patrono",
                name_en: "Patron saint's day",
            });
        fixed
            .chain(easter_days.into_iter().flatten())
            .chain(saint_francis)
            .chain(patron)
    }

    /// National holidays of a year, in date order, and the patron day when it is not one already.
    pub fn holidays(&self, year: i32) -> Vec<Holiday> {
        let mut days: Vec<Holiday> = Vec::new();
        for holiday in self.holidays_unsorted(year) {
            if !days.iter().any(|known| known.date == holiday.date) {
                days.push(holiday);
            }
        }
        days.sort_by_key(|holiday| holiday.date);
        days
    }

    /// Asked for every day of every availability answer: no list is built.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays_unsorted(date.year())
            .any(|holiday| holiday.date == date)
    }

    /// Monday to Friday, not a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// The `count`-th working day after `date` (`count = 0`: `date` itself); the last date chrono
    /// knows if the calendar runs out first.
    pub fn working_days_after(&self, date: NaiveDate, count: u32) -> NaiveDate {
        let mut day = date;
        let mut left = count;
        while left > 0 {
            let Some(next) = day.succ_opt() else {
                return day;
            };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates_are_right() {
        assert_eq!(easter_sunday(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(date(2027, 3, 28)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
    }

    #[test]
    fn dst_edges_in_rome() {
        // 29 March 2026: 02:30 does not exist; 01:59 is UTC+1, 03:00 is UTC+2.
        assert_eq!(
            to_instant(date(2026, 3, 29), NaiveTime::from_hms_opt(2, 30, 0).unwrap()),
            None
        );
        let before = to_instant(date(2026, 3, 29), NaiveTime::from_hms_opt(1, 0, 0).unwrap()).unwrap();
        let after = to_instant(date(2026, 3, 29), NaiveTime::from_hms_opt(3, 0, 0).unwrap()).unwrap();
        assert_eq!(after - before, Duration::hours(1));
        // 25 October 2026: 02:30 happens twice; the first one (UTC+2) is meant.
        let twice = to_instant(date(2026, 10, 25), NaiveTime::from_hms_opt(2, 30, 0).unwrap()).unwrap();
        assert_eq!(twice.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert_eq!(local(twice).time(), NaiveTime::from_hms_opt(2, 30, 0).unwrap());
    }

    #[test]
    fn a_local_day_converts_like_the_time_zone_rules() {
        for (y, m, d) in [
            (2026, 3, 28),
            (2026, 3, 29),
            (2026, 3, 30),
            (2026, 10, 25),
            (2026, 7, 1),
            (2027, 1, 15),
        ] {
            let day = LocalDay::new(date(y, m, d));
            for minutes in (0..24 * 60).step_by(5) {
                let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap();
                assert_eq!(
                    day.instant(time),
                    to_instant(date(y, m, d), time),
                    "{y}-{m}-{d} {time}"
                );
            }
        }
    }

    #[test]
    fn patron_day_parsing() {
        assert_eq!(MonthDay::parse("08-26"), Ok(MonthDay { month: 8, day: 26 }));
        assert_eq!(MonthDay::parse("8-26"), Err(MonthDayError::Format));
        assert_eq!(MonthDay::parse("02-30"), Err(MonthDayError::NoSuchDay));
        assert_eq!(MonthDay::parse("02-29"), Err(MonthDayError::NoSuchDay));
        assert_eq!(MonthDay::parse("xx"), Err(MonthDayError::Format));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let calendar = Calendar::new(MonthDay::parse("08-26").ok());
        // Thursday 2 April 2026 → Friday 3 → (Easter weekend, Easter Monday 6) → Tuesday 7.
        assert_eq!(calendar.working_days_after(date(2026, 4, 2), 1), date(2026, 4, 3));
        assert_eq!(calendar.working_days_after(date(2026, 4, 3), 1), date(2026, 4, 7));
        assert_eq!(calendar.working_days_after(date(2026, 4, 3), 0), date(2026, 4, 3));
        assert!(!calendar.is_working_day(date(2026, 8, 26)));
        assert!(calendar.is_working_day(date(2026, 8, 27)));
    }

    #[test]
    fn the_end_of_time_is_not_a_panic() {
        let calendar = Calendar::new(None);
        assert_eq!(calendar.working_days_after(NaiveDate::MAX, 3), NaiveDate::MAX);
        assert!(calendar.holidays(i32::MAX).is_empty());
        assert_eq!(easter_sunday(i32::MAX), None);
    }
}
