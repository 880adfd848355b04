//! The counter's use cases: the office's agenda of a day, check-in by the QR's signed token or the
//! short code, calling the next citizen, recall, put back, outcomes, the waiting-room display and
//! the audit log. Each checks what the staff member may do in the office before anything else,
//! writes the step (the store makes it atomic), and records it in the audit log.
//!
//! Personal data (name, surname, details) leaves this module only for staff of the booking's
//! office and only for bookings of today and the next `agenda_days` working days; the display
//! answer has none at all.

use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::audit::{AuditAction, AuditEntry};
use prenota_core::calendar::local;
use prenota_core::checkin;
use prenota_core::counter::{CounterError, CounterEvent, Desk, TicketSeries};
use prenota_core::staff::{StaffAction, StaffIdentity};
use prenota_core::{OfficeId, ShortCode};
use prenota_store::{AgendaEntry, AuditLog, CounterStore, DisplayBoard, StoreError};

use crate::{Context, Failure};

/// How many calls the display shows.
pub const DISPLAY_CALLS: usize = 6;

/// Why a counter request was refused.
#[derive(Debug, thiserror::Error)]
pub enum CounterRefusal {
    #[error("this office is not among yours")]
    Forbidden,
    #[error("no office has this id")]
    UnknownOffice,
    #[error("no booking has this code")]
    UnknownBooking,
    #[error("this is not a valid Prenota check-in code")]
    InvalidToken,
    #[error("the booking is for another office")]
    WrongOffice,
    #[error("the booking is for another day")]
    NotToday,
    #[error(transparent)]
    Step(#[from] CounterError),
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for CounterRefusal {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::UnknownBooking,
            StoreError::Counter(refusal) => Self::Step(refusal),
            other => Self::Failed(other.into()),
        }
    }
}

/// The store traits the counter's steps need: the counter and the audit log.
pub trait CounterStores: CounterStore + AuditLog {}
impl<T: CounterStore + AuditLog + ?Sized> CounterStores for T {}

pub(crate) fn today(context: &Context) -> (DateTime<Utc>, NaiveDate) {
    let now = context.clock.now();
    (now, local(now).date())
}

pub(crate) fn allow(
    identity: &StaffIdentity,
    action: StaffAction,
    office: &OfficeId,
    context: &Context,
) -> Result<(), CounterRefusal> {
    if context.catalogue().office(office).is_none() {
        // Staff of no such office: the same answer as for an office not theirs, for everyone but
        // an admin, who is told the id is wrong.
        return Err(if identity.role == prenota_core::staff::Role::Admin {
            CounterRefusal::UnknownOffice
        } else {
            CounterRefusal::Forbidden
        });
    }
    if identity.may(action, office) {
        Ok(())
    } else {
        Err(CounterRefusal::Forbidden)
    }
}

/// Whether personal data of a booking on `date` may be shown at `today`.
fn shows_personal_data(context: &Context, date: NaiveDate, today: NaiveDate) -> bool {
    let last = context
        .catalogue()
        .calendar
        .working_days_after(today, context.settings.agenda_days);
    today <= date && date <= last
}

pub(crate) fn shown(context: &Context, mut entry: AgendaEntry, today: NaiveDate) -> AgendaEntry {
    if !shows_personal_data(context, entry.booking.date, today) {
        entry.booking.person = None;
    }
    entry
}

pub(crate) async fn audit(
    context: &Context,
    log: &(impl AuditLog + ?Sized),
    identity: &StaffIdentity,
    action: AuditAction,
    office: &OfficeId,
    short_code: Option<&ShortCode>,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let entry = AuditEntry {
        at: now,
        actor: identity.email.clone(),
        action,
        office: Some(office.clone()),
        short_code: short_code.cloned(),
    };
    log.record_audit(&entry, now + context.settings.audit_retention)
        .await?;
    Ok(())
}

fn code_of(entry: &AgendaEntry) -> Option<&ShortCode> {
    entry.booking.short_code.as_ref()
}

/// The office's agenda of `date` (today when `None`).
pub async fn agenda<S: CounterStores + ?Sized>(
    context: &Context,
    store: &S,
    identity: &StaffIdentity,
    office: &OfficeId,
    date: Option<NaiveDate>,
) -> Result<(NaiveDate, Vec<AgendaEntry>), CounterRefusal> {
    allow(identity, StaffAction::Counter, office, context)?;
    let (now, today) = today(context);
    let date = date.unwrap_or(today);
    let entries = store.agenda(office, date, now).await?;
    Ok((
        date,
        entries.into_iter().map(|e| shown(context, e, today)).collect(),
    ))
}

/// What the clerk has to check a citizen in by.
#[derive(Debug)]
pub enum CheckInBy<'a> {
    /// The QR's signed token (`PRN1.…`), as a camera or a barcode scanner reads it.
    Token(&'a str),
    ShortCode(ShortCode),
}

/// Checks a citizen in at `office`: verifies the token's signature (the live state then decides:
/// a cancelled booking's QR still verifies, and is refused), refuses another office's or another
/// day's booking, and gives the ticket (the same on a repeat).
pub async fn check_in<S: CounterStores + ?Sized>(
    context: &Context,
    store: &S,
    identity: &StaffIdentity,
    office: &OfficeId,
    by: CheckInBy<'_>,
) -> Result<AgendaEntry, CounterRefusal> {
    allow(identity, StaffAction::Counter, office, context)?;
    let code = match by {
        CheckInBy::ShortCode(code) => code,
        CheckInBy::Token(token) => {
            checkin::verify(&context.secrets.checkin.verifier(), token)
                .map_err(|_| CounterRefusal::InvalidToken)?
                .short_code
        }
    };
    let (now, today) = today(context);
    let entry = store.agenda_entry(&code, now).await?;
    if &entry.booking.offering.office != office {
        return Err(CounterRefusal::WrongOffice);
    }
    if entry.booking.state == prenota_core::BookingState::Cancelled {
        return Err(CounterRefusal::Step(CounterError::Cancelled));
    }
    if entry.booking.state == prenota_core::BookingState::Displaced {
        return Err(CounterRefusal::Step(CounterError::Displaced));
    }
    if entry.booking.date != today {
        return Err(CounterRefusal::NotToday);
    }
    let outcome = store
        .check_in(&code, TicketSeries::Booked, &context.settings.counter_rules, now)
        .await?;
    if outcome.changed {
        let action = AuditAction::Counter(CounterEvent::CheckIn);
        audit(context, store, identity, action, office, Some(&code), now).await?;
    }
    Ok(shown(context, outcome.entry, today))
}

/// Calls the next checked-in citizen of `office` to `desk`; `None` when nobody waits.
pub async fn call_next<S: CounterStores + ?Sized>(
    context: &Context,
    store: &S,
    identity: &StaffIdentity,
    office: &OfficeId,
    desk: &Desk,
) -> Result<Option<AgendaEntry>, CounterRefusal> {
    allow(identity, StaffAction::Counter, office, context)?;
    let (now, today) = today(context);
    let Some(entry) = store.call_next(office, today, desk, now).await? else {
        return Ok(None);
    };
    let action = AuditAction::Counter(CounterEvent::Call);
    audit(context, store, identity, action, office, code_of(&entry), now).await?;
    Ok(Some(shown(context, entry, today)))
}

/// Recall, put back, served or not come, on the booking with `code`.
pub async fn step<S: CounterStores + ?Sized>(
    context: &Context,
    store: &S,
    identity: &StaffIdentity,
    code: &ShortCode,
    event: CounterEvent,
    desk: Option<&Desk>,
) -> Result<AgendaEntry, CounterRefusal> {
    let (now, today) = today(context);
    let entry = store.agenda_entry(code, now).await?;
    let office = entry.booking.offering.office.clone();
    allow(identity, StaffAction::Counter, &office, context)?;
    let outcome = store
        .counter_step(code, event, desk, &context.settings.counter_rules, now)
        .await?;
    if outcome.changed {
        audit(
            context,
            store,
            identity,
            AuditAction::Counter(event),
            &office,
            Some(code),
            now,
        )
        .await?;
    }
    Ok(shown(context, outcome.entry, today))
}

/// What the waiting room of `office` shows now: the last calls of today and how many wait.
pub async fn display<S: CounterStore + ?Sized>(
    context: &Context,
    store: &S,
    office: &OfficeId,
) -> Result<DisplayBoard, CounterRefusal> {
    if context.catalogue().office(office).is_none() {
        return Err(CounterRefusal::UnknownOffice);
    }
    let (_, today) = today(context);
    Ok(store.display_board(office, today, DISPLAY_CALLS).await?)
}

/// The office's audit log of `date` (today when `None`), for managers and admins.
pub async fn audit_log<L: AuditLog + ?Sized>(
    context: &Context,
    log: &L,
    identity: &StaffIdentity,
    office: &OfficeId,
    date: Option<NaiveDate>,
) -> Result<(NaiveDate, Vec<AuditEntry>), CounterRefusal> {
    allow(identity, StaffAction::ReadAudit, office, context)?;
    let (now, today) = today(context);
    let date = date.unwrap_or(today);
    Ok((
        date,
        log.audit_of_day(office, date, now).await.map_err(Failure::from)?,
    ))
}
