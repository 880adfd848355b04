//! `POST /api/holds`, `DELETE /api/holds/{hold_id}`, `POST /api/holds/{hold_id}/booking`: hold a
//! slot, give it back ("INDIETRO"), send the details ("INVIA").

use http::StatusCode;
use prenota_core::contact::Contact;
use prenota_core::dates::{parse_date, parse_time};
use prenota_core::text::{Details, PersonName};
use prenota_core::{Token, TokenHash};
use prenota_store::{BookingStore, Person, SeatStore};
use prenota_usecases::{Context, details, hold as holds};
use serde_json::json;

use super::{Handled, instant};
use crate::answer::{json, no_content};
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};

pub async fn hold(context: &Context, seats: &dyn SeatStore, body: &Body) -> Handled {
    let offering = super::browse::offering(
        context,
        body.text("service_id", Code::InvalidField)?,
        body.text("office_id", Code::InvalidField)?,
    )?;
    let date = body.parsed("date", Code::InvalidDate, parse_date)?;
    let start = body.parsed("start", Code::InvalidTime, parse_time)?;
    let held = holds::hold(context, seats, offering, date, start).await?;
    Ok(json(
        StatusCode::CREATED,
        &json!({ "hold_id": held.hold.encode(), "expires_at": instant(held.expires_at) }),
    ))
}

/// The hold id of the path, as the hash the store knows it by.
fn hold_of(incoming: &Incoming<'_>) -> Result<TokenHash, Problem> {
    Token::parse(incoming.param("hold_id"))
        .map(|token| token.hash())
        .map_err(|_| Problem::new(Code::HoldNotFound))
}

pub async fn release(context: &Context, seats: &dyn SeatStore, incoming: &Incoming<'_>) -> Handled {
    holds::release(context, seats, &hold_of(incoming)?).await?;
    Ok(no_content())
}

pub async fn details(
    context: &Context,
    bookings: &dyn BookingStore,
    incoming: &Incoming<'_>,
    body: &Body,
) -> Handled {
    let hold = hold_of(incoming)?;
    let name = body.parsed("name", Code::InvalidName, PersonName::parse)?;
    let surname = body.parsed("surname", Code::InvalidSurname, PersonName::parse)?;
    let contact = Contact::parse(body.text("contact", Code::InvalidContact)?)?;
    // An empty note is no note.
    let details = body
        .optional_parsed("details", Code::InvalidDetails, Details::parse)?
        .flatten();
    body.accepted_terms()?;
    let person = Person {
        name,
        surname,
        contact,
        details,
        lang: body.lang,
    };
    let submitted = details::submit(context, bookings, &hold, person).await?;
    Ok(json(
        StatusCode::ACCEPTED,
        &json!({
            "channel": submitted.channel.as_str(),
            "masked_contact": submitted.masked_contact,
            "confirm_by": instant(submitted.confirm_by),
        }),
    ))
}
