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
