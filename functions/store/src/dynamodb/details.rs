//! The details step (held → pending), the longest transaction: it reads the hold's bookings (one
//! per person of a household) and the contact's quota seats, decides, and writes each booking's
//! new state, its seat's deadline, its three quota seats, its short code and personal data, the
//! confirmation code and the messages at once — for a household of four, 30 items of the 100 a
//! transaction may hold.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use prenota_core::dates::{format_date, format_time};
use prenota_core::household::PersonKey;
use prenota_core::lifecycle::{Event, StoredState, Transition, TransitionError};
use prenota_core::quota::QuotaExceeded;
use prenota_core::quota::QuotaPolicy;
use prenota_core::{BookingId, ContactKey, ServiceId, ShortCode};

use super::items::{Record, item_is_free, optional_text};
use super::keys::{
    CLAIM_FREE, CodePurpose, Item, booking_key, code_item, contact_gsi_pk, epoch_seconds, key, n, person_key,
    quota_pk, s,
};
use super::transact::{AsyncDecide, Decision, put_new, queue, tx_put, tx_update};
use super::{DynamoStore, TIDY_AFTER};
use crate::{
    Attendee, DetailsRequest, StoreError, StoreResult, household_of, millis, of_person, transition,
    unavailable,
};

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

/// What the details step decided for one held booking, and the items it writes: held → pending,
/// the seat's deadline moved, three quota seats claimed (the contact's, the person's, the person's
/// service and day), the short code made unique, the personal data stored apart.
struct Submission<'a> {
    request: &'a DetailsRequest,
    attendee: &'a Attendee,
    record: Record,
    state: StoredState,
    quota: QuotaSeats,
    short_code: ShortCode,
    now: DateTime<Utc>,
}

/// The sort keys of the quota seats one booking claims.
struct QuotaSeats {
    contact_active: String,
    person_active: String,
    person_day: String,
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
        let quota = &self.quota;
        for sk in [&quota.contact_active, &quota.person_active, &quota.person_day] {
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
        let mut short_item = key(format!("SHORT#{}", self.short_code.as_str()), "SHORT");
        short_item.insert("booking".into(), s(self.id().as_str()));
        items.push(put_new(store, short_item)?);
        items.push(tx_put(store.put(person_item(
            self.id(),
            &self.attendee.person,
            self.request.erase_after,
        )))?);
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
        let is_lead = booking
            .household
            .as_ref()
            .is_none_or(|household| household.seat == 0);
        // Only the first person's booking is found by the confirmation code; it confirms all.
        let confirm = if is_lead { ", confirm_code = :confirm" } else { "" };
        let mut update = store
            .update(
                booking_key(self.id()),
                &format!(
                    "SET #state = :state, expires_at = :deadline, #ttl = :ttl, short_code = :short, \
                     contact_key = :contact, person_key = :person, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, \
                     quota_active_sk = :active, quota_person_sk = :person_active, quota_day_sk = :day{confirm}"
                ),
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
            .expression_attribute_values(":contact", s(request.contact_key.as_str()))
            .expression_attribute_values(":person", s(self.attendee.key.as_str()))
            .expression_attribute_values(":gsi1pk", s(contact_gsi_pk(&request.contact_key)))
            .expression_attribute_values(":gsi1sk", s(gsi1sk))
            .expression_attribute_values(":active", s(&self.quota.contact_active))
            .expression_attribute_values(":person_active", s(&self.quota.person_active))
            .expression_attribute_values(":day", s(&self.quota.person_day));
        if is_lead {
            update = update.expression_attribute_values(":confirm", s(request.confirm_code.to_hex()));
        }
        tx_update(update)
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

/// The prefix of the quota seats of one service and day: a person's, or (`None`) a contact's as
/// bookings made before people were counted apart have.
pub(super) fn day_prefix(person: Option<&PersonKey>, service: &ServiceId, date: NaiveDate) -> String {
    let day = format!("DAY#{service}#{}#", format_date(date));
    match person {
        Some(person) => format!("P#{}#{day}", person.as_str()),
        None => day,
    }
}

/// Whether a quota seat's sort key is one of a service and day (a person's or a contact's).
pub(super) fn is_day_sk(sk: &str) -> bool {
    sk.starts_with("DAY#") || (sk.starts_with("P#") && sk.contains("#DAY#"))
}

/// The quota seats of a contact, with those a decision has claimed already taken out: a
/// household's people claim theirs one after the other in one transaction.
struct QuotaBook<'a> {
    seats: HashMap<String, Item>,
    claimed: HashSet<String>,
    policy: &'a QuotaPolicy,
    now: DateTime<Utc>,
}

impl QuotaBook<'_> {
    /// The first free seat of `count` under `prefix`, claimed, or the refusal `rule`.
    fn claim(&mut self, prefix: &str, count: u32, rule: QuotaExceeded) -> StoreResult<String> {
        for k in 0..count {
            let sk = format!("{prefix}{k}");
            if !self.claimed.contains(&sk) && item_is_free(self.seats.get(&sk), self.now)? {
                self.claimed.insert(sk.clone());
                return Ok(sk);
            }
        }
        Err(rule.into())
    }

    /// Whether a booking made before people were counted apart holds the contact's seat of this
    /// service and day: it counts for every person of the contact.
    fn legacy_day_taken(&self, service: &ServiceId, date: NaiveDate) -> StoreResult<bool> {
        let prefix = day_prefix(None, service, date);
        for k in 0..self.policy.max_per_service_day {
            if !item_is_free(self.seats.get(&format!("{prefix}{k}")), self.now)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn seats_for(&mut self, person: &PersonKey, booking: &crate::Booking) -> StoreResult<QuotaSeats> {
        let policy = self.policy;
        let contact_active = self.claim(
            "ACTIVE#",
            policy.max_active_per_contact,
            QuotaExceeded::ContactActive,
        )?;
        let person_active = self.claim(
            &format!("P#{}#ACTIVE#", person.as_str()),
            policy.max_active,
            QuotaExceeded::Active,
        )?;
        let (service, date) = (&booking.offering.service, booking.date);
        if self.legacy_day_taken(service, date)? {
            return Err(QuotaExceeded::ServiceDay.into());
        }
        let person_day = self.claim(
            &day_prefix(Some(person), service, date),
            policy.max_per_service_day,
            QuotaExceeded::ServiceDay,
        )?;
        Ok(QuotaSeats {
            contact_active,
            person_active,
            person_day,
        })
    }
}

/// The details step: reads the hold's bookings and the contact's quota seats, decides for each
/// person, and writes it all in one transaction.
pub(super) struct Submit<'a>(pub &'a DetailsRequest, pub DateTime<Utc>);

#[async_trait]
impl AsyncDecide<BookingId> for Submit<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<BookingId>> {
        let (request, now) = (self.0, self.1);
        let lead_id = BookingId::of_hold(&request.hold);
        let lead = store.record(&lead_id, now).await?;
        let ids = household_of(&lead.booking);
        if ids.len() != request.people.len() {
            return Err(StoreError::PeopleMismatch {
                held: ids.len(),
                given: request.people.len(),
            });
        }
        let mut quota = QuotaBook {
            seats: store.quota_seats(&request.contact_key).await?,
            claimed: HashSet::new(),
            policy: &request.quota,
            now,
        };
        let mut records = vec![lead];
        for id in &ids[1..] {
            records.push(store.record(id, now).await?);
        }
        let mut items = Vec::new();
        for (n, (record, attendee)) in records.into_iter().zip(&request.people).enumerate() {
            let state = match transition(&record.booking, Event::SubmitDetails, now)? {
                Transition::To(state) => state,
                Transition::AlreadyDone => return Err(TransitionError::AlreadySubmitted.into()),
            };
            let submission = Submission {
                request,
                attendee,
                quota: quota
                    .seats_for(&attendee.key, &record.booking)
                    .map_err(of_person(n))?,
                record,
                state,
                short_code: ShortCode::generate().map_err(unavailable)?,
                now,
            };
            items.extend(submission.items(store)?);
        }
        items.push(put_new(
            store,
            code_item(&request.confirm_code, &lead_id, CodePurpose::Confirm),
        )?);
        items.extend(queue(store, &request.messages)?);
        Ok(Decision::Write(items, lead_id))
    }
}
