//! The outbox: messages queued alone, read back due first, put off after a temporary failure and
//! marked delivered; the SMS counted per hour; the one-machine outbox page and health counts; and
//! the erasure pass, which empties delivered messages among the rest.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use prenota_core::dates::format_date;
use rusqlite::params;

use super::connection::{query_one, run};
use super::rows::{outbox_entries, queue};
use super::schema::OUTBOX_COLUMNS;
use super::{DeliveryCounts, Erased, SqliteStore};
use crate::{
    Delivery, FEEDBACK_KEEP, MessageId, OutboxEntry, OutboxMessage, OutboxStore, RetryLater, SmsCount,
    StoreError, StoreResult, millis,
};

/// How long an hour's SMS count is kept after the hour started: the cap needs only the current
/// hour; the day before stays for an operator's questions.
const SMS_HOURS_KEPT: Duration = Duration::days(2);

impl SqliteStore {
    /// The latest messages, newest first, whatever their delivery: the one-machine outbox page.
    pub async fn recent_messages(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        self.read(move |c| {
            outbox_entries(
                c,
                &format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY created_at DESC, rowid DESC LIMIT ?1"),
                params![limit as i64],
            )
        })
        .await
    }

    /// Deletes the personal data (name, contact, details) whose erasure time has come; what
    /// remains of each booking (office, service, date, time, state) is anonymous. Reads already
    /// treat such data as gone: this makes it so on disk. A delivered message keeps its text and
    /// recipient for `retention` after it was queued (the outbox page shows them; a booking's
    /// data lasts at least as long), then only its kind, channel and delivery remain. Ratings go
    /// after [`FEEDBACK_KEEP`].
    pub async fn erase_personal_data(&self, now: DateTime<Utc>, retention: Duration) -> StoreResult<Erased> {
        self.write(move |tx| {
            let last_kept = now.date_naive() - FEEDBACK_KEEP;
            tx.execute(
                "DELETE FROM feedback WHERE day <= ?1",
                params![format_date(last_kept)],
            )?;
            tx.execute(
                "DELETE FROM waiting_offers WHERE keep_until <= ?1",
                params![millis(now)],
            )?;
            Ok(Erased {
                people: tx.execute("DELETE FROM people WHERE erase_after <= ?1", params![millis(now)])?
                    + tx.execute(
                        "DELETE FROM waiting_places WHERE keep_until <= ?1",
                        params![millis(now)],
                    )?,
                messages: tx.execute(
                    "UPDATE outbox SET payload = '', recipient = ''
                     WHERE delivery != 'pending' AND created_at <= ?1 AND (payload != '' OR recipient != '')",
                    params![millis(now - retention)],
                )?,
            })
        })
        .await
    }

    /// How many messages wait to be sent and how many failed for good: the one-machine health
    /// answer, so that an operator sees failures without reading logs.
    pub async fn delivery_counts(&self) -> StoreResult<DeliveryCounts> {
        self.read(|c| {
            Ok(DeliveryCounts {
                pending: query_one(c, "SELECT COUNT(*) FROM outbox WHERE delivery = 'pending'", [])?,
                failed: query_one(c, "SELECT COUNT(*) FROM outbox WHERE delivery = 'failed'", [])?,
            })
        })
        .await
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn enqueue(&self, message: &OutboxMessage) -> StoreResult<()> {
        let message = message.clone();
        self.write(move |tx| queue(tx, std::slice::from_ref(&message)))
            .await
    }

    async fn pending_messages(&self, limit: usize, now: DateTime<Utc>) -> StoreResult<Vec<OutboxEntry>> {
        self.read(move |c| {
            outbox_entries(
                c,
                &format!(
                    "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE delivery = 'pending' AND next_attempt_at <= ?2
                     ORDER BY next_attempt_at, rowid LIMIT ?1"
                ),
                params![limit as i64, millis(now)],
            )
        })
        .await
    }

    async fn message(&self, id: &MessageId) -> StoreResult<OutboxEntry> {
        let id = id.clone();
        self.read(move |c| {
            outbox_entries(
                c,
                &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1"),
                params![id.as_str()],
            )?
            .pop()
            .ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn mark_delivery(
        &self,
        id: &MessageId,
        delivery: Delivery,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (id, detail) = (id.clone(), detail.to_owned());
        self.write(move |tx| {
            run(
                tx,
                "UPDATE outbox SET delivery = ?2, detail = ?3, delivered_at = ?4 WHERE id = ?1 AND delivery = 'pending'",
                params![id.as_str(), delivery.as_str(), detail, millis(now)],
            )?;
            Ok(())
        })
        .await
    }

    async fn retry_later(&self, id: &MessageId, retry: &RetryLater) -> StoreResult<()> {
        let (id, retry) = (id.clone(), retry.clone());
        self.write(move |tx| {
            run(
                tx,
                "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, detail = ?4 WHERE id = ?1 AND delivery = 'pending'",
                params![
                    id.as_str(),
                    retry.attempts,
                    millis(retry.next_attempt_at),
                    retry.reason
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn count_sms(&self, hour: DateTime<Utc>, cap: u32) -> StoreResult<SmsCount> {
        let hour = millis(hour);
        self.write(move |tx| {
            run(
                tx,
                "DELETE FROM sms_hours WHERE hour < ?1",
                params![hour - SMS_HOURS_KEPT.num_milliseconds()],
            )?;
            // Counted only under the cap: a refused SMS changes nothing (nor does a cap of 0).
            let counted = run(
                tx,
                "INSERT INTO sms_hours (hour, sent) SELECT ?1, 1 WHERE ?2 > 0
                 ON CONFLICT (hour) DO UPDATE SET sent = sent + 1 WHERE sent < ?2",
                params![hour, cap],
            )?;
            let sent = query_one(
                tx,
                "SELECT COALESCE((SELECT sent FROM sms_hours WHERE hour = ?1), 0)",
                params![hour],
            )?;
            Ok(if counted == 1 {
                SmsCount::Counted(sent)
            } else {
                SmsCount::CapReached(sent)
            })
        })
        .await
    }

    async fn uncount_sms(&self, hour: DateTime<Utc>) -> StoreResult<()> {
        let hour = millis(hour);
        self.write(move |tx| {
            run(
                tx,
                "UPDATE sms_hours SET sent = sent - 1 WHERE hour = ?1 AND sent > 0",
                params![hour],
            )?;
            Ok(())
        })
        .await
    }
}
