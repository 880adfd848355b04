//! Seats: holds, their release, the counts availability is made of.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::TransactWriteItem;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::dates::{format_date, format_time, parse_time};
use prenota_core::lifecycle::{Event, StoredState};
use prenota_core::{BookingId, BookingState, OfferingKey, TokenHash};

use super::items::{Record, item_is_free, optional_number, optional_text, text};
use super::keys::{CLAIM_FREE, Item, booking_key, epoch_seconds, key, n, s, seat_pk, seat_sk};
use super::transact::{AsyncDecide, Change, Decision, put_new, release_seat, tx_put, tx_update};
use super::{DynamoStore, TIDY_AFTER, sdk_unavailable};
use crate::stored::corrupt;
use crate::{
    HoldRequest, Reservation, SeatStore, StoreError, StoreResult, TakenSeats, from_millis, household_of,
    millis,
};

/// Active seats per start time among one day's seat items, at `now`.
fn count_seats(items: &[Item], now: DateTime<Utc>) -> StoreResult<BTreeMap<chrono::NaiveTime, u32>> {
    let mut taken = BTreeMap::new();
    for item in items {
        let state = text(item, "state")?;
        let stored = StoredState::parse(state).ok_or_else(|| corrupt("seat state", state))?;
        let expires_at = optional_number(item, "expires_at")?
            .map(from_millis)
            .transpose()?;
        if BookingState::at(stored, expires_at, now).occupies_seat() {
            let sk = text(item, "sk")?;
            let start = sk
                .split('#')
                .next()
                .and_then(|t| parse_time(t).ok())
                .ok_or_else(|| corrupt("seat sk", sk))?;
            *taken.entry(start).or_default() += 1;
        }
    }
    Ok(taken)
}

/// A booking item: its slot, its state and the seat item (`pk`, `sk`) it is on.
pub(super) fn booking_item(
    id: &BookingId,
    offering: &OfferingKey,
    slot: &prenota_core::Slot,
    state: StoredState,
    (pk, sk): (&str, &str),
    now: DateTime<Utc>,
) -> Item {
    let mut item = booking_key(id);
    for (name, value) in [
        ("id", s(id.as_str())),
        ("office", s(offering.office.as_str())),
        ("service", s(offering.service.as_str())),
        ("date", s(format_date(slot.date))),
        ("start", s(format_time(slot.start))),
        ("end", s(format_time(slot.end))),
        ("starts_at", n(millis(slot.starts_at))),
        ("ends_at", n(millis(slot.ends_at))),
        ("state", s(state.as_str())),
        ("seat_pk", s(pk)),
        ("seat_sk", s(sk)),
        ("created_at", n(millis(now))),
    ] {
        item.insert(name.into(), value);
    }
    item
}

/// The booking item of seat `seat` of a hold, which claimed the seat item `sk` of partition `pk`.
fn hold_record(request: &HoldRequest, seat: usize, pk: &str, sk: &str, now: DateTime<Utc>) -> Item {
    let id = request.booking_id(seat);
    let seat_of = (pk, sk);
    let mut record = booking_item(
        &id,
        &request.offering,
        &request.seats[seat],
        StoredState::Held,
        seat_of,
        now,
    );
    record.insert("expires_at".into(), n(millis(request.expires_at)));
    record.insert("ttl".into(), n(hold_ttl(request)));
    if let Some(household) = request.household_seat(seat) {
        record.insert("household_lead".into(), s(household.lead.as_str()));
        record.insert("household_seat".into(), n(household.seat.into()));
        record.insert("household_size".into(), n(household.size.into()));
    }
    record
}

/// The seat item a hold claims, in the state `held` until `expires_at`.
fn held_seat(request: &HoldRequest, id: &BookingId, pk: &str, sk: &str) -> Item {
    let mut item = key(pk.to_owned(), sk);
    item.insert("hold".into(), s(id.as_str()));
    item.insert("state".into(), s(StoredState::Held.as_str()));
    item.insert("expires_at".into(), n(millis(request.expires_at)));
    item.insert("ttl".into(), n(hold_ttl(request)));
    item
}

/// A household's hold: reads the day's seat items, picks free ones for each person's slot, and
/// claims them with the bookings' items in one transaction — all or none; a racing hold that
/// got a seat first makes it decide again.
struct HoldHousehold<'a>(&'a HoldRequest, DateTime<Utc>);

#[async_trait]
impl AsyncDecide<()> for HoldHousehold<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<()>> {
        let (request, now) = (self.0, self.1);
        let mut items = Vec::new();
        let mut claimed: Vec<String> = Vec::new();
        let mut day_items: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        for (seat, slot) in request.seats.iter().enumerate() {
            let pk = seat_pk(&request.offering, slot.date);
            if !day_items.contains_key(&pk) {
                day_items.insert(pk.clone(), store.query_partition(&pk, true).await?);
            }
            let taken = &day_items[&pk];
            let mut free = None;
            for k in 0..request.capacity {
                let sk = seat_sk(slot.start, k);
                let item = taken
                    .iter()
                    .find(|item| optional_text(item, "sk") == Some(sk.as_str()));
                if !claimed.contains(&sk) && item_is_free(item, now)? {
                    free = Some(sk);
                    break;
                }
            }
            let sk = free.ok_or(StoreError::SlotTaken)?;
            let id = request.booking_id(seat);
            items.push(tx_put(
                store
                    .put(held_seat(request, &id, &pk, &sk))
                    .condition_expression(CLAIM_FREE)
                    .expression_attribute_values(":now", n(millis(now))),
            )?);
            items.push(put_new(store, hold_record(request, seat, &pk, &sk, now))?);
            claimed.push(sk);
        }
        Ok(Decision::Write(items, ()))
    }
}

/// Frees the seat of `record`'s booking, or — with a reservation — gives it to the reservation's
/// own hold (its seat item and booking item) in the same transaction, so that nobody can take it
/// in between.
pub(super) fn free_or_keep_seat(
    store: &DynamoStore,
    record: &Record,
    reserve: Option<&Reservation>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    let Some(reservation) = reserve else {
        return Ok(vec![release_seat(store, record)?]);
    };
    let booking = &record.booking;
    let request = HoldRequest::one(
        reservation.hold,
        booking.offering.clone(),
        booking.slot(),
        1,
        reservation.until,
    );
    let id = request.booking_id(0);
    let (pk, sk) = (&record.seat_pk, &record.seat_sk);
    let mut seat = held_seat(&request, &id, pk, sk);
    if let Some(closure) = &reservation.closure {
        // Reopening the closure frees it (see `closures`).
        seat.insert("closure".into(), s(closure));
    }
    Ok(vec![
        tx_put(
            store
                .put(seat)
                .condition_expression("attribute_not_exists(pk) OR #hold = :id")
                .expression_attribute_names("#hold", "hold")
                .expression_attribute_values(":id", s(booking.id.as_str())),
        )?,
        put_new(store, hold_record(&request, 0, pk, sk, now))?,
    ])
}

/// Hands the seat of `from`'s held booking to seat 0 of `to` (the offer of a kept seat): the seat
/// item's hold changes under the condition that `from` still has it, `from` is released while
/// it is still a live hold, and `to`'s booking item is put.
pub(super) fn hand_over_seat(
    store: &DynamoStore,
    from: &Record,
    to: &HoldRequest,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    let mut items = release_writes(store, from, StoredState::Cancelled, now)?;
    // The seat is rewritten, not deleted: replace the release's delete with the new hold's put.
    items.pop();
    items.extend(rewrite_seat(store, from, to, false, now)?);
    Ok(items)
}

/// Gives the seat of `from`, a booking whose confirmation deadline passed, to the reservation
/// `to` (its seat 0): the seat item is rewritten on the condition that it is still `from`'s and
/// past its deadline, so a hold that claimed it meanwhile keeps it.
pub(super) fn keep_expired_seat(
    store: &DynamoStore,
    from: &Record,
    to: &HoldRequest,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    rewrite_seat(store, from, to, true, now)
}

/// The seat item of `from` rewritten as seat 0 of `to`, on the condition that it is still
/// `from`'s (and, with `expired`, past its deadline), and `to`'s booking item.
fn rewrite_seat(
    store: &DynamoStore,
    from: &Record,
    to: &HoldRequest,
    expired: bool,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    let id = to.booking_id(0);
    let (pk, sk) = (&from.seat_pk, &from.seat_sk);
    let mut seat = store
        .put(held_seat(to, &id, pk, sk))
        .expression_attribute_names("#hold", "hold")
        .expression_attribute_values(":from", s(from.booking.id.as_str()));
    seat = if expired {
        seat.condition_expression("#hold = :from AND expires_at <= :now")
            .expression_attribute_values(":now", n(millis(now)))
    } else {
        seat.condition_expression("#hold = :from")
    };
    Ok(vec![
        tx_put(seat)?,
        put_new(store, hold_record(to, 0, pk, sk, now))?,
    ])
}

fn hold_ttl(request: &HoldRequest) -> i64 {
    epoch_seconds(request.expires_at + TIDY_AFTER)
}

/// Release: held → released, the seat deleted if it is still the hold's.
pub(super) fn release_writes(
    store: &DynamoStore,
    record: &Record,
    state: StoredState,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    Ok(vec![
        tx_update(
            store
                .update(
                    booking_key(&record.booking.id),
                    "SET #state = :state REMOVE expires_at",
                )
                .condition_expression("#state = :held AND expires_at > :now")
                .expression_attribute_names("#state", "state")
                .expression_attribute_values(":state", s(state.as_str()))
                .expression_attribute_values(":held", s(StoredState::Held.as_str()))
                .expression_attribute_values(":now", n(millis(now))),
        )?,
        release_seat(store, record)?,
    ])
}

impl DynamoStore {
    /// Claims a free seat of the request's slot: the sort key of the seat claimed, `None` when
    /// every seat is taken.
    async fn claim_seat(
        &self,
        request: &HoldRequest,
        id: &BookingId,
        pk: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        // Racers start at different seats (the hold id is random), so they rarely collide.
        let capacity = request.capacity.max(1);
        let first = u32::from_str_radix(&id.as_str()[..8], 16).unwrap_or(0) % capacity;
        for offset in 0..capacity {
            let sk = seat_sk(request.seats[0].start, (first + offset) % capacity);
            let claim = self
                .put_item(held_seat(request, id, pk, &sk))
                .condition_expression(CLAIM_FREE)
                .expression_attribute_values(":now", n(millis(now)));
            match self.send(claim).await {
                Ok(_) => return Ok(Some(sk)),
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    self.usage.record_refused();
                }
                Err(error) => return Err(sdk_unavailable(error)),
            }
        }
        Ok(None)
    }
}

#[async_trait]
impl SeatStore for DynamoStore {
    async fn taken_seats(
        &self,
        offering: &OfferingKey,
        dates: &[NaiveDate],
        now: DateTime<Utc>,
    ) -> StoreResult<BTreeMap<NaiveDate, TakenSeats>> {
        // One Query per day, on one partition each, sent together.
        let days = futures::future::try_join_all(dates.iter().map(|date| async move {
            let items = self.query_partition(&seat_pk(offering, *date), false).await?;
            Ok::<_, StoreError>((*date, count_seats(&items, now)?))
        }))
        .await?;
        Ok(days
            .into_iter()
            .filter(|(_, taken)| !taken.is_empty())
            .map(|(date, taken)| (date, TakenSeats::new(taken)))
            .collect())
    }

    async fn hold(&self, request: &HoldRequest, now: DateTime<Utc>) -> StoreResult<()> {
        if request.seats.len() != 1 {
            return self.decide_and_write(HoldHousehold(request, now)).await;
        }
        // One seat: claimed by one conditional put, without reading the day first.
        let id = request.booking_id(0);
        let pk = seat_pk(&request.offering, request.seats[0].date);
        let Some(sk) = self.claim_seat(request, &id, &pk, now).await? else {
            return Err(StoreError::SlotTaken);
        };
        let record = hold_record(request, 0, &pk, &sk, now);
        let written = self.send(
            self.put_item(record)
                .condition_expression("attribute_not_exists(pk)"),
        );
        if let Err(error) = written.await {
            // Give the seat back rather than leave it held by a hold nobody can name; if this
            // fails too, the seat frees itself when the hold expires.
            let _ = self
                .client
                .delete_item()
                .table_name(self.table.as_ref())
                .set_key(Some(key(pk, &sk)))
                .condition_expression("#hold = :hold")
                .expression_attribute_names("#hold", "hold")
                .expression_attribute_values(":hold", s(id.as_str()))
                .send()
                .await;
            return Err(sdk_unavailable(error));
        }
        Ok(())
    }

    async fn release(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        let lead = self.record(&BookingId::of_hold(hold), now).await?;
        // Each seat on its own: releasing is idempotent, and a seat left held expires anyway.
        for id in household_of(&lead.booking) {
            let release = Change {
                id: &id,
                event: Event::Release,
                messages: &[],
                now,
                writes: |store: &DynamoStore, record: &Record, state| {
                    release_writes(store, record, state, now)
                },
            };
            self.decide_and_write(release).await?;
        }
        Ok(())
    }
}
