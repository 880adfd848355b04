//! The confirmation link (`/c/{code}`): opening it shows the booking and its deadline and changes
//! nothing (mail scanners follow links); pressing "Conferma prenotazione" confirms it, queues the
//! "booking confirmed" message with its QR code and sets the reminder, in one transaction.

use chrono::{DateTime, Utc};
use prenota_core::{BookingState, Token};
use prenota_notify::compose;
use prenota_store::{Booking, BookingStore, MessageKind, OutboxMessage};

use crate::{Context, Failure, LinkError, facts, household, links, outbox, reminders};

/// What the confirmation link shows.
#[derive(Debug)]
pub enum Confirmation {
    /// Waiting for the citizen's "Conferma", until `deadline`: the booking, or everyone of its
    /// household, in order.
    Pending {
        members: Vec<Booking>,
        deadline: DateTime<Utc>,
    },
    /// Already confirmed: the booking's page, reached through its code.
    Confirmed { booking: Box<Booking>, page_code: Token },
}

/// The booking behind a confirmation link, as it is now. Read only.
pub async fn view(
    context: &Context,
    bookings: &dyn BookingStore,
    code: &Token,
) -> Result<Confirmation, LinkError> {
    let now = context.clock.now();
    let booking = bookings.booking_by_confirm_code(&code.hash(), now).await?;
    match booking.state {
        BookingState::Pending => Ok(Confirmation::Pending {
            deadline: booking.expires_at.unwrap_or(now),
            members: household::members(bookings, &booking, now).await?,
        }),
        // A displaced booking's page says why and offers another time.
        BookingState::Confirmed | BookingState::Displaced => Ok(Confirmation::Confirmed {
            page_code: shown_page_code(context, bookings, &booking, code, now).await?,
            booking: Box::new(booking),
        }),
        BookingState::Cancelled => Err(LinkError::Cancelled),
        BookingState::Held | BookingState::Expired => Err(LinkError::Expired),
    }
}

/// The code of a confirmed booking's page. A booking confirmed before page codes were derived
/// from the booking has its page under the code derived from its confirmation link (until a
/// reminder, a list or a repeated confirmation issues the new one): read, never written, on a GET.
async fn shown_page_code(
    context: &Context,
    bookings: &dyn BookingStore,
    booking: &Booking,
    confirm: &Token,
    now: DateTime<Utc>,
) -> Result<Token, LinkError> {
    let page_code = links::page_code(context, &booking.id);
    match bookings.booking_by_page_code(&page_code.hash(), now).await {
        Ok(_) => Ok(page_code),
        Err(prenota_store::StoreError::NotFound) => Ok(links::legacy_page_code(context, confirm)),
        Err(error) => Err(error.into()),
    }
}

/// A confirmed booking and the code of its page.
#[derive(Debug)]
pub struct Confirmed {
    pub booking: Booking,
    pub page_code: Token,
}

/// Pending → confirmed. Confirming again shows the same booking and queues nothing.
pub async fn confirm(
    context: &Context,
    bookings: &dyn BookingStore,
    code: &Token,
) -> Result<Confirmed, LinkError> {
    let now = context.clock.now();
    let booking = bookings.booking_by_confirm_code(&code.hash(), now).await?;
    if booking.state == BookingState::Displaced {
        // The office closed at its time before the citizen confirmed: confirming changes nothing,
        // the booking's page (issued with the closure's message) tells them what to do.
        return Ok(Confirmed {
            page_code: links::page_code(context, &booking.id),
            booking,
        });
    }
    // A household's confirmation code is its first person's: it confirms everyone.
    let members = household::members(bookings, &booking, now).await?;
    let page_codes: Vec<Token> = members
        .iter()
        .map(|member| links::page_code(context, &member.id))
        .collect();
    // No booking is confirmed without its messages: one that cannot be written changes nothing.
    let messages: Vec<OutboxMessage> = confirmation_messages(context, &members, &page_codes, now)
        .inspect_err(|error| tracing::error!(%error, "a message could not be queued; nothing was changed"))?;
    let hashes: Vec<_> = page_codes.iter().map(Token::hash).collect();
    let outcome = bookings.confirm(&code.hash(), &hashes, &messages, now).await?;
    if !outcome.changed {
        // A booking confirmed before page codes were derived from the booking has its page
        // under another code: the one shown now is issued too (it changes nothing otherwise).
        bookings.issue_page_code(&outcome.booking.id, &hashes[0]).await?;
    }
    let page_code = page_codes
        .into_iter()
        .next()
        .expect("a household has its first person");
    Ok(Confirmed {
        booking: outcome.booking,
        page_code,
    })
}

/// What confirming queues: the "confirmed" message (one for a whole household) and each
/// booking's reminder order.
fn confirmation_messages(
    context: &Context,
    members: &[Booking],
    page_codes: &[Token],
    now: DateTime<Utc>,
) -> Result<Vec<OutboxMessage>, Failure> {
    let confirmed = match members {
        [booking] => confirmed_message(context, booking, &page_codes[0], now)?,
        household => household::confirmed_message(context, household, page_codes, now)?,
    };
    let mut messages: Vec<OutboxMessage> = confirmed.into_iter().collect();
    for member in members {
        // The reminder's order replaces the deadline's timer set with the details; with no
        // reminder (less than a day ahead) the timer is dropped.
        messages.push(match reminders::schedule(context, member, now)? {
            Some(order) => order,
            None => reminders::drop_order(member, now)?,
        });
    }
    Ok(messages)
}

/// The "booking confirmed" message, in the language the citizen booked in.
pub(crate) fn confirmed_message(
    context: &Context,
    booking: &Booking,
    page_code: &Token,
    now: DateTime<Utc>,
) -> Result<Option<OutboxMessage>, Failure> {
    let Some(person) = booking.person.as_ref() else {
        return Ok(None);
    };
    // The short code is set at the details step; the check-in token needs it.
    let Some(checkin) = links::checkin_token(context, booking) else {
        return Ok(None);
    };
    let facts = facts::facts(context, booking, None, person.lang);
    let message = compose::booking_confirmed(
        &facts,
        &person.contact,
        &links::page_url(context, page_code, person.lang),
        &checkin,
    );
    outbox::citizen(MessageKind::BookingConfirmed, message, now).map(Some)
}
