//! What goes into the outbox, typed: each [`MessageKind`] carries one kind of [`Payload`], written
//! as the JSON the store keeps (opaque to it) and read back by the sender, which dispatches on the
//! payload with a `match`.
//!
//! A message is queued in the same store transaction as the change that causes it (details,
//! confirm, cancel); a message that no change causes ("my bookings", a reminder) is queued alone
//! under an id that makes a repeat harmless.

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::{BookingId, Token};
use prenota_notify::Message;
use prenota_store::{MessageChannel, MessageId, MessageKind, OutboxMessage};
use serde::{Deserialize, Serialize};

use crate::Failure;

/// What an outbox message carries, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// An e-mail or SMS for a citizen, rendered (confirmation request, booking confirmed,
    /// cancellation, reminder, bookings list).
    Citizen(Message),
    /// A "my bookings" request: the sender looks the bookings up and queues the list.
    ListRequest(ListRequest),
    /// An order for the scheduler: set or drop a booking's reminder.
    Reminder(ReminderOrder),
    /// A seat kept for the waiting list: the sender draws who it is offered to.
    SeatFreed(SeatFreedOrder),
}

/// The seat a reservation keeps, when and why it was freed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatFreedOrder {
    /// The reservation's hold hash, hex.
    pub reservation: String,
    pub freed_at: DateTime<Utc>,
    /// `cancelled` or `other` ([`prenota_core::waiting::FreedBy`]).
    pub by: String,
}

/// Who asked for their bookings, and in which language to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRequest {
    /// The contact as the citizen typed it, normalised: an e-mail address or an E.164 number.
    pub contact: String,
    pub lang: String,
}

/// Whose reminder, and (to set it) when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderOrder {
    pub booking_id: BookingId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// Why a stored message cannot be read back as its kind's payload: trying again cannot help.
#[derive(Debug, thiserror::Error)]
#[error("the stored {kind} message is unreadable: {reason}")]
pub struct Unreadable {
    pub kind: MessageKind,
    pub reason: String,
}

impl Payload {
    /// The payload of a stored message, read as its kind says.
    pub fn read(message: &OutboxMessage) -> Result<Self, Unreadable> {
        let unreadable = |error: serde_json::Error| Unreadable {
            kind: message.kind,
            reason: error.to_string(),
        };
        let payload = &message.payload;
        Ok(match message.kind {
            MessageKind::ConfirmationRequest
            | MessageKind::WaitingConfirm
            | MessageKind::WaitingOffer
            | MessageKind::BookingConfirmed
            | MessageKind::BookingMoved
            | MessageKind::ReconfirmRequest
            | MessageKind::Released
            | MessageKind::Cancellation
            | MessageKind::BookingsList
            | MessageKind::Reminder
            | MessageKind::QuotaNotice
            | MessageKind::Displaced => Self::Citizen(serde_json::from_str(payload).map_err(unreadable)?),
            MessageKind::BookingsListRequest => {
                Self::ListRequest(serde_json::from_str(payload).map_err(unreadable)?)
            }
            MessageKind::ReminderSchedule | MessageKind::ReminderCancel => {
                Self::Reminder(serde_json::from_str(payload).map_err(unreadable)?)
            }
            MessageKind::SeatFreed => Self::SeatFreed(serde_json::from_str(payload).map_err(unreadable)?),
        })
    }

    fn to_json(&self) -> Result<String, serde_json::Error> {
        match self {
            Self::Citizen(message) => serde_json::to_string(message),
            Self::ListRequest(request) => serde_json::to_string(request),
            Self::Reminder(order) => serde_json::to_string(order),
            Self::SeatFreed(order) => serde_json::to_string(order),
        }
    }
}

/// A fresh random outbox id: the one way a message gets its id, but for those whose id is derived
/// so that a repeat queues nothing twice (a reminder, the answer to a list request).
fn random_id() -> Result<MessageId, Failure> {
    Ok(MessageId::new(Token::generate()?.encode()))
}

/// The outbox item `id` of `kind`, for `recipient` on `channel`, carrying `payload` as its JSON.
fn queued(
    id: MessageId,
    kind: MessageKind,
    (channel, recipient): (MessageChannel, &str),
    payload: &Payload,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, Failure> {
    Ok(OutboxMessage {
        id,
        kind,
        channel,
        recipient: recipient.to_owned(),
        payload: payload.to_json()?,
        created_at: now,
    })
}

/// A rendered message for a citizen, queued as `kind`.
pub fn citizen(kind: MessageKind, message: Message, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    citizen_as(random_id()?, kind, message, now)
}

/// [`citizen`] under the id `id`.
pub fn citizen_as(
    id: MessageId,
    kind: MessageKind,
    message: Message,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, Failure> {
    let (channel, recipient) = (message.channel().into(), message.recipient().to_owned());
    queued(id, kind, (channel, &recipient), &Payload::Citizen(message), now)
}

/// The "my bookings" request of `contact`, answered in `lang`.
pub fn list_request(contact: &Contact, lang: Lang, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    let request = ListRequest {
        contact: contact.address().to_owned(),
        lang: lang.as_str().to_owned(),
    };
    let to = (contact.channel().into(), contact.address());
    queued(
        random_id()?,
        MessageKind::BookingsListRequest,
        to,
        &Payload::ListRequest(request),
        now,
    )
}

/// The order that sets (`at`) or drops (`None`) a booking's reminder: `ReminderSchedule` or
/// `ReminderCancel`, for the scheduler.
pub fn reminder_order(
    kind: MessageKind,
    booking: &BookingId,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, Failure> {
    let order = ReminderOrder {
        booking_id: booking.clone(),
        at,
    };
    let to = (MessageChannel::Scheduler, booking.as_str());
    queued(random_id()?, kind, to, &Payload::Reminder(order), now)
}

/// The order to draw the waiting list for the seat `order` keeps: work for the sender itself.
pub fn seat_freed(order: SeatFreedOrder, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    let to = (MessageChannel::Internal, order.reservation.clone());
    queued(
        random_id()?,
        MessageKind::SeatFreed,
        (to.0, &to.1),
        &Payload::SeatFreed(order),
        now,
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
    }

    fn booking_id() -> BookingId {
        BookingId::of_hold(&Token::generate().unwrap().hash())
    }

    #[test]
    fn payloads_are_written_as_before_and_read_back_by_kind() {
        let contact = Contact::parse("maria.rossi@example.it").unwrap();
        let request = list_request(&contact, Lang::En, now()).unwrap();
        assert_eq!(
            request.payload,
            r#"{"contact":"maria.rossi@example.it","lang":"en"}"#
        );
        assert_eq!(request.channel, MessageChannel::Email);
        assert_eq!(request.recipient, "maria.rossi@example.it");
        assert!(matches!(Payload::read(&request), Ok(Payload::ListRequest(r)) if r.lang == "en"));

        let id = booking_id();
        let at = now() + chrono::Duration::days(1);
        let schedule = reminder_order(MessageKind::ReminderSchedule, &id, Some(at), now()).unwrap();
        assert_eq!(
            schedule.payload,
            format!(r#"{{"booking_id":"{id}","at":"2026-12-05T09:00:00Z"}}"#)
        );
        assert_eq!(schedule.channel, MessageChannel::Scheduler);
        assert_eq!(schedule.recipient, id.as_str());
        let order = ReminderOrder {
            booking_id: id.clone(),
            at: Some(at),
        };
        assert_eq!(Payload::read(&schedule).unwrap(), Payload::Reminder(order));
        let dropped = reminder_order(MessageKind::ReminderCancel, &id, None, now()).unwrap();
        assert_eq!(dropped.payload, format!(r#"{{"booking_id":"{id}"}}"#));
    }

    #[test]
    fn a_payload_of_another_kind_is_unreadable() {
        let contact = Contact::parse("+393331234567").unwrap();
        let mut request = list_request(&contact, Lang::It, now()).unwrap();
        assert_eq!(request.channel, MessageChannel::Sms);
        request.kind = MessageKind::ReminderSchedule;
        let error = Payload::read(&request).unwrap_err();
        assert_eq!(error.kind, MessageKind::ReminderSchedule);
        request.kind = MessageKind::BookingConfirmed;
        assert!(Payload::read(&request).is_err());
    }
}
