//! Seats: holds, their release, the counts availability is made of.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::dates::{format_date, format_time, parse_date, parse_time};
use prenota_core::lifecycle::{Event, Transition};
use prenota_core::{BookingId, OfferingKey, TokenHash};
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::connection::{query_one, run};
use super::rows::{booking_by_id, set_state};
use super::schema::ACTIVE;
use super::seat_cache::CountedDays;
use crate::stored::corrupt;
use crate::{
    HoldRequest, Reservation, SeatStore, StoreError, StoreResult, TakenSeats, from_millis, household_of,
    millis, transition, unavailable,
};

/// Active seats per day and start time of one offering on the days `dates` (formatted), and the
/// earliest deadline among the holds and pending bookings counted.
fn count_days(
    c: &Connection,
    office: &str,
    service: &str,
    dates: &[String],
    now: DateTime<Utc>,
) -> StoreResult<CountedDays> {
    let sql = format!(
        "SELECT date, start, COUNT(*), MIN(CASE WHEN state IN ('confirmed', 'displaced') THEN NULL ELSE expires_at END)
                     FROM bookings
                     WHERE office = :office AND service = :service AND date IN (SELECT value FROM json_each(:dates))
                       AND state != 'cancelled' AND {ACTIVE}
                     GROUP BY date, start"
    );
    let mut statement = c.prepare_cached(&sql)?;
    let dates_json = serde_json::to_string(dates).map_err(unavailable)?;
    let mut rows = statement.query(rusqlite::named_params! {
        ":office": office, ":service": service, ":dates": dates_json, ":now": millis(now),
    })?;
    let mut counted = CountedDays::new();
    while let Some(row) = rows.next()? {
        let date: String = row.get(0)?;
        let start: String = row.get(1)?;
        let count: u32 = row.get(2)?;
        let deadline = row.get::<_, Option<i64>>(3)?.map(from_millis).transpose()?;
        let (taken, valid_until) = counted
            .entry(parse_date(&date).map_err(|_| corrupt("date", &date))?)
            .or_default();
        taken.insert(parse_time(&start).map_err(|_| corrupt("start", &start))?, count);
        *valid_until = match (*valid_until, deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(counted)
}

/// Refuses with [`StoreError::SlotTaken`] unless `wanted` more seats of the slot fit in its
/// `capacity` at `now`; run in the change that then takes them, with no other writer in between.
pub(super) fn check_seats_free(
    tx: &Connection,
    offering: &OfferingKey,
    slot: &prenota_core::Slot,
    capacity: u32,
    wanted: u32,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let taken: u32 = query_one(
        tx,
        &format!(
            "SELECT COUNT(*) FROM bookings WHERE office = :office AND service = :service AND date = :date
                     AND start = :start AND state != 'cancelled' AND {ACTIVE}"
        ),
        rusqlite::named_params! {
            ":office": offering.office.as_str(), ":service": offering.service.as_str(),
            ":date": format_date(slot.date), ":start": format_time(slot.start), ":now": millis(now),
        },
    )?;
    if taken + wanted > capacity {
        return Err(StoreError::SlotTaken);
    }
    Ok(())
}

/// Takes a seat for each of the request's seats if they fit in their slots' capacity: the counts
/// and the inserts run in one change, with no other writer in between, so all or none.
fn hold_seats(tx: &Connection, request: &HoldRequest, now: DateTime<Utc>) -> StoreResult<()> {
    let mut wanted: BTreeMap<chrono::NaiveTime, (&prenota_core::Slot, u32)> = BTreeMap::new();
    for slot in &request.seats {
        wanted.entry(slot.start).or_insert((slot, 0)).1 += 1;
    }
    for (slot, count) in wanted.values() {
        check_seats_free(tx, &request.offering, slot, request.capacity, *count, now)?;
    }
    for n in 0..request.seats.len() {
        insert_held(tx, request, n, now)?;
    }
    Ok(())
}

/// Inserts seat `n` of `request` as a held booking, without counting: the caller has counted, or
/// hands over a seat it frees in the same change.
pub(super) fn insert_held(
    tx: &Connection,
    request: &HoldRequest,
    n: usize,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let slot = &request.seats[n];
    let household = request.household_seat(n);
    run(
        tx,
        "INSERT INTO bookings (id, office, service, date, start, end, starts_at, ends_at, state, expires_at, created_at,
                               household_lead, household_seat, household_size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'held', ?9, ?10, ?11, ?12, ?13)",
        params![
            request.booking_id(n).as_str(),
            request.offering.office.as_str(),
            request.offering.service.as_str(),
            format_date(slot.date),
            format_time(slot.start),
            format_time(slot.end),
            millis(slot.starts_at),
            millis(slot.ends_at),
            millis(request.expires_at),
            millis(now),
            household.as_ref().map(|h| h.lead.as_str().to_owned()),
            household.as_ref().map(|h| h.seat),
            household.as_ref().map(|h| h.size),
        ],
    )?;
    Ok(())
}

/// Keeps the seat `booking` frees in this change for the waiting list: a hold of its own on the
/// same slot (see [`Reservation`]).
pub(super) fn reserve_seat(
    tx: &Connection,
    booking: &crate::Booking,
    reservation: &Reservation,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let request = HoldRequest::one(
        reservation.hold,
        booking.offering.clone(),
        booking.slot(),
        1,
        reservation.until,
    );
    insert_held(tx, &request, 0, now)?;
    match &reservation.closure {
        Some(closure) => mark_for_closure(tx, &request.booking_id(0), closure),
        None => Ok(()),
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
        self.seats
            .taken_seats(offering, dates, now, |missing| {
                let office = offering.office.to_string();
                let service = offering.service.to_string();
                let asked: Vec<String> = missing.iter().map(|date| format_date(*date)).collect();
                self.read(move |c| count_days(c, &office, &service, &asked, now))
            })
            .await
    }

    /// One indexed query answers a whole booking window.
    fn days_per_query(&self) -> usize {
        400
    }

    async fn hold(&self, request: &HoldRequest, now: DateTime<Utc>) -> StoreResult<()> {
        let offering = request.offering.clone();
        let dates: Vec<NaiveDate> = request.seats.iter().map(|slot| slot.date).collect();
        let request = request.clone();
        let held = self.write(move |tx| hold_seats(tx, &request, now)).await;
        if held.is_ok() {
            for date in dates {
                self.seats.forget(&offering, date);
            }
        }
        held
    }

    async fn release(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        let id = BookingId::of_hold(hold);
        let released = self
            .write(move |tx| {
                let lead = booking_by_id(tx, &id, now)?;
                for id in household_of(&lead) {
                    let booking = booking_by_id(tx, &id, now)?;
                    if let Transition::To(state) = transition(&booking, Event::Release, now)? {
                        set_state(tx, &id, state)?;
                    }
                }
                Ok(lead)
            })
            .await?;
        self.seats.forget(&released.offering, released.date);
        Ok(())
    }
}

/// Marks a held row as a closure's seat, so that reopening it frees the seat.
pub(super) fn mark_for_closure(tx: &Connection, id: &BookingId, closure: &str) -> StoreResult<()> {
    run(
        tx,
        "UPDATE bookings SET closure = ?2 WHERE id = ?1",
        params![id.as_str(), closure],
    )?;
    Ok(())
}

/// A free seat of `slot` for a displaced booking of closure `closure`: one the closure keeps is
/// given up for it (released in this change) when none is free to everyone.
pub(super) fn free_a_kept_seat(
    tx: &Connection,
    offering: &OfferingKey,
    slot: &prenota_core::Slot,
    closure: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let kept: Option<String> = tx
        .query_row(
            "SELECT id FROM bookings WHERE office = ?1 AND service = ?2 AND date = ?3 AND start = ?4
               AND closure = ?5 AND state = 'held' AND expires_at > ?6 LIMIT 1",
            params![
                offering.office.as_str(),
                offering.service.as_str(),
                format_date(slot.date),
                format_time(slot.start),
                closure,
                millis(now)
            ],
            |row| row.get(0),
        )
        .optional()?;
    let Some(kept) = kept else {
        return Ok(false);
    };
    run(
        tx,
        "UPDATE bookings SET state = 'cancelled', expires_at = NULL WHERE id = ?1",
        params![kept],
    )?;
    Ok(true)
}
