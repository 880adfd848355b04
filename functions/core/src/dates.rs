//! Dates (`YYYY-MM-DD`) and times (`HH:MM`) as the HTTP contract writes them, in Europe/Rome
//! local time. Parsed strictly, once, at the edge.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("the date must be written YYYY-MM-DD")]
    Format,
    #[error("the date does not exist")]
    NoSuchDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("the time must be written HH:MM")]
    Format,
    #[error("the time does not exist")]
    NoSuchTime,
}

fn digits(raw: &str) -> Option<u32> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

pub fn parse_date(raw: &str) -> Result<NaiveDate, DateError> {
    let bytes = raw.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(DateError::Format);
    }
    let year = digits(&raw[0..4]).ok_or(DateError::Format)?;
    let month = digits(&raw[5..7]).ok_or(DateError::Format)?;
    let day = digits(&raw[8..10]).ok_or(DateError::Format)?;
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(DateError::NoSuchDate)
}

pub fn parse_time(raw: &str) -> Result<NaiveTime, TimeError> {
    let bytes = raw.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return Err(TimeError::Format);
    }
    let hour = digits(&raw[0..2]).ok_or(TimeError::Format)?;
    let minute = digits(&raw[3..5]).ok_or(TimeError::Format)?;
    NaiveTime::from_hms_opt(hour, minute, 0).ok_or(TimeError::NoSuchTime)
}

/// `YYYY-MM-DD`. Written by hand: every availability answer formats sixty of these, and chrono's
/// strftime parses its pattern again each time.
pub fn format_date(date: NaiveDate) -> String {
    let mut text = String::with_capacity(10);
    // Writing to a String cannot fail.
    let _ = write!(text, "{:04}-{:02}-{:02}", date.year(), date.month(), date.day());
    text
}

/// `HH:MM` (the contract has no seconds).
pub fn format_time(time: NaiveTime) -> String {
    let mut text = String::with_capacity(5);
    let _ = write!(text, "{:02}:{:02}", time.hour(), time.minute());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_contract_formats() {
        assert_eq!(
            parse_date("2026-04-06"),
            Ok(NaiveDate::from_ymd_opt(2026, 4, 6).unwrap())
        );
        assert_eq!(
            parse_time("09:15"),
            Ok(NaiveTime::from_hms_opt(9, 15, 0).unwrap())
        );
        assert_eq!(format_time(parse_time("07:05").unwrap()), "07:05");
    }

    #[test]
    fn formats_as_chrono_would() {
        let mut date = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        while date.year() < 2101 {
            assert_eq!(format_date(date), date.format("%Y-%m-%d").to_string());
            date += chrono::Duration::days(3);
        }
        for minute_of_day in 0..24 * 60 {
            let time = NaiveTime::from_hms_opt(minute_of_day / 60, minute_of_day % 60, 0).unwrap();
            assert_eq!(format_time(time), time.format("%H:%M").to_string());
            assert_eq!(parse_time(&format_time(time)), Ok(time));
        }
    }

    #[test]
    fn refuses_other_shapes() {
        for raw in [
            "",
            "2026-4-6",
            "2026/04/06",
            "06-04-2026",
            "2026-04-06T",
            "+026-04-06",
            "2026-0a-06",
        ] {
            assert_eq!(parse_date(raw), Err(DateError::Format), "{raw}");
        }
        assert_eq!(parse_date("2026-02-29"), Err(DateError::NoSuchDate));
        assert_eq!(parse_date("2026-13-01"), Err(DateError::NoSuchDate));
        for raw in ["9:15", "09.15", "0915", "09:15:00", "+9:15", "é9:15"] {
            assert_eq!(parse_time(raw), Err(TimeError::Format), "{raw}");
        }
        assert_eq!(parse_time("24:00"), Err(TimeError::NoSuchTime));
        assert_eq!(parse_time("12:60"), Err(TimeError::NoSuchTime));
    }
}
