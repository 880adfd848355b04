//! Bookings: details, confirmation, cancellation, the links that open them, a contact's list.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::lifecycle::{Event, Transition, TransitionError};
use prenota_core::quota::QuotaExceeded;
use prenota_core::reminder::Reconfirmation;
use prenota_core::text::Details;
use prenota_core::{BookingId, ContactKey, ShortCode, TokenHash};
use rusqlite::{Connection, params};

use super::SqliteStore;
use super::connection::{query_one, run};
use super::rows::{
    QuotaOwner, add_page_code, booking_by_confirm_code, booking_by_id, booking_by_page_code, bookings,
    check_service_day, queue, set_state,
};
use super::schema::{ACTIVE, BOOKING_COLUMNS, BOOKINGS_WITH_PEOPLE, COUNTS_FOR_QUOTA};
use crate::{
    Booking, BookingStore, DetailsRequest, MoveRequest, OutboxMessage, Outcome, Reservation, StoreError,
    StoreResult, household_of, millis, of_person, reconfirmation_changes, transition, unavailable,
};

/// Refuses the details of one person when their contact or they already have their quota of
/// active bookings, or they have one of the booking's service and day; counted in the same change
/// that claims them (a household's people before them are already counted).
fn check_quota(
    tx: &Connection,
    booking: &Booking,
    request: &DetailsRequest,
    person: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let contact = request.contact_key.as_str();
    let active = |column: &str, key: &str| -> StoreResult<u32> {
        query_one(
            tx,
            &format!(
                "SELECT COUNT(*) FROM bookings WHERE {column} = :key AND {COUNTS_FOR_QUOTA}
                         AND ends_at > :now AND {ACTIVE}"
            ),
            rusqlite::named_params! { ":key": key, ":now": millis(now) },
        )
    };
    if active("contact_key", contact)? >= request.quota.max_active_per_contact {
        return Err(QuotaExceeded::ContactActive.into());
    }
    if active("person_key", person)? >= request.quota.max_active {
        return Err(QuotaExceeded::Active.into());
    }
    let owner = QuotaOwner {
        contact,
        person: Some(person),
    };
    check_service_day(
        tx,
        &owner,
        booking,
        booking.date,
        request.quota.max_per_service_day,
        now,
    )
}

/// Whether a booking has `value` in `column`.
fn any_booking_with(tx: &Connection, column: &str, value: &str) -> StoreResult<bool> {
    query_one(
        tx,
        &format!("SELECT EXISTS (SELECT 1 FROM bookings WHERE {column} = ?1)"),
        params![value],
    )
}

/// A short code that no booking has yet.
fn unused_short_code(tx: &Connection) -> StoreResult<ShortCode> {
    loop {
        let candidate = ShortCode::generate().map_err(unavailable)?;
        if !any_booking_with(tx, "short_code", candidate.as_str())? {
            return Ok(candidate);
        }
    }
}

/// Held → pending for every seat of the hold, in one change: the quotas are claimed person by
/// person, the personal data stored apart, the messages queued; the first person's booking holds
/// the confirmation code. Answers the first person's booking.
fn submit(tx: &Connection, request: &DetailsRequest, now: DateTime<Utc>) -> StoreResult<Booking> {
    let lead_id = BookingId::of_hold(&request.hold);
    let lead = booking_by_id(tx, &lead_id, now)?;
    let ids = household_of(&lead);
    if ids.len() != request.people.len() {
        return Err(StoreError::PeopleMismatch {
            held: ids.len(),
            given: request.people.len(),
        });
    }
    for (n, (id, attendee)) in ids.iter().zip(&request.people).enumerate() {
        let booking = booking_by_id(tx, id, now)?;
        let state = match transition(&booking, Event::SubmitDetails, now)? {
            Transition::To(state) => state,
            Transition::AlreadyDone => return Err(TransitionError::AlreadySubmitted.into()),
        };
        check_quota(tx, &booking, request, attendee.key.as_str(), now).map_err(of_person(n))?;
        let short_code = unused_short_code(tx)?;
        // Only the first person's booking is found by the confirmation code; it confirms all.
        let confirm_code = (n == 0).then(|| request.confirm_code.to_hex());
        run(
            tx,
            "UPDATE bookings SET state = ?2, expires_at = ?3, short_code = ?4, confirm_code = ?5, contact_key = ?6,
                                 person_key = ?7
                     WHERE id = ?1",
            params![
                id.as_str(),
                state.as_str(),
                millis(request.confirm_by),
                short_code.as_str(),
                confirm_code,
                request.contact_key.as_str(),
                attendee.key.as_str(),
            ],
        )?;
        insert_person(tx, id, &attendee.person, request.erase_after)?;
    }
    queue(tx, &request.messages)?;
    booking_by_id(tx, &lead_id, now)
}

/// Stores who a booking is for, apart from the booking, until `erase_after`.
pub(super) fn insert_person(
    tx: &Connection,
    id: &BookingId,
    person: &crate::Person,
    erase_after: DateTime<Utc>,
) -> StoreResult<()> {
    run(
        tx,
        "INSERT INTO people (booking_id, name, surname, contact, details, lang, erase_after)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.as_str(),
            person.name.as_str(),
            person.surname.as_str(),
            person.contact.address(),
            person.details.as_ref().map(Details::as_str),
            person.lang.as_str(),
            millis(erase_after),
        ],
    )?;
    Ok(())
}

/// What confirming `lead` writes besides its state: each booking of its household confirmed with
/// its page code (`page_codes` in the household's order; the lead's first).
fn confirm_household(
    tx: &Connection,
    lead: &Booking,
    page_codes: &[String],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let ids = household_of(lead);
    if page_codes.len() != ids.len() {
        return Err(StoreError::PeopleMismatch {
            held: ids.len(),
            given: page_codes.len(),
        });
    }
    for (id, page_code) in ids.iter().zip(page_codes) {
        if *id != lead.id {
            let member = booking_by_id(tx, id, now)?;
            if let Transition::To(state) = transition(&member, Event::Confirm, now)? {
                set_state(tx, id, state)?;
            }
        }
        add_page_code(tx, id, page_code)?;
    }
    Ok(())
}

impl SqliteStore {
    /// Confirm and cancel, which differ only in how the booking is found, the event and what else
    /// the change writes: in one change, find the booking and ask the domain; a repeat changes
    /// nothing (`changed: false`), a first time sets the new state, runs `writes`, queues
    /// `messages` and reads the booking again.
    async fn change<F, W>(
        &self,
        find: F,
        event: Event,
        writes: W,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome>
    where
        F: FnOnce(&Connection) -> StoreResult<Booking> + Send + 'static,
        W: FnOnce(&Connection, &Booking) -> StoreResult<()> + Send + 'static,
    {
        let messages = messages.to_vec();
        self.write(move |tx| {
            let booking = find(tx)?;
            match transition(&booking, event, now)? {
                Transition::AlreadyDone => Ok(Outcome {
                    booking,
                    changed: false,
                }),
                Transition::To(state) => {
                    set_state(tx, &booking.id, state)?;
                    writes(tx, &booking)?;
                    queue(tx, &messages)?;
                    Ok(Outcome {
                        booking: booking_by_id(tx, &booking.id, now)?,
                        changed: true,
                    })
                }
            }
        })
        .await
    }
}

#[async_trait]
impl BookingStore for SqliteStore {
    async fn booking_by_hold(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let id = BookingId::of_hold(hold);
        self.read(move |c| booking_by_id(c, &id, now)).await
    }

    async fn submit_details(&self, request: &DetailsRequest, now: DateTime<Utc>) -> StoreResult<Booking> {
        let request = request.clone();
        self.write(move |tx| submit(tx, &request, now)).await
    }

    async fn booking_by_confirm_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let code = code.to_hex();
        self.read(move |c| booking_by_confirm_code(c, &code, now)).await
    }

    async fn confirm(
        &self,
        code: &TokenHash,
        page_codes: &[TokenHash],
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        let code = code.to_hex();
        let page_codes: Vec<String> = page_codes.iter().map(TokenHash::to_hex).collect();
        self.change(
            move |tx| booking_by_confirm_code(tx, &code, now),
            Event::Confirm,
            move |tx, lead| confirm_household(tx, lead, &page_codes, now),
            messages,
            now,
        )
        .await
    }

    async fn booking_by_page_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let code = code.to_hex();
        self.read(move |c| booking_by_page_code(c, &code, now)).await
    }

    async fn issue_page_code(&self, booking: &BookingId, code: &TokenHash) -> StoreResult<()> {
        let (id, code) = (booking.clone(), code.to_hex());
        self.write(move |tx| {
            if !any_booking_with(tx, "id", id.as_str())? {
                return Err(StoreError::NotFound);
            }
            add_page_code(tx, &id, &code)
        })
        .await
    }

    async fn issue_confirm_code(&self, booking: &BookingId, code: &TokenHash) -> StoreResult<()> {
        let (id, code) = (booking.clone(), code.to_hex());
        self.write(move |tx| {
            if !any_booking_with(tx, "id", id.as_str())? {
                return Err(StoreError::NotFound);
            }
            run(
                tx,
                "INSERT INTO confirm_codes (code, booking_id) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING",
                params![code, id.as_str()],
            )?;
            Ok(())
        })
        .await
    }

    async fn cancel(
        &self,
        page_code: &TokenHash,
        reserve: Option<&Reservation>,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        let code = page_code.to_hex();
        let reserve = reserve.cloned();
        self.change(
            move |tx| booking_by_page_code(tx, &code, now),
            Event::Cancel,
            move |tx, booking| match &reserve {
                Some(reservation) => super::seats::reserve_seat(tx, booking, reservation, now),
                None => Ok(()),
            },
            messages,
            now,
        )
        .await
        .inspect(|outcome| self.seats.forget(&outcome.booking.offering, outcome.booking.date))
    }

    async fn move_booking(&self, request: &MoveRequest, now: DateTime<Utc>) -> StoreResult<Outcome> {
        let request = request.clone();
        let (outcome, from) = self
            .write(move |tx| super::moving::move_booking(tx, &request, now))
            .await?;
        let booking = &outcome.booking;
        for date in [from, booking.date] {
            self.seats.forget(&booking.offering, date);
        }
        Ok(outcome)
    }

    async fn set_reconfirmation(
        &self,
        booking: &BookingId,
        to: Reconfirmation,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        let (id, messages) = (booking.clone(), messages.to_vec());
        self.write(move |tx| {
            let booking = booking_by_id(tx, &id, now)?;
            if !reconfirmation_changes(&booking, to)? {
                return Ok(Outcome {
                    booking,
                    changed: false,
                });
            }
            run(
                tx,
                "UPDATE bookings SET reconfirmation = ?2 WHERE id = ?1",
                params![id.as_str(), to.as_str()],
            )?;
            queue(tx, &messages)?;
            Ok(Outcome {
                booking: booking_by_id(tx, &id, now)?,
                changed: true,
            })
        })
        .await
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
                 WHERE b.contact_key = :key AND b.state IN ('pending', 'confirmed', 'displaced') AND b.ends_at > :now
                   AND (b.state != 'pending' OR b.expires_at > :now)
                 ORDER BY b.starts_at"
            );
            bookings(
                c,
                &sql,
                rusqlite::named_params! { ":key": key, ":now": millis(now) },
                now,
            )
        })
        .await
    }
}
