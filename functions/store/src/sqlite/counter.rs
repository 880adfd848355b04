//! The counter on one machine: a `visits` row per checked-in (or not-come) booking. Every step
//! runs on the writer thread, one after another, so two desks calling at once are served in turn
//! and never get the same citizen, and a ticket number is read and taken in one change.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::counter::{
    self, CounterEvent, CounterRules, CounterStep, Desk, Ticket, TicketSeries, VisitState,
};
use prenota_core::dates::format_date;
use prenota_core::lifecycle::TransitionError;
use prenota_core::{BookingId, BookingState, ContactKey, OfficeId, ShortCode};
use rusqlite::{Connection, named_params, params};

use super::SqliteStore;
use super::bookings::insert_person;
use super::connection::{query_all, query_one, run};
use super::rows::add_page_code;
use super::rows::{booking_by_id, booking_from_row, queue};
use super::schema::{BOOKING_COLUMNS, BOOKINGS_WITH_PEOPLE};
use crate::stored::stored_visit;
use crate::{
    AgendaEntry, Booking, CounterBooking, CounterOutcome, CounterStore, DisplayBoard, DisplayCall,
    StoreError, StoreResult, from_millis, millis,
};

pub(super) const VISITS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS visits (
    booking_id TEXT PRIMARY KEY REFERENCES bookings (id),
    office TEXT NOT NULL,
    date TEXT NOT NULL,                  -- the booking's day, YYYY-MM-DD
    starts_at INTEGER NOT NULL,          -- the booking's start, ms: the call order
    state TEXT NOT NULL CHECK (state IN ('checked_in', 'called', 'served', 'no_show')),
    series TEXT,                         -- 'A' booked, 'S' walk-in; NULL when never checked in
    number INTEGER,
    ticket TEXT,
    desk TEXT,
    checked_in_at INTEGER,
    called_at INTEGER,
    finished_at INTEGER,                 -- when the outcome was recorded (see `add_finished_at`)
    UNIQUE (office, date, ticket)
);
CREATE INDEX IF NOT EXISTS visits_waiting ON visits (office, date, state, starts_at, checked_in_at);
CREATE INDEX IF NOT EXISTS visits_called ON visits (office, date, called_at) WHERE called_at IS NOT NULL;
";

pub(super) const VISIT_COLUMNS: &str =
    "v.state AS visit_state, v.ticket, v.desk, v.checked_in_at, v.called_at, v.finished_at";

/// A file from before the outcome's time was kept gets the column (NULL in its rows).
pub(super) fn add_finished_at(connection: &Connection) -> StoreResult<()> {
    let has: bool = query_one(
        connection,
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('visits') WHERE name = 'finished_at')",
        [],
    )?;
    if !has {
        connection.execute_batch("ALTER TABLE visits ADD COLUMN finished_at INTEGER")?;
    }
    Ok(())
}

/// Bookings the counter sees: confirmed and displaced ones, and those cancelled after being
/// confirmed (they have a booking page's code); never a hold or an unconfirmed request.
pub(super) const AT_THE_COUNTER: &str = "(b.state IN ('confirmed', 'displaced') OR (b.state = 'cancelled' AND \
     EXISTS (SELECT 1 FROM page_codes pc WHERE pc.booking_id = b.id)))";

fn entries(
    connection: &Connection,
    condition: &str,
    params: &[(&str, &dyn rusqlite::ToSql)],
    now: DateTime<Utc>,
) -> StoreResult<Vec<AgendaEntry>> {
    let sql = format!(
        "SELECT {BOOKING_COLUMNS}, {VISIT_COLUMNS} FROM {BOOKINGS_WITH_PEOPLE} \
         LEFT JOIN visits v ON v.booking_id = b.id WHERE {condition} AND {AT_THE_COUNTER} \
         ORDER BY b.starts_at, b.short_code"
    );
    let now_ms = millis(now);
    let mut all: Vec<(&str, &dyn rusqlite::ToSql)> = params.to_vec();
    all.push((":now", &now_ms));
    query_all(connection, &sql, all.as_slice(), |row| {
        Ok(AgendaEntry {
            booking: booking_from_row(row, now)?,
            visit: stored_visit(row)?,
        })
    })
}

fn entry_by_code(connection: &Connection, code: &ShortCode, now: DateTime<Utc>) -> StoreResult<AgendaEntry> {
    entries(
        connection,
        "b.short_code = :code",
        &[(":code", &code.as_str())],
        now,
    )?
    .pop()
    .ok_or(StoreError::NotFound)
}

/// Writes a step's new state; a booking without a visit row (not come, never checked in) gets
/// one.
fn write_state(tx: &Connection, entry: &AgendaEntry, state: VisitState) -> StoreResult<()> {
    let booking = &entry.booking;
    run(
        tx,
        "INSERT INTO visits (booking_id, office, date, starts_at, state) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (booking_id) DO UPDATE SET state = excluded.state",
        params![
            booking.id.as_str(),
            booking.offering.office.as_str(),
            format_date(booking.date),
            millis(booking.starts_at),
            state.as_str()
        ],
    )?;
    Ok(())
}

fn check_in_now(
    tx: &Connection,
    code: &ShortCode,
    series: TicketSeries,
    rules: &CounterRules,
    now: DateTime<Utc>,
) -> StoreResult<CounterOutcome> {
    let entry = entry_by_code(tx, code, now)?;
    match counter::apply(
        entry.state(),
        CounterEvent::CheckIn,
        entry.booking.starts_at,
        rules,
        now,
    )? {
        CounterStep::AlreadyDone => {
            return Ok(CounterOutcome {
                entry,
                changed: false,
            });
        }
        CounterStep::To(_) => {}
    }
    let booking = &entry.booking;
    let (office, date) = (booking.offering.office.as_str(), format_date(booking.date));
    let letter = series.letter().to_string();
    let number: u32 = query_one(
        tx,
        "SELECT COALESCE(MAX(number), 0) + 1 FROM visits WHERE office = ?1 AND date = ?2 AND series = ?3",
        params![office, date, letter],
    )?;
    run(
        tx,
        "INSERT INTO visits (booking_id, office, date, starts_at, state, series, number, ticket, checked_in_at)
         VALUES (?1, ?2, ?3, ?4, 'checked_in', ?5, ?6, ?7, ?8)",
        params![
            booking.id.as_str(),
            office,
            date,
            millis(booking.starts_at),
            letter,
            number,
            Ticket::new(series, number).as_str(),
            millis(now)
        ],
    )?;
    Ok(CounterOutcome {
        entry: entry_by_code(tx, code, now)?,
        changed: true,
    })
}

fn call_next_now(
    tx: &Connection,
    office: &OfficeId,
    date: NaiveDate,
    desk: &Desk,
    now: DateTime<Utc>,
) -> StoreResult<Option<AgendaEntry>> {
    // `counter::call_order` in SQL: the earliest appointment, then the earliest check-in.
    let next: Option<String> = query_all(
        tx,
        "SELECT b.short_code FROM visits v JOIN bookings b ON b.id = v.booking_id
         WHERE v.office = ?1 AND v.date = ?2 AND v.state = 'checked_in' AND b.state = 'confirmed'
         ORDER BY v.starts_at, v.checked_in_at LIMIT 1",
        params![office.as_str(), format_date(date)],
        |row| Ok(row.get::<_, String>(0)?),
    )?
    .pop();
    let Some(code) = next else { return Ok(None) };
    let code = ShortCode::parse(&code).map_err(|_| crate::stored::corrupt("short code", &code))?;
    let entry = entry_by_code(tx, &code, now)?;
    run(
        tx,
        "UPDATE visits SET state = 'called', desk = ?2, called_at = ?3 WHERE booking_id = ?1",
        params![entry.booking.id.as_str(), desk.as_str(), millis(now)],
    )?;
    entry_by_code(tx, &code, now).map(Some)
}

fn step_now(
    tx: &Connection,
    code: &ShortCode,
    event: CounterEvent,
    desk: Option<&Desk>,
    rules: &CounterRules,
    now: DateTime<Utc>,
) -> StoreResult<CounterOutcome> {
    let entry = entry_by_code(tx, code, now)?;
    let state = match counter::apply(entry.state(), event, entry.booking.starts_at, rules, now)? {
        CounterStep::AlreadyDone => {
            return Ok(CounterOutcome {
                entry,
                changed: false,
            });
        }
        CounterStep::To(state) => state,
    };
    write_state(tx, &entry, state)?;
    if event == CounterEvent::Recall {
        run(
            tx,
            "UPDATE visits SET called_at = ?2, desk = COALESCE(?3, desk) WHERE booking_id = ?1",
            params![entry.booking.id.as_str(), millis(now), desk.map(Desk::as_str)],
        )?;
    }
    if matches!(event, CounterEvent::Served | CounterEvent::NoShow) {
        run(
            tx,
            "UPDATE visits SET finished_at = ?2 WHERE booking_id = ?1",
            params![entry.booking.id.as_str(), millis(now)],
        )?;
    }
    Ok(CounterOutcome {
        entry: entry_by_code(tx, code, now)?,
        changed: true,
    })
}

fn book_now(tx: &Connection, request: &CounterBooking, now: DateTime<Utc>) -> StoreResult<Booking> {
    let id = BookingId::of_hold(&request.hold);
    let booking = booking_by_id(tx, &id, now)?;
    match booking.state {
        BookingState::Held => {}
        BookingState::Expired => return Err(TransitionError::Expired.into()),
        _ => return Err(TransitionError::AlreadySubmitted.into()),
    }
    let short_code = &request.short_code;
    run(
        tx,
        "UPDATE bookings SET state = 'confirmed', expires_at = NULL, short_code = ?2, contact_key = ?3
         WHERE id = ?1",
        params![
            id.as_str(),
            short_code.as_str(),
            request.contact_key.as_ref().map(ContactKey::as_str)
        ],
    )?;
    if let Some(person) = &request.person {
        insert_person(tx, &id, person, request.erase_after)?;
    }
    if let Some(code) = &request.page_code {
        add_page_code(tx, &id, &code.to_hex())?;
    }
    queue(tx, &request.messages)?;
    booking_by_id(tx, &id, now)
}

#[async_trait]
impl CounterStore for SqliteStore {
    async fn book_at_counter(&self, request: &CounterBooking, now: DateTime<Utc>) -> StoreResult<Booking> {
        let request = request.clone();
        self.write(move |tx| book_now(tx, &request, now)).await
    }

    async fn agenda(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AgendaEntry>> {
        let (office, date) = (office.as_str().to_owned(), format_date(date));
        self.read(move |connection| {
            entries(
                connection,
                "b.office = :office AND b.date = :date",
                &[(":office", &office), (":date", &date)],
                now,
            )
        })
        .await
    }

    async fn agenda_entry(&self, short_code: &ShortCode, now: DateTime<Utc>) -> StoreResult<AgendaEntry> {
        let code = short_code.clone();
        self.read(move |connection| entry_by_code(connection, &code, now))
            .await
    }

    async fn check_in(
        &self,
        short_code: &ShortCode,
        series: TicketSeries,
        rules: &CounterRules,
        now: DateTime<Utc>,
    ) -> StoreResult<CounterOutcome> {
        let (code, rules) = (short_code.clone(), *rules);
        self.write(move |tx| check_in_now(tx, &code, series, &rules, now))
            .await
    }

    async fn call_next(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        desk: &Desk,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<AgendaEntry>> {
        let (office, desk) = (office.clone(), desk.clone());
        self.write(move |tx| call_next_now(tx, &office, date, &desk, now))
            .await
    }

    async fn counter_step(
        &self,
        short_code: &ShortCode,
        event: CounterEvent,
        desk: Option<&Desk>,
        rules: &CounterRules,
        now: DateTime<Utc>,
    ) -> StoreResult<CounterOutcome> {
        let (code, desk, rules) = (short_code.clone(), desk.cloned(), *rules);
        self.write(move |tx| step_now(tx, &code, event, desk.as_ref(), &rules, now))
            .await
    }

    async fn display_board(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        last: usize,
    ) -> StoreResult<DisplayBoard> {
        let (office, date) = (office.as_str().to_owned(), format_date(date));
        let last = i64::try_from(last).unwrap_or(i64::MAX);
        self.read(move |connection| {
            let called = query_all(
                connection,
                "SELECT ticket, desk, called_at FROM visits
                 WHERE office = :office AND date = :date AND called_at IS NOT NULL
                 ORDER BY called_at DESC LIMIT :last",
                named_params! { ":office": office, ":date": date, ":last": last },
                |row| {
                    let (ticket, desk): (String, String) = (row.get(0)?, row.get(1)?);
                    Ok(DisplayCall {
                        ticket: Ticket::parse(&ticket)
                            .ok_or_else(|| crate::stored::corrupt("ticket", &ticket))?,
                        desk: Desk::parse(&desk).ok_or_else(|| crate::stored::corrupt("desk", &desk))?,
                        at: from_millis(row.get(2)?)?,
                    })
                },
            )?;
            let waiting: u32 = query_one(
                connection,
                "SELECT COUNT(*) FROM visits v JOIN bookings b ON b.id = v.booking_id
                 WHERE v.office = ?1 AND v.date = ?2 AND v.state = 'checked_in' AND b.state = 'confirmed'",
                params![office, date],
            )?;
            Ok(DisplayBoard { called, waiting })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_from_before_the_outcomes_time_gets_the_column() {
        let connection = Connection::open_in_memory().unwrap();
        let old = VISITS_SCHEMA
            .replace("REFERENCES bookings (id)", "")
            .replace(
                "    finished_at INTEGER,                 -- when the outcome was recorded (see `add_finished_at`)\n",
                "",
            );
        connection.execute_batch(&old).unwrap();
        let has = |c: &Connection| -> bool {
            query_one(
                c,
                "SELECT EXISTS (SELECT 1 FROM pragma_table_info('visits') WHERE name = 'finished_at')",
                [],
            )
            .unwrap()
        };
        assert!(!has(&connection));
        add_finished_at(&connection).unwrap();
        assert!(has(&connection));
        add_finished_at(&connection).unwrap();
    }
}
