//! `POST /api/holds`, `DELETE /api/holds/{hold_id}`, `POST /api/holds/{hold_id}/booking`: hold a
//! slot, give it back ("INDIETRO"), send the details ("INVIA").

use http::StatusCode;
use prenota_core::contact::Contact;
use prenota_core::dates::{format_time, parse_date, parse_time};
use prenota_core::text::{Details, PersonName};
use prenota_core::{Token, TokenHash};
use prenota_store::{BookingStore, ContactMessages, OneTimeProofs, OutboxStore, Person, SeatStore};
use prenota_usecases::{Context, challenge, details, hold as holds};
use serde_json::json;

use super::{Handled, instant};
use crate::answer::{json, no_content};
use crate::limits::Caller;
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};

pub async fn hold<S>(context: &Context, store: &S, caller: &Caller<'_>, body: &Body) -> Handled
where
    S: SeatStore + OneTimeProofs + ?Sized,
{
    let catalogue = context.catalogue();
    let offering = super::browse::offering(
        &catalogue,
        body.text("service_id", Code::InvalidField)?,
        body.text("office_id", Code::InvalidField)?,
    )?;
    let date = body.parsed("date", Code::InvalidDate, parse_date)?;
    let start = body.parsed("start", Code::InvalidTime, parse_time)?;
    let people = match body.optional_integer("people", Code::InvalidPeople)? {
        None => 1,
        Some(people) => {
            u32::try_from(people).map_err(|_| Problem::new(Code::InvalidPeople).field("people"))?
        }
    };
    caller.limits.may_hold(caller.client, context.clock.now())?;
    let proof = body.optional_text("altcha", Code::ChallengeRequired)?;
    let choice = holds::Choice { date, start, people };
    let held = holds::hold(context, store, offering, choice, proof).await?;
    let now = context.clock.now();
    caller
        .limits
        .held(caller.client, held.hold.hash(), held.expires_at, now);
    let seats: Vec<_> = held
        .seats
        .iter()
        .map(|slot| json!({ "start": format_time(slot.start), "end": format_time(slot.end) }))
        .collect();
    Ok(json(
        StatusCode::CREATED,
        &json!({ "hold_id": held.hold.encode(), "expires_at": instant(held.expires_at), "seats": seats }),
    ))
}

/// `GET /api/challenge`: a challenge to solve before holding, when the service asks for one.
pub fn challenge(context: &Context) -> Handled {
    Ok(json(StatusCode::OK, &challenge::issue(context)?))
}

/// The hold id of the path, as the hash the store knows it by.
pub(super) fn hold_of(incoming: &Incoming<'_>) -> Result<TokenHash, Problem> {
    Token::parse(incoming.param("hold_id"))
        .map(|token| token.hash())
        .map_err(|_| Problem::new(Code::HoldNotFound))
}

pub async fn release(
    context: &Context,
    seats: &dyn SeatStore,
    caller: &Caller<'_>,
    incoming: &Incoming<'_>,
) -> Handled {
    let hold = hold_of(incoming)?;
    holds::release(context, seats, &hold).await?;
    caller.limits.ended(caller.client, &hold);
    Ok(no_content())
}

pub async fn details<S>(
    context: &Context,
    store: &S,
    caller: &Caller<'_>,
    incoming: &Incoming<'_>,
    body: &Body,
) -> Handled
where
    S: SeatStore + BookingStore + OutboxStore + ContactMessages + ?Sized,
{
    let hold = hold_of(incoming)?;
    let names = names(body, context.settings.quota.max_people)?;
    let destinations = &context.settings.sms_destinations;
    let contact = Contact::parse_with(body.text("contact", Code::InvalidContact)?, destinations)?;
    // An empty note is no note.
    let details = body
        .optional_parsed("details", Code::InvalidDetails, Details::parse)?
        .flatten();
    body.accepted_terms()?;
    let people = names
        .into_iter()
        .map(|(name, surname)| Person {
            name,
            surname,
            contact: contact.clone(),
            details: details.clone(),
            lang: body.lang,
        })
        .collect();
    let submitted = details::submit(context, store, &hold, people).await?;
    caller.limits.ended(caller.client, &hold);
    Ok(json(
        StatusCode::ACCEPTED,
        &json!({
            "channel": submitted.channel.as_str(),
            "masked_contact": submitted.masked_contact,
            "confirm_by": instant(submitted.confirm_by),
            "people": submitted.people,
        }),
    ))
}

/// The name and surname of each person: `people` (`[{"name","surname"}, …]`, at most `max`), or
/// the top-level `name` and `surname` of a booking for one person.
fn names(body: &Body, max: u32) -> Result<Vec<(PersonName, PersonName)>, Problem> {
    let Some(people) = body.optional_array("people", Code::PeopleMismatch)? else {
        let name = body.parsed("name", Code::InvalidName, PersonName::parse)?;
        let surname = body.parsed("surname", Code::InvalidSurname, PersonName::parse)?;
        return Ok(vec![(name, surname)]);
    };
    if people.is_empty() || people.len() > max as usize {
        return Err(Problem::new(Code::PeopleMismatch).field("people"));
    }
    people
        .iter()
        .enumerate()
        .map(|(n, person)| {
            let part = |key: &str, code: Code| {
                person
                    .get(key)
                    .and_then(serde_json::Value::as_str)
                    .and_then(|raw| PersonName::parse(raw).ok())
                    .ok_or_else(|| Problem::new(code).field(format!("people[{n}].{key}")))
            };
            Ok((
                part("name", Code::InvalidName)?,
                part("surname", Code::InvalidSurname)?,
            ))
        })
        .collect()
}
