//! Closures on DynamoDB. The closure is an item of the `CLOSURES` partition; its seats are seat
//! items held for it (`closure` = its id, no booking item). Saving reads each day's seat
//! partition, decides seat by seat — take a free seat, release a wizard's hold, displace a pending
//! or confirmed booking (its state, its seat, its quota seats kept to the appointment, its page
//! code, its messages) — and writes a day's decisions in transactions of at most
//! [`ITEMS_PER_TRANSACTION`] items, each condition on what was read. A racing request cancels
//! the transaction and the day is read and decided again: every seat ends closed once, every
//! displaced booking with its message. A closure of many days is many transactions (DynamoDB
//! takes 100 items in one): a retry after a failure takes what is left and nothing twice.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::TransactWriteItem;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::closure::ClosedSlot;
use prenota_core::dates::{format_date, format_time};
use prenota_core::lifecycle::{Event, StoredState, Transition};
use prenota_core::{BookingId, BookingState, OfferingKey};

use super::items::{Record, item_is_free, optional_text, text};
use super::keys::{
    CLAIM_FREE, CodePurpose, Item, agenda_key, booking_key, code_item, epoch_seconds, key, n, s, seat_pk,
    seat_sk,
};
use super::transact::{is_cancelled, queue, tx_delete, tx_put, tx_update};
use super::{DynamoStore, TIDY_AFTER, sdk_unavailable};
use crate::stored::stored_booking_id;
use crate::{
    Booking, CloseRequest, Closed, ClosureStore, KeptSeats, PrioritySeat, SavedClosure, Saving, StoreError,
    StoreResult, millis,
};

const CLOSURES_PK: &str = "CLOSURES";
/// DynamoDB takes at most 100 items in a transaction; one seat writes at most a few plus its
/// messages, so a transaction is closed before it could pass the limit.
const ITEMS_PER_TRANSACTION: usize = 80;
/// How often one day is read and decided again when racing requests keep changing it.
const MAX_ATTEMPTS: usize = 12;

fn closure_sk(closure: &SavedClosure) -> String {
    format!("{}#{}", format_date(closure.closure.closure.to), closure.id)
}

fn closure_item(saved: &SavedClosure) -> Item {
    let closure = &saved.closure.closure;
    let mut item = key(CLOSURES_PK.into(), &closure_sk(saved));
    item.insert("id".into(), s(&saved.id));
    if let Some(office) = &closure.office {
        item.insert("office".into(), s(office.as_str()));
    }
    item.insert("from_date".into(), s(format_date(closure.from)));
    item.insert("to_date".into(), s(format_date(closure.to)));
    if let Some(hours) = closure.hours {
        item.insert(
            "hours".into(),
            s(format!("{}-{}", format_time(hours.start), format_time(hours.end))),
        );
    }
    item.insert("reason_it".into(), s(&saved.closure.reason.it));
    item.insert("reason_en".into(), s(&saved.closure.reason.en));
    item.insert("saved_by".into(), s(&saved.saved_by));
    item.insert("saved_at".into(), n(millis(saved.saved_at)));
    let after_last_day = prenota_core::calendar::LocalDay::new(closure.to)
        .instant(chrono::NaiveTime::MIN)
        .unwrap_or(saved.saved_at)
        + chrono::Duration::days(2);
    item.insert("ttl".into(), n(epoch_seconds(after_last_day)));
    item
}

fn closure_from_item(item: &Item) -> StoreResult<SavedClosure> {
    crate::stored::stored_closure(item)
}

/// A seat item held for closure (or change) `closure` until `until`.
fn closure_seat(slot: &ClosedSlot, closure: &str, sk: &str, seat: u32, until: DateTime<Utc>) -> Item {
    let mut item = key(seat_pk(&slot.offering, slot.slot.date), sk);
    let hold = BookingId::of_hold(&slot.seat_hold(closure, seat));
    item.insert("hold".into(), s(hold.as_str()));
    item.insert("closure".into(), s(closure));
    item.insert("state".into(), s(StoredState::Held.as_str()));
    item.insert("expires_at".into(), n(millis(until)));
    item.insert("ttl".into(), n(epoch_seconds(slot.slot.ends_at + TIDY_AFTER)));
    item
}

/// The booking item of a hold caught between its two writes, released.
fn released_hold(slot: &ClosedSlot, id: &BookingId, sk: &str, now: DateTime<Utc>) -> Item {
    let pk = seat_pk(&slot.offering, slot.slot.date);
    let state = StoredState::Cancelled;
    let mut item = super::seats::booking_item(id, &slot.offering, &slot.slot, state, (&pk, sk), now);
    item.insert("ttl".into(), n(epoch_seconds(slot.slot.ends_at + TIDY_AFTER)));
    item
}

/// The days (by offering) on which a closure or a catalogue change keeps seats for its displaced
/// citizens, from its item.
fn priority_days(item: &Item) -> Vec<(OfferingKey, NaiveDate)> {
    let Some(aws_sdk_dynamodb::types::AttributeValue::Ss(days)) = item.get("priority_days") else {
        return Vec::new();
    };
    days.iter()
        .filter_map(|day| {
            let mut parts = day.split('|');
            let office = prenota_core::OfficeId::parse(parts.next()?).ok()?;
            let service = prenota_core::ServiceId::parse(parts.next()?).ok()?;
            let date = prenota_core::dates::parse_date(parts.next()?).ok()?;
            Some((OfferingKey { office, service }, date))
        })
        .collect()
}

/// The slots of one seat partition (an offering's day).
fn by_day(slots: &[ClosedSlot]) -> BTreeMap<(OfferingKey, NaiveDate), Vec<&ClosedSlot>> {
    let mut days: BTreeMap<_, Vec<&ClosedSlot>> = BTreeMap::new();
    for slot in slots {
        days.entry((slot.offering.clone(), slot.slot.date))
            .or_default()
            .push(slot);
    }
    days
}

/// The writes for one seat, and the booking it displaced, if any.
struct SeatDecision {
    items: Vec<TransactWriteItem>,
    displaced: Option<Booking>,
    released: bool,
}

impl DynamoStore {
    /// What to write for seat `seat` of `slot`, as `item` was read.
    async fn decide_seat(
        &self,
        request: &CloseRequest,
        slot: &ClosedSlot,
        seat: u32,
        item: Option<&Item>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SeatDecision>> {
        let sk = seat_sk(slot.slot.start, seat);
        let closure = request.saving.id();
        let until = request.seats_until(slot, now);
        let take_free = || -> StoreResult<SeatDecision> {
            Ok(SeatDecision {
                items: vec![tx_put(
                    self.put(closure_seat(slot, closure, &sk, seat, until))
                        .condition_expression(CLAIM_FREE)
                        .expression_attribute_values(":now", n(millis(now))),
                )?],
                displaced: None,
                released: false,
            })
        };
        let Some(item) = item else {
            return take_free().map(Some);
        };
        if optional_text(item, "closure").is_some() {
            return Ok(None);
        }
        if item_is_free(Some(item), now)? {
            return take_free().map(Some);
        }
        let id = stored_booking_id(text(item, "hold")?)?;
        let take_over = || -> StoreResult<TransactWriteItem> {
            tx_put(
                self.put(closure_seat(slot, closure, &sk, seat, until))
                    .condition_expression("#hold = :id")
                    .expression_attribute_names("#hold", "hold")
                    .expression_attribute_values(":id", s(id.as_str())),
            )
        };
        let record = match self.record(&id, now).await {
            Ok(record) => record,
            // A hold of one seat claims the seat, then writes its booking: caught in between,
            // its booking is written here, released, so that the hold's own write fails and the
            // citizen is told to try again (the seat is then the closure's).
            Err(StoreError::NotFound) => {
                return Ok(Some(SeatDecision {
                    items: vec![
                        take_over()?,
                        tx_put(
                            self.put(released_hold(slot, &id, &sk, now))
                                .condition_expression("attribute_not_exists(pk)"),
                        )?,
                    ],
                    displaced: None,
                    released: true,
                }));
            }
            Err(other) => return Err(other),
        };
        let transition = crate::transition(&record.booking, Event::Displace, now);
        Ok(match transition {
            Ok(Transition::AlreadyDone) => None,
            Ok(Transition::To(StoredState::Cancelled)) => {
                // Released as "INDIETRO" releases it, the seat rewritten for the closure rather
                // than deleted (as a waiting-list offer hands a seat over).
                let mut items = super::seats::release_writes(self, &record, StoredState::Cancelled, now)?;
                items.pop();
                items.push(take_over()?);
                Some(SeatDecision {
                    items,
                    displaced: None,
                    released: true,
                })
            }
            Ok(Transition::To(state)) => Some(self.displace(request, &record, state)?),
            // The seat item outlived its booking (cancelled or expired): the seat is free.
            Err(_) => Some(SeatDecision {
                items: vec![take_over()?],
                displaced: None,
                released: false,
            }),
        })
    }

    /// A pending or confirmed booking displaced: its state, its seat (still its own, out of
    /// everyone's reach), its quota seats kept to the appointment (they were the confirmation
    /// deadline's for a pending one), its page code and its messages.
    fn displace(
        &self,
        request: &CloseRequest,
        record: &Record,
        state: StoredState,
    ) -> StoreResult<SeatDecision> {
        let booking = &record.booking;
        let id = &booking.id;
        let displacement = request.displacement(booking)?;
        let stored_before = match booking.state {
            BookingState::Pending => StoredState::Pending,
            _ => StoredState::Confirmed,
        };
        let mut items = vec![
            tx_update(
                self.update(booking_key(id), "SET #state = :state REMOVE expires_at, #ttl")
                    .condition_expression("#state = :before")
                    .expression_attribute_names("#state", "state")
                    .expression_attribute_names("#ttl", "ttl")
                    .expression_attribute_values(":state", s(state.as_str()))
                    .expression_attribute_values(":before", s(stored_before.as_str())),
            )?,
            tx_put(self.put(code_item(&displacement.page_code, id, CodePurpose::Page)))?,
            // On the office's agenda, as displaced (a pending booking was not there yet); an
            // update, so that a visit already recorded stays.
            tx_update(
                self.update(
                    agenda_key(booking),
                    "SET booking = :id, starts_at = :starts_at, #ttl = :ttl",
                )
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":id", s(id.as_str()))
                .expression_attribute_values(":starts_at", n(millis(booking.starts_at)))
                .expression_attribute_values(
                    ":ttl",
                    n(epoch_seconds(booking.ends_at + super::counter::VISITS_KEPT)),
                ),
            )?,
        ];
        items.extend(super::bookings::kept_to_the_appointment(self, record, state)?);
        items.extend(queue(self, &displacement.messages)?);
        Ok(SeatDecision {
            items,
            displaced: Some(Booking {
                state: BookingState::Displaced,
                expires_at: None,
                ..booking.clone()
            }),
            released: false,
        })
    }

    /// Closes the seats of one day's slots: read, decide, write; again on a race.
    async fn close_day(
        &self,
        request: &CloseRequest,
        slots: &[&ClosedSlot],
        now: DateTime<Utc>,
    ) -> StoreResult<Closed> {
        let pk = seat_pk(&slots[0].offering, slots[0].slot.date);
        let mut closed = Closed::default();
        for _ in 0..MAX_ATTEMPTS {
            let items = self.query_partition(&pk, true).await?;
            let mut batches: Vec<(Vec<TransactWriteItem>, Closed)> = vec![Default::default()];
            for slot in slots {
                for seat in slot.first_seat..slot.desks {
                    let sk = seat_sk(slot.slot.start, seat);
                    let found = items
                        .iter()
                        .find(|item| optional_text(item, "sk") == Some(sk.as_str()));
                    let Some(decision) = self.decide_seat(request, slot, seat, found, now).await? else {
                        continue;
                    };
                    let last = batches.last_mut().expect("there is always a batch");
                    if last.0.len() + decision.items.len() > ITEMS_PER_TRANSACTION {
                        batches.push(Default::default());
                    }
                    let batch = batches.last_mut().expect("there is always a batch");
                    batch.0.extend(decision.items);
                    batch.1.displaced.extend(decision.displaced);
                    batch.1.released_holds += usize::from(decision.released);
                }
            }
            let mut raced = false;
            for (writes, outcome) in batches.into_iter().filter(|(writes, _)| !writes.is_empty()) {
                let request = self
                    .client
                    .transact_write_items()
                    .set_transact_items(Some(writes));
                match self.send(request).await {
                    Ok(_) => {
                        closed.displaced.extend(outcome.displaced);
                        closed.released_holds += outcome.released_holds;
                    }
                    Err(error) if is_cancelled(&error) => {
                        self.usage.record_refused();
                        raced = true;
                        break;
                    }
                    Err(error) => return Err(sdk_unavailable(error)),
                }
            }
            if !raced {
                return Ok(closed);
            }
        }
        Err(StoreError::Unavailable(
            "too many concurrent changes to one day's seats".into(),
        ))
    }

    async fn saved_closures(&self) -> StoreResult<Vec<Item>> {
        self.query_partition(CLOSURES_PK, true).await
    }

    async fn saved_closure_item(&self, id: &str) -> StoreResult<Option<Item>> {
        Ok(self
            .saved_closures()
            .await?
            .into_iter()
            .find(|item| optional_text(item, "id") == Some(id)))
    }

    /// The item that lists the days on which `id` keeps seats for its displaced citizens: its
    /// closure's, else its catalogue change's (the history's entry).
    async fn keeper_item(&self, id: &str) -> StoreResult<Option<Item>> {
        match self.saved_closure_item(id).await? {
            Some(item) => Ok(Some(item)),
            None => self.saved_change_item(id).await,
        }
    }
}

#[async_trait]
impl ClosureStore for DynamoStore {
    async fn closures(&self, now: DateTime<Utc>) -> StoreResult<Vec<SavedClosure>> {
        let today = prenota_core::calendar::local(now).date();
        let mut closures = self
            .saved_closures()
            .await?
            .iter()
            .map(closure_from_item)
            .collect::<StoreResult<Vec<_>>>()?;
        closures.retain(|closure| closure.closure.closure.to >= today);
        closures.sort_by(|a, b| (a.saved_at, &a.id).cmp(&(b.saved_at, &b.id)));
        Ok(closures)
    }

    async fn bookings_at(&self, slots: &[ClosedSlot], now: DateTime<Utc>) -> StoreResult<Vec<Booking>> {
        let mut found = Vec::new();
        for ((offering, date), slots) in by_day(slots) {
            let items = self.query_partition(&seat_pk(&offering, date), true).await?;
            for slot in slots {
                for seat in 0..slot.desks {
                    let sk = seat_sk(slot.slot.start, seat);
                    let Some(item) = items
                        .iter()
                        .find(|item| optional_text(item, "sk") == Some(sk.as_str()))
                    else {
                        continue;
                    };
                    if optional_text(item, "closure").is_some() || item_is_free(Some(item), now)? {
                        continue;
                    }
                    let booking = match self.record(&stored_booking_id(text(item, "hold")?)?, now).await {
                        Ok(record) => record.booking,
                        // A hold between its two writes: nobody to tell yet (`close` releases it).
                        Err(StoreError::NotFound) => continue,
                        Err(other) => return Err(other),
                    };
                    if booking.state.occupies_seat() {
                        found.push(booking);
                    }
                }
            }
        }
        Ok(found)
    }

    async fn close(&self, request: &CloseRequest, now: DateTime<Utc>) -> StoreResult<Closed> {
        match &request.saving {
            Saving::Closure(saved) => {
                self.send(self.put_item(closure_item(saved)))
                    .await
                    .map_err(sdk_unavailable)?;
            }
            Saving::Catalogue(save) => self.save_change(save).await?,
        }
        let mut closed = Closed::default();
        for slots in by_day(&request.slots).values() {
            let day = self.close_day(request, slots, now).await?;
            closed.displaced.extend(day.displaced);
            closed.released_holds += day.released_holds;
        }
        Ok(closed)
    }

    async fn reopen(
        &self,
        id: &str,
        slots: &[ClosedSlot],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SavedClosure>> {
        let Some(item) = self.saved_closure_item(id).await? else {
            return Ok(None);
        };
        let mut saved = closure_from_item(&item)?;
        if saved.reopened_at.is_none() {
            let sk = closure_sk(&saved);
            self.send(
                self.client
                    .update_item()
                    .table_name(self.table_name())
                    .set_key(Some(key(CLOSURES_PK.into(), &sk)))
                    .update_expression("SET reopened_at = if_not_exists(reopened_at, :now)")
                    .expression_attribute_values(":now", n(millis(now))),
            )
            .await
            .map_err(sdk_unavailable)?;
            saved.reopened_at = Some(now);
        }
        // The closed slots' days, and those of the seats kept for the displaced citizens.
        let mut days: std::collections::BTreeSet<(OfferingKey, NaiveDate)> =
            by_day(slots).into_keys().collect();
        days.extend(priority_days(&item));
        for (offering, date) in days {
            let pk = seat_pk(&offering, date);
            for item in self.query_partition(&pk, true).await? {
                if optional_text(&item, "closure") != Some(id) {
                    continue;
                }
                let sk = text(&item, "sk")?.to_owned();
                // Only while it is still the closure's: a seat taken back meanwhile stays taken.
                let delete = tx_delete(
                    self.delete(key(pk.clone(), &sk))
                        .condition_expression("closure = :id")
                        .expression_attribute_values(":id", s(id)),
                )?;
                let request = self.client.transact_write_items().transact_items(delete);
                match self.send(request).await {
                    Ok(_) => {}
                    Err(error) if is_cancelled(&error) => self.usage.record_refused(),
                    Err(error) => return Err(sdk_unavailable(error)),
                }
            }
        }
        Ok(Some(saved))
    }

    async fn keep_for_displaced(
        &self,
        id: &str,
        seats: &[PrioritySeat],
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let Some(item) = self.keeper_item(id).await? else {
            return Err(StoreError::NotFound);
        };
        let mut kept = 0;
        let mut days = Vec::new();
        for (index, seat) in seats.iter().enumerate() {
            let hold = BookingId::of_hold(&crate::closures::priority_hold(id, seat, index));
            let pk = seat_pk(&seat.offering, seat.slot.date);
            for k in 0..seat.capacity.max(1) {
                let sk = seat_sk(seat.slot.start, k);
                let mut claim = key(pk.clone(), &sk);
                claim.insert("hold".into(), s(hold.as_str()));
                claim.insert("closure".into(), s(id));
                claim.insert("state".into(), s(StoredState::Held.as_str()));
                claim.insert("expires_at".into(), n(millis(seat.until)));
                claim.insert("ttl".into(), n(epoch_seconds(seat.until + TIDY_AFTER)));
                let put = self
                    .put_item(claim)
                    .condition_expression(CLAIM_FREE)
                    .expression_attribute_values(":now", n(millis(now)));
                match self.send(put).await {
                    Ok(_) => {
                        kept += 1;
                        days.push(format!(
                            "{}|{}|{}",
                            seat.offering.office, seat.offering.service, seat.slot.date
                        ));
                        break;
                    }
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
        }
        // A string set: each day once.
        days.sort();
        days.dedup();
        if !days.is_empty() {
            // Where they are, so that a displaced citizen's choices read only those days.
            let update = self
                .client
                .update_item()
                .table_name(self.table_name())
                .set_key(Some(key(text(&item, "pk")?.to_owned(), text(&item, "sk")?)))
                .update_expression("ADD priority_days :days")
                .expression_attribute_values(":days", aws_sdk_dynamodb::types::AttributeValue::Ss(days));
            self.send(update).await.map_err(sdk_unavailable)?;
        }
        Ok(kept)
    }

    async fn kept_for_displaced(
        &self,
        id: &str,
        offering: &OfferingKey,
        now: DateTime<Utc>,
    ) -> StoreResult<KeptSeats> {
        let mut kept = KeptSeats::new();
        let Some(item) = self.keeper_item(id).await? else {
            return Ok(kept);
        };
        let days = priority_days(&item)
            .into_iter()
            .filter(|(kept_in, _)| kept_in == offering)
            .map(|(_, date)| date);
        for date in days {
            for seat in self.query_partition(&seat_pk(offering, date), true).await? {
                if optional_text(&seat, "closure") != Some(id) || item_is_free(Some(&seat), now)? {
                    continue;
                }
                let sk = text(&seat, "sk")?;
                let start = sk
                    .split('#')
                    .next()
                    .and_then(|time| prenota_core::dates::parse_time(time).ok())
                    .ok_or_else(|| crate::stored::corrupt("seat sk", sk))?;
                *kept.entry(date).or_default().entry(start).or_default() += 1;
            }
        }
        Ok(kept)
    }
}
