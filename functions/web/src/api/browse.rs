//! `GET /api/services`, `…/offices`, `…/slots`: the wizard's first three steps.

use http::StatusCode;
use prenota_core::catalogue::Lang;
use prenota_core::dates::{format_date, format_time, parse_date};
use prenota_core::geo::Position;
use prenota_core::slots::FreeSlot;
use prenota_core::{Catalogue, OfficeId, ServiceId};
use prenota_store::SeatStore;
use prenota_usecases::Context;
use prenota_usecases::browse::{self, NotInCatalogue, ServiceSummary};
use serde_json::{Value, json};

use super::Handled;
use crate::answer::json;
use crate::problem::{Code, Problem};
use crate::request::Incoming;

/// The service of the path: an id that cannot be one is a service the catalogue does not have.
fn service_id(raw: &str) -> Result<ServiceId, Problem> {
    ServiceId::parse(raw).map_err(|_| NotInCatalogue::Service.into())
}

fn office_id(raw: &str) -> Result<OfficeId, Problem> {
    OfficeId::parse(raw).map_err(|_| NotInCatalogue::Office.into())
}

/// The offering of a service and an office, each checked in that order.
pub(super) fn offering<'a>(
    catalogue: &'a Catalogue,
    service: &str,
    office: &str,
) -> Result<&'a prenota_core::Offering, Problem> {
    let service = browse::service(catalogue, &service_id(service)?)?;
    Ok(browse::offering(catalogue, &service.id, &office_id(office)?)?)
}

fn service_json(summary: &ServiceSummary<'_>, lang: Lang) -> Value {
    json!({
        "id": summary.service.id.as_str(),
        "name": summary.service.name.get(lang),
        "summary": summary.service.summary.get(lang),
        "duration_minutes": summary.duration_minutes,
    })
}

fn slot_json(free: &FreeSlot) -> Value {
    json!({
        "date": format_date(free.slot.date),
        "start": format_time(free.slot.start),
        "end": format_time(free.slot.end),
    })
}

pub fn services(context: &Context, incoming: &Incoming<'_>) -> Handled {
    let query = incoming.query("q").unwrap_or("");
    if query.chars().count() > 100 {
        return Err(Problem::new(Code::InvalidQuery).field("q"));
    }
    let found: Vec<Value> = browse::search(&context.catalogue(), query)
        .iter()
        .map(|summary| service_json(summary, incoming.lang))
        .collect();
    let quota = &context.settings.quota;
    // Stated before the details step: for how many one booking may be, and the quotas.
    let rules = json!({
        "people_max": quota.max_people,
        "active_per_person": quota.max_active,
        "active_per_contact": quota.max_active_per_contact,
        "per_service_day": quota.max_per_service_day,
    });
    Ok(json(
        StatusCode::OK,
        &json!({ "services": found, "rules": rules }),
    ))
}

/// `lat` and `lon` together, or neither.
fn position(incoming: &Incoming<'_>) -> Result<Option<Position>, Problem> {
    let problem = || Problem::new(Code::InvalidPosition);
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

pub async fn offices(context: &Context, seats: &dyn SeatStore, incoming: &Incoming<'_>) -> Handled {
    let lang = incoming.lang;
    let catalogue = context.catalogue();
    let service = browse::service(&catalogue, &service_id(incoming.param("service_id"))?)?;
    let here = position(incoming)?;
    let choices = browse::offices(context, &catalogue, seats, service, here).await?;
    let list: Vec<Value> = choices
        .iter()
        .map(|choice| {
            let office = choice.office;
            json!({
                "id": office.id.as_str(),
                "name": office.name,
                "address": office.address,
                "lat": office.lat,
                "lon": office.lon,
                "accessibility": office.accessibility.as_ref().map(|notes| notes.get(lang)),
                "distance_m": choice.distance_m,
                "first_slot": choice.first_slot.as_ref().map(slot_json),
            })
        })
        .collect();
    let summary = browse::summary(&catalogue, service);
    Ok(json(
        StatusCode::OK,
        &json!({ "service": service_json(&summary, lang), "offices": list }),
    ))
}

pub async fn slots(context: &Context, seats: &dyn SeatStore, incoming: &Incoming<'_>) -> Handled {
    let catalogue = context.catalogue();
    let offering = offering(
        &catalogue,
        incoming.param("service_id"),
        incoming.param("office_id"),
    )?;
    let date = incoming
        .query("date")
        .map(|raw| parse_date(raw).map_err(|_| Problem::new(Code::InvalidDate).field("date")))
        .transpose()?;
    let people = incoming
        .query("people")
        .map(|raw| match raw.parse::<u32>() {
            Ok(people) if (1..=context.settings.quota.max_people).contains(&people) => Ok(people),
            _ => Err(Problem::new(Code::InvalidPeople).field("people")),
        })
        .transpose()?
        .unwrap_or(1);
    let day = browse::day(context, seats, offering, date)
        .await?
        .for_people(people);
    let answer = DayAnswer {
        date: day.date.map(format_date),
        slots: day
            .free
            .iter()
            .map(|f| SlotTimes {
                start: format_time(f.slot.start),
                end: format_time(f.slot.end),
            })
            .collect(),
        days: day.days.into_iter().map(format_date).collect(),
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
