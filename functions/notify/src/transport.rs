//! The narrow doors a message leaves by. The adapters (SES v2, SNS, SMTP, the local outbox) live in
//! `prenota-delivery`; the sender sees only these traits.

use async_trait::async_trait;

use crate::message::{Email, Sms};

/// Why a message did not leave, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The service is unreachable, throttling or failing: try again later.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Trying again cannot help: an address the service refuses, an opted-out number.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl SendError {
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

/// Sends one e-mail. `outbox_id` names the message (its `Message-ID` is made of it); the answer is
/// the provider's id for the message.
#[async_trait]
pub trait EmailTransport: Send + Sync {
    async fn send_email(&self, email: &Email, outbox_id: &str) -> Result<String, SendError>;
}

/// Sends one SMS; the answer is the provider's id for the message.
#[async_trait]
pub trait SmsTransport: Send + Sync {
    async fn send_sms(&self, sms: &Sms, outbox_id: &str) -> Result<String, SendError>;
}

/// Sets and drops the day-before reminder of a booking (EventBridge Scheduler in AWS, a table
/// read by a timer on one machine). Both are idempotent: setting one already set, or dropping
/// one that is not there, succeeds.
#[async_trait]
pub trait ReminderScheduler: Send + Sync {
    async fn schedule(
        &self,
        booking_id: &prenota_core::BookingId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, SendError>;
    async fn unschedule(&self, booking_id: &prenota_core::BookingId) -> Result<String, SendError>;
}
