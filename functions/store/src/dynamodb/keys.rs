//! The items' keys (see the table in ARCHITECTURE.md) and the attribute values they are made of.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prenota_core::dates::{format_date, format_time};
use prenota_core::{BookingId, ContactKey, OfferingKey, OfficeId, TokenHash};

use crate::names::stored_names;
use crate::{MessageId, millis};

pub(super) type Item = HashMap<String, AttributeValue>;

/// The one GSI, overloaded: `CONTACT#key` (bookings of a contact) and `OUTBOX#PENDING` (messages to send).
pub const GSI: &str = "gsi1";

/// The GSI partition of the messages still to send.
pub(super) const PENDING_MESSAGES: &str = "OUTBOX#PENDING";

/// The condition that claims a seat or quota item: free if absent or expired.
pub(super) const CLAIM_FREE: &str = "attribute_not_exists(pk) OR expires_at <= :now";

pub(super) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(super) fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub(super) fn epoch_seconds(instant: DateTime<Utc>) -> i64 {
    instant.timestamp()
}

pub(super) fn key(pk: String, sk: &str) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

pub(super) fn seat_pk(offering: &OfferingKey, date: NaiveDate) -> String {
    format!(
        "SEAT#{}#{}#{}",
        offering.office,
        offering.service,
        format_date(date)
    )
}

pub(super) fn seat_sk(start: NaiveTime, seat: u32) -> String {
    format!("{}#{seat:03}", format_time(start))
}

pub(super) fn booking_key(id: &BookingId) -> Item {
    key(format!("BOOKING#{id}"), "BOOKING")
}

pub(super) fn code_key(code: &TokenHash) -> Item {
    key(format!("CODE#{}", code.to_hex()), "CODE")
}

pub(super) fn person_key(id: &BookingId) -> Item {
    key(format!("PERSON#{id}"), "PERSON")
}

pub(super) fn quota_pk(contact: &ContactKey) -> String {
    format!("QUOTA#{}", contact.as_str())
}

/// The GSI partition of a contact's bookings.
pub(super) fn contact_gsi_pk(contact: &ContactKey) -> String {
    format!("CONTACT#{}", contact.as_str())
}

pub(super) fn catalogue_key() -> Item {
    key("CATALOGUE".to_owned(), "CURRENT")
}

pub(super) fn feedback_pk(day: NaiveDate) -> String {
    format!("FEEDBACK#{}", format_date(day))
}

pub(super) fn outbox_key(id: &MessageId) -> Item {
    key(format!("OUTBOX#{id}"), "OUTBOX")
}

/// The largest instant a pending message's sort key can hold: 15 digits of milliseconds (the
/// year 33658). Later instants ("every pending message") are read as this one.
const LAST_DUE_MILLIS: i64 = 999_999_999_999_999;

/// A pending message's sort key in the GSI's `OUTBOX#PENDING` partition: when it is next due,
/// then its id, so that the partition reads soonest due first. A message is due when queued, so
/// items written before messages had their own next attempt (`created_at#id`) read the same.
pub(super) fn pending_sk(due: DateTime<Utc>, id: &MessageId) -> String {
    format!("{:015}#{id}", millis(due).clamp(0, LAST_DUE_MILLIS))
}

/// The sort keys below this one are those of the messages due at `now` (`due <= now`).
pub(super) fn pending_sk_after(now: DateTime<Utc>) -> String {
    format!("{:015}", millis(now).saturating_add(1).clamp(0, LAST_DUE_MILLIS))
}

/// The partition of an office's agenda of a day: an item per confirmed booking, carrying its
/// visit at the counter.
pub(super) fn agenda_pk(office: &OfficeId, date: NaiveDate) -> String {
    format!("AGENDA#{office}#{}", format_date(date))
}

/// A booking's item in its agenda partition: start time first, so the partition reads in order.
pub(super) fn agenda_key(booking: &crate::Booking) -> Item {
    key(
        agenda_pk(&booking.offering.office, booking.date),
        &format!("{}#{}", format_time(booking.start), booking.id),
    )
}

/// The partition of an office's statistics: the first free slot's hourly samples, sorted by day,
/// hour and service (`FREE#date#HH#service`), so a range of days is one Query.
pub(super) fn statistics_pk(office: &OfficeId) -> String {
    format!("STATS#{office}")
}

pub(super) fn free_sample_sk(date: NaiveDate, hour: u32, service: &prenota_core::ServiceId) -> String {
    format!("FREE#{}#{hour:02}#{service}", format_date(date))
}

/// The ticket counter of an office's day, per series (`A`, `S`).
pub(super) fn tickets_key(office: &OfficeId, date: NaiveDate, series: char) -> Item {
    key(
        format!("TICKETS#{office}#{}", format_date(date)),
        &series.to_string(),
    )
}

/// The partition of an office's audit entries of a day (`-` for actions of no office).
pub(super) fn audit_pk(office: Option<&OfficeId>, day: NaiveDate) -> String {
    format!(
        "AUDIT#{}#{}",
        office.map_or("-", OfficeId::as_str),
        format_date(day)
    )
}

/// The item that counts the SMS sent in the hour starting at `hour` (see `count_sms`).
pub(super) fn sms_hour_key(hour: DateTime<Utc>) -> Item {
    key(format!("SMS#{}", hour.format("%Y-%m-%dT%H")), "SMS")
}

stored_names! {
    /// What a link code (`CODE#…` item) opens: the confirmation page or the booking page. A code
    /// opens only what it was made for.
    pub(super) enum CodePurpose {
        Confirm = "confirm",
        Page = "page",
    }
}

/// The item of a link code: which booking it opens, and for what.
pub(super) fn code_item(code: &TokenHash, booking: &BookingId, purpose: CodePurpose) -> Item {
    let mut item = code_key(code);
    item.insert("booking".into(), s(booking.as_str()));
    item.insert("purpose".into(), s(purpose.as_str()));
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_messages_sort_by_when_they_are_due() {
        use chrono::TimeZone;
        let id = MessageId::new("abc");
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
        assert_eq!(pending_sk(at, &id), "001795683600000#abc");
        let ms = chrono::Duration::milliseconds(1);
        assert!(pending_sk(at, &id) < pending_sk_after(at), "due at `at`");
        assert!(pending_sk(at + ms, &id) > pending_sk_after(at), "not due yet");
        assert!(pending_sk(at - ms, &MessageId::new("zzz")) < pending_sk(at, &id));
        let every = pending_sk_after(DateTime::<Utc>::MAX_UTC);
        assert!(pending_sk(at + chrono::Duration::days(365 * 100), &id) < every);
        assert_eq!(sms_hour_key(at)["pk"], s("SMS#2026-11-26T09"));
    }

    #[test]
    fn code_purposes_keep_their_stored_names() {
        for (purpose, stored) in [(CodePurpose::Confirm, "confirm"), (CodePurpose::Page, "page")] {
            assert_eq!(purpose.as_str(), stored);
            assert_eq!(CodePurpose::parse(stored), Some(purpose));
        }
        assert_eq!(CodePurpose::parse("Page"), None);
    }
}
