//! Closures on one machine: the closure's row, and in the same change of the writer every seat of
//! its slots — bookings displaced with their messages, holds of the wizard released, free seats
//! taken by rows of the closure's (`bookings.closure`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::closure::ClosedSlot;
use prenota_core::dates::{format_date, format_time, parse_date, parse_time};
use prenota_core::lifecycle::{Event, StoredState, Transition};
use prenota_core::{BookingState, OfferingKey, OfficeId};
use rusqlite::{Connection, params};

use super::SqliteStore;
use super::connection::{query_all, query_one, run};
use super::rows::{add_page_code, queue, set_state};
use super::schema::{ACTIVE, BOOKING_COLUMNS, BOOKINGS_WITH_PEOPLE};
use super::seats::{check_seats_free, mark_for_closure};
use crate::{
    Booking, CloseRequest, Closed, ClosureStore, HoldRequest, KeptSeats, PrioritySeat, SavedClosure, Saving,
    StoreResult, millis,
};

const CLOSURE_COLUMNS: &str =
    "id, office, from_date, to_date, hours, reason_it, reason_en, saved_by, saved_at, reopened_at";

/// The bookings on a seat of `slot` now, the closures' own rows among them.
fn bookings_on(
    tx: &Connection,
    slot: &ClosedSlot,
    now: DateTime<Utc>,
) -> StoreResult<Vec<(Booking, Option<String>)>> {
    let sql = format!(
        "SELECT {BOOKING_COLUMNS}, b.closure FROM {BOOKINGS_WITH_PEOPLE}
          WHERE b.office = :office AND b.service = :service AND b.date = :date AND b.start = :start
            AND b.state != 'cancelled' AND {ACTIVE}
          ORDER BY b.created_at, b.id"
    );
    query_all(
        tx,
        &sql,
        rusqlite::named_params! {
            ":office": slot.offering.office.as_str(), ":service": slot.offering.service.as_str(),
            ":date": format_date(slot.slot.date), ":start": format_time(slot.slot.start), ":now": millis(now),
        },
        |row| {
            let booking = super::rows::booking_from_row(row, now)?;
            let closure: Option<String> = row.get("closure")?;
            Ok((booking, closure))
        },
    )
}

fn save_closure(tx: &Connection, saved: &SavedClosure) -> StoreResult<()> {
    let closure = &saved.closure.closure;
    run(
        tx,
        &format!(
            "INSERT INTO closures ({CLOSURE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL)
                  ON CONFLICT (id) DO NOTHING"
        ),
        params![
            saved.id,
            closure.office.as_ref().map(OfficeId::as_str),
            format_date(closure.from),
            format_date(closure.to),
            closure
                .hours
                .map(|hours| format!("{}-{}", format_time(hours.start), format_time(hours.end))),
            saved.closure.reason.it,
            saved.closure.reason.en,
            saved.saved_by,
            millis(saved.saved_at),
        ],
    )?;
    Ok(())
}

fn close(tx: &Connection, request: &CloseRequest, now: DateTime<Utc>) -> StoreResult<Closed> {
    match &request.saving {
        Saving::Closure(saved) => save_closure(tx, saved)?,
        Saving::Catalogue(save) => super::catalogue::save_change(tx, save)?,
    }
    let id = request.saving.id();
    let mut closed = Closed::default();
    for slot in &request.slots {
        let mut occupied = 0;
        // With fewer desks, the bookings made first keep the seats that stay.
        let mut staying = slot.first_seat;
        for (booking, held_for) in bookings_on(tx, slot, now)? {
            if held_for.is_none() && staying > 0 && booking.state != BookingState::Displaced {
                staying -= 1;
                continue;
            }
            if held_for.is_some() {
                // A seat of this closure (a retry) or of another: closed already.
                occupied += 1;
                continue;
            }
            match crate::transition(&booking, Event::Displace, now)? {
                Transition::To(StoredState::Cancelled) => {
                    set_state(tx, &booking.id, StoredState::Cancelled)?;
                    closed.released_holds += 1;
                }
                Transition::To(state) => {
                    let displacement = request.displacement(&booking)?;
                    set_state(tx, &booking.id, state)?;
                    add_page_code(tx, &booking.id, &displacement.page_code.to_hex())?;
                    queue(tx, &displacement.messages)?;
                    occupied += 1;
                    closed.displaced.push(Booking {
                        state: BookingState::Displaced,
                        expires_at: None,
                        ..booking
                    });
                }
                Transition::AlreadyDone => occupied += 1,
            }
        }
        let mut seat = 0;
        let until = request.seats_until(slot, now);
        while occupied < slot.desks.saturating_sub(slot.first_seat) {
            let hold = slot.seat_hold(id, seat);
            seat += 1;
            if take_seat(tx, slot, &hold, id, until, now)? {
                occupied += 1;
            }
        }
    }
    Ok(closed)
}

/// Takes one seat of `slot` for the closure (or change) under `hold` until `until`: false when
/// that row is there already.
fn take_seat(
    tx: &Connection,
    slot: &ClosedSlot,
    hold: &prenota_core::TokenHash,
    closure: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let request = HoldRequest::one(*hold, slot.offering.clone(), slot.slot.clone(), slot.desks, until);
    let id = request.booking_id(0);
    let exists: bool = query_one(
        tx,
        "SELECT EXISTS (SELECT 1 FROM bookings WHERE id = ?1)",
        params![id.as_str()],
    )?;
    if exists {
        return Ok(false);
    }
    super::seats::insert_held(tx, &request, 0, now)?;
    mark_for_closure(tx, &id, closure)?;
    Ok(true)
}

fn closure_from_row(row: &rusqlite::Row<'_>) -> StoreResult<SavedClosure> {
    crate::stored::stored_closure(row)
}

fn closure_by_id(tx: &Connection, id: &str) -> StoreResult<Option<SavedClosure>> {
    let mut statement =
        tx.prepare_cached(&format!("SELECT {CLOSURE_COLUMNS} FROM closures WHERE id = ?1"))?;
    let mut rows = statement.query(params![id])?;
    rows.next()?.map(closure_from_row).transpose()
}

#[async_trait]
impl ClosureStore for SqliteStore {
    async fn closures(&self, now: DateTime<Utc>) -> StoreResult<Vec<SavedClosure>> {
        let today = format_date(prenota_core::calendar::local(now).date());
        self.read(move |c| {
            query_all(
                c,
                &format!("SELECT {CLOSURE_COLUMNS} FROM closures WHERE to_date >= ?1 ORDER BY saved_at, id"),
                params![today],
                closure_from_row,
            )
        })
        .await
    }

    async fn bookings_at(&self, slots: &[ClosedSlot], now: DateTime<Utc>) -> StoreResult<Vec<Booking>> {
        let slots = slots.to_vec();
        self.read(move |c| {
            let mut found = Vec::new();
            for slot in &slots {
                found.extend(
                    bookings_on(c, slot, now)?
                        .into_iter()
                        .filter(|(_, closure)| closure.is_none())
                        .map(|(booking, _)| booking),
                );
            }
            Ok(found)
        })
        .await
    }

    async fn close(&self, request: &CloseRequest, now: DateTime<Utc>) -> StoreResult<Closed> {
        let request = request.clone();
        let days = days_of(&request.slots);
        let closed = self.write(move |tx| close(tx, &request, now)).await?;
        for (offering, date) in days {
            self.seats.forget(&offering, date);
        }
        Ok(closed)
    }

    async fn reopen(
        &self,
        id: &str,
        slots: &[ClosedSlot],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SavedClosure>> {
        let id = id.to_owned();
        let mut days = days_of(slots);
        let (reopened, kept_days) = self
            .write(move |tx| {
                if closure_by_id(tx, &id)?.is_none() {
                    return Ok((None, Vec::new()));
                }
                // The days of the seats kept for the displaced citizens change too.
                let kept_days: Vec<(String, String, String)> = query_all(
                    tx,
                    "SELECT DISTINCT office, service, date FROM bookings WHERE closure = ?1 AND state = 'held'",
                    params![id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )?;
                run(
                    tx,
                    "UPDATE closures SET reopened_at = ?2 WHERE id = ?1 AND reopened_at IS NULL",
                    params![id, millis(now)],
                )?;
                run(
                    tx,
                    "UPDATE bookings SET state = 'cancelled', expires_at = NULL WHERE closure = ?1 AND state = 'held'",
                    params![id],
                )?;
                Ok((closure_by_id(tx, &id)?, kept_days))
            })
            .await?;
        for (office, service, date) in kept_days {
            if let (Ok(office), Ok(service), Ok(date)) = (
                OfficeId::parse(&office),
                prenota_core::ServiceId::parse(&service),
                parse_date(&date),
            ) {
                days.insert((OfferingKey { office, service }, date));
            }
        }
        for (offering, date) in days {
            self.seats.forget(&offering, date);
        }
        Ok(reopened)
    }

    async fn keep_for_displaced(
        &self,
        id: &str,
        seats: &[PrioritySeat],
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let (id, seats) = (id.to_owned(), seats.to_vec());
        let days: Vec<_> = seats
            .iter()
            .map(|seat| (seat.offering.clone(), seat.slot.date))
            .collect();
        let kept = self
            .write(move |tx| {
                let mut kept = 0;
                for (n, seat) in seats.iter().enumerate() {
                    let hold = crate::closures::priority_hold(&id, seat, n);
                    let request = HoldRequest::one(
                        hold,
                        seat.offering.clone(),
                        seat.slot.clone(),
                        seat.capacity,
                        seat.until,
                    );
                    match check_seats_free(tx, &seat.offering, &seat.slot, seat.capacity, 1, now) {
                        Ok(()) => {
                            super::seats::insert_held(tx, &request, 0, now)?;
                            mark_for_closure(tx, &request.booking_id(0), &id)?;
                            kept += 1;
                        }
                        // Taken meanwhile: that citizen keeps it.
                        Err(crate::StoreError::SlotTaken) => {}
                        Err(other) => return Err(other),
                    }
                }
                Ok(kept)
            })
            .await?;
        for (offering, date) in days {
            self.seats.forget(&offering, date);
        }
        Ok(kept)
    }

    async fn kept_for_displaced(
        &self,
        id: &str,
        offering: &OfferingKey,
        now: DateTime<Utc>,
    ) -> StoreResult<KeptSeats> {
        let (id, office, service) = (
            id.to_owned(),
            offering.office.to_string(),
            offering.service.to_string(),
        );
        self.read(move |c| {
            let rows: Vec<(String, String, u32)> = query_all(
                c,
                "SELECT date, start, COUNT(*) FROM bookings
                  WHERE closure = ?1 AND office = ?2 AND service = ?3 AND state = 'held' AND expires_at > ?4
                  GROUP BY date, start",
                params![id, office, service, millis(now)],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            let mut kept = KeptSeats::new();
            for (date, start, count) in rows {
                let date = parse_date(&date).map_err(|_| crate::stored::corrupt("date", &date))?;
                let start = parse_time(&start).map_err(|_| crate::stored::corrupt("start", &start))?;
                kept.entry(date).or_default().insert(start, count);
            }
            Ok(kept)
        })
        .await
    }
}

fn days_of(
    slots: &[ClosedSlot],
) -> std::collections::BTreeSet<(prenota_core::OfferingKey, chrono::NaiveDate)> {
    slots
        .iter()
        .map(|slot| (slot.offering.clone(), slot.slot.date))
        .collect()
}
