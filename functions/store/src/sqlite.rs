//! The one-machine store: one SQLite file (WAL), every state change in a `BEGIN IMMEDIATE`
//! transaction, so the check ("is a seat free?", "is the quota left?") and the write happen with
//! no other writer in between — in this process or any other on the same file.
//!
//! One writer thread owns the write connection and commits in groups: it takes every change
//! waiting, runs each in its own savepoint (a refused change rolls back alone), commits once, and
//! only then answers each caller. Changes still run one after another, so each sees the ones
//! before it; what the group saves is the commit per change.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::dates::{format_date, format_time, parse_date, parse_time};
use prenota_core::feedback::FeedbackReason;
use prenota_core::lifecycle::{Event, StoredState, Transition, TransitionError, apply};
use prenota_core::quota::QuotaExceeded;
use prenota_core::text::{Details, PersonName};
use prenota_core::{
    BookingState, Catalogue, ContactKey, OfferingKey, OfficeId, ServiceId, ShortCode, TokenHash,
};
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::oneshot;

use crate::{
    Booking, BookingStore, CatalogueStore, Delivery, DetailsRequest, FEEDBACK_KEEP, FeedbackEntry,
    FeedbackStore, HoldRequest, OutboxEntry, OutboxMessage, OutboxStore, Outcome, Person, SeatStore,
    StoreError, StoreResult, TakenSeats, feedback_kept, from_millis, millis, stored_feedback,
};

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS catalogue (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bookings (
    id TEXT PRIMARY KEY,                 -- hex SHA-256 of the hold token
    office TEXT NOT NULL,
    service TEXT NOT NULL,
    date TEXT NOT NULL,                  -- YYYY-MM-DD, Europe/Rome
    start TEXT NOT NULL,                 -- HH:MM
    end TEXT NOT NULL,
    starts_at INTEGER NOT NULL,          -- ms since the epoch
    ends_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('held', 'pending', 'confirmed', 'cancelled')),
    expires_at INTEGER,                  -- deadline of held and pending; NULL otherwise
    short_code TEXT UNIQUE,
    confirm_code TEXT UNIQUE,            -- hex SHA-256 of the confirmation link's code
    contact_key TEXT,                    -- HMAC of the contact
    created_at INTEGER NOT NULL
);
-- Covers the seat counts: office, service and date to find a day, state and deadline to count
-- the active seats, all read from the index alone.
DROP INDEX IF EXISTS bookings_by_slot;
CREATE INDEX IF NOT EXISTS bookings_by_slot_state ON bookings (office, service, date, start, state, expires_at)
    WHERE state != 'cancelled';
CREATE INDEX IF NOT EXISTS bookings_by_contact ON bookings (contact_key, starts_at)
    WHERE contact_key IS NOT NULL AND state IN ('pending', 'confirmed');
CREATE TABLE IF NOT EXISTS page_codes (
    code TEXT PRIMARY KEY,               -- hex SHA-256 of a booking page link's code
    booking_id TEXT NOT NULL REFERENCES bookings (id)
);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    delivery TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'sent', 'failed')),
    detail TEXT,
    delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (created_at) WHERE delivery = 'pending';
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,                   -- YYYY-MM-DD, Europe/Rome; never the time
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    reason TEXT,
    lang TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_day ON feedback (day);
CREATE TABLE IF NOT EXISTS reminders (
    booking_id TEXT PRIMARY KEY,
    at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_at ON reminders (at);
CREATE TABLE IF NOT EXISTS people (
    booking_id TEXT PRIMARY KEY REFERENCES bookings (id),
    name TEXT NOT NULL,
    surname TEXT NOT NULL,
    contact TEXT NOT NULL,
    details TEXT,
    lang TEXT NOT NULL,
    erase_after INTEGER NOT NULL
);
"#;

/// "Does this row take a seat at :now?" — the SQL form of `BookingState::occupies_seat`.
const ACTIVE: &str = "(state = 'confirmed' OR (state IN ('held', 'pending') AND expires_at > :now))";

/// Bookings with their personal data, which is treated as gone from its erasure time on, whether
/// or not the periodic sweep has deleted it yet.
const BOOKINGS_WITH_PEOPLE: &str =
    "bookings b LEFT JOIN people p ON p.booking_id = b.id AND p.erase_after > :now";

const BOOKING_COLUMNS: &str = "b.id, b.office, b.service, b.date, b.start, b.end, b.starts_at, b.ends_at, b.state, \
     b.expires_at, b.short_code, p.name, p.surname, p.contact, p.details, p.lang";

/// What the writer thread answers a change with, once the group's commit is known.
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A change: runs on the write connection, says whether it succeeded, and how to answer.
/// `None`: the change cannot run (the transaction did not begin) and must only answer.
type Job = Box<dyn FnOnce(Option<&Connection>) -> (bool, Finish) + Send>;

/// How often the checkpoint thread folds the WAL into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Most changes committed together.
const MAX_GROUP: usize = 512;

#[derive(Clone)]
pub struct SqliteStore {
    writer: mpsc::Sender<Job>,
    seats: Arc<SeatCache>,
    readers: Arc<Mutex<Vec<Connection>>>,
    path: Arc<Path>,
}

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        unavailable(error)
    }
}

fn open_connection(path: &Path) -> StoreResult<Connection> {
    let connection = Connection::open(path)?;
    // NORMAL is durable in WAL mode against a crash of the process; a power cut can lose the last
    // transactions, never corrupt the file.
    connection.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )?;
    Ok(connection)
}

impl SqliteStore {
    /// Opens (and creates, with its schema) the database file.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let connection = open_connection(path)?;
        connection.execute_batch(SCHEMA)?;
        // Checkpoints copy the WAL into the database and fsync it: done by the writer they would
        // stall every change behind them, so a thread of their own does them instead.
        connection.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        let (writer, jobs) = mpsc::channel::<Job>();
        let (stop_checkpoints, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("prenota-sqlite-writer".into())
            .spawn(move || {
                write_groups(&connection, &jobs);
                drop(stop_checkpoints);
            })
            .map_err(unavailable)?;
        let checkpointer = open_connection(path)?;
        std::thread::Builder::new()
            .name("prenota-sqlite-checkpoint".into())
            .spawn(move || {
                // Until the writer stops (the channel closes), checkpoint once a second.
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                    let _ = checkpointer.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
                }
                let _ = checkpointer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
            })
            .map_err(unavailable)?;
        Ok(Self {
            writer,
            seats: Arc::default(),
            readers: Arc::new(Mutex::new(Vec::new())),
            path: path.into(),
        })
    }

    /// Runs `work` as one change on the writer thread and answers once it is committed; when
    /// `work` fails, nothing it wrote stays.
    async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let result = match connection {
                Some(connection) => work(connection),
                None => Err(unavailable("the SQLite transaction could not begin")),
            };
            let succeeded = result.is_ok();
            let finish: Finish = Box::new(move |committed| {
                let _ = answer.send(committed.map_err(StoreError::Unavailable).and(result));
            });
            (succeeded, finish)
        });
        self.writer
            .send(job)
            .map_err(|_| unavailable("the SQLite writer has stopped"))?;
        answered
            .await
            .map_err(|_| unavailable("the SQLite writer dropped a change"))?
    }

    /// Runs `work` on a reader connection (WAL readers do not wait for the writer).
    async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        let path = Arc::clone(&self.path);
        tokio::task::spawn_blocking(move || {
            let pooled = readers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop();
            let connection = match pooled {
                Some(connection) => connection,
                None => open_connection(&path)?,
            };
            let result = work(&connection);
            readers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(connection);
            result
        })
        .await
        .map_err(unavailable)?
    }
}

/// Seat counts of recently asked days. An entry is exact while nothing is written to its day and no
/// hold or pending booking it counted reaches its deadline: the one-machine server is the only
/// writer of its file, and every write that frees or takes a seat forgets the day. Holds are always
/// counted in SQL, so the cache only ever speeds up what the citizen is shown.
#[derive(Default)]
struct SeatCache {
    /// By offering first, so a lookup borrows the key instead of cloning it.
    days: Mutex<HashMap<OfferingKey, HashMap<NaiveDate, CachedDay>>>,
    /// Held while counting what the cache missed: after a burst of writes, the readers that all
    /// missed at once wait for one count instead of each running the same one.
    counting: tokio::sync::Mutex<()>,
    /// Bumped by every forgetting, so a count read before a write is never cached after it.
    writes: AtomicU64,
}

struct CachedDay {
    taken: TakenSeats,
    /// When it was counted: a clock that goes back (tests) is not answered from the future.
    counted_at: DateTime<Utc>,
    /// The earliest deadline among the counted holds and pending bookings.
    valid_until: Option<DateTime<Utc>>,
}

/// Past this many days of one offering the cache starts again (days long gone are never asked
/// about again).
const MAX_CACHED_DAYS: usize = 4_000;

type CachedDays = HashMap<OfferingKey, HashMap<NaiveDate, CachedDay>>;

impl SeatCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CachedDays> {
        self.days.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The seats taken on each of `dates` that the cache still knows (days with none left out),
    /// and the dates it does not.
    fn get(
        &self,
        offering: &OfferingKey,
        dates: &[NaiveDate],
        now: DateTime<Utc>,
    ) -> (BTreeMap<NaiveDate, TakenSeats>, Vec<NaiveDate>) {
        let cached = self.lock();
        let days = cached.get(offering);
        let mut taken = BTreeMap::new();
        let mut missing = Vec::new();
        for &date in dates {
            let known = days
                .and_then(|days| days.get(&date))
                .filter(|day| day.counted_at <= now && day.valid_until.is_none_or(|until| now < until));
            match known {
                Some(day) if day.taken.is_empty() => {}
                Some(day) => {
                    taken.insert(date, TakenSeats::clone(&day.taken));
                }
                None => missing.push(date),
            }
        }
        (taken, missing)
    }

    fn put(&self, offering: &OfferingKey, counted: Vec<(NaiveDate, CachedDay)>, version: u64) {
        let mut cached = self.lock();
        if self.writes.load(Ordering::SeqCst) != version {
            return;
        }
        let days = match cached.get_mut(offering) {
            Some(days) => days,
            None => cached.entry(offering.clone()).or_default(),
        };
        if days.len() + counted.len() > MAX_CACHED_DAYS {
            days.clear();
        }
        days.extend(counted);
    }

    fn forget(&self, offering: &OfferingKey, date: NaiveDate) {
        let mut cached = self.lock();
        self.writes.fetch_add(1, Ordering::SeqCst);
        if let Some(days) = cached.get_mut(offering) {
            days.remove(&date);
        }
    }
}

/// The writer thread: group commit over savepoints, until the store is dropped.
fn write_groups(connection: &Connection, jobs: &mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if let Err(error) = connection.execute_batch("BEGIN IMMEDIATE") {
            for job in group {
                let (_, finish) = job(None);
                finish(Err(error.to_string()));
            }
            continue;
        }
        let mut finishes: Vec<Finish> = Vec::with_capacity(group.len());
        for job in group {
            if let Err(error) = connection.execute_batch("SAVEPOINT change") {
                let (_, finish) = job(None);
                finishes.push(Box::new(move |_| finish(Err(error.to_string()))));
                continue;
            }
            // A panic in a change must not take the writer down with it: its savepoint is rolled
            // back and its caller, whose answer is dropped, is told the store is unavailable.
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(Some(connection))));
            let (succeeded, finish) = match ran {
                Ok(outcome) => outcome,
                Err(_) => (false, Box::new(|_| {}) as Finish),
            };
            let end = if succeeded {
                "RELEASE change"
            } else {
                "ROLLBACK TO change; RELEASE change"
            };
            let ended = connection.execute_batch(end);
            finishes.push(match ended {
                Ok(()) => finish,
                Err(error) => Box::new(move |_| finish(Err(error.to_string()))),
            });
        }
        let committed = connection
            .execute_batch("COMMIT")
            .map_err(|error| error.to_string());
        if committed.is_err() {
            let _ = connection.execute_batch("ROLLBACK");
        }
        for finish in finishes {
            finish(committed.clone());
        }
    }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

fn booking_from_row(row: &rusqlite::Row<'_>, now: DateTime<Utc>) -> StoreResult<Booking> {
    let text = |index: usize| -> StoreResult<String> { Ok(row.get::<_, String>(index)?) };
    let office = text(1)?;
    let service = text(2)?;
    let date = text(3)?;
    let start = text(4)?;
    let end = text(5)?;
    let state = text(8)?;
    let expires_at = row.get::<_, Option<i64>>(9)?.map(from_millis).transpose()?;
    let stored = StoredState::parse(&state).ok_or_else(|| corrupt("state", &state))?;
    let short_code: Option<String> = row.get(10)?;
    let name: Option<String> = row.get(11)?;
    let person = match name {
        None => None,
        Some(name) => {
            let surname = text(12)?;
            let contact = text(13)?;
            let details: Option<String> = row.get(14)?;
            let lang = text(15)?;
            Some(Person {
                name: PersonName::parse(&name).map_err(|_| corrupt("name", &name))?,
                surname: PersonName::parse(&surname).map_err(|_| corrupt("surname", &surname))?,
                contact: Contact::parse(&contact).map_err(|_| corrupt("contact", "…"))?,
                details: details
                    .as_deref()
                    .map(Details::parse)
                    .transpose()
                    .map_err(|_| corrupt("details", "…"))?
                    .flatten(),
                lang: Lang::parse(&lang).ok_or_else(|| corrupt("lang", &lang))?,
            })
        }
    };
    Ok(Booking {
        id: text(0)?,
        offering: OfferingKey {
            office: OfficeId::parse(&office).map_err(|_| corrupt("office", &office))?,
            service: ServiceId::parse(&service).map_err(|_| corrupt("service", &service))?,
        },
        date: parse_date(&date).map_err(|_| corrupt("date", &date))?,
        start: parse_time(&start).map_err(|_| corrupt("start", &start))?,
        end: parse_time(&end).map_err(|_| corrupt("end", &end))?,
        starts_at: from_millis(row.get(6)?)?,
        ends_at: from_millis(row.get(7)?)?,
        state: BookingState::at(stored, expires_at, now),
        expires_at,
        short_code: short_code
            .map(|code| ShortCode::parse(&code).map_err(|_| corrupt("short code", &code)))
            .transpose()?,
        person,
    })
}

/// The booking whose `column` equals `value`, as it is at `now`.
fn find_booking(
    connection: &Connection,
    column: &str,
    value: &str,
    now: DateTime<Utc>,
) -> StoreResult<Booking> {
    let sql = format!("SELECT {BOOKING_COLUMNS} FROM {BOOKINGS_WITH_PEOPLE} WHERE b.{column} = :value");
    let mut statement = connection.prepare_cached(&sql)?;
    let mut rows = statement.query(rusqlite::named_params! { ":value": value, ":now": millis(now) })?;
    match rows.next()? {
        Some(row) => booking_from_row(row, now),
        None => Err(StoreError::NotFound),
    }
}

fn booking_by_page_code(connection: &Connection, code: &str, now: DateTime<Utc>) -> StoreResult<Booking> {
    let id: Option<String> = connection
        .prepare_cached("SELECT booking_id FROM page_codes WHERE code = ?1")?
        .query_row(params![code], |row| row.get(0))
        .optional()?;
    find_booking(connection, "id", &id.ok_or(StoreError::NotFound)?, now)
}

fn query_one<T: rusqlite::types::FromSql>(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<T> {
    Ok(connection
        .prepare_cached(sql)?
        .query_row(params, |row| row.get(0))?)
}

fn run(connection: &Connection, sql: &str, params: impl rusqlite::Params) -> StoreResult<usize> {
    Ok(connection.prepare_cached(sql)?.execute(params)?)
}

/// Queues messages; one already queued under the same id is kept as it is (retries are harmless).
fn queue(connection: &Connection, messages: &[OutboxMessage]) -> StoreResult<()> {
    for message in messages {
        run(
            connection,
            "INSERT OR IGNORE INTO outbox (id, kind, channel, recipient, payload, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                message.id,
                message.kind,
                message.channel,
                message.recipient,
                message.payload,
                millis(message.created_at)
            ],
        )?;
    }
    Ok(())
}

const OUTBOX_COLUMNS: &str = "id, kind, channel, recipient, payload, created_at, delivery, detail";

fn outbox_entry(row: &rusqlite::Row<'_>) -> StoreResult<OutboxEntry> {
    let delivery: String = row.get(6)?;
    Ok(OutboxEntry {
        message: OutboxMessage {
            id: row.get(0)?,
            kind: row.get(1)?,
            channel: row.get(2)?,
            recipient: row.get(3)?,
            payload: row.get(4)?,
            created_at: from_millis(row.get(5)?)?,
        },
        delivery: Delivery::parse(&delivery).ok_or_else(|| corrupt("delivery", &delivery))?,
        detail: row.get(7)?,
    })
}

fn outbox_entries(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<OutboxEntry>> {
    let mut statement = connection.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    let mut entries = Vec::new();
    while let Some(row) = rows.next()? {
        entries.push(outbox_entry(row)?);
    }
    Ok(entries)
}

/// What one erasure pass removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Erased {
    pub people: usize,
    pub messages: usize,
}

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
            Ok(Erased {
                people: tx.execute("DELETE FROM people WHERE erase_after <= ?1", params![millis(now)])?,
                messages: tx.execute(
                    "UPDATE outbox SET payload = '', recipient = ''
                     WHERE delivery != 'pending' AND created_at <= ?1 AND (payload != '' OR recipient != '')",
                    params![millis(now - retention)],
                )?,
            })
        })
        .await
    }

    /// Sets (or moves) the reminder of a booking: one machine's stand-in for EventBridge
    /// Scheduler. The timer reads it back with [`SqliteStore::due_reminders`], so a restart loses
    /// none.
    pub async fn put_reminder(&self, booking_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        let booking_id = booking_id.to_owned();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO reminders (booking_id, at) VALUES (?1, ?2)
                 ON CONFLICT (booking_id) DO UPDATE SET at = excluded.at",
                params![booking_id, millis(at)],
            )?;
            Ok(())
        })
        .await
    }

    /// Drops the reminder of a booking; none set is fine.
    pub async fn remove_reminder(&self, booking_id: &str) -> StoreResult<()> {
        let booking_id = booking_id.to_owned();
        self.write(move |tx| {
            tx.execute("DELETE FROM reminders WHERE booking_id = ?1", params![booking_id])?;
            Ok(())
        })
        .await
    }

    /// The bookings whose reminder time has come, earliest first.
    pub async fn due_reminders(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<String>> {
        self.read(move |c| {
            let mut statement =
                c.prepare_cached("SELECT booking_id FROM reminders WHERE at <= ?1 ORDER BY at LIMIT ?2")?;
            let ids = statement
                .query_map(params![millis(now), limit as i64], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(ids)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryCounts {
    pub pending: u64,
    pub failed: u64,
}

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
            let mut statement =
                c.prepare("SELECT id, rating, reason, lang FROM feedback WHERE day = ?1 ORDER BY rowid")?;
            let mut rows = statement.query(params![format_date(day)])?;
            let mut entries = Vec::new();
            while let Some(row) = rows.next()? {
                let rating: i64 = row.get(1)?;
                let reason: Option<String> = row.get(2)?;
                let lang: String = row.get(3)?;
                entries.push(FeedbackEntry {
                    id: row.get(0)?,
                    day,
                    feedback: stored_feedback(rating, reason.as_deref(), &lang)?,
                });
            }
            Ok(entries)
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

    async fn pending_messages(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        self.read(move |c| {
            outbox_entries(
                c,
                &format!(
                    "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE delivery = 'pending' ORDER BY created_at, rowid LIMIT ?1"
                ),
                params![limit as i64],
            )
        })
        .await
    }

    async fn message(&self, id: &str) -> StoreResult<OutboxEntry> {
        let id = id.to_owned();
        self.read(move |c| {
            outbox_entries(
                c,
                &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1"),
                params![id],
            )?
            .pop()
            .ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn mark_delivery(
        &self,
        id: &str,
        delivery: Delivery,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (id, detail) = (id.to_owned(), detail.to_owned());
        self.write(move |tx| {
            run(
                tx,
                "UPDATE outbox SET delivery = ?2, detail = ?3, delivered_at = ?4 WHERE id = ?1 AND delivery = 'pending'",
                params![id, delivery.as_str(), detail, millis(now)],
            )?;
            Ok(())
        })
        .await
    }
}

fn transition(booking: &Booking, event: Event, now: DateTime<Utc>) -> StoreResult<Transition> {
    Ok(apply(booking.state, event, booking.starts_at, now)?)
}

#[async_trait]
impl CatalogueStore for SqliteStore {
    async fn put_catalogue(&self, catalogue: &Catalogue) -> StoreResult<()> {
        let json = catalogue.to_json();
        self.write(move |tx| {
            run(
                tx,
                "INSERT INTO catalogue (id, json, updated_at) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
                params![json, millis(Utc::now())],
            )?;
            Ok(())
        })
        .await
    }

    async fn catalogue(&self) -> StoreResult<Option<Catalogue>> {
        let json: Option<String> = self
            .read(|c| {
                Ok(
                    c.query_row("SELECT json FROM catalogue WHERE id = 1", [], |row| row.get(0))
                        .optional()?,
                )
            })
            .await?;
        json.map(|json| {
            Catalogue::from_json("sqlite catalogue", &json).map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }
}

#[async_trait]
impl SeatStore for SqliteStore {
    async fn taken_seats(
        &self,
        offering: &OfferingKey,
        dates: &[NaiveDate],
        now: DateTime<Utc>,
    ) -> StoreResult<BTreeMap<NaiveDate, TakenSeats>> {
        let (taken, missing) = self.seats.get(offering, dates, now);
        if missing.is_empty() {
            return Ok(taken);
        }
        let _counting = self.seats.counting.lock().await;
        // Another reader may have counted these days while this one waited.
        let version = self.seats.writes.load(Ordering::SeqCst);
        let (mut taken, missing) = self.seats.get(offering, dates, now);
        if missing.is_empty() {
            return Ok(taken);
        }
        let office = offering.office.to_string();
        let service = offering.service.to_string();
        let asked: Vec<String> = missing.iter().map(|date| format_date(*date)).collect();
        let mut counted = self
            .read(move |c| {
                let sql = format!(
                    "SELECT date, start, COUNT(*), MIN(CASE WHEN state = 'confirmed' THEN NULL ELSE expires_at END)
                     FROM bookings
                     WHERE office = :office AND service = :service AND date IN (SELECT value FROM json_each(:dates))
                       AND state != 'cancelled' AND {ACTIVE}
                     GROUP BY date, start"
                );
                let mut statement = c.prepare_cached(&sql)?;
                let dates_json = serde_json::to_string(&asked).map_err(unavailable)?;
                let mut rows = statement.query(rusqlite::named_params! {
                    ":office": office, ":service": service, ":dates": dates_json, ":now": millis(now),
                })?;
                let mut counted: BTreeMap<NaiveDate, (BTreeMap<NaiveTime, u32>, Option<DateTime<Utc>>)> =
                    BTreeMap::new();
                while let Some(row) = rows.next()? {
                    let date: String = row.get(0)?;
                    let start: String = row.get(1)?;
                    let count: u32 = row.get(2)?;
                    let deadline = row.get::<_, Option<i64>>(3)?.map(from_millis).transpose()?;
                    let (taken, valid_until) =
                        counted.entry(parse_date(&date).map_err(|_| corrupt("date", &date))?).or_default();
                    taken.insert(parse_time(&start).map_err(|_| corrupt("start", &start))?, count);
                    *valid_until = match (*valid_until, deadline) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                Ok(counted)
            })
            .await?;
        let counted: Vec<(NaiveDate, CachedDay)> = missing
            .into_iter()
            .map(|date| {
                let (seats, valid_until) = counted.remove(&date).unwrap_or_default();
                let day = CachedDay {
                    taken: TakenSeats::new(seats),
                    counted_at: now,
                    valid_until,
                };
                if !day.taken.is_empty() {
                    taken.insert(date, TakenSeats::clone(&day.taken));
                }
                (date, day)
            })
            .collect();
        self.seats.put(offering, counted, version);
        Ok(taken)
    }

    /// One indexed query answers a whole booking window.
    fn days_per_query(&self) -> usize {
        400
    }

    async fn hold(&self, request: &HoldRequest, now: DateTime<Utc>) -> StoreResult<()> {
        let (offering, date) = (request.offering.clone(), request.slot.date);
        let request = request.clone();
        let held = self.write(move |tx| {
            let slot = &request.slot;
            let (office, service) = (request.offering.office.as_str(), request.offering.service.as_str());
            let (date, start) = (format_date(slot.date), format_time(slot.start));
            let taken: u32 = query_one(tx, &format!(
                    "SELECT COUNT(*) FROM bookings WHERE office = :office AND service = :service AND date = :date
                     AND start = :start AND state != 'cancelled' AND {ACTIVE}"
                ),
                rusqlite::named_params! {
                    ":office": office, ":service": service, ":date": date, ":start": start, ":now": millis(now),
                })?;
            if taken >= request.capacity {
                return Err(StoreError::SlotTaken);
            }
            run(tx, "INSERT INTO bookings (id, office, service, date, start, end, starts_at, ends_at, state, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'held', ?9, ?10)",
                params![
                    request.hold.to_hex(),
                    office,
                    service,
                    date,
                    start,
                    format_time(slot.end),
                    millis(slot.starts_at),
                    millis(slot.ends_at),
                    millis(request.expires_at),
                    millis(now),
                ])?;
            Ok(())
        })
        .await;
        if held.is_ok() {
            self.seats.forget(&offering, date);
        }
        held
    }

    async fn release(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        let id = hold.to_hex();
        let released = self
            .write(move |tx| {
                let booking = find_booking(tx, "id", &id, now)?;
                if let Transition::To(state) = transition(&booking, Event::Release, now)? {
                    run(
                        tx,
                        "UPDATE bookings SET state = ?2, expires_at = NULL WHERE id = ?1",
                        params![id, state.as_str()],
                    )?;
                }
                Ok(booking)
            })
            .await?;
        self.seats.forget(&released.offering, released.date);
        Ok(())
    }
}

#[async_trait]
impl BookingStore for SqliteStore {
    async fn booking_by_hold(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let id = hold.to_hex();
        self.read(move |c| find_booking(c, "id", &id, now)).await
    }

    async fn submit_details(&self, request: &DetailsRequest, now: DateTime<Utc>) -> StoreResult<Booking> {
        let request = request.clone();
        self.write(move |tx| {
            let id = request.hold.to_hex();
            let booking = find_booking(tx, "id", &id, now)?;
            let state = match transition(&booking, Event::SubmitDetails, now)? {
                Transition::To(state) => state,
                Transition::AlreadyDone => return Err(TransitionError::AlreadySubmitted.into()),
            };
            let key = request.contact_key.as_str();
            let active: u32 = query_one(tx, &format!(
                    "SELECT COUNT(*) FROM bookings WHERE contact_key = :key AND state IN ('pending', 'confirmed')
                     AND ends_at > :now AND {ACTIVE}"
                ),
                rusqlite::named_params! { ":key": key, ":now": millis(now) })?;
            if active >= request.quota.max_active {
                return Err(QuotaExceeded::Active.into());
            }
            let same_day: u32 = query_one(tx, &format!(
                    "SELECT COUNT(*) FROM bookings WHERE contact_key = :key AND state IN ('pending', 'confirmed')
                     AND service = :service AND date = :date AND {ACTIVE}"
                ),
                rusqlite::named_params! {
                    ":key": key, ":service": booking.offering.service.as_str(),
                    ":date": format_date(booking.date), ":now": millis(now),
                })?;
            if same_day >= request.quota.max_per_service_day {
                return Err(QuotaExceeded::ServiceDay.into());
            }
            let short_code = loop {
                let candidate = ShortCode::generate().map_err(unavailable)?;
                let used: bool = query_one(tx, "SELECT EXISTS (SELECT 1 FROM bookings WHERE short_code = ?1)",
                    params![candidate.as_str()])?;
                if !used {
                    break candidate;
                }
            };
            run(tx, "UPDATE bookings SET state = ?2, expires_at = ?3, short_code = ?4, confirm_code = ?5, contact_key = ?6
                 WHERE id = ?1",
                params![
                    id,
                    state.as_str(),
                    millis(request.confirm_by),
                    short_code.as_str(),
                    request.confirm_code.to_hex(),
                    key,
                ])?;
            let person = &request.person;
            run(tx, "INSERT INTO people (booking_id, name, surname, contact, details, lang, erase_after)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id,
                    person.name.as_str(),
                    person.surname.as_str(),
                    person.contact.address(),
                    person.details.as_ref().map(Details::as_str),
                    person.lang.as_str(),
                    millis(request.erase_after),
                ])?;
            queue(tx, &request.messages)?;
            find_booking(tx, "id", &id, now)
        })
        .await
    }

    async fn booking_by_confirm_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let code = code.to_hex();
        self.read(move |c| find_booking(c, "confirm_code", &code, now))
            .await
    }

    async fn confirm(
        &self,
        code: &TokenHash,
        page_code: &TokenHash,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        let (code, page_code) = (code.to_hex(), page_code.to_hex());
        let messages = messages.to_vec();
        self.write(move |tx| {
            let booking = find_booking(tx, "confirm_code", &code, now)?;
            match transition(&booking, Event::Confirm, now)? {
                Transition::AlreadyDone => Ok(Outcome {
                    booking,
                    changed: false,
                }),
                Transition::To(state) => {
                    run(
                        tx,
                        "UPDATE bookings SET state = ?2, expires_at = NULL WHERE id = ?1",
                        params![booking.id, state.as_str()],
                    )?;
                    run(
                        tx,
                        "INSERT INTO page_codes (code, booking_id) VALUES (?1, ?2)",
                        params![page_code, booking.id],
                    )?;
                    queue(tx, &messages)?;
                    Ok(Outcome {
                        booking: find_booking(tx, "id", &booking.id, now)?,
                        changed: true,
                    })
                }
            }
        })
        .await
    }

    async fn booking_by_page_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let code = code.to_hex();
        self.read(move |c| booking_by_page_code(c, &code, now)).await
    }

    async fn issue_page_code(&self, booking_id: &str, code: &TokenHash) -> StoreResult<()> {
        let (id, code) = (booking_id.to_owned(), code.to_hex());
        self.write(move |tx| {
            let known: bool = query_one(
                tx,
                "SELECT EXISTS (SELECT 1 FROM bookings WHERE id = ?1)",
                params![id],
            )?;
            if !known {
                return Err(StoreError::NotFound);
            }
            run(
                tx,
                "INSERT INTO page_codes (code, booking_id) VALUES (?1, ?2)",
                params![code, id],
            )?;
            Ok(())
        })
        .await
    }

    async fn cancel(
        &self,
        page_code: &TokenHash,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        let code = page_code.to_hex();
        let messages = messages.to_vec();
        self.write(move |tx| {
            let booking = booking_by_page_code(tx, &code, now)?;
            match transition(&booking, Event::Cancel, now)? {
                Transition::AlreadyDone => Ok(Outcome {
                    booking,
                    changed: false,
                }),
                Transition::To(state) => {
                    run(
                        tx,
                        "UPDATE bookings SET state = ?2, expires_at = NULL WHERE id = ?1",
                        params![booking.id, state.as_str()],
                    )?;
                    queue(tx, &messages)?;
                    Ok(Outcome {
                        booking: find_booking(tx, "id", &booking.id, now)?,
                        changed: true,
                    })
                }
            }
        })
        .await
        .inspect(|outcome| self.seats.forget(&outcome.booking.offering, outcome.booking.date))
    }

    async fn bookings_of_contact(
        &self,
        contact: &ContactKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>> {
        let key = contact.as_str().to_owned();
        self.read(move |c| {
            let sql = format!(
                "SELECT {BOOKING_COLUMNS} FROM {BOOKINGS_WITH_PEOPLE}
                 WHERE b.contact_key = :key AND b.state IN ('pending', 'confirmed') AND b.ends_at > :now
                   AND (b.state = 'confirmed' OR b.expires_at > :now)
                 ORDER BY b.starts_at"
            );
            let mut statement = c.prepare_cached(&sql)?;
            let mut rows = statement.query(rusqlite::named_params! { ":key": key, ":now": millis(now) })?;
            let mut bookings = Vec::new();
            while let Some(row) = rows.next()? {
                bookings.push(booking_from_row(row, now)?);
            }
            Ok(bookings)
        })
        .await
    }
}
