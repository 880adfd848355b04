//! The one-machine store: one SQLite file (WAL), every state change in a `BEGIN IMMEDIATE`
//! transaction, so the check ("is a seat free?", "is the quota left?") and the write happen with
//! no other writer in between — in this process or any other on the same file.
//!
//! One writer thread owns the write connection and commits in groups (`writer`): it takes every
//! change waiting, runs each in its own savepoint (a refused change rolls back alone), commits
//! once, and only then answers each caller. Changes still run one after another, so each sees the
//! ones before it; what the group saves is the commit per change.
//!
//! Modules: this one holds the store and its way to the writer and the readers; `schema`, `rows`
//! (row conversions and the statements several aggregates share), `seat_cache`, then one module
//! per aggregate: `seats` (with the catalogue), `bookings`, `outbox` (with the outbox page and the
//! erasure pass), `feedback`, `reminders`, `waiting` (the waiting list's places and offers),
//! `closures` (closures saved by staff and the seats they take), `statistics` (bookings' facts
//! for a range of days, the first free slot's hourly samples).

use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;

use crate::StoreResult;

mod audit;
mod bookings;
mod catalogue;
mod closures;
mod connection;
mod counter;
mod counters;
mod feedback;
mod moving;
mod outbox;
mod reminders;
mod rows;
mod schema;
mod seat_cache;
mod seats;
mod staff;
mod statistics;
mod waiting;
mod writer;

use connection::{Readers, open_connection};
use seat_cache::SeatCache;
use writer::Writer;

/// What one erasure pass ([`SqliteStore::erase_personal_data`]) removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erased {
    pub people: usize,
    pub messages: usize,
}

/// Messages waiting and failed for good ([`SqliteStore::delivery_counts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryCounts {
    pub pending: u64,
    pub failed: u64,
}

#[derive(Clone)]
pub struct SqliteStore {
    writer: Writer,
    seats: Arc<SeatCache>,
    readers: Readers,
}

impl SqliteStore {
    /// Opens (and creates, with its schema) the database file; a file of an earlier version is
    /// brought up to this one's schema (`schema::create`).
    pub fn open(path: &Path) -> StoreResult<Self> {
        let connection = open_connection(path)?;
        schema::create(&connection)?;
        connection.execute_batch(counters::CONTACT_MESSAGES_SCHEMA)?;
        connection.execute_batch(counters::SPENT_PROOFS_SCHEMA)?;
        connection.execute_batch(counter::VISITS_SCHEMA)?;
        counter::add_finished_at(&connection)?;
        connection.execute_batch(audit::AUDIT_SCHEMA)?;
        connection.execute_batch(staff::STAFF_SCHEMA)?;
        connection.execute_batch(statistics::STATISTICS_SCHEMA)?;
        Ok(Self {
            writer: Writer::start(connection, path)?,
            seats: Arc::default(),
            readers: Readers::new(path),
        })
    }

    /// Runs `work` as one change on the writer thread and answers once it is committed; when
    /// `work` fails, nothing it wrote stays.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.writer.write(work).await
    }

    /// Runs `work` on a reader connection (WAL readers do not wait for the writer).
    async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.readers.read(work).await
    }
}
