//! When a booking's reminder goes out: the day before the appointment, at the city's reminder
//! time of day (Europe/Rome). A booking confirmed less than a day ahead gets none: the
//! confirmation itself is the reminder. For a service that asks citizens to confirm they will
//! come, the question goes out some days before, at the same time of day, and the day-before
//! reminder is its deadline.

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

/// When a booking of a service that asks for reconfirmation is asked "Confermi che verrai?":
/// `days` before the appointment at `time_of_day`, if that is still ahead and before the
/// day-before reminder (the deadline); `None` otherwise (booked too close: nothing to ask).
pub fn reconfirm_ask_at(
    date: NaiveDate,
    time_of_day: NaiveTime,
    days: u32,
    starts_at: DateTime<Utc>,
    confirmed_at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let deadline = reminder_at(date, time_of_day, starts_at, confirmed_at)?;
    let ask = to_instant(
        date.checked_sub_days(chrono::Days::new(u64::from(days)))?,
        time_of_day,
    )?;
    (ask > confirmed_at && ask < deadline).then_some(ask)
}

/// The first time a confirmed booking's schedule is meant to fire: the question, `ask_days`
/// before the appointment, for a service that asks; else the day-before reminder. Whenever it
/// was confirmed, nothing is due earlier.
pub fn first_firing(date: NaiveDate, time_of_day: NaiveTime, ask_days: Option<u32>) -> Option<DateTime<Utc>> {
    let days = ask_days.unwrap_or(1).max(1);
    to_instant(
        date.checked_sub_days(chrono::Days::new(u64::from(days)))?,
        time_of_day,
    )
}

/// The deadline of "Confermi che verrai?": the day before the appointment at `time_of_day`, when
/// the reminder would go out.
pub fn reconfirm_deadline(date: NaiveDate, time_of_day: NaiveTime) -> Option<DateTime<Utc>> {
    to_instant(date.pred_opt()?, time_of_day)
}

/// Where a booking stands on "Confermi che verrai?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconfirmation {
    /// Asked; without an answer by the deadline the booking is released.
    Asked,
    /// The citizen confirmed they will come.
    Reconfirmed,
}

impl Reconfirmation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asked => "asked",
            Self::Reconfirmed => "reconfirmed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "asked" => Some(Self::Asked),
            "reconfirmed" => Some(Self::Reconfirmed),
            _ => None,
        }
    }
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

    #[test]
    fn the_question_goes_out_days_before_with_the_reminder_as_its_deadline() {
        // Friday 4 December 10:00 in Rome, confirmed on 25 November: asked on Tuesday 1 at 09:00,
        // deadline Thursday 3 at 09:00 (the reminder).
        let ask = reconfirm_ask_at(day(12, 4), nine(), 3, utc(12, 4, 9, 0), utc(11, 25, 12, 0));
        assert_eq!(ask, Some(utc(12, 1, 8, 0)));
        // Confirmed on the Wednesday: too close to ask, the reminder stays.
        assert_eq!(
            reconfirm_ask_at(day(12, 4), nine(), 3, utc(12, 4, 9, 0), utc(12, 2, 12, 0)),
            None
        );
        // Asked on a day that is the reminder's or after: nothing to ask.
        assert_eq!(
            reconfirm_ask_at(day(12, 4), nine(), 1, utc(12, 4, 9, 0), utc(11, 25, 12, 0)),
            None
        );
        for answer in [Reconfirmation::Asked, Reconfirmation::Reconfirmed] {
            assert_eq!(Reconfirmation::parse(answer.as_str()), Some(answer));
        }
    }
}
