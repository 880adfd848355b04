//! The schema, and the SQL fragments that more than one statement is built from.

pub(super) const SCHEMA: &str = r#"
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
pub(super) const ACTIVE: &str =
    "(state = 'confirmed' OR (state IN ('held', 'pending') AND expires_at > :now))";

/// Bookings with their personal data, which is treated as gone from its erasure time on, whether
/// or not the periodic sweep has deleted it yet.
pub(super) const BOOKINGS_WITH_PEOPLE: &str =
    "bookings b LEFT JOIN people p ON p.booking_id = b.id AND p.erase_after > :now";

pub(super) const BOOKING_COLUMNS: &str = "b.id, b.office, b.service, b.date, b.start, b.end, b.starts_at, b.ends_at, b.state, \
     b.expires_at, b.short_code, p.name, p.surname, p.contact, p.details, p.lang";

pub(super) const OUTBOX_COLUMNS: &str = "id, kind, channel, recipient, payload, created_at, delivery, detail";
