//! Stored forms read back, the same in both adapters: each adapter reads its rows or items as
//! [`Fields`], and these turn them into domain values. A stored value that no longer parses
//! means a corrupt store ([`StoreError::Corrupt`]); the message names the field, and its value
//! unless it is personal data.

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::dates::{parse_date, parse_time};
use prenota_core::feedback::{Feedback, FeedbackReason, Rating};
use prenota_core::household::HouseholdSeat;
use prenota_core::reminder::Reconfirmation;
use prenota_core::text::{Details, PersonName};
use prenota_core::{BookingId, BookingState, OfferingKey, OfficeId, ServiceId, ShortCode, StoredState};

use crate::{
    Booking, Delivery, MessageChannel, MessageId, MessageKind, OutboxEntry, OutboxMessage, Person,
    StoreError, StoreResult,
};

pub(crate) fn millis(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_millis()
}

pub(crate) fn from_millis(value: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(value).ok_or_else(|| StoreError::Corrupt(format!("timestamp {value}")))
}

/// A stored value that does not parse.
pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

pub(crate) fn stored_booking_id(id: &str) -> StoreResult<BookingId> {
    BookingId::parse(id).map_err(|_| corrupt("booking id", id))
}

/// A row (SQLite) or an item (DynamoDB) read back: both stores name a booking's, a person's and a
/// message's fields alike, so each is read in one place.
pub(crate) trait Fields {
    fn text(&self, name: &str) -> StoreResult<&str>;
    fn optional_text(&self, name: &str) -> StoreResult<Option<&str>>;
    fn number(&self, name: &str) -> StoreResult<i64>;
    fn optional_number(&self, name: &str) -> StoreResult<Option<i64>>;
}

/// A booking as it is at `now`, with its personal data (`None` before the details step and after
/// erasure).
pub(crate) fn stored_booking(
    fields: &impl Fields,
    person: Option<Person>,
    now: DateTime<Utc>,
) -> StoreResult<Booking> {
    let state = fields.text("state")?;
    let stored = StoredState::parse(state).ok_or_else(|| corrupt("state", state))?;
    let expires_at = fields
        .optional_number("expires_at")?
        .map(from_millis)
        .transpose()?;
    let (office, service) = (fields.text("office")?, fields.text("service")?);
    let (date, start, end) = (fields.text("date")?, fields.text("start")?, fields.text("end")?);
    Ok(Booking {
        id: stored_booking_id(fields.text("id")?)?,
        offering: OfferingKey {
            office: OfficeId::parse(office).map_err(|_| corrupt("office", office))?,
            service: ServiceId::parse(service).map_err(|_| corrupt("service", service))?,
        },
        date: parse_date(date).map_err(|_| corrupt("date", date))?,
        start: parse_time(start).map_err(|_| corrupt("start", start))?,
        end: parse_time(end).map_err(|_| corrupt("end", end))?,
        starts_at: from_millis(fields.number("starts_at")?)?,
        ends_at: from_millis(fields.number("ends_at")?)?,
        state: BookingState::at(stored, expires_at, now),
        expires_at,
        short_code: fields
            .optional_text("short_code")?
            .map(|code| ShortCode::parse(code).map_err(|_| corrupt("short code", code)))
            .transpose()?,
        person,
        reconfirmation: fields
            .optional_text("reconfirmation")?
            .map(|raw| Reconfirmation::parse(raw).ok_or_else(|| corrupt("reconfirmation", raw)))
            .transpose()?,
        household: stored_household(fields)?,
    })
}

/// A household booking's place in its household; `None` for a booking of one person.
fn stored_household(fields: &impl Fields) -> StoreResult<Option<HouseholdSeat>> {
    let Some(lead) = fields.optional_text("household_lead")? else {
        return Ok(None);
    };
    let place = |name: &str| -> StoreResult<u32> {
        let value = fields.optional_number(name)?.unwrap_or(-1);
        u32::try_from(value).map_err(|_| corrupt(name, &value.to_string()))
    };
    Ok(Some(HouseholdSeat {
        lead: stored_booking_id(lead)?,
        seat: place("household_seat")?,
        size: place("household_size")?,
    }))
}

/// Who a booking is for, read back. Values stay out of the error: they are personal data.
pub(crate) fn stored_person(fields: &impl Fields) -> StoreResult<Person> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("person {what}"));
    Ok(Person {
        name: PersonName::from_stored(fields.text("name")?).map_err(|_| corrupt("name"))?,
        surname: PersonName::from_stored(fields.text("surname")?).map_err(|_| corrupt("surname"))?,
        contact: Contact::parse(fields.text("contact")?).map_err(|_| corrupt("contact"))?,
        details: fields
            .optional_text("details")?
            .map(Details::parse)
            .transpose()
            .map_err(|_| corrupt("details"))?
            .flatten(),
        lang: Lang::parse(fields.text("lang")?).ok_or_else(|| corrupt("lang"))?,
    })
}

/// An outbox message and its delivery, read back. The recipient and payload are empty once
/// erased (DynamoDB removes them). Items and rows from before messages had their own next
/// attempt have neither `attempts` nor `next_attempt_at`: never tried, due since queued.
pub(crate) fn stored_entry(fields: &impl Fields) -> StoreResult<OutboxEntry> {
    let (kind, channel) = (fields.text("kind")?, fields.text("channel")?);
    let delivery = fields.text("delivery")?;
    let created_at = from_millis(fields.number("created_at")?)?;
    let attempts = fields.optional_number("attempts")?.unwrap_or(0);
    Ok(OutboxEntry {
        message: OutboxMessage {
            id: MessageId::new(fields.text("id")?),
            kind: MessageKind::parse(kind).ok_or_else(|| corrupt("message kind", kind))?,
            channel: MessageChannel::parse(channel).ok_or_else(|| corrupt("message channel", channel))?,
            recipient: fields.optional_text("recipient")?.unwrap_or_default().to_owned(),
            payload: fields.optional_text("payload")?.unwrap_or_default().to_owned(),
            created_at,
        },
        delivery: Delivery::parse(delivery).ok_or_else(|| corrupt("delivery", delivery))?,
        detail: fields.optional_text("detail")?.map(str::to_owned),
        attempts: u32::try_from(attempts).map_err(|_| corrupt("attempts", &attempts.to_string()))?,
        // Written before messages had their own next attempt: due since it was queued.
        next_attempt_at: match fields.optional_number("next_attempt_at")? {
            Some(next) => from_millis(next)?,
            None => created_at,
        },
    })
}

/// A rating read back.
pub(crate) fn stored_feedback(rating: i64, reason: Option<&str>, lang: &str) -> StoreResult<Feedback> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("feedback {what}"));
    Ok(Feedback {
        rating: Rating::new(rating).map_err(|_| corrupt("rating"))?,
        reason: reason
            .map(FeedbackReason::parse)
            .transpose()
            .map_err(|_| corrupt("reason"))?
            .flatten(),
        lang: Lang::parse(lang).ok_or_else(|| corrupt("lang"))?,
    })
}

/// A booking's visit, read from the fields both stores name alike (`visit_state`, `ticket`,
/// `desk`, `checked_in_at`, `called_at`, `finished_at`); `None` before check-in.
pub(crate) fn stored_visit(fields: &impl Fields) -> StoreResult<Option<crate::Visit>> {
    use prenota_core::counter::{Desk, Ticket, VisitState};
    let Some(state) = fields.optional_text("visit_state")? else {
        return Ok(None);
    };
    let state = VisitState::parse(state).ok_or_else(|| corrupt("visit state", state))?;
    let ticket = match fields.optional_text("ticket")? {
        Some(raw) => Some(Ticket::parse(raw).ok_or_else(|| corrupt("ticket", raw))?),
        None => None,
    };
    let desk = match fields.optional_text("desk")? {
        Some(raw) => Some(Desk::parse(raw).ok_or_else(|| corrupt("desk", raw))?),
        None => None,
    };
    let walk_in = ticket.as_ref().is_some_and(|t| t.as_str().starts_with('S'));
    Ok(Some(crate::Visit {
        state,
        ticket,
        desk,
        checked_in_at: fields
            .optional_number("checked_in_at")?
            .map(from_millis)
            .transpose()?,
        called_at: fields
            .optional_number("called_at")?
            .map(from_millis)
            .transpose()?,
        finished_at: fields
            .optional_number("finished_at")?
            .map(from_millis)
            .transpose()?,
        walk_in,
    }))
}

/// A closure saved by staff, read back (`id`, `office`, `from_date`, `to_date`, `hours`,
/// `reason_it`, `reason_en`, `saved_by`, `saved_at`, `reopened_at`).
/// A booking's facts for statistics, from its booking fields (office, service, day, state) and
/// its agenda's (the visit): both one SQLite row, or a DynamoDB booking item and agenda item.
pub(crate) fn stored_facts(
    booking: &impl Fields,
    agenda: &impl Fields,
    now: DateTime<Utc>,
) -> StoreResult<prenota_core::statistics::BookingFacts> {
    let state = booking.text("state")?;
    let stored = StoredState::parse(state).ok_or_else(|| corrupt("state", state))?;
    let (office, service, date) = (
        booking.text("office")?,
        booking.text("service")?,
        booking.text("date")?,
    );
    let visit = stored_visit(agenda)?;
    Ok(prenota_core::statistics::BookingFacts {
        date: parse_date(date).map_err(|_| corrupt("date", date))?,
        office: OfficeId::parse(office).map_err(|_| corrupt("office", office))?,
        service: ServiceId::parse(service).map_err(|_| corrupt("service", service))?,
        // A booking on the agenda has no deadline left: its state is the stored one.
        state: crate::counter::agenda_state(BookingState::at(stored, None, now), visit.as_ref()),
        walk_in: visit.as_ref().is_some_and(|visit| visit.walk_in),
        checked_in_at: visit.as_ref().and_then(|visit| visit.checked_in_at),
        called_at: visit.as_ref().and_then(|visit| visit.called_at),
        finished_at: visit.as_ref().and_then(|visit| visit.finished_at),
    })
}

pub(crate) fn stored_closure(fields: &impl Fields) -> StoreResult<crate::SavedClosure> {
    use prenota_core::catalogue::{Closure, Localized, TimeRange};
    let office = fields
        .optional_text("office")?
        .map(|raw| OfficeId::parse(raw).map_err(|_| corrupt("closure office", raw)))
        .transpose()?;
    let date = |name: &str| -> StoreResult<chrono::NaiveDate> {
        let raw = fields.text(name)?;
        parse_date(raw).map_err(|_| corrupt("closure date", raw))
    };
    let hours = fields
        .optional_text("hours")?
        .map(|raw| TimeRange::parse(raw).map_err(|_| corrupt("closure hours", raw)))
        .transpose()?;
    let reason = Localized {
        it: fields.text("reason_it")?.to_owned(),
        en: fields.text("reason_en")?.to_owned(),
    };
    Ok(crate::SavedClosure {
        id: fields.text("id")?.to_owned(),
        closure: prenota_core::closure::StaffClosure {
            closure: Closure {
                office,
                from: date("from_date")?,
                to: date("to_date")?,
                hours,
                reason: reason.it.clone(),
            },
            reason,
        },
        saved_by: fields.text("saved_by")?.to_owned(),
        saved_at: from_millis(fields.number("saved_at")?)?,
        reopened_at: fields
            .optional_number("reopened_at")?
            .map(from_millis)
            .transpose()?,
    })
}

/// A change of the catalogue as stored, read back (the same fields in both stores).
pub(crate) fn stored_change(fields: &impl Fields) -> StoreResult<crate::CatalogueChange> {
    let list = |name: &str| -> StoreResult<Vec<&str>> {
        Ok(fields
            .text(name)?
            .split(',')
            .filter(|part| !part.is_empty())
            .collect())
    };
    let offices = list("offices")?
        .into_iter()
        .map(|raw| OfficeId::parse(raw).map_err(|_| corrupt("change office", raw)))
        .collect::<StoreResult<_>>()?;
    let displaced = list("displaced")?
        .into_iter()
        .map(stored_booking_id)
        .collect::<StoreResult<_>>()?;
    let reason = match (
        fields.optional_text("reason_it")?,
        fields.optional_text("reason_en")?,
    ) {
        (Some(it), Some(en)) => Some(prenota_core::catalogue::Localized {
            it: it.to_owned(),
            en: en.to_owned(),
        }),
        _ => None,
    };
    let version = fields.number("version")?;
    Ok(crate::CatalogueChange {
        id: fields.text("id")?.to_owned(),
        version: u64::try_from(version).map_err(|_| corrupt("change version", &version.to_string()))?,
        at: from_millis(fields.number("at")?)?,
        by: fields.text("by")?.to_owned(),
        offices,
        kind: fields.text("kind")?.to_owned(),
        edit: fields.text("edit")?.to_owned(),
        inverse: fields.text("inverse")?.to_owned(),
        displaced,
        reason,
        undoes: fields.optional_text("undoes")?.map(str::to_owned),
    })
}
