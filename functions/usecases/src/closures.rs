//! "Chiusure": a manager closes an office (an administrator every office) for a day, some days or
//! part of a day, with a reason citizens read. Before saving, `preview` says which bookings the
//! closure hits; `close` saves it and, in the store's change, takes every seat of the closed slots
//! and moves the pending and confirmed bookings on them to `displaced`, each with its message (the
//! reason, an apology, the booking's page where another time is chosen or the booking cancelled).
//! `reopen` undoes a closure: its seats are free again; displaced citizens were told and keep
//! their choice. Each change is in the audit log of every office it touches.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use prenota_core::OfferingKey;
use prenota_core::audit::{AuditAction, AuditEntry};
use prenota_core::catalogue::Offering;
use prenota_core::catalogue::{CatalogueIssue, Closure};
use prenota_core::closure::{ClosedSlot, ClosureForm, StaffClosure};
use prenota_core::slots::FreeSlot;
use prenota_core::staff::{StaffAction, StaffIdentity};
use prenota_core::{BookingState, OfficeId, Token, TokenHash};
use prenota_notify::compose;
use prenota_store::{
    AuditLog, Availability, Booking, CatalogueStore, CloseRequest, ClosureStore, Displacement, MessageKind,
    PrioritySeat, Reservation, SavedClosure, Saving, SeatStore, StoreError,
};

use crate::browse::{self, BrowseError, Day};
use crate::{Context, Failure, facts, links, outbox, reminders};

/// How often a closure is read and composed again when bookings keep appearing on its seats.
const MAX_ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum ClosureError {
    /// Not a manager of the office (or, for every office, not an administrator).
    #[error("not allowed to change this office")]
    Forbidden,
    /// What the catalogue's rules say of it, each problem by field.
    #[error("the closure is not valid")]
    Invalid(Vec<CatalogueIssue>),
    #[error("no such closure")]
    NotFound,
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for ClosureError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

impl From<prenota_core::token::TokenError> for ClosureError {
    fn from(error: prenota_core::token::TokenError) -> Self {
        Self::Failed(error.into())
    }
}

/// The store traits closures need.
pub trait ClosureStores: ClosureStore + AuditLog + SeatStore {}
impl<T: ClosureStore + AuditLog + SeatStore + ?Sized> ClosureStores for T {}

/// How long displaced citizens go first: the earliest free seats of their service at their office,
/// as many as they are, are kept for them this long (each at most until it could no longer be
/// moved to), then they are everyone's again.
pub const PRIORITY_FOR: chrono::Duration = chrono::Duration::hours(48);

/// What a closure would do, before it is saved.
#[derive(Debug)]
pub struct Preview {
    pub closure: StaffClosure,
    /// Slots it closes (of every service of the office).
    pub slots: usize,
    /// The pending and confirmed bookings it displaces, soonest first. Shown to the manager by
    /// time, service and booking code: no name.
    pub displaced: Vec<Booking>,
    /// Citizens in the middle of the wizard on those slots, whose hold it releases.
    pub holds: usize,
}

/// A saved closure and what it did.
#[derive(Debug)]
pub struct Saved {
    pub closure: SavedClosure,
    pub displaced: Vec<Booking>,
    pub released_holds: usize,
}

/// The closure checked by the catalogue's rules, after who may save it.
fn checked(
    context: &Context,
    identity: &StaffIdentity,
    form: &ClosureForm<'_>,
    now: DateTime<Utc>,
) -> Result<(StaffClosure, Vec<ClosedSlot>), ClosureError> {
    // Who first: the office's name is the one field checked before anything else. An id that
    // is no office's is checked as every office would be: only an administrator is told why.
    let allowed = match form.office.map(OfficeId::parse) {
        Some(Ok(office)) => may_manage(identity, Some(&office)),
        _ => may_manage(identity, None),
    };
    if !allowed {
        return Err(ClosureError::Forbidden);
    }
    let imported = context.catalogue.imported();
    let today = prenota_core::calendar::local(now).date();
    let closure = StaffClosure::check(&imported, form, today).map_err(ClosureError::Invalid)?;
    let slots = imported.slots_closed_by(&closure.closure, imported.last_bookable_day(now), now);
    Ok((closure, slots))
}

/// The bookings a closure hits: pending and confirmed ones are displaced, holds released.
pub(crate) fn split(found: Vec<Booking>) -> (Vec<Booking>, usize) {
    let (mut displaced, holds): (Vec<Booking>, Vec<Booking>) = found
        .into_iter()
        .partition(|booking| matches!(booking.state, BookingState::Pending | BookingState::Confirmed));
    displaced.sort_by(|a, b| (a.starts_at, &a.id).cmp(&(b.starts_at, &b.id)));
    let holds = holds
        .iter()
        .filter(|booking| booking.state == BookingState::Held)
        .count();
    (displaced, holds)
}

/// "N appuntamenti": what saving `form` would do now. Changes nothing.
pub async fn preview(
    context: &Context,
    store: &dyn ClosureStore,
    identity: &StaffIdentity,
    form: &ClosureForm<'_>,
) -> Result<Preview, ClosureError> {
    let now = context.clock.now();
    let (closure, slots) = checked(context, identity, form, now)?;
    let (displaced, holds) = split(store.bookings_at(&slots, now).await?);
    Ok(Preview {
        closure,
        slots: slots.len(),
        displaced,
        holds,
    })
}

/// Saves the closure: its seats taken, its bookings displaced with their messages, in the
/// store's change; then the catalogue in use has it, and the audit log says who did it.
pub async fn close<S: ClosureStores + ?Sized>(
    context: &Context,
    store: &S,
    identity: &StaffIdentity,
    form: &ClosureForm<'_>,
) -> Result<Saved, ClosureError> {
    let now = context.clock.now();
    let (closure, slots) = checked(context, identity, form, now)?;
    let saved = SavedClosure {
        id: Token::generate()?.hash().to_hex()[..32].to_owned(),
        closure,
        saved_by: identity.email.clone(),
        saved_at: now,
        reopened_at: None,
    };
    let mut attempt = 0;
    let closed = loop {
        attempt += 1;
        let (displaced, _) = split(store.bookings_at(&slots, now).await?);
        let displacements = displaced
            .iter()
            .map(|booking| {
                let told = displacement(context, &saved.closure.reason, booking, now)?;
                Ok((booking.id.clone(), told))
            })
            .collect::<Result<HashMap<_, _>, Failure>>()?;
        let request = CloseRequest {
            saving: Saving::Closure(saved.clone()),
            slots: slots.clone(),
            displacements,
        };
        match store.close(&request, now).await {
            Err(StoreError::NotForeseen) if attempt < MAX_ATTEMPTS => continue,
            closed => break closed?,
        }
    };
    refresh(context, store, now).await?;
    let offices = offices_of(context, &saved);
    record(context, store, identity, AuditAction::ClosureSaved, &offices, now).await?;
    let kept = keep_earliest_seats(context, store, &saved.id, &closed.displaced, now).await?;
    tracing::info!(
        closure = %saved.id,
        displaced = closed.displaced.len(),
        released_holds = closed.released_holds,
        kept_for_displaced = kept,
        "closure saved"
    );
    Ok(Saved {
        closure: saved,
        displaced: closed.displaced,
        released_holds: closed.released_holds,
    })
}

/// The displaced citizens' priority: for each service and office, as many of the earliest free
/// seats as it has displaced bookings (not earlier than a move may go), kept for them for
/// [`PRIORITY_FOR`]. A seat a citizen takes meanwhile is theirs; the next ones are not sought.
pub(crate) async fn keep_earliest_seats<S: ClosureStores + ?Sized>(
    context: &Context,
    store: &S,
    closure: &str,
    displaced: &[Booking],
    now: DateTime<Utc>,
) -> Result<usize, Failure> {
    let catalogue = context.catalogue();
    let earliest = now + context.settings.move_until;
    let mut wanted: std::collections::BTreeMap<&OfferingKey, usize> = Default::default();
    for booking in displaced {
        *wanted.entry(&booking.offering).or_default() += 1;
    }
    let mut seats = Vec::new();
    for (key, count) in wanted {
        let Some(offering) = catalogue.offering(key) else {
            continue;
        };
        let (first, _) = catalogue.booking_window(offering, now);
        let mut left = count;
        'days: for date in store
            .days_with_free_slots(&catalogue, offering, first, now)
            .await?
        {
            for free in store.day_availability(&catalogue, offering, date, now).await? {
                if free.slot.starts_at < earliest {
                    continue;
                }
                let until = (now + PRIORITY_FOR).min(free.slot.starts_at - context.settings.move_until);
                for _ in 0..free.free_seats.min(left as u32) {
                    seats.push(PrioritySeat {
                        offering: key.clone(),
                        slot: free.slot.clone(),
                        capacity: offering.desks_online,
                        until,
                    });
                    left -= 1;
                }
                if left == 0 {
                    break 'days;
                }
            }
        }
    }
    Ok(store.keep_for_displaced(closure, &seats, now).await?)
}

/// "Scegli un nuovo orario" for a displaced booking: the times everyone may book, and those its
/// closure keeps for its citizens, on `date` (else on the first day with either).
pub async fn day_for_displaced(
    context: &Context,
    store: &dyn prenota_store::Store,
    booking: &Booking,
    offering: &Offering,
    date: Option<NaiveDate>,
) -> Result<Day, BrowseError> {
    let now = context.clock.now();
    let public = browse::day(context, store, offering, date).await?;
    let Some(closure) = seat_kept_closed(store, booking, now)
        .await?
        .and_then(|kept| kept.closure)
    else {
        return Ok(public);
    };
    let kept = store.kept_for_displaced(&closure, &offering.key, now).await?;
    let catalogue = context.catalogue();
    let earliest = now + context.settings.move_until;
    // The kept seats of slots the catalogue offers (not the closed ones), not too close.
    let kept_on = |date: NaiveDate| -> Vec<FreeSlot> {
        let Some(starts) = kept.get(&date) else {
            return Vec::new();
        };
        catalogue
            .slots_on(offering, date)
            .iter()
            .filter(|slot| slot.starts_at >= earliest)
            .filter_map(|slot| {
                starts.get(&slot.start).map(|&free_seats| FreeSlot {
                    slot: slot.clone(),
                    free_seats,
                })
            })
            .collect()
    };
    let mut days = public.days.clone();
    days.extend(kept.keys().copied().filter(|date| !kept_on(*date).is_empty()));
    days.sort();
    days.dedup();
    let date = date.or_else(|| days.first().copied());
    let mut day = match date {
        Some(date) if public.date != Some(date) => browse::day(context, store, offering, Some(date)).await?,
        _ => public,
    };
    day.date = date;
    day.days = days;
    if let Some(date) = date {
        for kept in kept_on(date) {
            match day
                .free
                .iter_mut()
                .find(|free| free.slot.start == kept.slot.start)
            {
                Some(free) => free.free_seats += kept.free_seats,
                None => day.free.push(kept),
            }
        }
        day.free.sort_by_key(|free| free.slot.start);
    }
    Ok(day)
}

/// The citizen's message with `reason` (while their contact is kept) and the reminder's order
/// dropped.
pub(crate) fn displacement(
    context: &Context,
    reason: &prenota_core::catalogue::Localized,
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Displacement, Failure> {
    let page_code = links::page_code(context, &booking.id);
    let mut messages = vec![reminders::drop_order(booking, now)?];
    if let Some(person) = &booking.person {
        let facts = facts::facts(context, booking, None, person.lang);
        let page = links::page_url(context, &page_code, person.lang);
        let reason = reason.get(person.lang);
        let message = compose::displaced_notice(&facts, &person.contact, &page, reason);
        messages.push(outbox::citizen(MessageKind::Displaced, message, now)?);
    }
    Ok(Displacement {
        page_code: page_code.hash(),
        messages,
    })
}

/// Closures saved by staff that the manager may see: of their offices (every office's for all).
pub async fn list(
    context: &Context,
    store: &dyn ClosureStore,
    identity: &StaffIdentity,
) -> Result<Vec<SavedClosure>, ClosureError> {
    let now = context.clock.now();
    let mut closures = store.closures(now).await?;
    closures.retain(|saved| may_see(identity, &saved.closure.closure));
    Ok(closures)
}

/// Whether `identity` may close or reopen `office` (`None`: every office at once).
fn may_manage(identity: &StaffIdentity, office: Option<&OfficeId>) -> bool {
    match office {
        Some(office) => identity.may(StaffAction::ManageOffice, office),
        None => identity.may_everywhere(StaffAction::ManageOffice),
    }
}

fn may_see(identity: &StaffIdentity, closure: &Closure) -> bool {
    match &closure.office {
        Some(office) => identity.may(StaffAction::ManageOffice, office),
        None => identity.role >= prenota_core::staff::Role::Manager,
    }
}

/// Undoes closure `id`: its seats are free again (the displaced bookings stay displaced).
pub async fn reopen<S: ClosureStores + ?Sized>(
    context: &Context,
    store: &S,
    identity: &StaffIdentity,
    id: &str,
) -> Result<SavedClosure, ClosureError> {
    let now = context.clock.now();
    let saved = store
        .closures(now)
        .await?
        .into_iter()
        .find(|saved| saved.id == id)
        .ok_or(ClosureError::NotFound)?;
    if !may_manage(identity, saved.closure.closure.office.as_ref()) {
        // A manager of another office learns nothing of this one's closures.
        return Err(if may_see(identity, &saved.closure.closure) {
            ClosureError::Forbidden
        } else {
            ClosureError::NotFound
        });
    }
    let imported = context.catalogue.imported();
    let slots = imported.slots_closed_by(&saved.closure.closure, imported.last_bookable_day(now), now);
    let reopened = store
        .reopen(id, &slots, now)
        .await?
        .ok_or(ClosureError::NotFound)?;
    refresh(context, store, now).await?;
    let offices = offices_of(context, &reopened);
    record(
        context,
        store,
        identity,
        AuditAction::ClosureReopened,
        &offices,
        now,
    )
    .await?;
    Ok(reopened)
}

/// How many of the latest catalogue changes are searched for the one that displaced a booking.
const CHANGES_SEARCHED: usize = 200;

/// Where the seat of a displaced booking goes when it moves or is cancelled: to the closure in
/// force over its time, so that the closed counter stays closed, or to the change of the
/// catalogue that displaced it (its slot is no longer offered, or has fewer desks). Its citizen
/// may take the seats either keeps for them. `None` for a booking that is not displaced, or whose
/// closure was reopened: its seat is freed like any other.
pub async fn seat_kept_closed(
    store: &(impl ClosureStore + CatalogueStore + ?Sized),
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Option<Reservation>, Failure> {
    if booking.state != BookingState::Displaced {
        return Ok(None);
    }
    let saved = store.closures(now).await?;
    let covering = saved.iter().find(|saved| {
        let closure = &saved.closure.closure;
        saved.reopened_at.is_none()
            && closure.covers(&booking.offering.office, booking.date, booking.start, booking.end)
    });
    let displaced_by = match covering {
        Some(saved) => Some(saved.id.clone()),
        None => store
            .catalogue_changes(CHANGES_SEARCHED)
            .await?
            .into_iter()
            .find(|change| change.displaced.contains(&booking.id))
            .map(|change| change.id),
    };
    Ok(displaced_by.map(|id| Reservation {
        hold: TokenHash::of(format!("closure\0{id}\0displaced\0{}", booking.id).as_bytes()),
        until: booking.ends_at,
        closure: Some(id),
    }))
}

/// The catalogue in use, with the closures in force now.
pub async fn refresh(
    context: &Context,
    store: &(impl ClosureStore + ?Sized),
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let saved = store.closures(now).await?;
    context.catalogue.set_closures(in_force(saved));
    Ok(())
}

/// The closures of `saved` not reopened.
pub fn in_force(saved: Vec<SavedClosure>) -> Vec<StaffClosure> {
    saved
        .into_iter()
        .filter(|saved| saved.reopened_at.is_none())
        .map(|saved| saved.closure)
        .collect()
}

/// The offices a closure touches: its office, or every office.
fn offices_of(context: &Context, saved: &SavedClosure) -> Vec<OfficeId> {
    match &saved.closure.closure.office {
        Some(office) => vec![office.clone()],
        None => context
            .catalogue()
            .offices()
            .iter()
            .map(|office| office.id.clone())
            .collect(),
    }
}

/// One entry per office a change touches, so each office's log has it.
pub(crate) async fn record(
    context: &Context,
    log: &(impl AuditLog + ?Sized),
    identity: &StaffIdentity,
    action: AuditAction,
    offices: &[OfficeId],
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    for office in offices {
        let entry = AuditEntry {
            at: now,
            actor: identity.email.clone(),
            action,
            office: Some(office.clone()),
            short_code: None,
        };
        log.record_audit(&entry, now + context.settings.audit_retention)
            .await?;
    }
    Ok(())
}
