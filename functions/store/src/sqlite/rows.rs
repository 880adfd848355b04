//! Rows read back as bookings and outbox entries, and the statements that more than one
//! aggregate runs: finding a booking, setting its state, queueing messages.

use chrono::{DateTime, Utc};
use prenota_core::dates::format_date;
use prenota_core::quota::QuotaExceeded;
use prenota_core::{BookingId, StoredState};
use rusqlite::{Connection, OptionalExtension, params};

use super::connection::{query_all, query_one, run};
use super::schema::{ACTIVE, BOOKING_COLUMNS, BOOKINGS_WITH_PEOPLE, COUNTS_FOR_QUOTA};
use crate::stored::{Fields, stored_booking, stored_entry, stored_person};
use crate::{Booking, OutboxEntry, OutboxMessage, StoreError, StoreResult, millis, unavailable};

impl Fields for rusqlite::Row<'_> {
    fn text(&self, name: &str) -> StoreResult<&str> {
        self.get_ref(name)?.as_str().map_err(unavailable)
    }

    fn optional_text(&self, name: &str) -> StoreResult<Option<&str>> {
        self.get_ref(name)?.as_str_or_null().map_err(unavailable)
    }

    fn number(&self, name: &str) -> StoreResult<i64> {
        Ok(self.get(name)?)
    }

    fn optional_number(&self, name: &str) -> StoreResult<Option<i64>> {
        Ok(self.get(name)?)
    }
}

/// A booking row with its personal data's columns, which are null without any.
pub(super) fn booking_from_row(row: &rusqlite::Row<'_>, now: DateTime<Utc>) -> StoreResult<Booking> {
    let person = match row.optional_text("name")? {
        None => None,
        Some(_) => Some(stored_person(row)?),
    };
    stored_booking(row, person, now)
}

/// The booking whose `column` equals `value`, as it is at `now`.
pub(super) fn find_booking(
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

/// The booking a confirmation code opens: its first code, or one sent again.
pub(super) fn booking_by_confirm_code(
    connection: &Connection,
    code: &str,
    now: DateTime<Utc>,
) -> StoreResult<Booking> {
    match find_booking(connection, "confirm_code", code, now) {
        Err(StoreError::NotFound) => {
            let id: Option<String> = connection
                .prepare_cached("SELECT booking_id FROM confirm_codes WHERE code = ?1")?
                .query_row(params![code], |row| row.get(0))
                .optional()?;
            find_booking(connection, "id", &id.ok_or(StoreError::NotFound)?, now)
        }
        found => found,
    }
}

/// The booking `id`, as it is at `now`.
pub(super) fn booking_by_id(
    connection: &Connection,
    id: &BookingId,
    now: DateTime<Utc>,
) -> StoreResult<Booking> {
    find_booking(connection, "id", id.as_str(), now)
}

pub(super) fn booking_by_page_code(
    connection: &Connection,
    code: &str,
    now: DateTime<Utc>,
) -> StoreResult<Booking> {
    let id: Option<String> = connection
        .prepare_cached("SELECT booking_id FROM page_codes WHERE code = ?1")?
        .query_row(params![code], |row| row.get(0))
        .optional()?;
    find_booking(connection, "id", &id.ok_or(StoreError::NotFound)?, now)
}

/// Every booking a query finds, as they are at `now`.
pub(super) fn bookings(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Booking>> {
    query_all(connection, sql, params, |row| booking_from_row(row, now))
}

/// Moves a booking to `state`: a held or pending booking's deadline goes with its old state.
pub(super) fn set_state(connection: &Connection, id: &BookingId, state: StoredState) -> StoreResult<()> {
    run(
        connection,
        "UPDATE bookings SET state = ?2, expires_at = NULL WHERE id = ?1",
        params![id.as_str(), state.as_str()],
    )?;
    Ok(())
}

/// Queues messages, each due at once; one already queued under the same id is kept as it is
/// (retries are harmless).
pub(super) fn queue(connection: &Connection, messages: &[OutboxMessage]) -> StoreResult<()> {
    for message in messages {
        run(
            connection,
            "INSERT OR IGNORE INTO outbox (id, kind, channel, recipient, payload, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![
                message.id.as_str(),
                message.kind.as_str(),
                message.channel.as_str(),
                message.recipient,
                message.payload,
                millis(message.created_at)
            ],
        )?;
    }
    Ok(())
}

/// Every outbox entry a query finds.
pub(super) fn outbox_entries(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<OutboxEntry>> {
    query_all(connection, sql, params, |row| stored_entry(row))
}

/// Whose quotas a booking counts against: its contact and, from household bookings on, its
/// person (a booking made before has none, and counts for its whole contact).
pub(super) struct QuotaOwner<'a> {
    pub contact: &'a str,
    pub person: Option<&'a str>,
}

/// Refuses when the person of `owner` already has `max` active bookings of `booking`'s service on
/// `date`, `booking` itself not counted (it may be moving there). A booking from before people
/// were counted apart counts for every person of its contact.
pub(super) fn check_service_day(
    tx: &Connection,
    owner: &QuotaOwner<'_>,
    booking: &Booking,
    date: chrono::NaiveDate,
    max: u32,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let same_day: u32 = query_one(
        tx,
        &format!(
            "SELECT COUNT(*) FROM bookings WHERE {COUNTS_FOR_QUOTA}
                     AND service = :service AND date = :date AND id != :id AND {ACTIVE}
                     AND (person_key = :person OR (contact_key = :key AND (person_key IS NULL OR :person IS NULL)))"
        ),
        rusqlite::named_params! {
            ":key": owner.contact, ":person": owner.person, ":service": booking.offering.service.as_str(),
            ":date": format_date(date), ":id": booking.id.as_str(), ":now": millis(now),
        },
    )?;
    if same_day >= max {
        return Err(QuotaExceeded::ServiceDay.into());
    }
    Ok(())
}

pub(super) fn add_page_code(tx: &Connection, id: &BookingId, code: &str) -> StoreResult<()> {
    run(
        tx,
        // The same code again is the same link (a reissued code is derived from the booking).
        "INSERT INTO page_codes (code, booking_id) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING",
        params![code, id.as_str()],
    )?;
    Ok(())
}
