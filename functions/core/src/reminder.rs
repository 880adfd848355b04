//! When a booking's reminder goes out: the day before the appointment, at the city's reminder
//! time of day (Europe/Rome). A booking confirmed less than a day ahead gets none: the
//! confirmation itself is the reminder.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::calendar::to_instant;

pub fn reminder_at(
    date: NaiveDate,
    time_of_day: NaiveTime,
    starts_at: DateTime<Utc>,
    confirmed_at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if starts_at - confirmed_at < Duration::days(1) {
        return None;
    }
    let at = to_instant(date.pred_opt()?, time_of_day)?;
    (at > confirmed_at).then_some(at)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn nine() -> NaiveTime {
        NaiveTime::from_hms_opt(9, 0, 0).unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn utc(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn the_day_before_at_nine_in_rome() {
        // Appointment Wednesday 2 December 2026 10:00 Rome (09:00 UTC), confirmed a week before.
        let at = reminder_at(day(12, 2), nine(), utc(12, 2, 9, 0), utc(11, 25, 12, 0));
        assert_eq!(at, Some(utc(12, 1, 8, 0)), "09:00 in Rome is 08:00 UTC in winter");
        // Summer time: 09:00 in Rome is 07:00 UTC.
        let at = reminder_at(day(6, 10), nine(), utc(6, 10, 8, 0), utc(6, 1, 8, 0));
        assert_eq!(at, Some(utc(6, 9, 7, 0)));
    }

    #[test]
    fn none_for_a_booking_confirmed_less_than_a_day_ahead() {
        assert_eq!(
            reminder_at(day(12, 2), nine(), utc(12, 2, 9, 0), utc(12, 1, 9, 30)),
            None
        );
    }

    #[test]
    fn none_when_the_reminder_time_has_passed() {
        // Confirmed at 10:00 the day before a 11:00 appointment: 25 h ahead, but 09:00 has passed.
        assert_eq!(
            reminder_at(day(12, 2), nine(), utc(12, 2, 10, 0), utc(12, 1, 9, 0)),
            None
        );
    }
}
