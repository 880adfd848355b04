//! "Sposta appuntamento" on DynamoDB: read the booking, its agenda item, the new slot's seats and
//! the contact's quota seats, decide, and write in one transaction the booking's new slot, the new
//! seat claimed and the old one deleted, the quota seats of the new day, the agenda item moved,
//! the personal data's new erasure time and the messages. A racing change cancels the
//! transaction, and the decision is taken again on what is there then.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::TransactWriteItem;
use chrono::{DateTime, Utc};
use prenota_core::ContactKey;
use prenota_core::dates::{format_date, format_time};
use prenota_core::lifecycle::{Event, StoredState, TransitionError};
use prenota_core::quota::QuotaExceeded;

use super::counter::agenda_item;
use super::details::{day_prefix, free_quota_seat, is_day_sk};
use super::items::{Record, item_is_free, optional_text};
use super::keys::{
    CLAIM_FREE, agenda_key, booking_key, epoch_seconds, key, n, person_key, quota_pk, s, seat_pk, seat_sk,
};
use super::transact::{AsyncDecide, Decision, queue, tx_delete, tx_put, tx_update};
use super::{DynamoStore, TIDY_AFTER};
use crate::{Booking, MoveRequest, Outcome, StoreError, StoreResult, millis, transition};

/// What the move decided: the booking as it will be, and where its new seat and quota seat are.
struct Moving<'a> {
    request: &'a MoveRequest,
    record: &'a Record,
    moved: Booking,
    new_seat_pk: String,
    new_seat_sk: String,
    /// The new seat is one the booking's closure keeps for its displaced citizens.
    new_seat_kept: bool,
    /// The contact, when the booking has one (a walk-in may not).
    contact: Option<ContactKey>,
    /// The new day's quota seat, when the day changes and the booking counts against a quota.
    new_day_sk: Option<String>,
    now: DateTime<Utc>,
}

impl Moving<'_> {
    fn items(&self, store: &DynamoStore) -> StoreResult<Vec<TransactWriteItem>> {
        let id = &self.moved.id;
        let seat_ttl = n(epoch_seconds(self.moved.ends_at + TIDY_AFTER));
        let mut items = vec![self.booking_update(store)?];
        let mut seat = key(self.new_seat_pk.clone(), &self.new_seat_sk);
        seat.insert("hold".into(), s(id.as_str()));
        seat.insert("state".into(), s(StoredState::Confirmed.as_str()));
        seat.insert("ttl".into(), seat_ttl.clone());
        let claim = match (&self.request.from_closure, self.new_seat_kept) {
            (Some(closure), true) => store
                .put(seat)
                .condition_expression("closure = :closure AND expires_at > :now")
                .expression_attribute_values(":closure", s(closure)),
            _ => store.put(seat).condition_expression(CLAIM_FREE),
        };
        items.push(tx_put(
            claim.expression_attribute_values(":now", n(millis(self.now))),
        )?);
        items.extend(super::seats::free_or_keep_seat(
            store,
            self.record,
            self.request.reserve.as_ref(),
            self.now,
        )?);
        items.extend(self.quota_writes(store)?);
        // The counter's agenda: out of the old day (unless the citizen is already at the counter,
        // which the decision checked and this condition holds to), into the new one.
        items.push(tx_delete(
            store
                .delete(agenda_key(&self.record.booking))
                .condition_expression("attribute_not_exists(visit_state)"),
        )?);
        items.push(tx_put(store.put(agenda_item(&self.moved)))?);
        if self.moved.person.is_some() {
            items.push(tx_update(
                store
                    .update(person_key(id), "SET #ttl = :ttl")
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_names("#ttl", "ttl")
                    .expression_attribute_values(":ttl", n(epoch_seconds(self.request.erase_after))),
            )?);
        }
        items.extend(queue(store, &self.request.messages)?);
        Ok(items)
    }

    /// The booking at its new slot, confirmed (a displaced one too), if it is still confirmed or
    /// displaced and still on the seat it was read on.
    fn booking_update(&self, store: &DynamoStore) -> StoreResult<TransactWriteItem> {
        let moved = &self.moved;
        let mut set = String::from(
            "SET #state = :confirmed, #date = :date, #start = :start, #end = :end, starts_at = :starts_at, \
             ends_at = :ends_at, seat_pk = :seat_pk, seat_sk = :seat_sk",
        );
        let mut update = store.update(booking_key(&moved.id), "");
        if self.contact.is_some() {
            set.push_str(", gsi1sk = :gsi1sk");
            let gsi1sk = format!(
                "{}#{}#{}",
                format_date(moved.date),
                format_time(moved.start),
                moved.id
            );
            update = update.expression_attribute_values(":gsi1sk", s(gsi1sk));
        }
        if let Some(day_sk) = &self.new_day_sk {
            set.push_str(", quota_day_sk = :day_sk");
            update = update.expression_attribute_values(":day_sk", s(day_sk));
        }
        tx_update(
            update
                .update_expression(set)
                .condition_expression(
                    "#state IN (:confirmed, :displaced) AND seat_pk = :old_pk AND seat_sk = :old_sk",
                )
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#date", "date")
                .expression_attribute_names("#start", "start")
                .expression_attribute_names("#end", "end")
                .expression_attribute_values(":confirmed", s(StoredState::Confirmed.as_str()))
                .expression_attribute_values(":displaced", s(StoredState::Displaced.as_str()))
                .expression_attribute_values(":old_pk", s(&self.record.seat_pk))
                .expression_attribute_values(":old_sk", s(&self.record.seat_sk))
                .expression_attribute_values(":date", s(format_date(moved.date)))
                .expression_attribute_values(":start", s(format_time(moved.start)))
                .expression_attribute_values(":end", s(format_time(moved.end)))
                .expression_attribute_values(":starts_at", n(millis(moved.starts_at)))
                .expression_attribute_values(":ends_at", n(millis(moved.ends_at)))
                .expression_attribute_values(":seat_pk", s(&self.new_seat_pk))
                .expression_attribute_values(":seat_sk", s(&self.new_seat_sk)),
        )
    }

    /// The quota seats last until the new appointment ends; the day's seat moves to the new day.
    fn quota_writes(&self, store: &DynamoStore) -> StoreResult<Vec<TransactWriteItem>> {
        let id = s(self.moved.id.as_str());
        let ends = n(millis(self.moved.ends_at));
        let ttl = n(epoch_seconds(self.moved.ends_at + TIDY_AFTER));
        let mut items = Vec::new();
        for quota_key in &self.record.quota_items {
            let is_day = optional_text(quota_key, "sk").is_some_and(is_day_sk);
            if is_day && self.new_day_sk.is_some() {
                items.push(tx_delete(
                    store
                        .delete(quota_key.clone())
                        .condition_expression("attribute_not_exists(pk) OR booking = :id")
                        .expression_attribute_values(":id", id.clone()),
                )?);
            } else {
                items.push(tx_update(
                    store
                        .update(quota_key.clone(), "SET expires_at = :ends, #ttl = :ttl")
                        .condition_expression("booking = :id")
                        .expression_attribute_names("#ttl", "ttl")
                        .expression_attribute_values(":ends", ends.clone())
                        .expression_attribute_values(":ttl", ttl.clone())
                        .expression_attribute_values(":id", id.clone()),
                )?);
            }
        }
        if let (Some(contact), Some(day_sk)) = (&self.contact, &self.new_day_sk) {
            let mut item = key(quota_pk(contact), day_sk);
            item.insert("booking".into(), id);
            item.insert("expires_at".into(), ends);
            item.insert("ttl".into(), ttl);
            items.push(tx_put(
                store
                    .put(item)
                    .condition_expression(CLAIM_FREE)
                    .expression_attribute_values(":now", n(millis(self.now))),
            )?);
        }
        Ok(items)
    }
}

/// Reads, decides and writes a move (see the module's documentation).
pub(super) struct Move<'a>(pub &'a MoveRequest, pub DateTime<Utc>);

#[async_trait]
impl AsyncDecide<Outcome> for Move<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<Outcome>> {
        let (request, now) = (self.0, self.1);
        let record = store.record(&request.booking, now).await?;
        let booking = &record.booking;
        transition(booking, Event::Move, now)?;
        let to = &request.to;
        if (booking.date, booking.start) == (to.date, to.start) {
            return Ok(Decision::Done(Outcome {
                booking: record.booking.clone(),
                changed: false,
            }));
        }
        let agenda = store.get(agenda_key(booking)).await?;
        if agenda
            .as_ref()
            .is_some_and(|item| item.contains_key("visit_state"))
        {
            return Err(TransitionError::AppointmentStarted.into());
        }
        let new_seat_pk = seat_pk(&booking.offering, to.date);
        let taken = store.query_partition(&new_seat_pk, true).await?;
        let mut new_seat_sk = None;
        let mut kept_seat = None;
        for k in 0..request.capacity {
            let sk = seat_sk(to.start, k);
            let item = taken
                .iter()
                .find(|item| optional_text(item, "sk") == Some(sk.as_str()));
            if item_is_free(item, now)? {
                new_seat_sk = Some(sk);
                break;
            }
            // A seat the booking's closure keeps for its displaced citizens: if nothing is free.
            let kept_for_it = item.is_some_and(|item| {
                request.from_closure.is_some()
                    && optional_text(item, "closure") == request.from_closure.as_deref()
            });
            if kept_for_it && kept_seat.is_none() {
                kept_seat = Some(sk);
            }
        }
        let new_seat_kept = new_seat_sk.is_none() && kept_seat.is_some();
        let new_seat_sk = new_seat_sk.or(kept_seat).ok_or(StoreError::SlotTaken)?;
        let contact = record.contact.clone();
        let counts_day = record
            .quota_items
            .iter()
            .any(|quota_key| optional_text(quota_key, "sk").is_some_and(is_day_sk));
        let new_day_sk = match &contact {
            Some(contact) if counts_day && to.date != booking.date => {
                let quota = store.quota_seats(contact).await?;
                let prefix = day_prefix(record.person.as_ref(), &booking.offering.service, to.date);
                Some(
                    free_quota_seat(&quota, &prefix, request.quota.max_per_service_day, now)?
                        .ok_or(StoreError::from(QuotaExceeded::ServiceDay))?,
                )
            }
            _ => None,
        };
        let moving = Moving {
            request,
            record: &record,
            moved: Booking {
                // A displaced booking is confirmed again at its new time.
                state: prenota_core::BookingState::Confirmed,
                ..booking.moved_to(to)
            },
            new_seat_pk,
            new_seat_sk,
            new_seat_kept,
            contact,
            new_day_sk,
            now,
        };
        let items = moving.items(store)?;
        let outcome = Outcome {
            booking: moving.moved,
            changed: true,
        };
        Ok(Decision::Write(items, outcome))
    }
}
