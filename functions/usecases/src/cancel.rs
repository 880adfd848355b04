//! "Annulla prenotazione" on the booking's page: first the citizen is asked to be sure, then the
//! booking is cancelled, its quota freed at once and its seat kept for the waiting list
//! (`waiting::keep`: offered to a drawn citizen first, public after `PUBLIC_AFTER_CANCEL` at the
//! latest), the notice queued and the reminder dropped, in one transaction.

use chrono::{DateTime, Utc};
use prenota_core::waiting::FreedBy;
use prenota_core::{BookingState, Token};
use prenota_notify::compose;
use prenota_store::{Booking, BookingStore, CatalogueStore, ClosureStore, MessageKind, OutboxMessage};

use crate::{Context, Failure, LinkError, closures, facts, links, outbox, reminders, waiting};

#[derive(Debug)]
pub enum Cancelling {
    /// Not yet said "Sì, annulla": the booking, to ask about.
    AskFirst(Booking),
    /// Cancelled now, or already before.
    Cancelled(Booking),
}

/// Cancels the booking behind `page_code` once the citizen has `confirmed` they mean it.
pub async fn cancel<S>(
    context: &Context,
    bookings: &S,
    page_code: &Token,
    confirmed: bool,
) -> Result<Cancelling, LinkError>
where
    S: BookingStore + ClosureStore + CatalogueStore + ?Sized,
{
    let now = context.clock.now();
    let booking = bookings.booking_by_page_code(&page_code.hash(), now).await?;
    if !confirmed && matches!(booking.state, BookingState::Confirmed | BookingState::Displaced) {
        return Ok(Cancelling::AskFirst(booking));
    }
    let mut messages = cancelled_messages(context, &booking, now)
        .inspect_err(|error| tracing::error!(%error, "a message could not be queued; nothing was changed"))?;
    // A displaced booking's seat stays closed; any other goes to the waiting list first.
    let reservation = match closures::seat_kept_closed(bookings, &booking, now).await? {
        Some(closed) => closed,
        None => {
            let (reservation, draw) = waiting::keep(&booking, FreedBy::Cancelled, now)?;
            messages.push(draw);
            reservation
        }
    };
    let outcome = bookings
        .cancel(&page_code.hash(), Some(&reservation), &messages, now)
        .await?;
    Ok(Cancelling::Cancelled(outcome.booking))
}

/// The cancellation notice (while the personal data lasts) and the order that drops the reminder.
fn cancelled_messages(
    context: &Context,
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxMessage>, Failure> {
    let mut messages = Vec::new();
    if let Some(person) = booking.person.as_ref() {
        let facts = facts::facts(context, booking, None, person.lang);
        let notice = compose::cancellation_notice(&facts, &person.contact, &links::home_url(context));
        messages.push(outbox::citizen(MessageKind::Cancellation, notice, now)?);
    }
    messages.push(reminders::drop_order(booking, now)?);
    Ok(messages)
}
