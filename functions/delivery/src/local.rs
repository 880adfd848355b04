//! The local outbox, the default on one machine without SMTP: a message is "delivered" by staying
//! readable at `/outbox`, where a developer (or a test) opens the links it carries.

use async_trait::async_trait;
use prenota_notify::{Email, EmailTransport, SendError, Sms, SmsTransport};

pub struct LocalOutbox;

/// What the outbox records as the provider's id.
pub const LOCAL_OUTBOX_ID: &str = "local outbox";

#[async_trait]
impl EmailTransport for LocalOutbox {
    async fn send_email(&self, _: &Email, _: &str) -> Result<String, SendError> {
        Ok(LOCAL_OUTBOX_ID.to_owned())
    }
}

#[async_trait]
impl SmsTransport for LocalOutbox {
    async fn send_sms(&self, _: &Sms, _: &str) -> Result<String, SendError> {
        Ok(LOCAL_OUTBOX_ID.to_owned())
    }
}

/// One machine's reminders: a table of the SQLite store, read by
/// [`crate::reminders::fire_due_forever`].
pub struct LocalReminders(pub prenota_store::sqlite::SqliteStore);

#[async_trait]
impl prenota_notify::ReminderScheduler for LocalReminders {
    async fn schedule(
        &self,
        booking_id: &prenota_core::BookingId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, SendError> {
        self.0
            .put_reminder(booking_id, at)
            .await
            .map_err(|error| SendError::Transient(error.to_string()))?;
        Ok(format!("local reminder at {}", at.to_rfc3339()))
    }

    async fn unschedule(&self, booking_id: &prenota_core::BookingId) -> Result<String, SendError> {
        self.0
            .remove_reminder(booking_id)
            .await
            .map_err(|error| SendError::Transient(error.to_string()))?;
        Ok("local reminder dropped".to_owned())
    }
}
