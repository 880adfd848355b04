//! The sender: takes a pending outbox message and delivers it through its channel's transport,
//! then records the outcome. The same code runs in the `sender` Lambda (fed by the table's stream)
//! and in the one-machine server's background task.
//!
//! Delivery is at least once and, once recorded, never again: the message is read back from the
//! store before every delivery and only a pending one is sent. A crash between the provider's
//! "accepted" and the record is the one window in which a message can leave twice; its
//! `Message-ID` (made of the outbox id) lets mail programs show it once.
//!
//! A message that fails for now gets its own next attempt, recorded with it, after a jittered
//! delay that doubles with each failed delivery ([`RetryPolicy::delay`]): it never holds back the
//! messages behind it. SMS are counted per hour across the service, in the store, and held back
//! over the cap ([`Sender::with_sms_per_hour`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use prenota_notify::{EmailTransport, Message, ReminderScheduler, SendError, SmsTransport};
use prenota_store::{
    Delivery, MessageId, OutboxEntry, OutboxMessage, RetryLater, SmsCount, StoreError, StoreResult,
};
use prenota_usecases::App;
use prenota_usecases::my_bookings::{self, AnswerError};
use prenota_usecases::outbox::{Payload, ReminderOrder};
use prenota_usecases::waiting;

/// Where each channel's messages go.
#[derive(Clone)]
pub struct Transports {
    pub email: Arc<dyn EmailTransport>,
    pub sms: Arc<dyn SmsTransport>,
    pub reminders: Arc<dyn ReminderScheduler>,
}

/// How hard one delivery tries, how long a message that still fails waits before the next one,
/// and when "later" ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries within one delivery.
    pub tries: u32,
    /// The wait after the first failed try; it doubles after each one, up to `longest_wait`.
    pub first_wait: Duration,
    pub longest_wait: Duration,
    /// After a delivery that failed for now, the message is not due again for about this long
    /// (recorded with it, so a restart keeps it); the delay doubles with each such delivery, up to
    /// `longest_delay`, jittered as the waits are.
    pub first_delay: Duration,
    pub longest_delay: Duration,
    /// A message still failing this long after it was queued is marked failed: its booking's
    /// confirmation window, and usually its appointment, are long past.
    pub give_up_after: chrono::Duration,
}

impl Default for RetryPolicy {
    /// Three tries over about a second within one delivery; then the next delivery after 15–30 s,
    /// 30–60 s, 1–2 min… up to 15–30 min (a greylisting server's usual 5 minutes are past after
    /// the fifth); a day before giving up.
    fn default() -> Self {
        Self {
            tries: 3,
            first_wait: Duration::from_millis(200),
            longest_wait: Duration::from_secs(30),
            first_delay: Duration::from_secs(30),
            longest_delay: Duration::from_secs(30 * 60),
            give_up_after: chrono::Duration::hours(24),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `failures`-th failed try in a row within one delivery (1 = the first).
    pub fn wait(&self, failures: u32) -> Duration {
        backoff(self.first_wait, self.longest_wait, failures)
    }

    /// How long a message waits after its `attempts`-th delivery that failed for now (1 = the
    /// first) before it is due again.
    pub fn delay(&self, attempts: u32) -> Duration {
        backoff(self.first_delay, self.longest_delay, attempts)
    }
}

/// Exponential backoff with "equal jitter" (half fixed, half random) after the `n`-th failure
/// (1 = the first), so that what failed together does not all come back at the same instant.
fn backoff(first: Duration, longest: Duration, n: u32) -> Duration {
    let doubled = first.saturating_mul(1u32 << n.saturating_sub(1).min(20));
    let ceiling = doubled.min(longest);
    let half = ceiling / 2;
    // Without a random source the wait is still bounded; it just loses its spread.
    let random = getrandom::u32().unwrap_or(u32::MAX / 2);
    half + half.mul_f64(f64::from(random) / f64::from(u32::MAX))
}

/// SMS sent per hour across the service unless set otherwise ([`Sender::with_sms_per_hour`]).
/// Bergamo's 27 offerings have about 16,400 places in a 60-day window, some 400 a working day:
/// were each booked by SMS with its three messages (request, confirmation, reminder), that is
/// about 100 SMS an hour over a 12-hour day. 500 is five times that, which no legitimate peak
/// reaches, and bounds SMS pumping to 500 paid messages an hour.
pub const DEFAULT_SMS_PER_HOUR: u32 = 500;

/// `PRENOTA_SMS_PER_HOUR` as `lookup` gives it (`None` when unset): [`DEFAULT_SMS_PER_HOUR`] by
/// default; the one-machine server and the sender Lambda read it alike.
pub fn sms_per_hour_setting(lookup: impl Fn(&str) -> Option<String>) -> Result<u32, String> {
    match lookup("PRENOTA_SMS_PER_HOUR") {
        None => Ok(DEFAULT_SMS_PER_HOUR),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|_| format!("PRENOTA_SMS_PER_HOUR={raw:?} is not a whole number (like 500)")),
    }
}

/// What one delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted by the provider, with its id for the message.
    Sent(String),
    /// Will never be delivered; the reason is recorded with the message.
    Failed(String),
    /// Still pending after a temporary failure (or held back by the SMS cap): the store has when
    /// it is due again, and the poll and [`Sender::due`] leave it until then; calling
    /// [`Sender::deliver`] again tries at once.
    Later(String),
    /// Not pending any more: an earlier delivery sent it or gave up on it.
    AlreadyDone,
}

pub struct Sender {
    app: Arc<App>,
    transports: Transports,
    retry: RetryPolicy,
    sms_per_hour: u32,
}

impl Sender {
    pub fn new(app: Arc<App>, transports: Transports, retry: RetryPolicy) -> Self {
        Self {
            app,
            transports,
            retry,
            sms_per_hour: DEFAULT_SMS_PER_HOUR,
        }
    }

    /// At most `cap` SMS an hour across the service (`PRENOTA_SMS_PER_HOUR`), counted in the
    /// store so that restarts and several senders at once share the count. Over it, an SMS stays
    /// pending until the next hour and "SMS cap reached" is logged at error level.
    pub fn with_sms_per_hour(self, cap: u32) -> Self {
        Self {
            sms_per_hour: cap,
            ..self
        }
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    pub fn retry(&self) -> RetryPolicy {
        self.retry
    }

    pub fn sms_per_hour(&self) -> u32 {
        self.sms_per_hour
    }

    /// Now, by the app's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.app.context.clock.now()
    }

    /// Every pending message, due or not, soonest due first, at most `limit` (a sweep that
    /// ignores the backoff). An outbox that cannot be read is logged and gives none: the next
    /// round asks again.
    pub async fn pending(&self, limit: usize) -> Vec<OutboxMessage> {
        self.pending_by(limit, DateTime::<Utc>::MAX_UTC)
            .await
            .into_iter()
            .map(|entry| entry.message)
            .collect()
    }

    /// The pending messages due now, soonest due first, at most `limit`. An outbox that cannot be
    /// read is logged and gives none.
    pub async fn due(&self, limit: usize) -> Vec<OutboxEntry> {
        self.pending_by(limit, self.now()).await
    }

    async fn pending_by(&self, limit: usize, due_by: DateTime<Utc>) -> Vec<OutboxEntry> {
        match self.app.store.pending_messages(limit, due_by).await {
            Ok(pending) => pending,
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

    /// Leaves a due message untried until `until` (its channel's service is resting), keeping its
    /// attempts.
    pub async fn put_off(&self, entry: &OutboxEntry, until: DateTime<Utc>, reason: &str) -> StoreResult<()> {
        let retry = RetryLater {
            attempts: entry.attempts,
            next_attempt_at: until,
            reason: reason.to_owned(),
        };
        self.app.store.retry_later(&entry.message.id, &retry).await
    }

    /// Delivers the outbox message `id` if it is still pending, due or not, and records the
    /// outcome: sent, failed, or — after a temporary failure — its next attempt, after a jittered
    /// delay that grows with its failed deliveries ([`RetryPolicy::delay`]). An error is the
    /// store's: the message stays pending and the next delivery tries again.
    pub async fn deliver(&self, id: &MessageId) -> StoreResult<Delivered> {
        let entry = self.app.store.message(id).await?;
        if entry.delivery != Delivery::Pending {
            return Ok(Delivered::AlreadyDone);
        }
        let message = &entry.message;
        let payload = match Payload::read(message) {
            Ok(payload) => payload,
            Err(error) => return self.failed(message, error.to_string()).await,
        };
        // An SMS is counted before it leaves, and given back if it does not.
        let counted_hour = match &payload {
            Payload::Citizen(Message::Sms(_)) => match self.count_sms().await? {
                Ok(hour) => Some(hour),
                Err(held_back) => return held_back.record(self, &entry).await,
            },
            _ => None,
        };
        let sent = self.send_with_tries(message, &payload).await;
        if let (Some(hour), false) = (counted_hour, sent.is_ok()) {
            self.uncount_sms(hour).await;
        }
        match sent {
            Ok(provider_id) => {
                self.record(message, Delivery::Sent, &provider_id).await?;
                Ok(Delivered::Sent(provider_id))
            }
            Err(SendError::Permanent(reason)) => self.failed(message, reason).await,
            Err(SendError::Transient(reason)) => {
                let attempts = entry.attempts.saturating_add(1);
                let next =
                    self.now() + chrono::Duration::from_std(self.retry.delay(attempts)).unwrap_or_default();
                self.later(&entry, attempts, next, reason).await
            }
        }
    }

    /// Up to `tries` tries, with waits between them; the last error when none went through.
    async fn send_with_tries(&self, message: &OutboxMessage, payload: &Payload) -> Result<String, SendError> {
        let mut failures = 0;
        loop {
            match self.send_once(message, payload).await {
                Err(SendError::Transient(reason)) => {
                    failures += 1;
                    if failures >= self.retry.tries {
                        return Err(SendError::Transient(reason));
                    }
                    tracing::warn!(id = %message.id, kind = %message.kind, channel = %message.channel, %reason, "send failed, trying again");
                    tokio::time::sleep(self.retry.wait(failures)).await;
                }
                sent_or_refused => return sent_or_refused,
            }
        }
    }

    async fn failed(&self, message: &OutboxMessage, reason: String) -> StoreResult<Delivered> {
        self.record(message, Delivery::Failed, &reason).await?;
        Ok(Delivered::Failed(reason))
    }

    /// A message that did not leave for now: due again at `next`, or failed for good once it has
    /// waited [`RetryPolicy::give_up_after`] since it was queued.
    async fn later(
        &self,
        entry: &OutboxEntry,
        attempts: u32,
        next: DateTime<Utc>,
        reason: String,
    ) -> StoreResult<Delivered> {
        let message = &entry.message;
        if self.too_old(message.created_at) {
            let reason = format!(
                "gave up {} h after it was queued; last error: {reason}",
                self.retry.give_up_after.num_hours()
            );
            return self.failed(message, reason).await;
        }
        tracing::warn!(id = %message.id, kind = %message.kind, channel = %message.channel, %reason, attempts, next_attempt_at = %next.to_rfc3339(), "send failed, left for later");
        let retry = RetryLater {
            attempts,
            next_attempt_at: next,
            reason,
        };
        self.app.store.retry_later(&message.id, &retry).await?;
        Ok(Delivered::Later(retry.reason))
    }

    /// Counts one SMS in this hour's cap: the hour it was counted in, or what to do with an SMS
    /// over the cap.
    async fn count_sms(&self) -> StoreResult<Result<DateTime<Utc>, HeldBack>> {
        let now = self.now();
        let hour = now.duration_trunc(chrono::Duration::hours(1)).unwrap_or(now);
        Ok(match self.app.store.count_sms(hour, self.sms_per_hour).await? {
            SmsCount::Counted(_) => Ok(hour),
            SmsCount::CapReached(count) => Err(HeldBack {
                count,
                cap: self.sms_per_hour,
                next_hour: hour + chrono::Duration::hours(1),
            }),
        })
    }

    /// Gives back the count of an SMS that did not leave. Not given back (the store failing), the
    /// hour allows one SMS less: the cap errs on the safe side.
    async fn uncount_sms(&self, hour: DateTime<Utc>) {
        if let Err(error) = self.app.store.uncount_sms(hour).await {
            tracing::warn!(%error, "an SMS that did not leave stays counted in its hour");
        }
    }

    fn too_old(&self, created_at: DateTime<Utc>) -> bool {
        self.now() - created_at >= self.retry.give_up_after
    }

    async fn record(&self, message: &OutboxMessage, delivery: Delivery, detail: &str) -> StoreResult<()> {
        if delivery == Delivery::Failed {
            tracing::error!(id = %message.id, kind = %message.kind, channel = %message.channel, reason = detail, "message failed");
        }
        self.app
            .store
            .mark_delivery(&message.id, delivery, detail, self.now())
            .await
    }

    /// One try, by what the message carries. A "my bookings" request is answered by queueing the
    /// list it asks for (the sender, not the request, looks bookings up, so the request learns
    /// nothing).
    async fn send_once(&self, message: &OutboxMessage, payload: &Payload) -> Result<String, SendError> {
        let id = message.id.as_str();
        match payload {
            Payload::Citizen(Message::Email(email)) => self.transports.email.send_email(email, id).await,
            Payload::Citizen(Message::Sms(sms)) => self.transports.sms.send_sms(sms, id).await,
            Payload::ListRequest(asked) => {
                let queued = my_bookings::answer(&self.app.context, &*self.app.store, &message.id, asked)
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
            }) => self.transports.reminders.schedule(booking_id, *at).await,
            Payload::Reminder(ReminderOrder { booking_id, at: None }) => {
                self.transports.reminders.unschedule(booking_id).await
            }
            // A seat kept for the waiting list: the draw, and the offer it queues.
            Payload::SeatFreed(order) => waiting::seat_freed(&self.app.context, &*self.app.store, order)
                .await
                .map(|drawn| format!("{drawn:?}"))
                .map_err(|failure| SendError::Transient(format!("the draw could not be made: {failure}"))),
        }
    }
}

/// An SMS over the hourly cap: it stays pending until the next hour.
struct HeldBack {
    count: u32,
    cap: u32,
    next_hour: DateTime<Utc>,
}

impl HeldBack {
    /// Logs the alarm and puts the SMS off to the next hour; held back by the cap, it has not
    /// failed, so its attempts stay as they are.
    async fn record(self, sender: &Sender, entry: &OutboxEntry) -> StoreResult<Delivered> {
        let Self {
            count,
            cap,
            next_hour,
        } = self;
        tracing::error!(id = %entry.message.id, count, cap, "SMS cap reached");
        let reason = format!("SMS cap reached: {count} SMS this hour, at most {cap}");
        sender.later(entry, entry.attempts, next_hour, reason).await
    }
}

fn store_failure(error: &StoreError) -> SendError {
    SendError::Transient(format!("the store could not answer: {error}"))
}
