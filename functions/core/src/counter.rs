//! A confirmed booking's day at the office: checked in (with a ticket), called to a desk, served
//! or not come. Stores keep what was written last; what a step does is decided here, so both
//! stores answer alike (as `lifecycle` does for the booking itself).

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Where a booking stands at the counter; `Confirmed` and `Cancelled` are the booking's own
/// states, the others exist from check-in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    Confirmed,
    CheckedIn,
    Called,
    Served,
    NoShow,
    Cancelled,
    /// The office closed at its time: the citizen was told to choose another.
    Displaced,
}

impl VisitState {
    pub const ALL: [VisitState; 7] = [
        VisitState::Confirmed,
        VisitState::CheckedIn,
        VisitState::Called,
        VisitState::Served,
        VisitState::NoShow,
        VisitState::Cancelled,
        VisitState::Displaced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::CheckedIn => "checked_in",
            Self::Called => "called",
            Self::Served => "served",
            Self::NoShow => "no_show",
            Self::Cancelled => "cancelled",
            Self::Displaced => "displaced",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == raw)
    }
}

/// The series a ticket is drawn from: booked citizens and walk-ins ("senza prenotazione").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketSeries {
    Booked,
    WalkIn,
}

impl TicketSeries {
    pub fn letter(self) -> char {
        match self {
            Self::Booked => 'A',
            Self::WalkIn => 'S',
        }
    }
}

/// What the display calls: a letter and a number, unique per office and day, never a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Ticket(String);

impl Ticket {
    /// The `number`-th ticket of the series (from 1): `A001`, …, `A999`, `A1000`.
    pub fn new(series: TicketSeries, number: u32) -> Self {
        Self(format!("{}{number:03}", series.letter()))
    }

    /// A ticket as stored.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut chars = raw.chars();
        let letter = chars.next()?;
        let digits = chars.as_str();
        let ok = matches!(letter, 'A' | 'S')
            && (3..=6).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A desk's name as the display shows it ("3", "B2"): at most 12 letters, digits, spaces or
/// hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Desk(String);

impl Desk {
    pub const MAX_CHARS: usize = 12;

    pub fn parse(raw: &str) -> Option<Self> {
        let desk = raw.trim();
        let ok = !desk.is_empty()
            && desk.chars().count() <= Self::MAX_CHARS
            && desk.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
        ok.then(|| Self(desk.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The office's rules of arrival, set by the city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterRules {
    /// Check-in opens this long before the appointment…
    pub early: Duration,
    /// …and closes this long after its start.
    pub late: Duration,
    /// A citizen not come this long after the start may be marked as not come.
    pub no_show_after: Duration,
}

impl Default for CounterRules {
    fn default() -> Self {
        Self {
            early: Duration::minutes(60),
            late: Duration::minutes(15),
            no_show_after: Duration::minutes(10),
        }
    }
}

/// A step at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CounterEvent {
    CheckIn,
    Call,
    /// Call the same citizen again (a new call on the display).
    Recall,
    /// Back into the queue, keeping the ticket.
    PutBack,
    Served,
    NoShow,
}

impl CounterEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check-in",
            Self::Call => "call",
            Self::Recall => "recall",
            Self::PutBack => "put-back",
            Self::Served => "served",
            Self::NoShow => "no-show",
        }
    }
}

/// Why a step cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CounterError {
    #[error("the booking was cancelled")]
    Cancelled,
    #[error("the office closed at the time of this booking: the citizen was asked to choose another")]
    Displaced,
    #[error("check-in is not open yet")]
    TooEarly,
    #[error("check-in has closed for this appointment")]
    TooLate,
    #[error("the citizen has not been called")]
    NotCalled,
    #[error("it is too soon to say the citizen has not come")]
    TooSoon,
    #[error("the other outcome was already recorded")]
    OutcomeRecorded,
    #[error("nobody checked in waits")]
    NobodyWaiting,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterStep {
    /// Write this state.
    To(VisitState),
    /// A repeat of a step already taken: change nothing, answer as before.
    AlreadyDone,
}

/// What `event` does to a booking in `state` whose appointment starts at `starts_at`.
pub fn apply(
    state: VisitState,
    event: CounterEvent,
    starts_at: DateTime<Utc>,
    rules: &CounterRules,
    now: DateTime<Utc>,
) -> Result<CounterStep, CounterError> {
    use CounterEvent as E;
    use VisitState as S;
    let step = match (event, state) {
        (_, S::Cancelled) => return Err(CounterError::Cancelled),
        (_, S::Displaced) => return Err(CounterError::Displaced),
        (E::CheckIn, S::Confirmed) => {
            if now < starts_at - rules.early {
                return Err(CounterError::TooEarly);
            }
            if now > starts_at + rules.late {
                return Err(CounterError::TooLate);
            }
            CounterStep::To(S::CheckedIn)
        }
        (E::CheckIn, S::CheckedIn | S::Called | S::Served) => CounterStep::AlreadyDone,
        (E::CheckIn, S::NoShow) => return Err(CounterError::TooLate),
        (E::Call, S::CheckedIn) => CounterStep::To(S::Called),
        (E::Call, _) => return Err(CounterError::NobodyWaiting),
        (E::Recall, S::Called) => CounterStep::To(S::Called),
        (E::PutBack, S::Called) => CounterStep::To(S::CheckedIn),
        (E::PutBack, S::CheckedIn) => CounterStep::AlreadyDone,
        (E::Served, S::Called) => CounterStep::To(S::Served),
        (E::Served, S::Served) | (E::NoShow, S::NoShow) => CounterStep::AlreadyDone,
        (E::Served, S::NoShow) | (E::NoShow, S::Served) => return Err(CounterError::OutcomeRecorded),
        (E::NoShow, S::Confirmed | S::CheckedIn | S::Called) => {
            if now < starts_at + rules.no_show_after {
                return Err(CounterError::TooSoon);
            }
            CounterStep::To(S::NoShow)
        }
        (E::Recall | E::PutBack | E::Served, _) => return Err(CounterError::NotCalled),
    };
    Ok(step)
}

/// The order in which the checked-in are called: the appointment that starts first, then who
/// checked in first. A walk-in is booked into the next free slot, so it waits for that slot's
/// turn and never pushes a booked citizen back. Sort by this key, lowest first.
pub fn call_order(starts_at: DateTime<Utc>, checked_in_at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (starts_at, checked_in_at)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, h, m, 0).unwrap()
    }

    #[test]
    fn check_in_opens_early_and_closes_late() {
        let rules = CounterRules::default();
        let start = at(10, 0);
        let check_in = |now| apply(VisitState::Confirmed, CounterEvent::CheckIn, start, &rules, now);
        assert_eq!(check_in(at(8, 59)), Err(CounterError::TooEarly));
        assert_eq!(check_in(at(9, 0)), Ok(CounterStep::To(VisitState::CheckedIn)));
        assert_eq!(check_in(at(10, 15)), Ok(CounterStep::To(VisitState::CheckedIn)));
        assert_eq!(check_in(at(10, 16)), Err(CounterError::TooLate));
        for state in [VisitState::CheckedIn, VisitState::Called, VisitState::Served] {
            assert_eq!(
                apply(state, CounterEvent::CheckIn, start, &rules, at(10, 0)),
                Ok(CounterStep::AlreadyDone)
            );
        }
    }

    #[test]
    fn a_cancelled_booking_takes_no_step() {
        let rules = CounterRules::default();
        for event in [
            CounterEvent::CheckIn,
            CounterEvent::Call,
            CounterEvent::Recall,
            CounterEvent::PutBack,
            CounterEvent::Served,
            CounterEvent::NoShow,
        ] {
            assert_eq!(
                apply(VisitState::Cancelled, event, at(10, 0), &rules, at(10, 0)),
                Err(CounterError::Cancelled),
                "{event:?}"
            );
        }
    }

    #[test]
    fn outcomes_follow_the_call_and_the_grace_period() {
        let rules = CounterRules::default();
        let start = at(10, 0);
        let step = |state, event, now| apply(state, event, start, &rules, now);
        assert_eq!(
            step(VisitState::CheckedIn, CounterEvent::Served, at(10, 0)),
            Err(CounterError::NotCalled)
        );
        assert_eq!(
            step(VisitState::Called, CounterEvent::Served, at(10, 0)),
            Ok(CounterStep::To(VisitState::Served))
        );
        assert_eq!(
            step(VisitState::Confirmed, CounterEvent::NoShow, at(10, 9)),
            Err(CounterError::TooSoon)
        );
        assert_eq!(
            step(VisitState::Confirmed, CounterEvent::NoShow, at(10, 10)),
            Ok(CounterStep::To(VisitState::NoShow))
        );
        assert_eq!(
            step(VisitState::Served, CounterEvent::NoShow, at(11, 0)),
            Err(CounterError::OutcomeRecorded)
        );
        assert_eq!(
            step(VisitState::NoShow, CounterEvent::NoShow, at(11, 0)),
            Ok(CounterStep::AlreadyDone)
        );
        assert_eq!(
            step(VisitState::NoShow, CounterEvent::CheckIn, at(10, 12)),
            Err(CounterError::TooLate)
        );
        assert_eq!(
            step(VisitState::Called, CounterEvent::PutBack, at(10, 0)),
            Ok(CounterStep::To(VisitState::CheckedIn))
        );
        assert_eq!(
            step(VisitState::Confirmed, CounterEvent::Recall, at(10, 0)),
            Err(CounterError::NotCalled)
        );
    }

    #[test]
    fn tickets_and_desks() {
        assert_eq!(Ticket::new(TicketSeries::Booked, 12).as_str(), "A012");
        assert_eq!(Ticket::new(TicketSeries::WalkIn, 1000).as_str(), "S1000");
        assert_eq!(Ticket::parse("A012"), Some(Ticket::new(TicketSeries::Booked, 12)));
        assert_eq!(Ticket::parse("Mario"), None);
        assert_eq!(Desk::parse(" 3 ").unwrap().as_str(), "3");
        assert!(Desk::parse("").is_none());
        assert!(Desk::parse("<script>").is_none());
        assert!(Desk::parse("1234567890123").is_none());
        for state in VisitState::ALL {
            assert_eq!(VisitState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn the_earliest_appointment_is_called_first() {
        let mut waiting = [
            (at(10, 30), at(9, 0)),
            (at(10, 0), at(9, 50)),
            (at(10, 0), at(9, 40)),
        ];
        waiting.sort_by_key(|(start, arrived)| call_order(*start, *arrived));
        assert_eq!(waiting[0], (at(10, 0), at(9, 40)));
        assert_eq!(waiting[2], (at(10, 30), at(9, 0)));
    }
}
