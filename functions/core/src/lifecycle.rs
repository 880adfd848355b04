//! A booking's life: held → pending → confirmed → cancelled, or expired when the hold's countdown
//! or the confirmation window runs out; displaced when the office closes at its time (the citizen
//! then picks another time, which confirms it again, or cancels). Stores keep the state last written and the deadline;
//! what a booking *is* at a given instant is decided here, so every store reads it the same way.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a store wrote last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoredState {
    Held,
    Pending,
    Confirmed,
    Cancelled,
    Displaced,
}

impl StoredState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Displaced => "displaced",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "held" => Some(Self::Held),
            "pending" => Some(Self::Pending),
            "confirmed" => Some(Self::Confirmed),
            "cancelled" => Some(Self::Cancelled),
            "displaced" => Some(Self::Displaced),
            _ => None,
        }
    }
}

/// What a booking is at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingState {
    Held,
    Pending,
    Confirmed,
    Cancelled,
    Expired,
    /// The office closed at its time (a closure saved by a manager): the citizen was told and
    /// keeps the seat, out of everyone's reach, until they move it or cancel.
    Displaced,
}

impl BookingState {
    /// Held and pending bookings live until their deadline (`expires_at`), and not a moment longer,
    /// whether or not any clean-up has run.
    pub fn at(stored: StoredState, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        let expired = expires_at.is_some_and(|deadline| deadline <= now);
        match stored {
            StoredState::Held if expired => Self::Expired,
            StoredState::Pending if expired => Self::Expired,
            StoredState::Held => Self::Held,
            StoredState::Pending => Self::Pending,
            StoredState::Confirmed => Self::Confirmed,
            StoredState::Cancelled => Self::Cancelled,
            StoredState::Displaced => Self::Displaced,
        }
    }

    /// Does this booking take a seat of its slot?
    pub fn occupies_seat(self) -> bool {
        matches!(
            self,
            Self::Held | Self::Pending | Self::Confirmed | Self::Displaced
        )
    }
}

/// What can happen to a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The citizen gave name and contact: the confirmation link goes out.
    SubmitDetails,
    /// The citizen followed the link and confirmed.
    Confirm,
    /// The citizen went back before giving details (the hold's "INDIETRO").
    Release,
    /// The citizen cancelled a confirmed booking.
    Cancel,
    /// The citizen moved a confirmed booking to another slot ("Sposta appuntamento"): it stays
    /// confirmed, at the new time (whether the new slot is the one it already has is the store's
    /// to say: that is a repeat).
    Move,
    /// A manager closed the office at the booking's time: a pending or confirmed booking is
    /// displaced (a hold is simply released: nobody has been told anything yet).
    Displace,
}

/// The outcome of an event: a state change to write, or nothing to do because it already happened
/// (a retried request gets the same answer, not an error and not a second booking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    To(StoredState),
    AlreadyDone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the time to complete this booking has run out")]
    Expired,
    #[error("the booking was cancelled")]
    Cancelled,
    #[error("the details of this booking were already sent")]
    AlreadySubmitted,
    #[error("the booking is not confirmed yet")]
    NotConfirmed,
    #[error("the booking is already confirmed")]
    AlreadyConfirmed,
    #[error("the appointment has already started")]
    AppointmentStarted,
    #[error("the details of this booking have not been sent yet")]
    NotSubmitted,
    #[error("the office closed at the time of this booking")]
    Displaced,
}

/// The one place that says which event is legal in which state.
pub fn apply(
    state: BookingState,
    event: Event,
    appointment_starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Transition, TransitionError> {
    use BookingState as S;
    use Event as E;
    match (state, event) {
        (S::Held, E::SubmitDetails) => Ok(Transition::To(StoredState::Pending)),
        (S::Pending | S::Confirmed, E::SubmitDetails) => Err(TransitionError::AlreadySubmitted),

        (S::Pending, E::Confirm) => Ok(Transition::To(StoredState::Confirmed)),
        (S::Confirmed, E::Confirm) => Ok(Transition::AlreadyDone),
        (S::Held, E::Confirm) => Err(TransitionError::NotSubmitted),

        (S::Held, E::Release) => Ok(Transition::To(StoredState::Cancelled)),
        (S::Cancelled | S::Expired, E::Release) => Ok(Transition::AlreadyDone),
        (S::Pending | S::Confirmed, E::Release) => Err(TransitionError::AlreadySubmitted),

        (S::Confirmed, E::Cancel) if appointment_starts_at <= now => Err(TransitionError::AppointmentStarted),
        (S::Confirmed, E::Cancel) => Ok(Transition::To(StoredState::Cancelled)),
        (S::Cancelled, E::Cancel) => Ok(Transition::AlreadyDone),
        (S::Held | S::Pending, E::Cancel) => Err(TransitionError::NotConfirmed),

        (S::Confirmed, E::Move) if appointment_starts_at <= now => Err(TransitionError::AppointmentStarted),
        (S::Confirmed, E::Move) => Ok(Transition::To(StoredState::Confirmed)),
        (S::Held | S::Pending, E::Move) => Err(TransitionError::NotConfirmed),

        // A displaced citizen may pick a new time or cancel whenever they read the message, even
        // after the closed time has passed; the new time is checked like any other.
        (S::Pending | S::Confirmed, E::Displace) => Ok(Transition::To(StoredState::Displaced)),
        (S::Held, E::Displace) => Ok(Transition::To(StoredState::Cancelled)),
        (S::Displaced, E::Displace) => Ok(Transition::AlreadyDone),
        (S::Displaced, E::Move) => Ok(Transition::To(StoredState::Confirmed)),
        (S::Displaced, E::Cancel) => Ok(Transition::To(StoredState::Cancelled)),
        (S::Displaced, E::SubmitDetails | E::Release) => Err(TransitionError::AlreadySubmitted),
        (S::Displaced, E::Confirm) => Err(TransitionError::Displaced),

        (S::Expired, _) => Err(TransitionError::Expired),
        (S::Cancelled, _) => Err(TransitionError::Cancelled),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap()
    }

    #[test]
    fn deadlines_decide_expiry_at_once() {
        let deadline = now();
        assert_eq!(
            BookingState::at(StoredState::Held, Some(deadline), now() - Duration::seconds(1)),
            BookingState::Held
        );
        assert_eq!(
            BookingState::at(StoredState::Held, Some(deadline), now()),
            BookingState::Expired
        );
        assert_eq!(
            BookingState::at(StoredState::Pending, Some(deadline), now()),
            BookingState::Expired
        );
        assert_eq!(
            BookingState::at(StoredState::Confirmed, None, now()),
            BookingState::Confirmed
        );
        assert!(!BookingState::Expired.occupies_seat());
        assert!(BookingState::Pending.occupies_seat());
    }

    #[test]
    fn the_happy_path_and_its_repeats() {
        let later = now() + Duration::days(3);
        assert_eq!(
            apply(BookingState::Held, Event::SubmitDetails, later, now()),
            Ok(Transition::To(StoredState::Pending))
        );
        assert_eq!(
            apply(BookingState::Pending, Event::Confirm, later, now()),
            Ok(Transition::To(StoredState::Confirmed))
        );
        assert_eq!(
            apply(BookingState::Confirmed, Event::Confirm, later, now()),
            Ok(Transition::AlreadyDone)
        );
        assert_eq!(
            apply(BookingState::Confirmed, Event::Cancel, later, now()),
            Ok(Transition::To(StoredState::Cancelled))
        );
        assert_eq!(
            apply(BookingState::Cancelled, Event::Cancel, later, now()),
            Ok(Transition::AlreadyDone)
        );
        assert_eq!(
            apply(BookingState::Held, Event::Release, later, now()),
            Ok(Transition::To(StoredState::Cancelled))
        );
        assert_eq!(
            apply(BookingState::Expired, Event::Release, later, now()),
            Ok(Transition::AlreadyDone)
        );
    }

    #[test]
    fn illegal_transitions_are_typed_errors() {
        let later = now() + Duration::days(3);
        assert_eq!(
            apply(BookingState::Expired, Event::Confirm, later, now()),
            Err(TransitionError::Expired)
        );
        assert_eq!(
            apply(BookingState::Expired, Event::SubmitDetails, later, now()),
            Err(TransitionError::Expired)
        );
        assert_eq!(
            apply(BookingState::Cancelled, Event::Confirm, later, now()),
            Err(TransitionError::Cancelled)
        );
        assert_eq!(
            apply(BookingState::Pending, Event::SubmitDetails, later, now()),
            Err(TransitionError::AlreadySubmitted)
        );
        assert_eq!(
            apply(BookingState::Pending, Event::Cancel, later, now()),
            Err(TransitionError::NotConfirmed)
        );
        assert_eq!(
            apply(BookingState::Held, Event::Confirm, later, now()),
            Err(TransitionError::NotSubmitted)
        );
        assert_eq!(
            apply(BookingState::Pending, Event::Release, later, now()),
            Err(TransitionError::AlreadySubmitted)
        );
        assert_eq!(
            apply(BookingState::Confirmed, Event::Cancel, now(), now()),
            Err(TransitionError::AppointmentStarted)
        );
    }

    #[test]
    fn only_a_confirmed_booking_not_yet_started_moves() {
        let later = now() + Duration::days(3);
        assert_eq!(
            apply(BookingState::Confirmed, Event::Move, later, now()),
            Ok(Transition::To(StoredState::Confirmed))
        );
        assert_eq!(
            apply(BookingState::Confirmed, Event::Move, now(), now()),
            Err(TransitionError::AppointmentStarted)
        );
        assert_eq!(
            apply(BookingState::Pending, Event::Move, later, now()),
            Err(TransitionError::NotConfirmed)
        );
        assert_eq!(
            apply(BookingState::Cancelled, Event::Move, later, now()),
            Err(TransitionError::Cancelled)
        );
        assert_eq!(
            apply(BookingState::Expired, Event::Move, later, now()),
            Err(TransitionError::Expired)
        );
    }

    #[test]
    fn a_closure_displaces_pending_and_confirmed_bookings_and_releases_holds() {
        let earlier = now() - Duration::days(1);
        let later = now() + Duration::days(3);
        for state in [BookingState::Pending, BookingState::Confirmed] {
            assert_eq!(
                apply(state, Event::Displace, later, now()),
                Ok(Transition::To(StoredState::Displaced))
            );
        }
        assert_eq!(
            apply(BookingState::Held, Event::Displace, later, now()),
            Ok(Transition::To(StoredState::Cancelled))
        );
        assert_eq!(
            apply(BookingState::Displaced, Event::Displace, later, now()),
            Ok(Transition::AlreadyDone)
        );
        // The citizen may choose again even once the closed time has passed.
        assert_eq!(
            apply(BookingState::Displaced, Event::Move, earlier, now()),
            Ok(Transition::To(StoredState::Confirmed))
        );
        assert_eq!(
            apply(BookingState::Displaced, Event::Cancel, earlier, now()),
            Ok(Transition::To(StoredState::Cancelled))
        );
        assert_eq!(
            apply(BookingState::Displaced, Event::Confirm, later, now()),
            Err(TransitionError::Displaced)
        );
        assert!(BookingState::Displaced.occupies_seat());
        assert_eq!(
            BookingState::at(StoredState::Displaced, None, now()),
            BookingState::Displaced
        );
    }
}
