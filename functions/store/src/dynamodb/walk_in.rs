//! A booking made at the counter (a walk-in, a phone booking): the seat the counter just held
//! becomes confirmed in one transaction with its short code (chosen by the caller, whose
//! messages carry it; a taken one refuses the transaction), personal data, page code, agenda
//! item and messages. No confirmation link and no quota seats: staff decide.

use aws_sdk_dynamodb::types::TransactWriteItem;
use chrono::{DateTime, Utc};
use prenota_core::dates::{format_date, format_time};
use prenota_core::lifecycle::{StoredState, TransitionError};
use prenota_core::{BookingId, BookingState, ShortCode};

use super::counter::agenda_item;
use super::details::person_item;
use super::items::Record;
use super::keys::{CodePurpose, booking_key, code_item, contact_gsi_pk, epoch_seconds, key, n, s};
use super::transact::{is_cancelled, put_new, queue, tx_put, tx_update};
use super::{DynamoStore, TIDY_AFTER, sdk_unavailable};
use crate::{Booking, CounterBooking, StoreError, StoreResult, millis};

fn writes(
    store: &DynamoStore,
    record: &Record,
    request: &CounterBooking,
    short_code: &ShortCode,
    now: DateTime<Utc>,
) -> StoreResult<Vec<TransactWriteItem>> {
    let booking = &record.booking;
    let id = &booking.id;
    let confirmed = s(StoredState::Confirmed.as_str());
    let mut set = String::from("SET #state = :confirmed, short_code = :short");
    let mut update = store.update(booking_key(id), "");
    if let Some(contact) = &request.contact_key {
        set.push_str(", contact_key = :contact, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk");
        let gsi1sk = format!(
            "{}#{}#{id}",
            format_date(booking.date),
            format_time(booking.start)
        );
        update = update
            .expression_attribute_values(":contact", s(contact.as_str()))
            .expression_attribute_values(":gsi1pk", s(contact_gsi_pk(contact)))
            .expression_attribute_values(":gsi1sk", s(gsi1sk));
    }
    if let Some(code) = &request.page_code {
        set.push_str(", page_code = :page");
        update = update.expression_attribute_values(":page", s(code.to_hex()));
    }
    let update = update
        .update_expression(format!("{set} REMOVE expires_at, #ttl"))
        .condition_expression("#state = :held AND expires_at > :now")
        .expression_attribute_names("#state", "state")
        .expression_attribute_names("#ttl", "ttl")
        .expression_attribute_values(":confirmed", confirmed.clone())
        .expression_attribute_values(":held", s(StoredState::Held.as_str()))
        .expression_attribute_values(":now", n(millis(now)))
        .expression_attribute_values(":short", s(short_code.as_str()));
    let mut items = vec![
        tx_update(update)?,
        tx_update(
            store
                .update(
                    key(record.seat_pk.clone(), &record.seat_sk),
                    "SET #state = :confirmed, #ttl = :ttl REMOVE expires_at",
                )
                .condition_expression("#hold = :id")
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_names("#hold", "hold")
                .expression_attribute_values(":confirmed", confirmed)
                .expression_attribute_values(":ttl", n(epoch_seconds(booking.ends_at + TIDY_AFTER)))
                .expression_attribute_values(":id", s(id.as_str())),
        )?,
    ];
    let mut short_item = key(format!("SHORT#{}", short_code.as_str()), "SHORT");
    short_item.insert("booking".into(), s(id.as_str()));
    items.push(put_new(store, short_item)?);
    if let Some(person) = &request.person {
        items.push(tx_put(store.put(person_item(id, person, request.erase_after)))?);
    }
    if let Some(code) = &request.page_code {
        items.push(put_new(store, code_item(code, id, CodePurpose::Page))?);
    }
    items.push(tx_put(store.put(agenda_item(booking)))?);
    items.extend(queue(store, &request.messages)?);
    Ok(items)
}

impl DynamoStore {
    pub(super) async fn confirm_at_counter(
        &self,
        request: &CounterBooking,
        now: DateTime<Utc>,
    ) -> StoreResult<Booking> {
        let id = BookingId::of_hold(&request.hold);
        let record = self.record(&id, now).await?;
        match record.booking.state {
            BookingState::Held => {}
            BookingState::Expired => return Err(TransitionError::Expired.into()),
            _ => return Err(TransitionError::AlreadySubmitted.into()),
        }
        let items = writes(self, &record, request, &request.short_code, now)?;
        let sent = self
            .send(self.client.transact_write_items().set_transact_items(Some(items)))
            .await;
        match sent {
            Ok(_) => Ok(self.record(&id, now).await?.booking),
            // The hold expired or was released meanwhile, or (once in billions) the code is taken.
            Err(error) if is_cancelled(&error) => {
                self.usage.record_refused();
                Err(StoreError::Transition(TransitionError::Expired))
            }
            Err(error) => Err(sdk_unavailable(error)),
        }
    }
}
