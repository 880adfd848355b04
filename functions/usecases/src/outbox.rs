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
            | MessageKind::BookingConfirmed
            | MessageKind::Cancellation
            | MessageKind::BookingsList
            | MessageKind::Reminder => Self::Citizen(serde_json::from_str(payload).map_err(unreadable)?),
            MessageKind::BookingsListRequest => {
                Self::ListRequest(serde_json::from_str(payload).map_err(unreadable)?)
            }
            MessageKind::ReminderSchedule | MessageKind::ReminderCancel => {
                Self::Reminder(serde_json::from_str(payload).map_err(unreadable)?)
            }
        })
    }

    fn channel(&self) -> MessageChannel {
        match self {
            Self::Citizen(message) => message.channel().into(),
            Self::ListRequest(request) => match Contact::parse(&request.contact) {
                Ok(contact) => contact.channel().into(),
                // Never built so (the request is made from a parsed contact); the sender reads
                // the payload, not the channel.
                Err(_) => MessageChannel::Email,
            },
            Self::Reminder(_) => MessageChannel::Scheduler,
        }
    }

    fn recipient(&self) -> &str {
        match self {
            Self::Citizen(message) => message.recipient(),
            Self::ListRequest(request) => &request.contact,
            Self::Reminder(order) => order.booking_id.as_str(),
        }
    }

    fn to_json(&self) -> Result<String, serde_json::Error> {
        match self {
            Self::Citizen(message) => serde_json::to_string(message),
            Self::ListRequest(request) => serde_json::to_string(request),
            Self::Reminder(order) => serde_json::to_string(order),
        }
    }
}

/// An outbox message of `kind` carrying `payload`, under a fresh random id: the one way every
/// message gets its id, but for those whose id is derived so that a repeat queues nothing twice
/// ([`queued_as`]).
pub fn queued(kind: MessageKind, payload: &Payload, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    queued_as(MessageId::new(Token::generate()?.encode()), kind, payload, now)
}

/// [`queued`] under the id `id`.
pub fn queued_as(
    id: MessageId,
    kind: MessageKind,
    payload: &Payload,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, Failure> {
    Ok(OutboxMessage {
        id,
        kind,
        channel: payload.channel(),
        recipient: payload.recipient().to_owned(),
        payload: payload.to_json()?,
        created_at: now,
    })
}

/// A rendered message for a citizen, queued as `kind`.
pub fn citizen(kind: MessageKind, message: Message, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    queued(kind, &Payload::Citizen(message), now)
}

/// The "my bookings" request of `contact`, answered in `lang`.
pub fn list_request(contact: &Contact, lang: Lang, now: DateTime<Utc>) -> Result<OutboxMessage, Failure> {
    let request = ListRequest {
        contact: contact.address().to_owned(),
        lang: lang.as_str().to_owned(),
    };
    queued(
        MessageKind::BookingsListRequest,
        &Payload::ListRequest(request),
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
        let order = Payload::Reminder(ReminderOrder {
            booking_id: id.clone(),
            at: Some(at),
        });
        let schedule = queued(MessageKind::ReminderSchedule, &order, now()).unwrap();
        assert_eq!(
            schedule.payload,
            format!(r#"{{"booking_id":"{id}","at":"2026-12-05T09:00:00Z"}}"#)
        );
        assert_eq!(schedule.channel, MessageChannel::Scheduler);
        assert_eq!(Payload::read(&schedule).unwrap(), order);
        let cancel = Payload::Reminder(ReminderOrder {
            booking_id: id.clone(),
            at: None,
        });
        let dropped = queued(MessageKind::ReminderCancel, &cancel, now()).unwrap();
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
