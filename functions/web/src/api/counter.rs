//! The counter's JSON API: the agenda, check-in, calls, recall, put back, outcomes, the audit
//! log, the QR's public key and the waiting-room display. Each handler parses, calls one use case
//! of `usecases::counter` and renders; the display never carries personal data.

use chrono::{DateTime, Utc};
use http::StatusCode;
use http::header::{self, HeaderValue};
use prenota_core::contact::Contact;
use prenota_core::counter::{CounterEvent, Desk};
use prenota_core::dates::{format_date, format_time, parse_date, parse_time};
use prenota_core::staff::StaffIdentity;
use prenota_core::text::{Details, PersonName};
use prenota_core::{OfficeId, ServiceId, ShortCode};
use prenota_store::{AgendaEntry, DisplayBoard, Person, Store};
use prenota_usecases::Context;
use prenota_usecases::counter::{self, CheckInBy};
use prenota_usecases::walk_in::{self, WalkIn};
use serde_json::{Value, json};

use super::{Handled, instant};
use crate::answer::{json, no_content};
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};

fn office_param(incoming: &Incoming<'_>) -> Result<OfficeId, Problem> {
    OfficeId::parse(incoming.param("office_id")).map_err(|_| Problem::new(Code::UnknownOffice))
}

fn date_query(incoming: &Incoming<'_>) -> Result<Option<chrono::NaiveDate>, Problem> {
    incoming
        .query("date")
        .map(|raw| parse_date(raw).map_err(|_| Problem::new(Code::InvalidDate).field("date")))
        .transpose()
}

fn code_param(incoming: &Incoming<'_>) -> Result<ShortCode, Problem> {
    ShortCode::parse(incoming.param("short_code")).map_err(|_| Problem::new(Code::UnknownBooking))
}

fn optional_instant(at: Option<DateTime<Utc>>) -> Value {
    at.map_or(Value::Null, |at| Value::String(instant(at)))
}

/// An agenda entry as the counter page reads it (`Entry` in docs/counter.md).
pub fn entry_json(entry: &AgendaEntry) -> Value {
    let booking = &entry.booking;
    let person = booking.person.as_ref();
    let visit = entry.visit.as_ref();
    json!({
        "short_code": booking.short_code.as_ref().map(ShortCode::display),
        "service_id": booking.offering.service.as_str(),
        "date": format_date(booking.date),
        "start": format_time(booking.start),
        "end": format_time(booking.end),
        "state": entry.state(),
        "name": person.map(|p| p.name.as_str()),
        "surname": person.map(|p| p.surname.as_str()),
        "details": person.and_then(|p| p.details.as_ref()).map(|d| d.as_str()),
        "ticket": visit.and_then(|v| v.ticket.as_ref()).map(|t| t.as_str()),
        "desk": visit.and_then(|v| v.desk.as_ref()).map(Desk::as_str),
        "checked_in_at": optional_instant(visit.and_then(|v| v.checked_in_at)),
        "called_at": optional_instant(visit.and_then(|v| v.called_at)),
        "finished_at": optional_instant(visit.and_then(|v| v.finished_at)),
        "walk_in": visit.is_some_and(|v| v.walk_in),
    })
}

pub async fn agenda(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
) -> Handled {
    let office = office_param(incoming)?;
    let (date, entries) = counter::agenda(context, store, identity, &office, date_query(incoming)?).await?;
    let bookings: Vec<Value> = entries.iter().map(entry_json).collect();
    Ok(json(
        StatusCode::OK,
        &json!({ "date": format_date(date), "office_id": office.as_str(), "bookings": bookings }),
    ))
}

pub async fn audit(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
) -> Handled {
    let office = office_param(incoming)?;
    let (date, entries) =
        counter::audit_log(context, store, identity, &office, date_query(incoming)?).await?;
    let entries: Vec<Value> = entries
        .iter()
        .map(|entry| {
            json!({
                "at": instant(entry.at),
                "actor": entry.actor,
                "action": entry.action.as_str(),
                "short_code": entry.short_code.as_ref().map(ShortCode::display),
            })
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &json!({ "office_id": office.as_str(), "date": format_date(date), "entries": entries }),
    ))
}

pub fn checkin_key(context: &Context) -> Handled {
    let key = context.secrets.checkin.verifier().to_base64();
    let mut answer = json(
        StatusCode::OK,
        &json!({ "algorithm": "Ed25519", "public_key": key }),
    );
    // Public and the same for months: counters may keep it for offline checks.
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(answer)
}

pub async fn check_in(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    body: &Body,
) -> Handled {
    let office = body.parsed("office_id", Code::UnknownOffice, OfficeId::parse)?;
    let by = match body.optional_text("token", Code::InvalidToken)? {
        Some(token) => CheckInBy::Token(token),
        None => CheckInBy::ShortCode(body.parsed("short_code", Code::UnknownBooking, ShortCode::parse)?),
    };
    let entry = counter::check_in(context, store, identity, &office, by).await?;
    Ok(json(StatusCode::OK, &entry_json(&entry)))
}

pub async fn call_next(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
    body: &Body,
) -> Handled {
    let office = office_param(incoming)?;
    let desk = body.parsed("desk", Code::InvalidDesk, |raw| Desk::parse(raw).ok_or(()))?;
    match counter::call_next(context, store, identity, &office, &desk).await? {
        Some(entry) => Ok(json(StatusCode::OK, &entry_json(&entry))),
        None => Ok(no_content()),
    }
}

/// Recall (`{"desk"}`), put back (no body) or an outcome (`{"outcome"}`).
pub async fn step(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
    body: Option<&Body>,
    event: Option<CounterEvent>,
) -> Handled {
    let code = code_param(incoming)?;
    let event = match (event, body) {
        (Some(event), _) => event,
        (None, Some(body)) => body.parsed("outcome", Code::InvalidOutcome, |raw| match raw {
            "served" => Ok(CounterEvent::Served),
            "no_show" => Ok(CounterEvent::NoShow),
            _ => Err(()),
        })?,
        (None, None) => return Err(Problem::new(Code::InvalidOutcome).field("outcome")),
    };
    let desk = match body {
        Some(body) if event == CounterEvent::Recall => {
            body.optional_parsed("desk", Code::InvalidDesk, |raw| Desk::parse(raw).ok_or(()))?
        }
        _ => None,
    };
    let entry = counter::step(context, store, identity, &code, event, desk.as_ref()).await?;
    Ok(json(StatusCode::OK, &entry_json(&entry)))
}

/// The display's answer: tickets, desks and times, never a name or a code.
pub fn display_json(office: &OfficeId, board: &DisplayBoard) -> Value {
    let called: Vec<Value> = board
        .called
        .iter()
        .map(|call| json!({ "ticket": call.ticket.as_str(), "desk": call.desk.as_str(), "at": instant(call.at) }))
        .collect();
    json!({ "office_id": office.as_str(), "called": called, "waiting": board.waiting })
}

pub async fn display(context: &Context, store: &dyn Store, incoming: &Incoming<'_>) -> Handled {
    let office = office_param(incoming)?;
    let board = counter::display(context, store, &office).await?;
    let mut answer = json(StatusCode::OK, &display_json(&office, &board));
    // A CDN may serve it for a second to a hundred screens: the display polls, one origin
    // request a second per office whatever the number of screens.
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=1"),
    );
    Ok(answer)
}

/// `POST /api/staff/offices/{office_id}/walk-ins`: a booking made by the clerk. Name, surname
/// and contact (and notes) come together or not at all: without a contact the walk-in is
/// anonymous.
pub async fn walk_in(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
    body: &Body,
) -> Handled {
    let office = office_param(incoming)?;
    let service = body.parsed("service_id", Code::UnknownService, ServiceId::parse)?;
    let date = body.optional_parsed("date", Code::InvalidDate, parse_date)?;
    let start = body.optional_parsed("start", Code::InvalidTime, parse_time)?;
    let check_in = body
        .optional_bool("check_in", Code::InvalidField)?
        .unwrap_or(true);
    // Notes are personal data too: they come with a name and a contact, or not at all.
    let named = ["name", "surname", "contact", "details"].iter().any(|field| {
        body.optional_text(field, Code::InvalidField)
            .ok()
            .flatten()
            .is_some()
    });
    let person = if named {
        let destinations = &context.settings.sms_destinations;
        Some(Person {
            name: body.parsed("name", Code::InvalidName, PersonName::parse)?,
            surname: body.parsed("surname", Code::InvalidSurname, PersonName::parse)?,
            contact: Contact::parse_with(body.text("contact", Code::InvalidContact)?, destinations)?,
            details: body
                .optional_parsed("details", Code::InvalidDetails, Details::parse)?
                .flatten(),
            lang: body.lang,
        })
    } else {
        None
    };
    let request = WalkIn {
        service,
        date,
        start,
        person,
        check_in,
    };
    let entry = walk_in::walk_in(context, store, identity, &office, request).await?;
    Ok(json(StatusCode::CREATED, &entry_json(&entry)))
}
