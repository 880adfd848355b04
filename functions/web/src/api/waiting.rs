//! `POST /api/waiting-list` ("Avvisami se si libera un posto") and `GET /api/holds/{hold_id}` (the
//! wizard opened on a seat offered from the waiting list).

use http::StatusCode;
use prenota_core::contact::Contact;
use prenota_core::dates::{format_date, format_time, parse_date};
use prenota_core::{OfficeId, ServiceId};
use prenota_store::{BookingStore, ContactMessages, WaitingList};
use prenota_usecases::waiting::{self, JoinError, JoinRequest};
use prenota_usecases::{Context, hold as holds};
use serde_json::json;

use super::{Handled, instant};
use crate::answer::json;
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};

pub async fn join<S>(context: &Context, store: &S, body: &Body) -> Handled
where
    S: WaitingList + ContactMessages + ?Sized,
{
    let service = ServiceId::parse(body.text("service_id", Code::InvalidField)?)
        .map_err(|_| Problem::new(Code::UnknownService).field("service_id"))?;
    let offices = body
        .optional_array("office_ids", Code::InvalidField)?
        .filter(|offices| !offices.is_empty() && offices.len() <= 20)
        .ok_or_else(|| Problem::new(Code::InvalidField).field("office_ids"))?
        .iter()
        .map(|office| {
            office
                .as_str()
                .and_then(|raw| OfficeId::parse(raw).ok())
                .ok_or_else(|| Problem::new(Code::UnknownOffice).field("office_ids"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let from = body.parsed("from", Code::InvalidDate, parse_date)?;
    let to = body.parsed("to", Code::InvalidDate, parse_date)?;
    let destinations = &context.settings.sms_destinations;
    let contact = Contact::parse_with(body.text("contact", Code::InvalidContact)?, destinations)?;
    body.accepted_terms()?;
    let request = JoinRequest {
        service,
        offices,
        from,
        to,
        contact,
        lang: body.lang,
    };
    waiting::join(context, store, request)
        .await
        .map_err(|error| match error {
            JoinError::UnknownService => Problem::new(Code::UnknownService).field("service_id"),
            JoinError::UnknownOffice(_) => Problem::new(Code::NotOffered).field("office_ids"),
            JoinError::Days => Problem::new(Code::InvalidDays).field("to"),
            JoinError::Failed(failure) => failure.into(),
        })?;
    let text = super::citizen::answers(body.lang).waiting_on_its_way;
    Ok(json(StatusCode::ACCEPTED, &json!({ "message": text })))
}

/// `GET /api/holds/{hold_id}`: the held seats, for the wizard to take the details of.
pub async fn view_hold(context: &Context, bookings: &dyn BookingStore, incoming: &Incoming<'_>) -> Handled {
    let hold = super::holds::hold_of(incoming)?;
    let seats = holds::view(context, bookings, &hold).await?;
    let first = &seats[0];
    let listed: Vec<_> = seats
        .iter()
        .map(|booking| {
            json!({
                "date": format_date(booking.date),
                "start": format_time(booking.start),
                "end": format_time(booking.end),
            })
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &json!({
            "hold_id": incoming.param("hold_id"),
            "service_id": first.offering.service.as_str(),
            "office_id": first.offering.office.as_str(),
            "expires_at": first.expires_at.map(instant),
            "seats": listed,
        }),
    ))
}
