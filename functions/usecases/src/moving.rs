//! "Sposta appuntamento" from the booking's page: the citizen picks another day and time of the
//! same service at the same office; the new seat is claimed and the old one freed in one change
//! (the store's `move_booking`), with the "appuntamento spostato" message carrying the new QR code
//! (the check-in token names the slot) and the reminder's new order. Until
//! [`Settings::move_until`] before the appointment.
//!
//! [`Settings::move_until`]: crate::Settings::move_until

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prenota_core::lifecycle::TransitionError;
use prenota_core::quota::QuotaExceeded;
use prenota_core::slots::SlotError;
use prenota_core::waiting::FreedBy;
use prenota_core::{BookingState, Token};
use prenota_notify::compose;
use prenota_store::{Booking, MessageKind, MoveRequest, OutboxMessage, Store, StoreError};

use crate::browse::{self, BrowseError, Day};
use crate::{Context, Failure, LinkError, facts, links, outbox, reminders, waiting};

/// Why a booking could not be moved.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// The link leads nowhere, or to a cancelled booking, or to one that has started.
    #[error(transparent)]
    Link(LinkError),
    /// Too close to the appointment: it can still be cancelled, no longer moved.
    #[error("the appointment is too close to be moved")]
    TooLate,
    /// The new day or time is not one of the offering's, or not bookable now.
    #[error(transparent)]
    Slot(#[from] SlotError),
    /// A day outside the booking window.
    #[error("this date cannot be booked now")]
    OutsideWindow,
    /// Every seat of the new slot is taken.
    #[error("the slot has no free seat")]
    Taken,
    /// The contact already has a booking of this service on the new day.
    #[error(transparent)]
    Quota(QuotaExceeded),
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for MoveError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::SlotTaken => Self::Taken,
            StoreError::Quota { rule, .. } => Self::Quota(rule),
            // Checked in at the counter meanwhile.
            StoreError::Transition(TransitionError::AppointmentStarted) => Self::Link(LinkError::Started),
            other => Self::Link(other.into()),
        }
    }
}

impl From<LinkError> for MoveError {
    fn from(error: LinkError) -> Self {
        Self::Link(error)
    }
}

impl From<BrowseError> for MoveError {
    fn from(error: BrowseError) -> Self {
        match error {
            BrowseError::OutsideWindow => Self::OutsideWindow,
            BrowseError::NotInCatalogue(_) => Self::Slot(SlotError::NoSuchSlot),
            BrowseError::Failed(failure) => Self::Failed(failure),
        }
    }
}

/// The booking to move and the free times of `date` (else of the first day with one) to choose
/// from, with the days that have any.
pub struct Choice {
    pub booking: Booking,
    pub day: Day,
}

/// A moved booking, with its page's code (the same page as before).
#[derive(Debug)]
pub struct Moved {
    pub booking: Booking,
    pub page_code: Token,
    /// False when it already was at the new time (a repeated request).
    pub changed: bool,
}

/// Whether the booking page offers "Sposta appuntamento": a confirmed booking more than
/// [`Settings::move_until`] ahead.
///
/// [`Settings::move_until`]: crate::Settings::move_until
pub fn may_still_move(context: &Context, booking: &Booking) -> bool {
    booking.state == BookingState::Confirmed
        && context.clock.now() + context.settings.move_until <= booking.starts_at
}

/// The booking behind `page_code` if it may be moved now.
async fn movable(context: &Context, store: &dyn Store, page_code: &Token) -> Result<Booking, MoveError> {
    let now = context.clock.now();
    let booking = store.booking_by_page_code(&page_code.hash(), now).await?;
    match booking.state {
        BookingState::Confirmed if booking.starts_at <= now => Err(LinkError::Started.into()),
        BookingState::Confirmed if !may_still_move(context, &booking) => Err(MoveError::TooLate),
        BookingState::Confirmed => Ok(booking),
        // The office closed at its time: another time may be picked whenever the citizen reads
        // the message (the new time is checked like any other).
        BookingState::Displaced => Ok(booking),
        BookingState::Cancelled => Err(LinkError::Cancelled.into()),
        BookingState::Held | BookingState::Pending | BookingState::Expired => Err(LinkError::NotFound.into()),
    }
}

/// "Sposta appuntamento": the booking and the times it could move to on `date`.
pub async fn choices(
    context: &Context,
    store: &dyn Store,
    page_code: &Token,
    date: Option<NaiveDate>,
) -> Result<Choice, MoveError> {
    let booking = movable(context, store, page_code).await?;
    let catalogue = context.catalogue();
    let offering = browse::offering(&catalogue, &booking.offering.service, &booking.offering.office)
        .map_err(|_| MoveError::Slot(SlotError::NoSuchSlot))?;
    let day = crate::closures::day_for_displaced(context, store, &booking, offering, date).await?;
    Ok(Choice { booking, day })
}

/// Moves the booking behind `page_code` to `start` on `date`.
pub async fn move_to(
    context: &Context,
    store: &dyn Store,
    page_code: &Token,
    date: NaiveDate,
    start: NaiveTime,
) -> Result<Moved, MoveError> {
    let now = context.clock.now();
    let booking = movable(context, store, page_code).await;
    let booking = match booking {
        Ok(booking) => booking,
        // A repeat of a move already made, too late now to make it again: say it is done.
        Err(MoveError::TooLate) => {
            let booking = store.booking_by_page_code(&page_code.hash(), now).await?;
            if (booking.date, booking.start) == (date, start) {
                return Ok(moved(context, booking, false));
            }
            return Err(MoveError::TooLate);
        }
        Err(other) => return Err(other),
    };
    let catalogue = context.catalogue();
    let offering = browse::offering(&catalogue, &booking.offering.service, &booking.offering.office)
        .map_err(|_| MoveError::Slot(SlotError::NoSuchSlot))?;
    if (booking.date, booking.start) == (date, start) {
        return Ok(moved(context, booking, false));
    }
    let to = catalogue.bookable_slot(offering, date, start, now)?;
    if now + context.settings.move_until > to.starts_at {
        // Not to a time the office could no longer plan for either.
        return Err(MoveError::TooLate);
    }
    let mut messages = moved_messages(context, &booking.moved_to(&to), now)
        .inspect_err(|error| tracing::error!(%error, "a message could not be queued; nothing was changed"))?;
    // The old seat goes to the waiting list first; a displaced booking's stays closed.
    let kept_closed = crate::closures::seat_kept_closed(store, &booking, now).await?;
    // A displaced citizen may take the seats their closure keeps for them.
    let from_closure = kept_closed.as_ref().and_then(|kept| kept.closure.clone());
    let reservation = match kept_closed {
        Some(closed) => closed,
        None => {
            let (reservation, draw) = waiting::keep(&booking, FreedBy::Other, now)?;
            messages.push(draw);
            reservation
        }
    };
    let request = MoveRequest {
        booking: booking.id.clone(),
        erase_after: to.ends_at + context.settings.retention,
        to,
        // Online, only the desks not kept for the counter.
        capacity: offering.desks_online,
        quota: context.settings.quota,
        messages,
        reserve: Some(reservation),
        from_closure,
    };
    let outcome = store.move_booking(&request, now).await?;
    Ok(moved(context, outcome.booking, outcome.changed))
}

fn moved(context: &Context, booking: Booking, changed: bool) -> Moved {
    Moved {
        page_code: links::page_code(context, &booking.id),
        booking,
        changed,
    }
}

/// The "appuntamento spostato" message (while the personal data lasts) and the reminder's order:
/// set again for the new day, or dropped when the new time is less than a day ahead.
fn moved_messages(
    context: &Context,
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxMessage>, Failure> {
    let mut messages = Vec::new();
    if let (Some(person), Some(checkin)) = (booking.person.as_ref(), links::checkin_token(context, booking)) {
        let facts = facts::facts(context, booking, None, person.lang);
        let page = links::page_url(context, &links::page_code(context, &booking.id), person.lang);
        let message = compose::booking_moved(&facts, &person.contact, &page, &checkin);
        messages.push(outbox::citizen(MessageKind::BookingMoved, message, now)?);
    }
    match reminders::schedule(context, booking, now)? {
        Some(order) => messages.push(order),
        None => messages.push(reminders::drop_order(booking, now)?),
    }
    Ok(messages)
}
