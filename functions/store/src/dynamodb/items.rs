//! Items read back as bookings, people and outbox entries, and the outbox item written.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};
use prenota_core::ContactKey;
use prenota_core::household::PersonKey;

use super::keys::{Item, PENDING_MESSAGES, epoch_seconds, key, n, outbox_key, pending_sk, quota_pk, s};
use crate::stored::{Fields, stored_booking, stored_entry, stored_person};
use crate::{Booking, Delivery, OutboxEntry, OutboxMessage, Person, StoreError, StoreResult, millis};

/// How long a message stays in the table after it was queued (TTL tidies it up).
const OUTBOX_KEEP: Duration = Duration::days(30);

pub(super) fn text<'a>(item: &'a Item, name: &str) -> StoreResult<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Ok(value),
        _ => Err(StoreError::Corrupt(format!(
            "attribute {name} is missing or not a string"
        ))),
    }
}

pub(super) fn optional_text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

pub(super) fn optional_number(item: &Item, name: &str) -> StoreResult<Option<i64>> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::N(value)) => value
            .parse()
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("attribute {name} is not an integer"))),
        Some(_) => Err(StoreError::Corrupt(format!("attribute {name} is not a number"))),
    }
}

pub(super) fn number(item: &Item, name: &str) -> StoreResult<i64> {
    optional_number(item, name)?.ok_or_else(|| StoreError::Corrupt(format!("attribute {name} is missing")))
}

/// Is a seat or quota item free at `now`? The same rule as the conditions that claim them.
pub(super) fn item_is_free(item: Option<&Item>, now: DateTime<Utc>) -> StoreResult<bool> {
    match item {
        None => Ok(true),
        Some(item) => {
            Ok(optional_number(item, "expires_at")?.is_some_and(|deadline| deadline <= millis(now)))
        }
    }
}

/// The stored booking record, with what transactions need to find its other items.
pub(super) struct Record {
    pub booking: Booking,
    pub seat_pk: String,
    pub seat_sk: String,
    pub quota_items: Vec<Item>,
    /// The contact the booking counts against, from the details step on (a walk-in may have none).
    pub contact: Option<ContactKey>,
    /// The person it counts for within the contact (none before people were counted apart).
    pub person: Option<PersonKey>,
}

impl Fields for Item {
    fn text(&self, name: &str) -> StoreResult<&str> {
        text(self, name)
    }

    fn optional_text(&self, name: &str) -> StoreResult<Option<&str>> {
        Ok(optional_text(self, name))
    }

    fn number(&self, name: &str) -> StoreResult<i64> {
        number(self, name)
    }

    fn optional_number(&self, name: &str) -> StoreResult<Option<i64>> {
        optional_number(self, name)
    }
}

pub(super) fn person_from_item(item: &Item, now: DateTime<Utc>) -> StoreResult<Option<Person>> {
    // TTL deletes up to days late: personal data past its erasure time is treated as gone.
    if optional_number(item, "ttl")?.is_some_and(|ttl| ttl <= epoch_seconds(now)) {
        return Ok(None);
    }
    stored_person(item).map(Some)
}

pub(super) fn record_from_item(
    item: &Item,
    person: Option<Person>,
    now: DateTime<Utc>,
) -> StoreResult<Record> {
    let booking = stored_booking(item, person, now)?;
    let contact = optional_text(item, "contact_key").map(|k| ContactKey::from_stored(k.to_owned()));
    let quota_items = ["quota_active_sk", "quota_person_sk", "quota_day_sk"]
        .iter()
        .filter_map(|name| Some(key(quota_pk(contact.as_ref()?), optional_text(item, name)?)))
        .collect();
    Ok(Record {
        booking,
        seat_pk: text(item, "seat_pk")?.to_owned(),
        seat_sk: text(item, "seat_sk")?.to_owned(),
        quota_items,
        contact,
        person: optional_text(item, "person_key").map(|k| PersonKey::from_stored(k.to_owned())),
    })
}

/// A message's item, due at once; it sits in the GSI's `OUTBOX#PENDING` partition, sorted by when
/// it is next due, until delivered.
pub(super) fn outbox_item(message: &OutboxMessage) -> Item {
    let mut item = outbox_key(&message.id);
    let created = millis(message.created_at);
    for (name, value) in [
        ("id", s(message.id.as_str())),
        ("kind", s(message.kind.as_str())),
        ("channel", s(message.channel.as_str())),
        ("recipient", s(&message.recipient)),
        ("payload", s(&message.payload)),
        ("created_at", n(created)),
        ("delivery", s(Delivery::Pending.as_str())),
        ("next_attempt_at", n(created)),
        ("gsi1pk", s(PENDING_MESSAGES)),
        ("gsi1sk", s(pending_sk(message.created_at, &message.id))),
        ("ttl", n(epoch_seconds(message.created_at + OUTBOX_KEEP))),
    ] {
        item.insert(name.into(), value);
    }
    item
}

pub(super) fn outbox_entry(item: &Item) -> StoreResult<OutboxEntry> {
    stored_entry(item)
}
