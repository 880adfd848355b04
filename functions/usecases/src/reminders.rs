//! The day-before reminder: ordered when a booking is confirmed, dropped when it is cancelled
//! (both queued with the change, for the sender to carry out through the scheduler), and fired
//! when its time comes (the `reminder` Lambda, or the one-machine timer).

use chrono::{DateTime, Utc};
use prenota_core::{BookingId, BookingState};
use prenota_notify::compose;
use prenota_store::{Booking, BookingStore, MessageId, MessageKind, OutboxMessage, OutboxStore, StoreError};

use crate::outbox;
use crate::{Context, Failure, facts, links};

/// The order that sets the reminder of a booking confirmed at `now`, when it gets one (none for
/// a booking confirmed less than a day ahead; `core::reminder` says when).
pub fn schedule(
    context: &Context,
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Option<OutboxMessage>, Failure> {
    let at = prenota_core::reminder::reminder_at(
        booking.date,
        context.settings.reminder_time,
        booking.starts_at,
        now,
    );
    at.map(|at| outbox::reminder_order(MessageKind::ReminderSchedule, &booking.id, Some(at), now))
        .transpose()
}

/// The order that drops the reminder of a cancelled booking (none set is fine).
pub fn drop_order(booking: &Booking, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    outbox::reminder_order(MessageKind::ReminderCancel, &booking.id, None, now)
}

/// What firing a reminder did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fired {
    /// The reminder message is queued (or was already, by an earlier firing), under this id.
    Queued(MessageId),
    /// The booking was cancelled, has started, or its personal data is gone: nothing to send.
    NotNeeded,
    /// No booking has this id.
    NoBooking,
}

/// The outbox id of a booking's reminder: made of the booking id, so that a reminder fired twice
/// queues one message.
pub fn reminder_id(booking: &BookingId) -> MessageId {
    MessageId::new(format!("reminder-{booking}"))
}

/// A reminder's time has come: queue the day-before message of a booking that still stands, with
/// a fresh booking-page link.
pub async fn fire<S>(context: &Context, store: &S, booking_id: &BookingId) -> Result<Fired, Failure>
where
    S: BookingStore + OutboxStore + ?Sized,
{
    let now = context.clock.now();
    let booking = match store.booking_by_hold(&booking_id.hold(), now).await {
        Ok(booking) => booking,
        Err(StoreError::NotFound) => return Ok(Fired::NoBooking),
        Err(error) => return Err(error.into()),
    };
    let Some(person) = booking.person.as_ref() else {
        return Ok(Fired::NotNeeded);
    };
    if booking.state != BookingState::Confirmed || booking.starts_at <= now {
        return Ok(Fired::NotNeeded);
    }
    // The page's code is derived from the booking; issued again (it changes nothing) for a booking
    // confirmed before page codes were, whose code came from its confirmation link.
    let code = links::page_code(context, &booking.id);
    store.issue_page_code(&booking.id, &code.hash()).await?;
    let facts = facts::facts(context, &booking, None, person.lang);
    let url = links::page_url(context, &code, person.lang);
    let message = compose::reminder(&facts, &person.contact, &url);
    let queued = outbox::citizen_as(reminder_id(booking_id), MessageKind::Reminder, message, now)?;
    store.enqueue(&queued).await?;
    Ok(Fired::Queued(queued.id))
}
