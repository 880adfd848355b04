//! The day-before reminder: ordered when a booking is confirmed, dropped when it is cancelled
//! (both queued with the change, for the sender to carry out through the scheduler), and fired
//! when its time comes (the `reminder` Lambda, or the one-machine timer).
//!
//! For a service that asks "Confermi che verrai?" (the catalogue's `reconfirm`), the same schedule
//! fires first some days before ([`Settings::reconfirm_days`]) to ask, and then at the day-before
//! time, the question's deadline: a booking reconfirmed by then gets its reminder, one that was
//! not is released (cancelled, its seat free, the citizen told). A booking made too close to ask
//! is only reminded.
//!
//! [`Settings::reconfirm_days`]: crate::Settings::reconfirm_days

use chrono::{DateTime, Utc};
use prenota_core::reminder::{self, Reconfirmation};
use prenota_core::waiting::FreedBy;
use prenota_core::{BookingId, BookingState};
use prenota_notify::compose;
use prenota_store::{
    Booking, BookingStore, MessageId, MessageKind, OutboxMessage, OutboxStore, SeatStore, StoreError,
    WaitingList,
};

use crate::outbox;
use crate::{Context, Failure, facts, links, waiting};

/// The order that sets the reminder of a booking confirmed at `now`, when it gets one (none for
/// a booking confirmed less than a day ahead; `core::reminder` says when).
pub fn schedule(
    context: &Context,
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Option<OutboxMessage>, Failure> {
    next_firing(context, booking, now)
        .map(|at| outbox::reminder_order(MessageKind::ReminderSchedule, &booking.id, Some(at), now))
        .transpose()
}

/// When a booking's schedule fires next after `now`: the question, for a service that asks and a
/// booking not asked yet, while it is still ahead; else the day-before time.
fn next_firing(context: &Context, booking: &Booking, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let time = context.settings.reminder_time;
    let ask = (asks_reconfirmation(context, booking) && booking.reconfirmation.is_none())
        .then(|| {
            reminder::reconfirm_ask_at(
                booking.date,
                time,
                context.settings.reconfirm_days,
                booking.starts_at,
                now,
            )
        })
        .flatten();
    ask.or_else(|| reminder::reminder_at(booking.date, time, booking.starts_at, now))
}

/// Whether the booking's service asks "Confermi che verrai?".
pub fn asks_reconfirmation(context: &Context, booking: &Booking) -> bool {
    context
        .catalogue()
        .service(&booking.offering.service)
        .is_some_and(|service| service.reconfirm)
}

/// Until when a booking asked "Confermi che verrai?" may answer; `None` when it is not waiting
/// for an answer.
pub fn reconfirm_by(context: &Context, booking: &Booking) -> Option<DateTime<Utc>> {
    (booking.state == BookingState::Confirmed && booking.reconfirmation == Some(Reconfirmation::Asked))
        .then(|| reminder::reconfirm_deadline(booking.date, context.settings.reminder_time))
        .flatten()
}

/// The order that drops the schedule of a booking: the reminder of a cancelled one, the deadline's
/// timer of one confirmed with no reminder to come (none set is fine).
pub fn drop_order(booking: &Booking, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    outbox::reminder_order(MessageKind::ReminderCancel, &booking.id, None, now)
}

/// How much earlier than planned a schedule may fire and still count as on time.
const EARLY_FIRING: chrono::Duration = chrono::Duration::minutes(5);

/// What firing a reminder did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fired {
    /// The reminder message is queued (or was already, by an earlier firing), under this id.
    Queued(MessageId),
    /// "Confermi che verrai?" is asked (now, or by an earlier firing).
    Asked,
    /// No answer by the deadline: the booking is released.
    Released,
    /// The booking was cancelled, has started, or its personal data is gone: nothing to send.
    NotNeeded,
    /// No booking has this id.
    NoBooking,
    /// Fired before the booking's first planned time (an order carried out of turn): set again,
    /// nothing sent.
    Early,
    /// Not confirmed by its deadline: its seat is kept for the waiting list (`kept`), unless it
    /// was taken meanwhile or kept already (`waiting::keep_expired`).
    Expired { kept: bool },
    /// The hold of a seat offered from the waiting list reached its time: handed on, given back,
    /// or taken (`waiting::offer_ended`).
    OfferEnded(waiting::Drawn),
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
    S: BookingStore + OutboxStore + SeatStore + WaitingList + ?Sized,
{
    let now = context.clock.now();
    let booking = match store.booking_by_hold(&booking_id.hold(), now).await {
        Ok(booking) => booking,
        Err(StoreError::NotFound) => return Ok(Fired::NoBooking),
        Err(error) => return Err(error.into()),
    };
    // An offer's hold is scheduled to fire when the offer's time is up; once booked and confirmed,
    // its schedule is the booking's reminder, which ends the offer first.
    if let Some(drawn) = waiting::offer_ended(context, store, &booking).await?
        && booking.state != BookingState::Confirmed
    {
        return Ok(Fired::OfferEnded(drawn));
    }
    // The timer set with the details fires at the confirmation deadline: a booking not confirmed
    // by then frees its seat to the waiting list first. (Details sent: it has a short code.)
    if booking.state == BookingState::Expired && booking.short_code.is_some() {
        let kept = waiting::keep_expired(context, store, &booking).await?;
        return Ok(Fired::Expired { kept });
    }
    let Some(person) = booking.person.as_ref() else {
        return Ok(Fired::NotNeeded);
    };
    if booking.state != BookingState::Confirmed || booking.starts_at <= now {
        return Ok(Fired::NotNeeded);
    }
    // Fired before anything is due: the deadline's timer, its order carried out after the one
    // that replaced it (on AWS the stream does not keep two items' orders in turn). The schedule
    // is set again for the booking's next time, and nothing is sent.
    let ask_days = asks_reconfirmation(context, &booking).then_some(context.settings.reconfirm_days);
    if let Some(first) = reminder::first_firing(booking.date, context.settings.reminder_time, ask_days)
        && now < first - EARLY_FIRING
    {
        if let Some(next) = next_firing(context, &booking, now) {
            let order = outbox::reminder_order(MessageKind::ReminderSchedule, &booking.id, Some(next), now)?;
            store.enqueue(&order).await?;
        }
        return Ok(Fired::Early);
    }
    // The page's code is derived from the booking; issued again (it changes nothing) for a booking
    // confirmed before page codes were, whose code came from its confirmation link.
    let code = links::page_code(context, &booking.id);
    store.issue_page_code(&booking.id, &code.hash()).await?;
    let facts = facts::facts(context, &booking, None, person.lang);
    if asks_reconfirmation(context, &booking) {
        let deadline = reminder::reconfirm_deadline(booking.date, context.settings.reminder_time);
        match (booking.reconfirmation, deadline) {
            (None, Some(deadline)) if now < deadline => {
                let page = links::page_url(context, &code, person.lang);
                let question = compose::reconfirm_request(&facts, &person.contact, &page, deadline);
                let messages = [
                    outbox::citizen(MessageKind::ReconfirmRequest, question, now)?,
                    // Fired again at the deadline, to remind or to release.
                    outbox::reminder_order(MessageKind::ReminderSchedule, &booking.id, Some(deadline), now)?,
                ];
                store
                    .set_reconfirmation(&booking.id, Reconfirmation::Asked, &messages, now)
                    .await?;
                return Ok(Fired::Asked);
            }
            (Some(Reconfirmation::Asked), Some(deadline)) if now >= deadline => {
                let notice = compose::released_notice(&facts, &person.contact, &links::home_url(context));
                // Released seats go to the waiting list first.
                let (reservation, draw) = waiting::keep(&booking, FreedBy::Other, now)?;
                let messages = [outbox::citizen(MessageKind::Released, notice, now)?, draw];
                store
                    .cancel(&code.hash(), Some(&reservation), &messages, now)
                    .await?;
                return Ok(Fired::Released);
            }
            // Fired again before the deadline (a retry): the deadline's firing decides.
            (Some(Reconfirmation::Asked), _) => return Ok(Fired::Asked),
            // Reconfirmed, or booked too close to be asked: the reminder.
            _ => {}
        }
    }
    let url = links::page_url(context, &code, person.lang);
    let message = compose::reminder(&facts, &person.contact, &url);
    let queued = outbox::citizen_as(reminder_id(booking_id), MessageKind::Reminder, message, now)?;
    store.enqueue(&queued).await?;
    Ok(Fired::Queued(queued.id))
}
