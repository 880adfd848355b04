//! The sender: takes a pending outbox message and delivers it through its channel's transport,
//! then records the outcome. The same code runs in the `sender` Lambda (fed by the table's stream)
//! and in the one-machine server's background task.
//!
//! Delivery is at least once and, once recorded, never again: the message is read back from the
//! store before every delivery and only a pending one is sent. A crash between the provider's
//! "accepted" and the record is the one window in which a message can leave twice; its
//! `Message-ID` (made of the outbox id) lets mail programs show it once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prenota_notify::{EmailTransport, Message, ReminderScheduler, SendError, SmsTransport};
use prenota_store::{Delivery, MessageId, OutboxMessage, StoreError, StoreResult};
use prenota_usecases::App;
use prenota_usecases::my_bookings::{self, AnswerError};
use prenota_usecases::outbox::{Payload, ReminderOrder};

/// Where each channel's messages go.
#[derive(Clone)]
pub struct Transports {
    pub email: Arc<dyn EmailTransport>,
    pub sms: Arc<dyn SmsTransport>,
    pub reminders: Arc<dyn ReminderScheduler>,
}

/// How hard one delivery tries before leaving a message for later, and when "later" ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries within one delivery.
    pub tries: u32,
    /// The wait after the first failed try; it doubles after each one, up to `longest_wait`.
    pub first_wait: Duration,
    pub longest_wait: Duration,
    /// A message still failing this long after it was queued is marked failed: its booking's
    /// confirmation window, and usually its appointment, are long past.
    pub give_up_after: chrono::Duration,
}

impl Default for RetryPolicy {
    /// Three tries over about a second within one delivery; a day before giving up.
    fn default() -> Self {
        Self {
            tries: 3,
            first_wait: Duration::from_millis(200),
            longest_wait: Duration::from_secs(30),
            give_up_after: chrono::Duration::hours(24),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `failures`-th failure in a row (1 = the first): exponential backoff with
    /// "equal jitter" (half fixed, half random), so that senders that failed together do not all
    /// come back at the same instant.
    pub fn wait(&self, failures: u32) -> Duration {
        let doubled = self
            .first_wait
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
        let ceiling = doubled.min(self.longest_wait);
        let half = ceiling / 2;
        // Without a random source the wait is still bounded; it just loses its spread.
        let random = getrandom::u32().unwrap_or(u32::MAX / 2);
        half + half.mul_f64(f64::from(random) / f64::from(u32::MAX))
    }
}

/// What one delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted by the provider, with its id for the message.
    Sent(String),
    /// Will never be delivered; the reason is recorded with the message.
    Failed(String),
    /// Still pending after a temporary failure: the next delivery tries again.
    Later(String),
    /// Not pending any more: an earlier delivery sent it or gave up on it.
    AlreadyDone,
}

pub struct Sender {
    app: Arc<App>,
    transports: Transports,
    retry: RetryPolicy,
}

impl Sender {
    pub fn new(app: Arc<App>, transports: Transports, retry: RetryPolicy) -> Self {
        Self {
            app,
            transports,
            retry,
        }
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    pub fn retry(&self) -> RetryPolicy {
        self.retry
    }

    /// The pending messages, oldest first, at most `limit`. An outbox that cannot be read is
    /// logged and gives none: the next round asks again.
    pub async fn pending(&self, limit: usize) -> Vec<OutboxMessage> {
        match self.app.store.pending_messages(limit).await {
            Ok(pending) => pending.into_iter().map(|entry| entry.message).collect(),
            Err(error) => {
                tracing::error!(%error, "the outbox could not be read");
                Vec::new()
            }
        }
    }

    /// [`Sender::deliver`], with a delivery that could not be recorded logged: the message stays
    /// pending and is delivered again later (`None`).
    pub async fn deliver_logged(&self, id: &MessageId) -> Option<Delivered> {
        match self.deliver(id).await {
            Ok(delivered) => Some(delivered),
            Err(error) => {
                tracing::error!(%error, %id, "delivery not recorded");
                None
            }
        }
    }

    /// Delivers the outbox message `id` if it is still pending, and records the outcome. An error
    /// is the store's: the message stays pending and the next delivery tries again.
    pub async fn deliver(&self, id: &MessageId) -> StoreResult<Delivered> {
        let entry = self.app.store.message(id).await?;
        if entry.delivery != Delivery::Pending {
            return Ok(Delivered::AlreadyDone);
        }
        let message = &entry.message;
        let mut failures = 0;
        let reason = loop {
            match self.send_once(message).await {
                Ok(provider_id) => {
                    self.record(message, Delivery::Sent, &provider_id).await?;
                    return Ok(Delivered::Sent(provider_id));
                }
                Err(SendError::Permanent(reason)) => {
                    self.record(message, Delivery::Failed, &reason).await?;
                    return Ok(Delivered::Failed(reason));
                }
                Err(SendError::Transient(reason)) => {
                    failures += 1;
                    if failures >= self.retry.tries {
                        break reason;
                    }
                    tracing::warn!(%id, kind = %message.kind, channel = %message.channel, %reason, "send failed, trying again");
                    tokio::time::sleep(self.retry.wait(failures)).await;
                }
            }
        };
        if self.too_old(message.created_at) {
            let reason = format!(
                "gave up {} h after it was queued; last error: {reason}",
                self.retry.give_up_after.num_hours()
            );
            self.record(message, Delivery::Failed, &reason).await?;
            return Ok(Delivered::Failed(reason));
        }
        tracing::warn!(%id, kind = %message.kind, channel = %message.channel, %reason, "send failed, left for later");
        Ok(Delivered::Later(reason))
    }

    fn too_old(&self, created_at: DateTime<Utc>) -> bool {
        self.app.context.clock.now() - created_at >= self.retry.give_up_after
    }

    async fn record(&self, message: &OutboxMessage, delivery: Delivery, detail: &str) -> StoreResult<()> {
        if delivery == Delivery::Failed {
            tracing::error!(id = %message.id, kind = %message.kind, channel = %message.channel, reason = detail, "message failed");
        }
        self.app
            .store
            .mark_delivery(&message.id, delivery, detail, self.app.context.clock.now())
            .await
    }

    /// One try, by what the message carries. A "my bookings" request is answered by queueing the
    /// list it asks for (the sender, not the request, looks bookings up, so the request learns
    /// nothing).
    async fn send_once(&self, message: &OutboxMessage) -> Result<String, SendError> {
        let payload = Payload::read(message).map_err(|error| SendError::Permanent(error.to_string()))?;
        let id = message.id.as_str();
        match payload {
            Payload::Citizen(Message::Email(email)) => self.transports.email.send_email(&email, id).await,
            Payload::Citizen(Message::Sms(sms)) => self.transports.sms.send_sms(&sms, id).await,
            Payload::ListRequest(asked) => {
                let queued = my_bookings::answer(&self.app.context, &*self.app.store, &message.id, &asked)
                    .await
                    .map_err(|error| match error {
                        AnswerError::Unanswerable(reason) => SendError::Permanent(reason),
                        AnswerError::Store(error) => store_failure(&error),
                    })?;
                Ok(format!("answered with {queued} message(s)"))
            }
            Payload::Reminder(ReminderOrder {
                booking_id,
                at: Some(at),
            }) => self.transports.reminders.schedule(&booking_id, at).await,
            Payload::Reminder(ReminderOrder { booking_id, at: None }) => {
                self.transports.reminders.unschedule(&booking_id).await
            }
        }
    }
}

fn store_failure(error: &StoreError) -> SendError {
    SendError::Transient(format!("the store could not answer: {error}"))
}
