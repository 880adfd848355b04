//! Ratings: a partition per day (`FEEDBACK#date`), one item per rating, gone a year after the day.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::items::{number, optional_text, text};
use super::keys::{epoch_seconds, feedback_pk, key, n, s};
use super::{DynamoStore, done_unless_unavailable};
use crate::{FEEDBACK_KEEP, FeedbackEntry, FeedbackStore, StoreResult, feedback_kept, stored_feedback};

#[async_trait]
impl FeedbackStore for DynamoStore {
    async fn record_feedback(&self, entry: &FeedbackEntry) -> StoreResult<()> {
        let mut item = key(feedback_pk(entry.day), &entry.id);
        let feedback = &entry.feedback;
        item.insert("rating".into(), n(i64::from(feedback.rating.get())));
        if let Some(reason) = &feedback.reason {
            item.insert("reason".into(), s(reason.as_str()));
        }
        item.insert("lang".into(), s(feedback.lang.as_str()));
        let gone = (entry.day + FEEDBACK_KEEP).and_time(NaiveTime::MIN).and_utc();
        item.insert("ttl".into(), n(epoch_seconds(gone)));
        let put = self
            .put_item(item)
            .condition_expression("attribute_not_exists(pk)");
        done_unless_unavailable(self.send(put).await)
    }

    async fn feedback_of_day(&self, day: NaiveDate, now: DateTime<Utc>) -> StoreResult<Vec<FeedbackEntry>> {
        // TTL deletes up to days late: the read decides what is gone.
        if !feedback_kept(day, now) {
            return Ok(Vec::new());
        }
        self.query_partition(&feedback_pk(day), false)
            .await?
            .iter()
            .map(|item| {
                Ok(FeedbackEntry {
                    id: text(item, "sk")?.to_owned(),
                    day,
                    feedback: stored_feedback(
                        number(item, "rating")?,
                        optional_text(item, "reason"),
                        text(item, "lang")?,
                    )?,
                })
            })
            .collect()
    }
}
