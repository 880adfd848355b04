//! Outbox messages as the store keeps them: what kind, through which channel, under which id.
//! The strings are the stored forms (SQLite columns, DynamoDB attributes) and never change; a
//! stored string that none of these types knows is a corrupt store.

use std::fmt;

use chrono::{DateTime, Utc};
use prenota_core::contact::Channel;

use crate::names::stored_names;

stored_names! {
    /// What a message is. The payload of each kind is the use-case layer's business: the store
    /// keeps it as an opaque string.
    pub enum MessageKind {
        /// The link to confirm a booking, sent when the details are submitted.
        ConfirmationRequest = "confirmation-request",
        BookingConfirmed = "booking-confirmed",
        Cancellation = "cancellation",
        /// A "my bookings" request: the sender looks the bookings up and queues `BookingsList`.
        BookingsListRequest = "bookings-list-request",
        BookingsList = "bookings-list",
        /// Orders for the scheduler, not for a citizen: set a booking's reminder, or drop it.
        ReminderSchedule = "reminder-schedule",
        ReminderCancel = "reminder-cancel",
        /// The reminder itself, the day before the appointment.
        Reminder = "reminder",
        /// A booking a quota stopped at the details step, told on the contact's own channel.
        QuotaNotice = "quota-notice",
        /// The booking moved to another time: the new time and the new QR code.
        BookingMoved = "booking-moved",
        /// "Confermi che verrai?", some days before, for a service that asks.
        ReconfirmRequest = "reconfirm-request",
        /// Not reconfirmed by the deadline: the booking was released.
        Released = "released",
        /// The link that confirms a place on the waiting list.
        WaitingConfirm = "waiting-confirm",
        /// A kept seat offered to a place on the waiting list, held for the citizen.
        WaitingOffer = "waiting-offer",
        /// Work for the sender, not a message: a seat was kept for the waiting list, draw for it.
        SeatFreed = "seat-freed",
        /// The office closed at the booking's time: the reason, an apology, the page to choose
        /// another time or cancel.
        Displaced = "displaced",
    }
}

stored_names! {
    /// How a message leaves: to a citizen by e-mail or SMS, or as an order to the reminder
    /// scheduler.
    pub enum MessageChannel {
        Email = "email",
        Sms = "sms",
        Scheduler = "scheduler",
        /// Work the sender does itself (the draw for a freed seat).
        Internal = "internal",
    }
}

impl From<Channel> for MessageChannel {
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::Email => Self::Email,
            Channel::Sms => Self::Sms,
        }
    }
}

/// A message's id: the sender's idempotency key, and (in an e-mail) the `Message-ID`'s local
/// part. Ids are random tokens (22 characters of base64url) or names derived from another id so
/// that a repeat queues nothing twice (`reminder-<booking id>`, `<request id>-<n>`): only
/// ASCII letters, digits, `_` and `-`.
///
/// [`MessageId::new`] trusts its caller (ids the program makes, ids read back from the store);
/// [`MessageId::parse`] checks an id that comes from outside (a request, an event).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(String);

impl MessageId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// An id made only of ASCII letters, digits, `_` and `-`, not empty.
    pub fn parse(raw: &str) -> Option<Self> {
        let valid = !raw.is_empty()
            && raw
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-'));
        valid.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A message (e-mail or SMS) to deliver, written in the same transaction as the change that
/// causes it, so that no booking exists without its message and no message without its booking.
/// The store does not read `payload`: the use-case layer wrote it and the sender reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Unique: the sender's idempotency key.
    pub id: MessageId,
    pub kind: MessageKind,
    pub channel: MessageChannel,
    /// Empty once erased (see `payload`).
    pub recipient: String,
    /// JSON, opaque to the store. Empty once erased: DynamoDB drops it (and the recipient) when
    /// the message is delivered, one machine `PRENOTA_RETENTION` after it was queued.
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

stored_names! {
    /// Where a message's delivery stands: waiting, or recorded for good.
    pub enum Delivery {
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
    }
}

/// A message in the outbox and how its delivery went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub message: OutboxMessage,
    pub delivery: Delivery,
    /// The provider's message id once sent, or why it failed; while pending, why the last
    /// delivery failed for now.
    pub detail: Option<String>,
    /// Deliveries that failed for now (0 for a message never tried): the backoff's exponent.
    pub attempts: u32,
    /// When the message is next due: when it was queued, then after each temporary failure the
    /// time the sender chose ([`crate::OutboxStore::retry_later`]).
    pub next_attempt_at: DateTime<Utc>,
}

/// A temporary failure as the outbox records it: the message stays pending until `next_attempt_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryLater {
    /// Deliveries that failed for now, this one included (an SMS held back by the hourly cap did
    /// not fail: it keeps its count).
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    /// Why: the last error, kept in the entry's `detail`.
    pub reason: String,
}

/// What counting one more SMS in an hour answered ([`crate::OutboxStore::count_sms`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsCount {
    /// Counted: the SMS may leave; the hour's count with it.
    Counted(u32),
    /// The hour already counts this many, the cap or more: nothing was counted.
    CapReached(u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keep_their_stored_names() {
        let names: Vec<&str> = MessageKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(
            names,
            [
                "confirmation-request",
                "booking-confirmed",
                "cancellation",
                "bookings-list-request",
                "bookings-list",
                "reminder-schedule",
                "reminder-cancel",
                "reminder",
                "quota-notice",
                "booking-moved",
                "reconfirm-request",
                "released",
                "waiting-confirm",
                "waiting-offer",
                "seat-freed",
                "displaced",
            ]
        );
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!(MessageKind::parse("Reminder"), None);
        assert_eq!(MessageKind::parse(""), None);
    }

    #[test]
    fn channels_keep_their_stored_names() {
        let names: Vec<&str> = MessageChannel::ALL
            .iter()
            .map(|channel| channel.as_str())
            .collect();
        assert_eq!(names, ["email", "sms", "scheduler", "internal"]);
        for channel in MessageChannel::ALL {
            assert_eq!(MessageChannel::parse(channel.as_str()), Some(channel));
            assert_eq!(channel.to_string(), channel.as_str());
        }
        assert_eq!(MessageChannel::parse("fax"), None);
        assert_eq!(MessageChannel::from(Channel::Email), MessageChannel::Email);
        assert_eq!(MessageChannel::from(Channel::Sms), MessageChannel::Sms);
        assert_eq!(MessageChannel::from(Channel::Sms).as_str(), Channel::Sms.as_str());
    }

    #[test]
    fn deliveries_keep_their_stored_names() {
        let names: Vec<&str> = Delivery::ALL.iter().map(|delivery| delivery.as_str()).collect();
        assert_eq!(names, ["pending", "sent", "failed"]);
        for delivery in Delivery::ALL {
            assert_eq!(Delivery::parse(delivery.as_str()), Some(delivery));
        }
        assert_eq!(Delivery::parse("delivered"), None);
    }

    #[test]
    fn message_ids_are_tokens_and_names_derived_from_them() {
        let token = prenota_core::Token::generate().unwrap().encode();
        for id in [token.as_str(), "reminder-0a1b", "Ab_9-2"] {
            assert_eq!(MessageId::parse(id), Some(MessageId::new(id)));
            assert_eq!(MessageId::new(id).to_string(), id);
        }
        for refused in ["", "a b", "OUTBOX#1", "è"] {
            assert_eq!(MessageId::parse(refused), None, "{refused:?}");
        }
    }
}
