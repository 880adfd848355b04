//! The schema (with the upgrade of a file from an earlier version), and the SQL fragments that
//! more than one statement is built from.

use rusqlite::Connection;

use super::connection::query_all;
use crate::StoreResult;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS catalogue (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalogue_changes (
    id TEXT PRIMARY KEY,                 -- 32 hex digits, random
    version INTEGER NOT NULL,            -- the catalogue's version it made
    at INTEGER NOT NULL,
    by TEXT NOT NULL,                    -- staff e-mail
    offices TEXT NOT NULL,               -- office ids, comma-separated
    kind TEXT NOT NULL,
    edit TEXT NOT NULL,                  -- JSON
    inverse TEXT NOT NULL,               -- JSON
    displaced TEXT NOT NULL,             -- booking ids, comma-separated
    reason_it TEXT,
    reason_en TEXT,
    undoes TEXT
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
    state TEXT NOT NULL CHECK (state IN ('held', 'pending', 'confirmed', 'cancelled', 'displaced')),
    expires_at INTEGER,                  -- deadline of held and pending; NULL otherwise
    short_code TEXT UNIQUE,
    confirm_code TEXT UNIQUE,            -- hex SHA-256 of the confirmation link's code
    contact_key TEXT,                    -- HMAC of the contact
    created_at INTEGER NOT NULL,
    reconfirmation TEXT,                 -- 'asked', 'reconfirmed'; NULL until asked (see `upgrade`)
    person_key TEXT,                     -- keyed hash of the contact and the person's name (quotas)
    household_lead TEXT,                 -- a household booking: its first person's booking id
    household_seat INTEGER,              -- its place in the household (0: the lead)
    household_size INTEGER               -- how many people the household booked
);
-- Covers the seat counts: office, service and date to find a day, state and deadline to count
-- the active seats, all read from the index alone.
DROP INDEX IF EXISTS bookings_by_slot;
CREATE INDEX IF NOT EXISTS bookings_by_slot_state ON bookings (office, service, date, start, state, expires_at)
    WHERE state != 'cancelled';
CREATE TABLE IF NOT EXISTS page_codes (
    code TEXT PRIMARY KEY,               -- hex SHA-256 of a booking page link's code
    booking_id TEXT NOT NULL REFERENCES bookings (id)
);
-- Confirmation codes sent again ("my bookings"), beside each booking's first one.
CREATE TABLE IF NOT EXISTS confirm_codes (
    code TEXT PRIMARY KEY,               -- hex SHA-256 of a confirmation link's code
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
    detail TEXT,                         -- the provider's id, why it failed, or the last temporary failure
    delivered_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0, -- deliveries that failed for now (see `upgrade`)
    next_attempt_at INTEGER NOT NULL DEFAULT 0 -- ms; not due before; created_at when queued
);
-- SMS counted per hour across the service (the sender's hourly cap); rows older than two days go.
CREATE TABLE IF NOT EXISTS sms_hours (
    hour INTEGER PRIMARY KEY,            -- ms since the epoch of the hour's start (UTC)
    sent INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,                   -- YYYY-MM-DD, Europe/Rome; never the time
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    reason TEXT,
    lang TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_day ON feedback (day);
-- Closures saved by staff ("Chiusure"); the seats they take are `bookings` rows with `closure`.
CREATE TABLE IF NOT EXISTS closures (
    id TEXT PRIMARY KEY,                 -- 32 hex digits, random
    office TEXT,                         -- NULL: every office
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    hours TEXT,                          -- HH:MM-HH:MM; NULL: the whole day
    reason_it TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    reopened_at INTEGER
);
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
-- The waiting list: a place per citizen's request, its contact kept until its last day.
CREATE TABLE IF NOT EXISTS waiting_places (
    code TEXT PRIMARY KEY,               -- hex SHA-256 of the place's link code
    service TEXT NOT NULL,
    offices TEXT NOT NULL,               -- JSON array of office ids
    from_date TEXT NOT NULL,             -- YYYY-MM-DD
    to_date TEXT NOT NULL,
    joined_at INTEGER NOT NULL,          -- ms; when confirmed (when it joined, while pending)
    contact TEXT NOT NULL,
    contact_key TEXT NOT NULL,
    lang TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'waiting', 'offered', 'left')),
    confirm_by INTEGER NOT NULL,
    offer TEXT,                          -- the booking id of the hold offered, while offered
    keep_until INTEGER NOT NULL          -- the end of its last day: then deleted
);
CREATE INDEX IF NOT EXISTS waiting_by_service ON waiting_places (service, state);
CREATE INDEX IF NOT EXISTS waiting_by_contact ON waiting_places (contact_key, state);
-- Offers of kept seats, under the booking of the offered hold.
CREATE TABLE IF NOT EXISTS waiting_offers (
    booking_id TEXT PRIMARY KEY,
    place TEXT NOT NULL,
    office TEXT NOT NULL,
    service TEXT NOT NULL,
    date TEXT NOT NULL,
    freed_at INTEGER NOT NULL,
    freed_by TEXT NOT NULL CHECK (freed_by IN ('cancelled', 'other')),
    offered TEXT NOT NULL,               -- JSON array of the place codes offered the seat so far
    keep_until INTEGER NOT NULL
);
"#;

/// Columns added after the first release, each with what fills it in existing rows: `ALTER TABLE
/// … ADD COLUMN` when a file from before opens. A new file has them from `SCHEMA`.
const ADDED_OUTBOX_COLUMNS: [(&str, &str, &str); 2] = [
    ("attempts", "INTEGER NOT NULL DEFAULT 0", "0"),
    ("next_attempt_at", "INTEGER NOT NULL DEFAULT 0", "created_at"),
];

/// Columns of `catalogue` added with staff's changes (issue 15): the version, the hash of the
/// catalogue last imported from a file, the change that made the stored one.
const ADDED_CATALOGUE_COLUMNS: [(&str, &str); 3] = [
    ("version", "INTEGER NOT NULL DEFAULT 1"),
    ("imported", "TEXT"),
    ("change", "TEXT"),
];

/// Columns of `bookings` added after the first release: NULL in existing rows.
const ADDED_BOOKING_COLUMNS: [(&str, &str); 6] = [
    ("reconfirmation", "TEXT"),
    ("person_key", "TEXT"),
    ("household_lead", "TEXT"),
    ("household_seat", "INTEGER"),
    ("household_size", "INTEGER"),
    // A seat held by a closure: the closure's id (see `closures`).
    ("closure", "TEXT"),
];

/// The `bookings` table's state check before displaced bookings (issue 15), and after.
const STATE_CHECK_BEFORE: &str = "CHECK (state IN ('held', 'pending', 'confirmed', 'cancelled'))";
const STATE_CHECK_NOW: &str = "CHECK (state IN ('held', 'pending', 'confirmed', 'cancelled', 'displaced'))";

/// Indexes on added columns, made once the columns exist. The due messages, soonest first, are
/// read from `outbox_due` alone (it replaces `outbox_pending`, on `created_at`).
const INDEXES: &str = "
DROP INDEX IF EXISTS outbox_pending;
DROP INDEX IF EXISTS bookings_by_contact;
DROP INDEX IF EXISTS bookings_by_person;
CREATE INDEX IF NOT EXISTS bookings_of_contact ON bookings (contact_key, starts_at)
    WHERE contact_key IS NOT NULL AND state IN ('pending', 'confirmed', 'displaced');
CREATE INDEX IF NOT EXISTS bookings_of_person ON bookings (person_key)
    WHERE person_key IS NOT NULL AND state IN ('pending', 'confirmed', 'displaced');
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at) WHERE delivery = 'pending';
CREATE INDEX IF NOT EXISTS bookings_by_closure ON bookings (closure) WHERE closure IS NOT NULL;
";

/// Creates the schema on a new file and brings a file of an earlier version up to it: the
/// outbox's added columns are added (a guarded `ALTER TABLE … ADD COLUMN`, in one `BEGIN
/// IMMEDIATE` transaction so that two processes opening the same old file add them once).
pub(super) fn create(connection: &Connection) -> StoreResult<()> {
    connection.execute_batch(SCHEMA)?;
    connection.execute_batch("BEGIN IMMEDIATE")?;
    let upgraded = upgrade(connection);
    connection.execute_batch(if upgraded.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    upgraded
}

fn upgrade(connection: &Connection) -> StoreResult<()> {
    let existing: Vec<String> = query_all(
        connection,
        "SELECT name FROM pragma_table_info('outbox')",
        [],
        |row| Ok(row.get(0)?),
    )?;
    for (column, definition, fill) in ADDED_OUTBOX_COLUMNS {
        if !existing.iter().any(|name| name == column) {
            connection.execute_batch(&format!(
                "ALTER TABLE outbox ADD COLUMN {column} {definition}; UPDATE outbox SET {column} = {fill};"
            ))?;
        }
    }
    add_missing_columns(connection, "bookings", &ADDED_BOOKING_COLUMNS)?;
    add_missing_columns(connection, "catalogue", &ADDED_CATALOGUE_COLUMNS)?;
    connection.execute_batch(INDEXES)?;
    allow_displaced(connection)
}

/// Adds to `table` those of `columns` (name, definition) it lacks.
fn add_missing_columns(connection: &Connection, table: &str, columns: &[(&str, &str)]) -> StoreResult<()> {
    let existing: Vec<String> = query_all(
        connection,
        &format!("SELECT name FROM pragma_table_info('{table}')"),
        [],
        |row| Ok(row.get(0)?),
    )?;
    for (column, definition) in columns {
        if !existing.iter().any(|name| name == column) {
            connection.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {definition};"))?;
        }
    }
    Ok(())
}

/// A file from before displaced bookings refuses the state by its `CHECK`. A check that only
/// allows more values can be rewritten in the schema's text, the documented way to change a
/// constraint without copying the table (https://sqlite.org/lang_altertable.html, "making other
/// kinds of table schema changes"): no row can break the looser check.
fn allow_displaced(connection: &Connection) -> StoreResult<()> {
    let sql: String = connection.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'bookings'",
        [],
        |row| row.get(0),
    )?;
    if !sql.contains(STATE_CHECK_BEFORE) {
        return Ok(());
    }
    let version: i64 = connection.query_row("PRAGMA schema_version", [], |row| row.get(0))?;
    connection.execute_batch("PRAGMA writable_schema = ON")?;
    let rewritten = connection.execute(
        "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'bookings'",
        [sql.replace(STATE_CHECK_BEFORE, STATE_CHECK_NOW)],
    );
    connection.execute_batch(&format!("PRAGMA schema_version = {}", version + 1))?;
    connection.execute_batch("PRAGMA writable_schema = OFF")?;
    rewritten?;
    Ok(())
}

/// "Does this row take a seat at :now?" — the SQL form of `BookingState::occupies_seat`.
pub(super) const ACTIVE: &str =
    "(state IN ('confirmed', 'displaced') OR (state IN ('held', 'pending') AND expires_at > :now))";

/// Bookings that count against a citizen's quotas (with [`ACTIVE`] for the pending ones'
/// deadline): a displaced booking still does, until it is moved or cancelled.
pub(super) const COUNTS_FOR_QUOTA: &str = "state IN ('pending', 'confirmed', 'displaced')";

/// Bookings with their personal data, which is treated as gone from its erasure time on, whether
/// or not the periodic sweep has deleted it yet.
pub(super) const BOOKINGS_WITH_PEOPLE: &str =
    "bookings b LEFT JOIN people p ON p.booking_id = b.id AND p.erase_after > :now";

pub(super) const BOOKING_COLUMNS: &str = "b.id, b.office, b.service, b.date, b.start, b.end, b.starts_at, b.ends_at, b.state, \
     b.expires_at, b.short_code, b.reconfirmation, b.household_lead, b.household_seat, b.household_size, p.name, p.surname, p.contact, p.details, p.lang";

pub(super) const OUTBOX_COLUMNS: &str =
    "id, kind, channel, recipient, payload, created_at, delivery, detail, attempts, next_attempt_at";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_from_before_displaced_bookings_accepts_them() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(&SCHEMA.replace(STATE_CHECK_NOW, STATE_CHECK_BEFORE))
            .unwrap();
        let insert = "INSERT INTO bookings (id, office, service, date, start, end, starts_at, ends_at, state, created_at)
                      VALUES ('b', 'u1', 's', '2026-12-07', '09:00', '09:15', 0, 0, 'displaced', 0)";
        assert!(
            connection.execute(insert, []).is_err(),
            "the old check refuses the state"
        );
        create(&connection).unwrap();
        connection.execute(insert, []).unwrap();
        // The check still refuses what no version writes; a second opening changes nothing.
        let bad = insert.replace("'b'", "'c'").replace("'displaced'", "'lost'");
        assert!(connection.execute(&bad, []).is_err());
        create(&connection).unwrap();
        let integrity: String = connection
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
    }
}
