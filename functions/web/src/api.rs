//! The JSON API of the wizard: services, offices, slots, hold, release, details, my bookings,
//! and the rating of the service.

use http::StatusCode;
use http::header;
use prenota_core::calendar::ROME;
use prenota_core::catalogue::{Lang, Offering, Service};
use prenota_core::contact::Contact;
use prenota_core::dates::{format_date, format_time, parse_date, parse_time};
use prenota_core::feedback::{Feedback, FeedbackReason, Rating};
use prenota_core::geo::Position;
use prenota_core::lifecycle::TransitionError;
use prenota_core::slots::{FreeSlot, SlotError};
use prenota_core::text::{Details, PersonName};
use prenota_core::{OfferingKey, OfficeId, ServiceId, Token, TokenHash};
use prenota_store::{Availability, DetailsRequest, FeedbackEntry, HoldRequest, Person, StoreError};
use serde_json::{Map, Value, json};

use crate::app::{Answer, App, Incoming, json, store_problem};
use crate::problem::{Code, Problem, contact_detail};
use crate::render;

type Handled = Result<Answer, Problem>;

/// A JSON request body: an object whose fields are read one by one, each with its own error.
struct Body {
    fields: Map<String, Value>,
    lang: Lang,
}

impl Body {
    fn parse(incoming: &Incoming<'_>) -> Result<Self, Problem> {
        let lang = incoming.lang;
        let content_type = incoming
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media != "application/json" {
            return Err(Problem::new(Code::UnsupportedMediaType, lang));
        }
        let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(incoming.body) else {
            return Err(Problem::new(Code::MalformedJson, lang));
        };
        let lang = match fields.get("lang") {
            None | Some(Value::Null) => lang,
            Some(Value::String(raw)) => {
                Lang::parse(raw).ok_or_else(|| Problem::new(Code::InvalidLang, lang).field("lang"))?
            }
            Some(_) => return Err(Problem::new(Code::InvalidLang, lang).field("lang")),
        };
        Ok(Self { fields, lang })
    }

    fn text(&self, name: &str, code: Code) -> Result<&str, Problem> {
        match self.fields.get(name) {
            Some(Value::String(value)) => Ok(value),
            _ => Err(Problem::new(code, self.lang).field(name)),
        }
    }

    fn optional_text(&self, name: &str, code: Code) -> Result<Option<&str>, Problem> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(Problem::new(code, self.lang).field(name)),
        }
    }

    fn optional_integer(&self, name: &str, code: Code) -> Result<Option<i64>, Problem> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_i64()
                .map(Some)
                .ok_or_else(|| Problem::new(code, self.lang).field(name)),
        }
    }

    fn accepted_terms(&self) -> Result<(), Problem> {
        match self.fields.get("accept_terms") {
            Some(Value::Bool(true)) => Ok(()),
            _ => Err(Problem::new(Code::TermsNotAccepted, self.lang).field("accept_terms")),
        }
    }
}

fn service_of<'a>(app: &'a App, raw: &str, lang: Lang) -> Result<&'a Service, Problem> {
    ServiceId::parse(raw)
        .ok()
        .and_then(|id| app.catalogue.service(&id))
        .ok_or_else(|| Problem::new(Code::UnknownService, lang))
}

fn offering_of<'a>(app: &'a App, service: &str, office: &str, lang: Lang) -> Result<&'a Offering, Problem> {
    let service = service_of(app, service, lang)?;
    let office = OfficeId::parse(office)
        .ok()
        .and_then(|id| app.catalogue.office(&id))
        .ok_or_else(|| Problem::new(Code::UnknownOffice, lang))?;
    app.catalogue
        .offering(&OfferingKey {
            office: office.id.clone(),
            service: service.id.clone(),
        })
        .ok_or_else(|| Problem::new(Code::NotOffered, lang))
}

/// The service as the list shows it; its duration is its shortest slot among the offices.
fn service_json(app: &App, service: &Service, lang: Lang) -> Value {
    let duration = app
        .catalogue
        .offerings_of(&service.id)
        .map(|o| o.slot_minutes)
        .min();
    json!({
        "id": service.id.as_str(),
        "name": service.name.get(lang),
        "summary": service.summary.get(lang),
        "duration_minutes": duration,
    })
}

fn slot_json(free: &FreeSlot) -> Value {
    json!({
        "date": format_date(free.slot.date),
        "start": format_time(free.slot.start),
        "end": format_time(free.slot.end),
    })
}

pub fn services(app: &App, incoming: &Incoming<'_>) -> Handled {
    let query = incoming.query("q").unwrap_or("");
    if query.chars().count() > 100 {
        return Err(Problem::new(Code::InvalidQuery, incoming.lang).field("q"));
    }
    let found: Vec<Value> = prenota_core::search::search(&app.catalogue, query)
        .into_iter()
        .map(|service| service_json(app, service, incoming.lang))
        .collect();
    Ok(json(StatusCode::OK, &json!({ "services": found })))
}

fn position(incoming: &Incoming<'_>) -> Result<Option<Position>, Problem> {
    let problem = || Problem::new(Code::InvalidPosition, incoming.lang);
    match (incoming.query("lat"), incoming.query("lon")) {
        (None, None) => Ok(None),
        (Some(lat), Some(lon)) => {
            let lat: f64 = lat.trim().parse().map_err(|_| problem().field("lat"))?;
            let lon: f64 = lon.trim().parse().map_err(|_| problem().field("lon"))?;
            Position::new(lat, lon).map(Some).map_err(|_| problem())
        }
        _ => Err(problem()),
    }
}

pub async fn offices(app: &App, incoming: &Incoming<'_>) -> Handled {
    let lang = incoming.lang;
    let service = service_of(app, incoming.param("service_id"), lang)?;
    let here = position(incoming)?;
    let now = app.clock.now();
    let today = prenota_core::calendar::local(now).date();
    let mut offices = Vec::new();
    for offering in app.catalogue.offerings_of(&service.id) {
        let Some(office) = app.catalogue.office(&offering.key.office) else {
            continue;
        };
        let first = app
            .store
            .first_free_slot(&app.catalogue, offering, today, now)
            .await
            .map_err(|e| store_problem(&e, lang))?;
        let distance = here.and_then(|here| {
            Position::new(office.lat, office.lon)
                .ok()
                .map(|there| here.distance_m(&there))
        });
        offices.push((first, distance, office));
    }
    // By first free slot (none last), then by distance (unknown last), then by name.
    offices.sort_by(|a, b| {
        let slot_key = |f: &Option<FreeSlot>| f.as_ref().map(|f| f.slot.starts_at);
        match (slot_key(&a.0), slot_key(&b.0)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(a.1.unwrap_or(u32::MAX).cmp(&b.1.unwrap_or(u32::MAX)))
        .then(a.2.name.cmp(&b.2.name))
    });
    let list: Vec<Value> = offices
        .iter()
        .map(|(first, distance, office)| {
            json!({
                "id": office.id.as_str(),
                "name": office.name,
                "address": office.address,
                "lat": office.lat,
                "lon": office.lon,
                "distance_m": distance,
                "first_slot": first.as_ref().map(slot_json),
            })
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &json!({ "service": service_json(app, service, lang), "offices": list }),
    ))
}

pub async fn slots(app: &App, incoming: &Incoming<'_>) -> Handled {
    let lang = incoming.lang;
    let offering = offering_of(
        app,
        incoming.param("service_id"),
        incoming.param("office_id"),
        lang,
    )?;
    let now = app.clock.now();
    let (first, last) = app.catalogue.booking_window(offering, now);
    let days = app
        .store
        .days_with_free_slots(&app.catalogue, offering, first, now)
        .await
        .map_err(|e| store_problem(&e, lang))?;
    let date = match incoming.query("date") {
        Some(raw) => {
            let date = parse_date(raw).map_err(|_| Problem::new(Code::InvalidDate, lang).field("date"))?;
            if date < first || date > last {
                return Err(Problem::new(Code::DateOutsideWindow, lang).field("date"));
            }
            Some(date)
        }
        None => days.first().copied(),
    };
    let free = match date {
        Some(date) => app
            .store
            .day_availability(&app.catalogue, offering, date, now)
            .await
            .map_err(|e| store_problem(&e, lang))?,
        None => Vec::new(),
    };
    let answer = DayAnswer {
        date: date.map(format_date),
        slots: free
            .iter()
            .map(|f| SlotTimes {
                start: format_time(f.slot.start),
                end: format_time(f.slot.end),
            })
            .collect(),
        days: days.into_iter().map(format_date).collect(),
    };
    Ok(json(StatusCode::OK, &answer))
}

/// The answer of GET slots, written as a type: the busiest route builds no `Value` tree.
#[derive(serde::Serialize)]
struct DayAnswer {
    date: Option<String>,
    slots: Vec<SlotTimes>,
    days: Vec<String>,
}

#[derive(serde::Serialize)]
struct SlotTimes {
    start: String,
    end: String,
}

fn slot_problem(error: SlotError, lang: Lang) -> Problem {
    match error {
        SlotError::NoSuchSlot => Problem::new(Code::NoSuchSlot, lang),
        SlotError::OutsideWindow { .. } => Problem::new(Code::DateOutsideWindow, lang).field("date"),
        SlotError::Started => Problem::new(Code::SlotStarted, lang),
    }
}

pub async fn hold(app: &App, incoming: &Incoming<'_>) -> Handled {
    let body = Body::parse(incoming)?;
    let lang = body.lang;
    let offering = offering_of(
        app,
        body.text("service_id", Code::InvalidField)?,
        body.text("office_id", Code::InvalidField)?,
        lang,
    )?;
    let date = parse_date(body.text("date", Code::InvalidDate)?)
        .map_err(|_| Problem::new(Code::InvalidDate, lang).field("date"))?;
    let start = parse_time(body.text("start", Code::InvalidTime)?)
        .map_err(|_| Problem::new(Code::InvalidTime, lang).field("start"))?;
    let now = app.clock.now();
    let slot = app
        .catalogue
        .bookable_slot(offering, date, start, now)
        .map_err(|e| slot_problem(e, lang))?;
    let token = Token::generate().map_err(|_| Problem::new(Code::InternalError, lang))?;
    let expires_at = now + app.settings.hold_ttl;
    let request = HoldRequest {
        hold: token.hash(),
        offering: offering.key.clone(),
        slot,
        capacity: offering.desks,
        expires_at,
    };
    match app.store.hold(&request, now).await {
        Ok(()) => Ok(json(
            StatusCode::CREATED,
            &json!({ "hold_id": token.encode(), "expires_at": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) }),
        )),
        Err(StoreError::SlotTaken) => Err(Problem::new(Code::SlotTaken, lang)),
        Err(other) => Err(store_problem(&other, lang)),
    }
}

/// The hold id of the path, as the hash the store knows it by.
fn hold_of(incoming: &Incoming<'_>, lang: Lang) -> Result<TokenHash, Problem> {
    Token::parse(incoming.param("hold_id"))
        .map(|token| token.hash())
        .map_err(|_| Problem::new(Code::HoldNotFound, lang))
}

fn transition_problem(error: &StoreError, lang: Lang) -> Problem {
    match error {
        StoreError::NotFound => Problem::new(Code::HoldNotFound, lang),
        StoreError::Transition(TransitionError::Expired) => Problem::new(Code::HoldExpired, lang),
        StoreError::Transition(TransitionError::Cancelled) => Problem::new(Code::HoldReleased, lang),
        StoreError::Transition(_) => Problem::new(Code::AlreadySubmitted, lang),
        StoreError::Quota(_) => Problem::new(Code::QuotaExceeded, lang),
        StoreError::SlotTaken => Problem::new(Code::SlotTaken, lang),
        other => store_problem(other, lang),
    }
}

pub async fn release(app: &App, incoming: &Incoming<'_>) -> Handled {
    let lang = incoming.lang;
    let hold = hold_of(incoming, lang)?;
    app.store
        .release(&hold, app.clock.now())
        .await
        .map_err(|e| transition_problem(&e, lang))?;
    Ok(crate::app::respond(
        StatusCode::NO_CONTENT,
        "application/json",
        "",
    ))
}

pub async fn details(app: &App, incoming: &Incoming<'_>) -> Handled {
    let body = Body::parse(incoming)?;
    let lang = body.lang;
    let hold = hold_of(incoming, lang)?;
    let name = PersonName::parse(body.text("name", Code::InvalidName)?)
        .map_err(|_| Problem::new(Code::InvalidName, lang).field("name"))?;
    let surname = PersonName::parse(body.text("surname", Code::InvalidSurname)?)
        .map_err(|_| Problem::new(Code::InvalidSurname, lang).field("surname"))?;
    let contact = Contact::parse(body.text("contact", Code::InvalidContact)?)
        .map_err(|e| Problem::with_detail(Code::InvalidContact, contact_detail(&e, lang)).field("contact"))?;
    let details = match body.optional_text("details", Code::InvalidDetails)? {
        None => None,
        Some(raw) => {
            Details::parse(raw).map_err(|_| Problem::new(Code::InvalidDetails, lang).field("details"))?
        }
    };
    body.accepted_terms()?;

    let now = app.clock.now();
    let booking = app
        .store
        .booking_by_hold(&hold, now)
        .await
        .map_err(|e| transition_problem(&e, lang))?;
    let confirm = Token::generate().map_err(|_| Problem::new(Code::InternalError, lang))?;
    let confirm_by = now + app.settings.confirm_ttl;
    let person = Person {
        name,
        surname,
        contact: contact.clone(),
        details,
        lang,
    };
    let facts = render::facts(app, &booking, Some(&person), lang);
    let message = render::confirmation_request(app, &facts, &contact, &confirm, confirm_by, now)
        .map_err(|_| Problem::new(Code::InternalError, lang))?;
    let request = DetailsRequest {
        hold,
        confirm_code: confirm.hash(),
        contact_key: contact.key(&app.secrets.hmac),
        person,
        confirm_by,
        quota: app.settings.quota,
        erase_after: booking.ends_at + app.settings.retention,
        messages: vec![message],
    };
    app.store
        .submit_details(&request, now)
        .await
        .map_err(|e| transition_problem(&e, lang))?;
    Ok(json(
        StatusCode::ACCEPTED,
        &json!({
            "channel": contact.channel().as_str(),
            "masked_contact": contact.masked(),
            "confirm_by": confirm_by.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }),
    ))
}

/// Always the same answer, whatever the contact: the list is built and sent by the sender, so
/// neither the body nor the time taken says whether the contact has bookings.
pub async fn my_bookings(app: &App, incoming: &Incoming<'_>) -> Handled {
    let body = Body::parse(incoming)?;
    let lang = body.lang;
    let contact = Contact::parse(body.text("contact", Code::InvalidContact)?)
        .map_err(|e| Problem::with_detail(Code::InvalidContact, contact_detail(&e, lang)).field("contact"))?;
    body.accepted_terms()?;
    let now = app.clock.now();
    app.store
        .enqueue(
            &render::bookings_list_request(&contact, lang, now)
                .map_err(|_| Problem::new(Code::InternalError, lang))?,
        )
        .await
        .map_err(|e| store_problem(&e, lang))?;
    let text = match lang {
        Lang::It => "Se ci sono prenotazioni future per questo contatto, riceverai l'elenco lì a breve.",
        Lang::En => "If this contact has future bookings, the list will reach it shortly.",
    };
    Ok(json(StatusCode::ACCEPTED, &json!({ "message": text })))
}

/// An anonymous rating: no contact, no booking, no address, and the day without the time.
pub async fn feedback(app: &App, incoming: &Incoming<'_>) -> Handled {
    let body = Body::parse(incoming)?;
    let lang = body.lang;
    let rating = body
        .optional_integer("rating", Code::InvalidRating)?
        .and_then(|value| Rating::new(value).ok())
        .ok_or_else(|| Problem::new(Code::InvalidRating, lang).field("rating"))?;
    let reason = match body.optional_text("reason", Code::InvalidReason)? {
        None => None,
        Some(raw) => {
            FeedbackReason::parse(raw).map_err(|_| Problem::new(Code::InvalidReason, lang).field("reason"))?
        }
    };
    let id = Token::generate().map_err(|_| Problem::new(Code::InternalError, lang))?;
    let entry = FeedbackEntry {
        id: id.encode(),
        day: app.clock.now().with_timezone(&ROME).date_naive(),
        feedback: Feedback { rating, reason, lang },
    };
    app.store
        .record_feedback(&entry)
        .await
        .map_err(|e| store_problem(&e, lang))?;
    Ok(crate::app::respond(
        StatusCode::NO_CONTENT,
        "application/json",
        "",
    ))
}
