//! "Uffici e orari" as JSON, for managers (their offices) and administrators (everything): the
//! catalogue's editable parts with its version, what a change would displace, saving one, the
//! history, undoing one. Each handler parses, calls one use case of `usecases::catalogue_edits`
//! and renders; no citizen's name leaves here.

use http::StatusCode;
use prenota_core::catalogue::{CatalogueEdit, Localized};
use prenota_core::staff::StaffIdentity;
use prenota_store::{CatalogueChange, Store};
use prenota_usecases::Context;
use prenota_usecases::catalogue_edits::{self, EditError, Part, Saved};
use serde_json::{Value, json};

use super::closures::{booking_json, preview_json};
use super::{Handled, instant, saved_id};
use crate::answer::json;
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};

impl From<EditError> for Problem {
    fn from(error: EditError) -> Self {
        match error {
            EditError::Forbidden => Self::new(Code::Forbidden),
            EditError::Invalid(issues) => Self::new(Code::InvalidCatalogueChange)
                .field("change")
                .issues(issues),
            EditError::Changed => Self::new(Code::CatalogueChanged).field("version"),
            EditError::ReasonRequired => Self::new(Code::ReasonRequired).field("reason_it"),
            EditError::NotFound => Self::new(Code::UnknownChange),
            EditError::Failed(failure) => failure.into(),
        }
    }
}

/// The version the change was made over.
fn version(body: &Body) -> Result<u64, Problem> {
    body.optional_integer("version", Code::InvalidCatalogueChange)?
        .and_then(|version| u64::try_from(version).ok())
        .ok_or_else(|| Problem::new(Code::InvalidCatalogueChange).field("version"))
}

fn change(body: &Body) -> Result<CatalogueEdit, Problem> {
    let value = body
        .value("change")
        .ok_or_else(|| Problem::new(Code::InvalidCatalogueChange).field("change"))?;
    CatalogueEdit::from_json(value).map_err(|issues| EditError::Invalid(issues).into())
}

/// The reason told to displaced citizens, when either language is given.
fn reason(body: &Body) -> Result<Option<Localized>, Problem> {
    let it = body.optional_text("reason_it", Code::ReasonRequired)?;
    let en = body.optional_text("reason_en", Code::ReasonRequired)?;
    Ok((it.is_some() || en.is_some()).then(|| Localized {
        it: it.unwrap_or_default().to_owned(),
        en: en.unwrap_or_default().to_owned(),
    }))
}

fn parts(parts: &[Part]) -> Vec<Value> {
    parts
        .iter()
        .map(|part| {
            let mut raw = part.raw.clone();
            if let Value::Object(fields) = &mut raw {
                fields.insert("may_edit".into(), Value::Bool(part.may_edit));
            }
            raw
        })
        .collect()
}

fn change_json(change: &CatalogueChange) -> Value {
    let parsed = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    json!({
        "id": change.id,
        "version": change.version,
        "at": instant(change.at),
        "by": change.by,
        "kind": change.kind,
        "offices": change.offices.iter().map(|office| office.as_str()).collect::<Vec<_>>(),
        "edit": parsed(&change.edit),
        "displaced": change.displaced.len(),
        "reason_it": change.reason.as_ref().map(|reason| reason.it.as_str()),
        "reason_en": change.reason.as_ref().map(|reason| reason.en.as_str()),
        "undoes": change.undoes,
    })
}

fn saved_json(saved: &Saved) -> Value {
    let bookings: Vec<Value> = saved.displaced.iter().map(booking_json).collect();
    json!({
        "version": saved.change.version,
        "change": change_json(&saved.change),
        "displaced": bookings.len(),
        "told": saved.displaced.iter().filter(|booking| booking.person.is_some()).count(),
        "released_holds": saved.released_holds,
        "bookings": bookings,
    })
}

/// `GET /api/staff/catalogue`.
pub async fn view(store: &dyn Store, identity: &StaffIdentity) -> Handled {
    let view = catalogue_edits::view(store, identity).await?;
    Ok(json(
        StatusCode::OK,
        &json!({
            "version": view.version,
            "offices": parts(&view.offices),
            "services": parts(&view.services),
            "offerings": parts(&view.offerings),
        }),
    ))
}

/// `POST /api/staff/catalogue/preview`: what saving would do. Changes nothing.
pub async fn preview(context: &Context, store: &dyn Store, identity: &StaffIdentity, body: &Body) -> Handled {
    let (version, change) = (version(body)?, change(body)?);
    let preview = catalogue_edits::preview(context, store, identity, version, &change).await?;
    Ok(preview_json(preview.slots, &preview.displaced, preview.holds))
}

/// `POST /api/staff/catalogue/changes`: saved, its bookings displaced and told.
pub async fn save(context: &Context, store: &dyn Store, identity: &StaffIdentity, body: &Body) -> Handled {
    let (version, change) = (version(body)?, change(body)?);
    let saved = catalogue_edits::save(context, store, identity, version, &change, reason(body)?).await?;
    Ok(json(StatusCode::CREATED, &saved_json(&saved)))
}

/// `GET /api/staff/catalogue/changes`.
pub async fn history(store: &dyn Store, identity: &StaffIdentity) -> Handled {
    let changes = catalogue_edits::history(store, identity).await?;
    let list: Vec<Value> = changes.iter().map(change_json).collect();
    Ok(json(StatusCode::OK, &json!({ "changes": list })))
}

/// `POST /api/staff/catalogue/changes/{change_id}/undo`.
pub async fn undo(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
    body: &Body,
) -> Handled {
    let id = saved_id(incoming, "change_id", Code::UnknownChange)?;
    let version = version(body)?;
    let saved = catalogue_edits::undo(context, store, identity, version, id, reason(body)?).await?;
    Ok(json(StatusCode::CREATED, &saved_json(&saved)))
}
