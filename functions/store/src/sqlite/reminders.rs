//! Reminders on one machine: a table read by a timer, standing in for EventBridge Scheduler.

use chrono::{DateTime, Utc};
use prenota_core::BookingId;
use rusqlite::params;

use super::SqliteStore;
use super::connection::query_all;
use crate::stored::stored_booking_id;
use crate::{StoreResult, millis};

impl SqliteStore {
    /// Sets (or moves) the reminder of a booking: one machine's stand-in for EventBridge
    /// Scheduler. The timer reads it back with [`SqliteStore::due_reminders`], so a restart loses
    /// none.
    pub async fn put_reminder(&self, booking: &BookingId, at: DateTime<Utc>) -> StoreResult<()> {
        let booking = booking.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO reminders (booking_id, at) VALUES (?1, ?2)
                 ON CONFLICT (booking_id) DO UPDATE SET at = excluded.at",
                params![booking.as_str(), millis(at)],
            )?;
            Ok(())
        })
        .await
    }

    /// Drops the reminder of a booking; none set is fine.
    pub async fn remove_reminder(&self, booking: &BookingId) -> StoreResult<()> {
        let booking = booking.clone();
        self.write(move |tx| {
            tx.execute(
                "DELETE FROM reminders WHERE booking_id = ?1",
                params![booking.as_str()],
            )?;
            Ok(())
        })
        .await
    }

    /// The bookings whose reminder time has come, earliest first.
    pub async fn due_reminders(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<BookingId>> {
        self.read(move |c| {
            query_all(
                c,
                "SELECT booking_id FROM reminders WHERE at <= ?1 ORDER BY at LIMIT ?2",
                params![millis(now), limit as i64],
                |row| stored_booking_id(&row.get::<_, String>(0)?),
            )
        })
        .await
    }
}
