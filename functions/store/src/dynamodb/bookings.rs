//! Bookings: details, confirmation, cancellation, the links that open them, a contact's list.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem};
use chrono::{DateTime, Utc};
use prenota_core::dates::format_date;
use prenota_core::lifecycle::{Event, StoredState, Transition};
use prenota_core::reminder::Reconfirmation;
use prenota_core::{BookingId, BookingState, ContactKey, TokenHash};

use super::counter::agenda_item;
use super::details::Submit;
use super::items::{Record, text};
use super::keys::{CodePurpose, GSI, booking_key, code_item, contact_gsi_pk, epoch_seconds, key, n, s};
use super::transact::{
    AsyncDecide, Change, Decision, is_cancelled, put_new, queue, release_quota, tx_put, tx_update,
};
use super::{DynamoStore, TIDY_AFTER, sdk_unavailable};
use crate::stored::stored_booking_id;
use crate::{
    Booking, BookingStore, DetailsRequest, MoveRequest, OutboxMessage, Outcome, Reservation, StoreError,
    StoreResult, household_of, millis, transition, unavailable,
};

/// Confirm: pending → confirmed with the booking page's code; the seat and the quota seats are
/// kept until the appointment ends.
fn confirm_writes(
    store: &DynamoStore,
    record: &Record,
    state: StoredState,
    page_code: &TokenHash,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    let id = &record.booking.id;
    let mut items = vec![tx_update(
        store
            .update(
                booking_key(id),
                "SET #state = :state, page_code = :page REMOVE expires_at, #ttl",
            )
            .condition_expression("#state = :pending AND expires_at > :now")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":page", s(page_code.to_hex()))
            .expression_attribute_values(":pending", s(StoredState::Pending.as_str()))
            .expression_attribute_values(":now", n(millis(now))),
    )?];
    items.extend(kept_to_the_appointment(store, record, state)?);
    items.push(put_new(store, code_item(page_code, id, CodePurpose::Page))?);
    // The booking joins its office's agenda of the day, where the counter writes its visit.
    items.push(tx_put(store.put(agenda_item(&record.booking)))?);
    Ok(items)
}

/// The booking's seat in `state` with no deadline, and its quota seats, until the appointment
/// ends: what confirming does, and displacing (a displaced booking keeps them until it moves).
pub(super) fn kept_to_the_appointment(
    store: &DynamoStore,
    record: &Record,
    state: StoredState,
) -> StoreResult<Vec<TransactWriteItem>> {
    let id = &record.booking.id;
    let ends_at = record.booking.ends_at;
    let ttl = n(epoch_seconds(ends_at + TIDY_AFTER));
    let mut items = vec![tx_update(
        store
            .update(
                key(record.seat_pk.clone(), &record.seat_sk),
                "SET #state = :state, #ttl = :ttl REMOVE expires_at",
            )
            .condition_expression("#hold = :id")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_names("#hold", "hold")
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":ttl", ttl.clone())
            .expression_attribute_values(":id", s(id.as_str())),
    )?];
    for quota_key in &record.quota_items {
        items.push(tx_update(
            store
                .update(quota_key.clone(), "SET expires_at = :ends, #ttl = :ttl")
                .condition_expression("booking = :id")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":ends", n(millis(ends_at)))
                .expression_attribute_values(":ttl", ttl.clone())
                .expression_attribute_values(":id", s(id.as_str())),
        )?);
    }
    Ok(items)
}

/// Confirm: the booking of the confirmation code and, for a household's first person, every
/// booking of the household, each with its page code, in one transaction. Decides `false` for a
/// repeat.
struct ConfirmHousehold<'a> {
    lead: &'a BookingId,
    page_codes: &'a [TokenHash],
    messages: &'a [OutboxMessage],
    now: DateTime<Utc>,
}

#[async_trait]
impl AsyncDecide<bool> for ConfirmHousehold<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<bool>> {
        let now = self.now;
        let lead = store.record(self.lead, now).await?;
        let Transition::To(_) = transition(&lead.booking, Event::Confirm, now)? else {
            return Ok(Decision::Done(false));
        };
        let ids = household_of(&lead.booking);
        if ids.len() != self.page_codes.len() {
            return Err(StoreError::PeopleMismatch {
                held: ids.len(),
                given: self.page_codes.len(),
            });
        }
        let mut records = vec![lead];
        for id in &ids[1..] {
            records.push(store.record(id, now).await?);
        }
        let mut items = Vec::new();
        for (record, page_code) in records.iter().zip(self.page_codes) {
            if let Transition::To(state) = transition(&record.booking, Event::Confirm, now)? {
                items.extend(confirm_writes(store, record, state, page_code, now)?);
            }
        }
        items.extend(queue(store, self.messages)?);
        Ok(Decision::Write(items, true))
    }
}

/// Cancel: confirmed or displaced → cancelled; the seat and the quota seats are free at once
/// (or the seat kept: for the waiting list, or closed).
fn cancel_writes(
    store: &DynamoStore,
    record: &Record,
    state: StoredState,
    reserve: Option<&Reservation>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    let mut items = vec![tx_update(
        store
            .update(booking_key(&record.booking.id), "SET #state = :state")
            .condition_expression("#state IN (:confirmed, :displaced)")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":confirmed", s(StoredState::Confirmed.as_str()))
            .expression_attribute_values(":displaced", s(StoredState::Displaced.as_str())),
    )?];
    items.extend(super::seats::free_or_keep_seat(store, record, reserve, now)?);
    items.extend(release_quota(store, record)?);
    Ok(items)
}

impl DynamoStore {
    /// Another link code for an existing booking (a page code or a confirmation code sent again).
    async fn issue_code(
        &self,
        booking: &BookingId,
        code: &TokenHash,
        purpose: CodePurpose,
    ) -> StoreResult<()> {
        let booking_exists = ConditionCheck::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(booking_key(booking)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(unavailable)?;
        let request = self
            .client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .condition_check(booking_exists)
                    .build(),
            )
            // Unconditional: the same code for the same booking is the same item.
            .transact_items(tx_put(self.put(code_item(code, booking, purpose)))?);
        match self.send(request).await {
            Ok(_) => Ok(()),
            Err(error) if is_cancelled(&error) => Err(StoreError::NotFound),
            Err(error) => Err(sdk_unavailable(error)),
        }
    }

    /// Confirm and cancel, which differ in the link code that opens the booking, the event and
    /// what the change writes: find the booking by its code, make the change once (a repeat
    /// decides `changed: false` and writes nothing), and read the booking as it is now.
    async fn change_by_code<W>(
        &self,
        code: &TokenHash,
        purpose: CodePurpose,
        event: Event,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
        writes: W,
    ) -> StoreResult<Outcome>
    where
        W: FnMut(&DynamoStore, &Record, StoredState) -> StoreResult<Vec<TransactWriteItem>> + Send,
    {
        let id = self.booking_id_by_code(code, purpose).await?;
        let change = Change {
            id: &id,
            event,
            messages,
            now,
            writes,
        };
        let changed = self.decide_and_write(change).await?;
        Ok(Outcome {
            booking: self.record(&id, now).await?.booking,
            changed,
        })
    }
}

#[async_trait]
impl BookingStore for DynamoStore {
    async fn booking_by_hold(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        Ok(self.record(&BookingId::of_hold(hold), now).await?.booking)
    }

    async fn submit_details(&self, request: &DetailsRequest, now: DateTime<Utc>) -> StoreResult<Booking> {
        let id = self.decide_and_write(Submit(request, now)).await?;
        Ok(self.record(&id, now).await?.booking)
    }

    async fn booking_by_confirm_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let id = self.booking_id_by_code(code, CodePurpose::Confirm).await?;
        Ok(self.record(&id, now).await?.booking)
    }

    async fn confirm(
        &self,
        code: &TokenHash,
        page_codes: &[TokenHash],
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        let lead = self.booking_id_by_code(code, CodePurpose::Confirm).await?;
        let confirm = ConfirmHousehold {
            lead: &lead,
            page_codes,
            messages,
            now,
        };
        let changed = self.decide_and_write(confirm).await?;
        Ok(Outcome {
            booking: self.record(&lead, now).await?.booking,
            changed,
        })
    }

    async fn booking_by_page_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let id = self.booking_id_by_code(code, CodePurpose::Page).await?;
        Ok(self.record(&id, now).await?.booking)
    }

    async fn issue_page_code(&self, booking: &BookingId, code: &TokenHash) -> StoreResult<()> {
        self.issue_code(booking, code, CodePurpose::Page).await
    }

    async fn issue_confirm_code(&self, booking: &BookingId, code: &TokenHash) -> StoreResult<()> {
        self.issue_code(booking, code, CodePurpose::Confirm).await
    }

    async fn cancel(
        &self,
        page_code: &TokenHash,
        reserve: Option<&Reservation>,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        self.change_by_code(
            page_code,
            CodePurpose::Page,
            Event::Cancel,
            messages,
            now,
            |store: &DynamoStore, record: &Record, state| cancel_writes(store, record, state, reserve, now),
        )
        .await
    }

    async fn move_booking(&self, request: &MoveRequest, now: DateTime<Utc>) -> StoreResult<Outcome> {
        self.decide_and_write(super::moving::Move(request, now)).await
    }

    async fn set_reconfirmation(
        &self,
        booking: &BookingId,
        to: Reconfirmation,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        self.decide_and_write(super::reconfirmation::SetReconfirmation {
            booking,
            to,
            messages,
            now,
        })
        .await
    }

    async fn bookings_of_contact(
        &self,
        contact: &ContactKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>> {
        let today = prenota_core::calendar::local(now).date();
        let query = self
            .query()
            .index_name(GSI)
            .key_condition_expression("gsi1pk = :pk AND gsi1sk >= :today")
            .expression_attribute_values(":pk", s(contact_gsi_pk(contact)))
            .expression_attribute_values(":today", s(format_date(today)))
            .projection_expression("id");
        let ids = self
            .query_all(query)
            .await?
            .iter()
            .map(|item| stored_booking_id(text(item, "id")?))
            .collect::<StoreResult<Vec<BookingId>>>()?;
        let mut bookings = Vec::new();
        for id in ids {
            let booking = self.record(&id, now).await?.booking;
            let active = matches!(
                booking.state,
                BookingState::Pending | BookingState::Confirmed | BookingState::Displaced
            );
            if active && booking.ends_at > now {
                bookings.push(booking);
            }
        }
        bookings.sort_by_key(|booking| booking.starts_at);
        Ok(bookings)
    }
}
