//! Ratings: one row each, with the day and never the time.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::dates::format_date;
use prenota_core::feedback::FeedbackReason;
use rusqlite::params;

use super::SqliteStore;
use super::connection::query_all;
use crate::{FeedbackEntry, FeedbackStore, StoreResult, feedback_kept, stored_feedback};

#[async_trait]
impl FeedbackStore for SqliteStore {
    async fn record_feedback(&self, entry: &FeedbackEntry) -> StoreResult<()> {
        let entry = entry.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO feedback (id, day, rating, reason, lang) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO NOTHING",
                params![
                    entry.id,
                    format_date(entry.day),
                    entry.feedback.rating.get(),
                    entry.feedback.reason.as_ref().map(FeedbackReason::as_str),
                    entry.feedback.lang.as_str(),
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn feedback_of_day(&self, day: NaiveDate, now: DateTime<Utc>) -> StoreResult<Vec<FeedbackEntry>> {
        if !feedback_kept(day, now) {
            return Ok(Vec::new());
        }
        self.read(move |c| {
            query_all(
                c,
                "SELECT id, rating, reason, lang FROM feedback WHERE day = ?1 ORDER BY rowid",
                params![format_date(day)],
                |row| {
                    let rating: i64 = row.get(1)?;
                    let reason: Option<String> = row.get(2)?;
                    let lang: String = row.get(3)?;
                    Ok(FeedbackEntry {
                        id: row.get(0)?,
                        day,
                        feedback: stored_feedback(rating, reason.as_deref(), &lang)?,
                    })
                },
            )
        })
        .await
    }
}
