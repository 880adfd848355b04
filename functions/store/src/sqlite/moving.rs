//! "Sposta appuntamento" on one machine: one change of the writer thread checks the new slot's
//! seats and the contact's quota on the new day, and moves the booking, its erasure date and its
//! messages at once (the agenda is a join, it follows by itself).

use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::dates::{format_date, format_time};
use prenota_core::lifecycle::{Event, TransitionError};
use rusqlite::{Connection, OptionalExtension, params};

use super::connection::{query_one, run};
use super::rows::{QuotaOwner, booking_by_id, check_service_day, queue};
use super::seats::check_seats_free;
use crate::{MoveRequest, Outcome, StoreError, StoreResult, millis, transition};

/// Moves the booking; also returns the day it was on, whose seat counts changed too.
pub(super) fn move_booking(
    tx: &Connection,
    request: &MoveRequest,
    now: DateTime<Utc>,
) -> StoreResult<(Outcome, NaiveDate)> {
    let booking = booking_by_id(tx, &request.booking, now)?;
    let from = booking.date;
    transition(&booking, Event::Move, now)?;
    let to = &request.to;
    if (booking.date, booking.start) == (to.date, to.start) {
        return Ok((
            Outcome {
                booking,
                changed: false,
            },
            from,
        ));
    }
    let at_the_counter: bool = query_one(
        tx,
        "SELECT EXISTS (SELECT 1 FROM visits WHERE booking_id = ?1)",
        params![booking.id.as_str()],
    )?;
    if at_the_counter {
        return Err(TransitionError::AppointmentStarted.into());
    }
    match (
        check_seats_free(tx, &booking.offering, to, request.capacity, 1, now),
        &request.from_closure,
    ) {
        (Err(StoreError::SlotTaken), Some(closure))
            if super::seats::free_a_kept_seat(tx, &booking.offering, to, closure, now)? => {}
        (checked, _) => checked?,
    }
    let (contact, person): (Option<String>, Option<String>) = tx
        .query_row(
            "SELECT contact_key, person_key FROM bookings WHERE id = ?1",
            params![booking.id.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .unwrap_or_default();
    if let Some(contact) = contact.as_deref()
        && to.date != booking.date
    {
        let owner = QuotaOwner {
            contact,
            person: person.as_deref(),
        };
        check_service_day(
            tx,
            &owner,
            &booking,
            to.date,
            request.quota.max_per_service_day,
            now,
        )?;
    }
    if let Some(reservation) = &request.reserve {
        super::seats::reserve_seat(tx, &booking, reservation, now)?;
    }
    run(
        tx,
        "UPDATE bookings SET state = 'confirmed', date = ?2, start = ?3, end = ?4, starts_at = ?5, ends_at = ?6
          WHERE id = ?1",
        params![
            booking.id.as_str(),
            format_date(to.date),
            format_time(to.start),
            format_time(to.end),
            millis(to.starts_at),
            millis(to.ends_at),
        ],
    )?;
    run(
        tx,
        "UPDATE people SET erase_after = ?2 WHERE booking_id = ?1",
        params![booking.id.as_str(), millis(request.erase_after)],
    )?;
    queue(tx, &request.messages)?;
    Ok((
        Outcome {
            booking: booking_by_id(tx, &booking.id, now)?,
            changed: true,
        },
        from,
    ))
}
