//! Golden tests of Bergamo's calendar for 2026 and 2027, against files written by hand.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone};
use prenota_core::Calendar;
use prenota_core::calendar::{MonthDay, ROME};

fn offset_at(date: NaiveDate, hour: u32) -> chrono::FixedOffset {
    let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap());
    ROME.from_local_datetime(&local)
        .earliest()
        .unwrap()
        .offset()
        .fix()
}

fn computed(year: i32) -> String {
    let calendar = Calendar::new(Some(MonthDay::parse("08-26").unwrap()));
    let mut lines = Vec::new();
    for holiday in calendar.holidays(year) {
        lines.push(format!(
            "holiday {} {} {}",
            holiday.date,
            holiday.date.format("%a"),
            holiday.name_it
        ));
    }
    let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    while day.year() == year {
        let (before, after) = (offset_at(day, 0), offset_at(day, 12));
        if before != after {
            let clocks = if after.local_minus_utc() > before.local_minus_utc() {
                "02:00 -> 03:00"
            } else {
                "03:00 -> 02:00"
            };
            lines.push(format!("dst {day} {clocks}, UTC{before} -> UTC{after}"));
        }
        day += Duration::days(1);
    }
    lines.join("\n")
}

fn golden(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn calendar_2026() {
    assert_eq!(computed(2026), golden(include_str!("golden/calendar-2026.txt")));
}

#[test]
fn calendar_2027() {
    assert_eq!(computed(2027), golden(include_str!("golden/calendar-2027.txt")));
}

#[test]
fn easter_monday_is_not_a_working_day() {
    let calendar = Calendar::new(Some(MonthDay::parse("08-26").unwrap()));
    for date in [
        NaiveDate::from_ymd_opt(2026, 4, 6).unwrap(),
        NaiveDate::from_ymd_opt(2027, 3, 29).unwrap(),
    ] {
        assert!(calendar.is_holiday(date));
        assert!(!calendar.is_working_day(date));
    }
    assert!(calendar.is_working_day(NaiveDate::from_ymd_opt(2026, 4, 7).unwrap()));
}
