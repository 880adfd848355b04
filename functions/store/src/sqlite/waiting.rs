//! The waiting list on one machine: places and offers are rows, each change one change of the
//! writer thread, so the contact's cap and the hand-over of a kept seat are checked and written
//! with no other writer in between.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::dates::format_date;
use prenota_core::lifecycle::{Event, Transition};
use prenota_core::{BookingId, ServiceId, TokenHash};
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::connection::{query_all, query_one, run};
use super::rows::{booking_by_id, queue, set_state};
use super::seats::{check_seats_free, insert_held};
use crate::waiting::{confirm_changes, joined, stored_offer, stored_place};
use crate::{
    HoldRequest, NewPlace, OutboxMessage, PlaceOutcome, PlaceState, SeatOffer, StoreError, StoreResult,
    StoredOffer, WaitingList, WaitingPlace, millis, transition,
};

const PLACE_COLUMNS: &str =
    "code, service, offices, from_date, to_date, joined_at, contact, lang, state, confirm_by, offer";

/// The place of `code` still kept at `now`.
fn place(c: &Connection, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<WaitingPlace> {
    let sql = format!("SELECT {PLACE_COLUMNS} FROM waiting_places WHERE code = ?1 AND keep_until > ?2");
    c.prepare_cached(&sql)?
        .query_row(params![code.to_hex(), millis(now)], |row| Ok(stored_place(row)))
        .optional()?
        .ok_or(StoreError::NotFound)?
}

fn set_place(
    c: &Connection,
    code: &TokenHash,
    state: PlaceState,
    offer: Option<&BookingId>,
) -> StoreResult<()> {
    run(
        c,
        "UPDATE waiting_places SET state = ?2, offer = ?3 WHERE code = ?1",
        params![code.to_hex(), state.as_str(), offer.map(BookingId::as_str)],
    )?;
    Ok(())
}

fn confirm(tx: &Connection, code: &TokenHash, cap: usize, now: DateTime<Utc>) -> StoreResult<PlaceOutcome> {
    let found = place(tx, code, now)?;
    if !confirm_changes(&found, now)? {
        return Ok(PlaceOutcome {
            place: found,
            changed: false,
        });
    }
    let kept: usize = query_one(
        tx,
        "SELECT COUNT(*) FROM waiting_places
         WHERE contact_key = (SELECT contact_key FROM waiting_places WHERE code = ?1)
           AND state IN ('waiting', 'offered') AND keep_until > ?2",
        params![code.to_hex(), millis(now)],
    )?;
    if kept >= cap {
        return Err(StoreError::TooManyPlaces(cap));
    }
    run(
        tx,
        "UPDATE waiting_places SET state = 'waiting', joined_at = ?2 WHERE code = ?1",
        params![code.to_hex(), millis(now)],
    )?;
    Ok(PlaceOutcome {
        place: place(tx, code, now)?,
        changed: true,
    })
}

fn leave(tx: &Connection, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<PlaceOutcome> {
    let found = place(tx, code, now)?;
    let changed = found.state != PlaceState::Left;
    if changed {
        set_place(tx, code, PlaceState::Left, None)?;
    }
    Ok(PlaceOutcome {
        place: place(tx, code, now)?,
        changed,
    })
}

/// The hand-over of [`WaitingList::offer_seat`], in one change.
fn offer_seat(tx: &Connection, offer: &SeatOffer, now: DateTime<Utc>) -> StoreResult<()> {
    let from = booking_by_id(tx, &BookingId::of_hold(&offer.from), now)?;
    let Transition::To(released) = transition(&from, Event::Release, now)? else {
        return Err(StoreError::NotFound);
    };
    if place(tx, &offer.place, now)?.state != PlaceState::Waiting {
        return Err(StoreError::NotWaiting);
    }
    set_state(tx, &from.id, released)?;
    insert_held(tx, &offer.hold, 0, now)?;
    let booking = offer.hold.booking_id(0);
    if let Some(previous) = &offer.previous {
        run(
            tx,
            "UPDATE waiting_places SET state = 'waiting', offer = NULL WHERE code = ?1 AND offer = ?2",
            params![previous.to_hex(), from.id.as_str()],
        )?;
    }
    set_place(tx, &offer.place, PlaceState::Offered, Some(&booking))?;
    let freed = &offer.freed;
    run(
        tx,
        "INSERT INTO waiting_offers (booking_id, place, office, service, date, freed_at, freed_by, offered, keep_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            booking.as_str(),
            offer.place.to_hex(),
            freed.offering.office.as_str(),
            freed.offering.service.as_str(),
            format_date(freed.date),
            millis(freed.freed_at),
            freed.by.as_str(),
            joined(offer.offered.iter().map(TokenHash::to_hex)),
            millis(from.ends_at),
        ],
    )?;
    queue(tx, &offer.messages)
}

/// [`WaitingList::keep_expired_seat`] in one change: an expired booking has no seat any more
/// (it is not counted), so the reservation takes one if the slot still has one free.
fn keep_expired_seat(
    tx: &Connection,
    expired: &BookingId,
    kept: &HoldRequest,
    messages: &[OutboxMessage],
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    if booking_by_id(tx, expired, now)?.state != prenota_core::BookingState::Expired {
        return Ok(false);
    }
    match booking_by_id(tx, &kept.booking_id(0), now) {
        Ok(_) => return Ok(false),
        Err(StoreError::NotFound) => {}
        Err(error) => return Err(error),
    }
    match check_seats_free(tx, &kept.offering, &kept.seats[0], kept.capacity, 1, now) {
        Ok(()) => {}
        Err(StoreError::SlotTaken) => return Ok(false),
        Err(error) => return Err(error),
    }
    insert_held(tx, kept, 0, now)?;
    queue(tx, messages)?;
    Ok(true)
}

#[async_trait]
impl WaitingList for SqliteStore {
    async fn join_waiting(
        &self,
        place: &NewPlace,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (place, messages) = (place.clone(), messages.to_vec());
        self.write(move |tx| {
            let waiting = &place.waiting;
            run(
                tx,
                "INSERT INTO waiting_places (code, service, offices, from_date, to_date, joined_at, contact,
                                             contact_key, lang, state, confirm_by, keep_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?11)",
                params![
                    place.code.to_hex(),
                    waiting.service.as_str(),
                    joined(waiting.offices.iter().map(|office| office.as_str())),
                    format_date(waiting.from),
                    format_date(waiting.to),
                    millis(now),
                    place.contact.address(),
                    place.contact_key.as_str(),
                    place.lang.as_str(),
                    millis(place.confirm_by),
                    millis(place.keep_until),
                ],
            )?;
            queue(tx, &messages)
        })
        .await
    }

    async fn waiting_place(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<WaitingPlace> {
        let code = *code;
        self.read(move |c| place(c, &code, now)).await
    }

    async fn confirm_waiting(
        &self,
        code: &TokenHash,
        cap: usize,
        now: DateTime<Utc>,
    ) -> StoreResult<PlaceOutcome> {
        let code = *code;
        self.write(move |tx| confirm(tx, &code, cap, now)).await
    }

    async fn leave_waiting(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<PlaceOutcome> {
        let code = *code;
        self.write(move |tx| leave(tx, &code, now)).await
    }

    async fn places_waiting(
        &self,
        service: &ServiceId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitingPlace>> {
        let service = service.clone();
        self.read(move |c| {
            query_all(
                c,
                &format!(
                    "SELECT {PLACE_COLUMNS} FROM waiting_places
                     WHERE service = ?1 AND state = 'waiting' AND keep_until > ?2"
                ),
                params![service.as_str(), millis(now)],
                |row| stored_place(row),
            )
        })
        .await
    }

    async fn offer_seat(&self, offer: &SeatOffer, now: DateTime<Utc>) -> StoreResult<()> {
        let offer = offer.clone();
        let offering = offer.hold.offering.clone();
        let date = offer.hold.seats[0].date;
        self.write(move |tx| offer_seat(tx, &offer, now)).await?;
        self.seats.forget(&offering, date);
        Ok(())
    }

    async fn offer_of(&self, booking: &BookingId, _now: DateTime<Utc>) -> StoreResult<Option<StoredOffer>> {
        let booking = booking.clone();
        self.read(move |c| {
            c.prepare_cached(
                "SELECT place, office, service, date, freed_at, freed_by, offered FROM waiting_offers
                 WHERE booking_id = ?1",
            )?
            .query_row(params![booking.as_str()], |row| {
                Ok(stored_offer(row, booking.clone()))
            })
            .optional()?
            .transpose()
        })
        .await
    }

    async fn keep_expired_seat(
        &self,
        expired: &BookingId,
        kept: &HoldRequest,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (expired, kept_request, messages) = (expired.clone(), kept.clone(), messages.to_vec());
        let kept_seat = self
            .write(move |tx| keep_expired_seat(tx, &expired, &kept_request, &messages, now))
            .await?;
        if kept_seat {
            self.seats.forget(&kept.offering, kept.seats[0].date);
        }
        Ok(kept_seat)
    }

    async fn end_offer(&self, booking: &BookingId, booked: bool, _now: DateTime<Utc>) -> StoreResult<()> {
        let booking = booking.clone();
        let to = if booked {
            PlaceState::Left
        } else {
            PlaceState::Waiting
        };
        self.write(move |tx| {
            run(
                tx,
                "UPDATE waiting_places SET state = ?2, offer = NULL WHERE offer = ?1 AND state = 'offered'",
                params![booking.as_str(), to.as_str()],
            )?;
            Ok(())
        })
        .await
    }
}
