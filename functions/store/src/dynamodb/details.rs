//! The details step (held → pending), the longest transaction: it reads the hold and the
//! contact's quota seats, decides, and writes the booking's new state, the seat's deadline, two
//! quota seats, the unique codes, the personal data and the messages at once.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use prenota_core::dates::{format_date, format_time};
use prenota_core::lifecycle::{Event, StoredState, Transition, TransitionError};
use prenota_core::quota::QuotaExceeded;
use prenota_core::{BookingId, ContactKey, ServiceId, ShortCode};

use super::items::{Record, item_is_free, optional_text};
use super::keys::{
    CLAIM_FREE, CodePurpose, Item, booking_key, code_item, contact_gsi_pk, epoch_seconds, key, n, person_key,
    quota_pk, s,
};
use super::transact::{AsyncDecide, Decision, put_new, queue, tx_put, tx_update};
use super::{DynamoStore, TIDY_AFTER};
use crate::{DetailsRequest, StoreError, StoreResult, millis, transition, unavailable};

/// The first of `count` quota seats (`{prefix}{k}`) free at `now`.
pub(super) fn free_quota_seat(
    items: &HashMap<String, Item>,
    prefix: &str,
    count: u32,
    now: DateTime<Utc>,
) -> StoreResult<Option<String>> {
    for k in 0..count {
        let sk = format!("{prefix}{k}");
        if item_is_free(items.get(&sk), now)? {
            return Ok(Some(sk));
        }
    }
    Ok(None)
}

/// The item of a booking's personal data, gone (TTL) at `erase_after`.
pub(super) fn person_item(id: &BookingId, person: &crate::Person, erase_after: DateTime<Utc>) -> Item {
    let mut item = person_key(id);
    item.insert("name".into(), s(person.name.as_str()));
    item.insert("surname".into(), s(person.surname.as_str()));
    item.insert("contact".into(), s(person.contact.address()));
    item.insert("lang".into(), s(person.lang.as_str()));
    item.insert("ttl".into(), n(epoch_seconds(erase_after)));
    if let Some(details) = &person.details {
        item.insert("details".into(), s(details.as_str()));
    }
    item
}

/// What the details step decided for a held booking, and the items it writes: held → pending,
/// the seat's deadline moved, two quota seats claimed, the confirmation code and the short code
/// made unique, the personal data stored apart.
struct Submission<'a> {
    request: &'a DetailsRequest,
    record: &'a Record,
    state: StoredState,
    active_sk: String,
    day_sk: String,
    short_code: ShortCode,
    now: DateTime<Utc>,
}

impl Submission<'_> {
    fn id(&self) -> &BookingId {
        &self.record.booking.id
    }

    fn deadline(&self) -> AttributeValue {
        n(millis(self.request.confirm_by))
    }

    fn ttl(&self) -> AttributeValue {
        n(epoch_seconds(self.request.confirm_by + TIDY_AFTER))
    }

    fn items(&self, store: &DynamoStore) -> StoreResult<Vec<TransactWriteItem>> {
        let mut items = vec![self.booking_update(store)?, self.seat_update(store)?];
        for sk in [&self.active_sk, &self.day_sk] {
            let mut quota_item = key(quota_pk(&self.request.contact_key), sk);
            quota_item.insert("booking".into(), s(self.id().as_str()));
            quota_item.insert("expires_at".into(), self.deadline());
            quota_item.insert("ttl".into(), self.ttl());
            items.push(tx_put(
                store
                    .put(quota_item)
                    .condition_expression(CLAIM_FREE)
                    .expression_attribute_values(":now", n(millis(self.now))),
            )?);
        }
        let code_item = code_item(&self.request.confirm_code, self.id(), CodePurpose::Confirm);
        let mut short_item = key(format!("SHORT#{}", self.short_code.as_str()), "SHORT");
        short_item.insert("booking".into(), s(self.id().as_str()));
        for unique in [code_item, short_item] {
            items.push(put_new(store, unique)?);
        }
        items.push(tx_put(store.put(self.person_item()))?);
        items.extend(queue(store, &self.request.messages)?);
        Ok(items)
    }

    fn booking_update(&self, store: &DynamoStore) -> StoreResult<TransactWriteItem> {
        let (request, booking) = (self.request, &self.record.booking);
        let gsi1sk = format!(
            "{}#{}#{}",
            format_date(booking.date),
            format_time(booking.start),
            self.id()
        );
        tx_update(
            store
                .update(
                    booking_key(self.id()),
                    "SET #state = :state, expires_at = :deadline, #ttl = :ttl, short_code = :short, \
                     confirm_code = :confirm, contact_key = :contact, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, \
                     quota_active_sk = :active, quota_day_sk = :day",
                )
                .condition_expression("#state = :held AND expires_at > :now")
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":state", s(self.state.as_str()))
                .expression_attribute_values(":held", s(StoredState::Held.as_str()))
                .expression_attribute_values(":now", n(millis(self.now)))
                .expression_attribute_values(":deadline", self.deadline())
                .expression_attribute_values(":ttl", self.ttl())
                .expression_attribute_values(":short", s(self.short_code.as_str()))
                .expression_attribute_values(":confirm", s(request.confirm_code.to_hex()))
                .expression_attribute_values(":contact", s(request.contact_key.as_str()))
                .expression_attribute_values(":gsi1pk", s(contact_gsi_pk(&request.contact_key)))
                .expression_attribute_values(":gsi1sk", s(gsi1sk))
                .expression_attribute_values(":active", s(&self.active_sk))
                .expression_attribute_values(":day", s(&self.day_sk)),
        )
    }

    fn seat_update(&self, store: &DynamoStore) -> StoreResult<TransactWriteItem> {
        tx_update(
            store
                .update(
                    key(self.record.seat_pk.clone(), &self.record.seat_sk),
                    "SET #state = :state, expires_at = :deadline, #ttl = :ttl",
                )
                .condition_expression("#hold = :id")
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_names("#hold", "hold")
                .expression_attribute_values(":state", s(self.state.as_str()))
                .expression_attribute_values(":deadline", self.deadline())
                .expression_attribute_values(":ttl", self.ttl())
                .expression_attribute_values(":id", s(self.id().as_str())),
        )
    }

    fn person_item(&self) -> Item {
        person_item(self.id(), &self.request.person, self.request.erase_after)
    }
}

impl DynamoStore {
    /// A contact's quota seats, by sort key (strongly consistent: a decision is taken on them).
    pub(super) async fn quota_seats(&self, contact: &ContactKey) -> StoreResult<HashMap<String, Item>> {
        Ok(self
            .query_partition(&quota_pk(contact), true)
            .await?
            .into_iter()
            .filter_map(|item| Some((optional_text(&item, "sk")?.to_owned(), item)))
            .collect())
    }
}

/// The prefix of the quota seats of one service and day.
pub(super) fn day_prefix(service: &ServiceId, date: NaiveDate) -> String {
    format!("DAY#{service}#{}#", format_date(date))
}

/// The details step: reads the hold and the contact's quota seats, decides, and writes it all in
/// one transaction.
pub(super) struct Submit<'a>(pub &'a DetailsRequest, pub DateTime<Utc>);

#[async_trait]
impl AsyncDecide<BookingId> for Submit<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<BookingId>> {
        let (request, now) = (self.0, self.1);
        let id = BookingId::of_hold(&request.hold);
        let record = store.record(&id, now).await?;
        let state = match transition(&record.booking, Event::SubmitDetails, now)? {
            Transition::To(state) => state,
            Transition::AlreadyDone => return Err(TransitionError::AlreadySubmitted.into()),
        };
        let booking = &record.booking;
        let quota = store.quota_seats(&request.contact_key).await?;
        let active_sk = free_quota_seat(&quota, "ACTIVE#", request.quota.max_active, now)?
            .ok_or(StoreError::Quota(QuotaExceeded::Active))?;
        let day_sk = free_quota_seat(
            &quota,
            &day_prefix(&booking.offering.service, booking.date),
            request.quota.max_per_service_day,
            now,
        )?
        .ok_or(StoreError::Quota(QuotaExceeded::ServiceDay))?;
        let submission = Submission {
            request,
            record: &record,
            state,
            active_sk,
            day_sk,
            short_code: ShortCode::generate().map_err(unavailable)?,
            now,
        };
        Ok(Decision::Write(submission.items(store)?, id))
    }
}
