//! "Uffici e orari": managers change their offices, the services only their offices offer, and
//! their offerings (slot length, desks, desks kept for the counter, booking window, weekly hours
//! and the hours that apply from a date); administrators change everything. Each change is
//! checked with the whole catalogue by the catalogue file's rules (`CatalogueEdit`), saved only
//! over the version its author read, recorded in the history (who, when, what undoes it) and in
//! the audit log of each office it touches, and can be undone — undoing is saving the stored
//! inverse as a change of its own.
//!
//! A change that takes slots from the calendar (shorter hours, a longer slot, an offering
//! removed) displaces the bookings on them as a closure does, in the same store change as the
//! catalogue, each citizen told with the reason; their earliest seats are kept for them. Fewer
//! desks on days that are already booked is refused: close those hours first (see `closures`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::audit::AuditAction;
use prenota_core::catalogue::{Catalogue, CatalogueEdit, CatalogueIssue, Localized};
use prenota_core::closure::ClosedSlot;
use prenota_core::staff::{Role, StaffAction, StaffIdentity};
use prenota_core::{OfficeId, Token};
use prenota_store::{
    Booking, CatalogueChange, CatalogueSave, CatalogueStore, CloseRequest, Saving, StoreError,
};
use serde_json::Value;

use crate::closures::{ClosureStores, displacement, keep_earliest_seats, record, split};
use crate::{Context, Failure};

/// How often a change is read and composed again when bookings keep appearing on its seats.
const MAX_ATTEMPTS: usize = 5;
/// The longest reason told to displaced citizens, in each language.
pub const MAX_REASON_CHARS: usize = 300;
/// How many changes the history shows.
pub const HISTORY_SHOWN: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Not a manager of every office the change touches (or not staff who manage at all).
    #[error("not allowed to change this part of the catalogue")]
    Forbidden,
    /// What the catalogue's rules say of the change, each problem by field.
    #[error("the change is not valid")]
    Invalid(Vec<CatalogueIssue>),
    /// The catalogue is no longer the version the change was made over.
    #[error("the catalogue was changed meanwhile")]
    Changed,
    /// A change that displaces bookings needs the reason their citizens are told, in both
    /// languages.
    #[error("the reason for the displaced citizens is missing or too long")]
    ReasonRequired,
    /// No change of that id to undo (or none the manager may see).
    #[error("no such change")]
    NotFound,
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for EditError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::CatalogueChanged => Self::Changed,
            other => Self::Failed(other.into()),
        }
    }
}

impl From<prenota_core::token::TokenError> for EditError {
    fn from(error: prenota_core::token::TokenError) -> Self {
        Self::Failed(error.into())
    }
}

/// The store traits a change needs.
pub trait EditStores: ClosureStores + CatalogueStore {}
impl<T: ClosureStores + CatalogueStore + ?Sized> EditStores for T {}

/// One office, service or offering as the page edits it.
#[derive(Debug, Clone)]
pub struct Part {
    /// The raw form a change sends back.
    pub raw: Value,
    /// Whether this staff member may change it.
    pub may_edit: bool,
}

/// What a manager sees of the catalogue: the parts of their offices, and its version.
#[derive(Debug, Clone)]
pub struct View {
    pub version: u64,
    pub offices: Vec<Part>,
    pub services: Vec<Part>,
    pub offerings: Vec<Part>,
}

/// What a change would do, before it is saved.
#[derive(Debug)]
pub struct Preview {
    /// Slots it takes from the calendar (of every offering it touches).
    pub slots: usize,
    /// The pending and confirmed bookings it displaces, soonest first (no name is shown).
    pub displaced: Vec<Booking>,
    /// Citizens in the middle of the wizard on those slots, whose hold it releases.
    pub holds: usize,
}

/// A saved change and what it did.
#[derive(Debug)]
pub struct Saved {
    pub change: CatalogueChange,
    pub displaced: Vec<Booking>,
    pub released_holds: usize,
}

/// Only managers and administrators change the catalogue (or see its history).
fn must_manage(identity: &StaffIdentity) -> Result<(), EditError> {
    if identity.role >= Role::Manager {
        Ok(())
    } else {
        Err(EditError::Forbidden)
    }
}

/// Whether `identity` may make a change touching `offices` (none: a part no office has yet, for
/// an administrator only).
fn may_change(identity: &StaffIdentity, offices: &[OfficeId]) -> bool {
    if offices.is_empty() {
        return identity.may_everywhere(StaffAction::ManageOffice);
    }
    offices
        .iter()
        .all(|office| identity.may(StaffAction::ManageOffice, office))
}

/// The catalogue as stored now, with its version.
async fn stored(store: &(impl CatalogueStore + ?Sized)) -> Result<(Catalogue, u64), EditError> {
    let stored = store
        .stored_catalogue()
        .await?
        .ok_or_else(|| Failure::Internal("no catalogue is stored".into()))?;
    Ok((stored.catalogue, stored.version))
}

/// The parts of the catalogue `identity` manages: their offices, those offices' offerings and the
/// services offered there (editable when every office offering one is theirs).
pub async fn view(
    store: &(impl CatalogueStore + ?Sized),
    identity: &StaffIdentity,
) -> Result<View, EditError> {
    must_manage(identity)?;
    let (catalogue, version) = stored(store).await?;
    let manages = |office: &OfficeId| identity.may(StaffAction::ManageOffice, office);
    let parts = catalogue.editable_parts();
    let offices = (parts.offices.into_iter())
        .filter(|(id, _)| manages(id))
        .map(|(_, raw)| Part { raw, may_edit: true })
        .collect();
    let offerings = (parts.offerings.into_iter())
        .filter(|(key, _)| manages(&key.office))
        .map(|(_, raw)| Part { raw, may_edit: true })
        .collect();
    let services = (parts.services.into_iter())
        .filter_map(|(id, raw)| {
            let offices: Vec<OfficeId> = catalogue
                .offerings_of(&id)
                .map(|offering| offering.key.office.clone())
                .collect();
            let seen = identity.may_everywhere(StaffAction::ManageOffice) || offices.iter().any(manages);
            seen.then(|| Part {
                raw,
                may_edit: may_change(identity, &offices),
            })
        })
        .collect();
    Ok(View {
        version,
        offices,
        services,
        offerings,
    })
}

/// A change checked over the catalogue of `version`: the catalogue it makes, what undoes it, the
/// offices it touches and the seats it takes.
struct Planned {
    catalogue: Catalogue,
    inverse: CatalogueEdit,
    offices: Vec<OfficeId>,
    slots: Vec<ClosedSlot>,
}

async fn plan(
    context: &Context,
    store: &(impl EditStores + ?Sized),
    identity: &StaffIdentity,
    version: u64,
    edit: &CatalogueEdit,
) -> Result<Planned, EditError> {
    must_manage(identity)?;
    let (current, stored_version) = stored(store).await?;
    // Who first: whether the change is valid is told only to who may make it.
    let mut offices = edit.offices(&current);
    let (catalogue, inverse) = match current.edited(edit) {
        Ok(edited) => edited,
        Err(_) if !may_change(identity, &offices) => return Err(EditError::Forbidden),
        Err(issues) => return Err(EditError::Invalid(issues)),
    };
    // An offering moved to an office: the new office's manager decides too.
    for office in edit.offices(&catalogue) {
        if !offices.contains(&office) {
            offices.push(office);
        }
    }
    if !may_change(identity, &offices) {
        return Err(EditError::Forbidden);
    }
    if stored_version != version {
        return Err(EditError::Changed);
    }
    let now = context.clock.now();
    let slots = current.seats_lost_to(&catalogue, now);
    Ok(Planned {
        catalogue,
        inverse,
        offices,
        slots,
    })
}

/// The bookings a change would hit; fewer desks on a booked slot refuses it.
async fn hit(
    store: &(impl EditStores + ?Sized),
    slots: &[ClosedSlot],
    now: DateTime<Utc>,
) -> Result<Vec<Booking>, EditError> {
    let found = store.bookings_at(slots, now).await?;
    let fewer_desks_booked: Vec<NaiveDate> = slots
        .iter()
        .filter(|slot| slot.first_seat > 0)
        .filter(|slot| {
            found.iter().any(|booking| {
                booking.offering == slot.offering
                    && booking.date == slot.slot.date
                    && booking.start == slot.slot.start
            })
        })
        .map(|slot| slot.slot.date)
        .collect();
    if let (Some(first), Some(last)) = (fewer_desks_booked.iter().min(), fewer_desks_booked.iter().max()) {
        return Err(EditError::Invalid(vec![CatalogueIssue {
            item: "change".into(),
            field: "desks".into(),
            problem: format!(
                "{} booked slots between {first} and {last} would have fewer desks than seats \
                 booked: close those hours first (Chiusure), or reduce the desks once they are past",
                fewer_desks_booked.len()
            ),
        }]));
    }
    Ok(found)
}

/// "N appuntamenti": what saving `edit` over `version` would do now. Changes nothing.
pub async fn preview(
    context: &Context,
    store: &(impl EditStores + ?Sized),
    identity: &StaffIdentity,
    version: u64,
    edit: &CatalogueEdit,
) -> Result<Preview, EditError> {
    let planned = plan(context, store, identity, version, edit).await?;
    let now = context.clock.now();
    let (displaced, holds) = split(hit(store, &planned.slots, now).await?);
    Ok(Preview {
        slots: planned.slots.len(),
        displaced,
        holds,
    })
}

/// The reason told to displaced citizens: both languages, not too long.
fn checked_reason(reason: Option<Localized>) -> Option<Localized> {
    reason
        .map(|reason| Localized {
            it: reason.it.trim().to_owned(),
            en: reason.en.trim().to_owned(),
        })
        .filter(|reason| {
            [&reason.it, &reason.en]
                .iter()
                .all(|text| !text.is_empty() && text.chars().count() <= MAX_REASON_CHARS)
        })
}

/// Saves `edit` over `version`: the catalogue, its history entry and the bookings it displaces
/// (each told, with `reason`) in one store change; then the catalogue in use is the new one, the
/// audit log says who did it, and the earliest seats are kept for the displaced citizens.
pub async fn save(
    context: &Context,
    store: &(impl EditStores + ?Sized),
    identity: &StaffIdentity,
    version: u64,
    edit: &CatalogueEdit,
    reason: Option<Localized>,
) -> Result<Saved, EditError> {
    save_change(context, store, identity, version, edit, reason, None).await
}

async fn save_change(
    context: &Context,
    store: &(impl EditStores + ?Sized),
    identity: &StaffIdentity,
    version: u64,
    edit: &CatalogueEdit,
    reason: Option<Localized>,
    undoes: Option<String>,
) -> Result<Saved, EditError> {
    let now = context.clock.now();
    let planned = plan(context, store, identity, version, edit).await?;
    let (foreseen, _) = split(hit(store, &planned.slots, now).await?);
    let reason = checked_reason(reason);
    if !foreseen.is_empty() && reason.is_none() {
        return Err(EditError::ReasonRequired);
    }
    let told = reason.clone().unwrap_or_else(|| Localized {
        it: "Modifica degli orari dell'ufficio".into(),
        en: "The office's hours changed".into(),
    });
    let json = |edit: &CatalogueEdit| {
        serde_json::to_string(edit).map_err(|error| Failure::Internal(error.to_string()))
    };
    let mut change = CatalogueChange {
        id: Token::generate()?.hash().to_hex()[..32].to_owned(),
        version: version + 1,
        at: now,
        by: identity.email.clone(),
        offices: planned.offices.clone(),
        kind: edit.target().kind.to_owned(),
        edit: json(edit)?,
        inverse: json(&planned.inverse)?,
        displaced: Vec::new(),
        reason: reason.filter(|_| !foreseen.is_empty()),
        undoes,
    };
    let mut attempt = 0;
    let mut found = foreseen;
    let closed = loop {
        attempt += 1;
        change.displaced = found.iter().map(|booking| booking.id.clone()).collect();
        let displacements = found
            .iter()
            .map(|booking| Ok((booking.id.clone(), displacement(context, &told, booking, now)?)))
            .collect::<Result<HashMap<_, _>, Failure>>()?;
        let request = CloseRequest {
            saving: Saving::Catalogue(Box::new(CatalogueSave {
                expected_version: version,
                catalogue: planned.catalogue.clone(),
                change: change.clone(),
            })),
            slots: planned.slots.clone(),
            displacements,
        };
        match store.close(&request, now).await {
            // Bookings made meanwhile: told too (the change itself was checked already).
            Err(StoreError::NotForeseen) if attempt < MAX_ATTEMPTS => {
                found = split(store.bookings_at(&planned.slots, now).await?).0;
            }
            closed => break closed?,
        }
    };
    context.catalogue.set_imported(planned.catalogue);
    record(
        context,
        store,
        identity,
        AuditAction::CatalogueChanged,
        &change.offices,
        now,
    )
    .await?;
    let kept = keep_earliest_seats(context, store, &change.id, &closed.displaced, now).await?;
    tracing::info!(
        change = %change.id,
        kind = %change.kind,
        displaced = closed.displaced.len(),
        released_holds = closed.released_holds,
        kept_for_displaced = kept,
        "catalogue changed"
    );
    Ok(Saved {
        change,
        displaced: closed.displaced,
        released_holds: closed.released_holds,
    })
}

/// The changes of the offices `identity` manages, newest first.
pub async fn history(
    store: &(impl CatalogueStore + ?Sized),
    identity: &StaffIdentity,
) -> Result<Vec<CatalogueChange>, EditError> {
    must_manage(identity)?;
    let mut changes = store.catalogue_changes(HISTORY_SHOWN).await?;
    changes.retain(|change| may_see(identity, change));
    Ok(changes)
}

fn may_see(identity: &StaffIdentity, change: &CatalogueChange) -> bool {
    identity.may_everywhere(StaffAction::ManageOffice)
        || change
            .offices
            .iter()
            .any(|office| identity.may(StaffAction::ManageOffice, office))
}

/// Undoes change `id`: its stored inverse saved over `version` as a change of its own (checked,
/// displacing and recorded like any other).
pub async fn undo(
    context: &Context,
    store: &(impl EditStores + ?Sized),
    identity: &StaffIdentity,
    version: u64,
    id: &str,
    reason: Option<Localized>,
) -> Result<Saved, EditError> {
    must_manage(identity)?;
    let change = store
        .catalogue_changes(HISTORY_SHOWN)
        .await?
        .into_iter()
        .find(|change| change.id == id)
        .filter(|change| may_see(identity, change))
        .ok_or(EditError::NotFound)?;
    let inverse: Value = serde_json::from_str(&change.inverse)
        .map_err(|error| Failure::Internal(format!("stored change {id}: {error}")))?;
    let inverse = CatalogueEdit::from_json(&inverse).map_err(EditError::Invalid)?;
    save_change(
        context,
        store,
        identity,
        version,
        &inverse,
        reason,
        Some(change.id),
    )
    .await
}
