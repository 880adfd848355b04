//! "Chiusure" as JSON, for managers (their offices) and administrators (every office): the
//! closures saved, what one would displace, saving one, undoing one. Each handler parses, calls
//! one use case of `usecases::closures` and renders; no citizen's name leaves here.

use http::StatusCode;
use prenota_core::ShortCode;
use prenota_core::closure::ClosureForm;
use prenota_core::dates::{format_date, format_time};
use prenota_core::staff::StaffIdentity;
use prenota_store::{Booking, SavedClosure, Store};
use prenota_usecases::Context;
use prenota_usecases::closures::{self, ClosureError};
use serde_json::{Value, json};

use super::{Handled, instant, saved_id};
use crate::answer::{Answer, json};
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};

impl From<ClosureError> for Problem {
    fn from(error: ClosureError) -> Self {
        match error {
            ClosureError::Forbidden => Self::new(Code::Forbidden),
            ClosureError::NotFound => Self::new(Code::UnknownClosure),
            ClosureError::Invalid(issues) => {
                let field = issues.first().map_or("from", |issue| body_field(&issue.field));
                Self::new(Code::InvalidClosure).field(field)
            }
            ClosureError::Failed(failure) => failure.into(),
        }
    }
}

/// The request's name of a field the catalogue's rules name.
fn body_field(rule_field: &str) -> &'static str {
    match rule_field {
        "office" => "office_id",
        "to" => "to",
        "hours" => "hours",
        "reason" | "reason.it" => "reason_it",
        "reason.en" => "reason_en",
        _ => "from",
    }
}

fn form(body: &Body) -> Result<ClosureForm<'_>, Problem> {
    let text = |name| body.optional_text(name, Code::InvalidClosure);
    Ok(ClosureForm {
        office: text("office_id")?,
        from: body.text("from", Code::InvalidClosure)?,
        to: text("to")?,
        hours: text("hours")?.filter(|hours| !hours.trim().is_empty()),
        reason_it: text("reason_it")?.unwrap_or_default(),
        reason_en: text("reason_en")?.unwrap_or_default(),
    })
}

fn closure_json(saved: &SavedClosure) -> Value {
    let closure = &saved.closure.closure;
    json!({
        "id": saved.id,
        "office_id": closure.office.as_ref().map(|office| office.as_str()),
        "from": format_date(closure.from),
        "to": format_date(closure.to),
        "hours": closure.hours.map(|hours| format!("{}-{}", format_time(hours.start), format_time(hours.end))),
        "reason_it": saved.closure.reason.it,
        "reason_en": saved.closure.reason.en,
        "saved_by": saved.saved_by,
        "saved_at": instant(saved.saved_at),
        "reopened_at": saved.reopened_at.map(instant),
    })
}

/// A displaced booking as the manager sees it: when, what, its code; no name.
pub(super) fn booking_json(booking: &Booking) -> Value {
    json!({
        "short_code": booking.short_code.as_ref().map(ShortCode::display),
        "office_id": booking.offering.office.as_str(),
        "service_id": booking.offering.service.as_str(),
        "date": format_date(booking.date),
        "start": format_time(booking.start),
        "end": format_time(booking.end),
        "state": booking.state,
    })
}

/// `GET /api/staff/closures`.
pub async fn list(context: &Context, store: &dyn Store, identity: &StaffIdentity) -> Handled {
    let closures = closures::list(context, store, identity).await?;
    let list: Vec<Value> = closures.iter().map(closure_json).collect();
    Ok(json(StatusCode::OK, &json!({ "closures": list })))
}

/// `POST /api/staff/closures/preview`: what saving would do. Changes nothing.
pub async fn preview(context: &Context, store: &dyn Store, identity: &StaffIdentity, body: &Body) -> Handled {
    let preview = closures::preview(context, store, identity, &form(body)?).await?;
    Ok(preview_json(preview.slots, &preview.displaced, preview.holds))
}

/// What a closure or a change of the catalogue would do: the slots it takes, the bookings it
/// displaces (no names), the holds it releases.
pub(super) fn preview_json(slots: usize, displaced: &[Booking], holds: usize) -> Answer {
    let bookings: Vec<Value> = displaced.iter().map(booking_json).collect();
    json(
        StatusCode::OK,
        &json!({
            "slots": slots,
            "displaced": bookings.len(),
            "holds": holds,
            "bookings": bookings,
        }),
    )
}

/// `POST /api/staff/closures`: saved, its bookings displaced and told.
pub async fn close(context: &Context, store: &dyn Store, identity: &StaffIdentity, body: &Body) -> Handled {
    let saved = closures::close(context, store, identity, &form(body)?).await?;
    let bookings: Vec<Value> = saved.displaced.iter().map(booking_json).collect();
    Ok(json(
        StatusCode::CREATED,
        &json!({
            "closure": closure_json(&saved.closure),
            "displaced": bookings.len(),
            "told": saved.displaced.iter().filter(|booking| booking.person.is_some()).count(),
            "released_holds": saved.released_holds,
            "bookings": bookings,
        }),
    ))
}

/// `POST /api/staff/closures/{closure_id}/reopen`.
pub async fn reopen(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
) -> Handled {
    let id = saved_id(incoming, "closure_id", Code::UnknownClosure)?;
    let reopened = closures::reopen(context, store, identity, id).await?;
    Ok(json(
        StatusCode::OK,
        &json!({ "closure": closure_json(&reopened) }),
    ))
}
