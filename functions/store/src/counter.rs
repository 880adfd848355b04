//! The counter's side of a booking (check-in, ticket, calls, outcome) and the audit log of staff
//! actions: the traits both adapters implement, and the types they answer with. The rules are
//! `prenota_core::counter`'s; the adapters make each step atomic (one ticket per check-in, one
//! desk per call under any race).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::audit::AuditEntry;
use prenota_core::counter::{CounterEvent, CounterRules, Desk, Ticket, TicketSeries, VisitState};
use prenota_core::lifecycle::BookingState;
use prenota_core::{ContactKey, OfficeId, ShortCode, TokenHash};

use crate::{Booking, OutboxMessage, Person, StoreResult};

/// What happened at the counter to a checked-in booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// `CheckedIn`, `Called`, `Served` or `NoShow` (not come: then there may be no ticket).
    pub state: VisitState,
    pub ticket: Option<Ticket>,
    /// The desk of the last call.
    pub desk: Option<Desk>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub called_at: Option<DateTime<Utc>>,
    /// When the outcome (served, no-show) was recorded: the service time is `called_at` to this.
    pub finished_at: Option<DateTime<Utc>>,
    /// Booked at the counter, not online.
    pub walk_in: bool,
}

/// A booking of the day with what happened to it at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaEntry {
    pub booking: Booking,
    pub visit: Option<Visit>,
}

impl AgendaEntry {
    /// Where the booking stands: the visit's state once there is one, else the booking's.
    pub fn state(&self) -> VisitState {
        agenda_state(self.booking.state, self.visit.as_ref())
    }
}

/// Where a booking on the agenda stands: the visit's state once there is one, else the booking's.
pub(crate) fn agenda_state(booking: BookingState, visit: Option<&Visit>) -> VisitState {
    match (visit, booking) {
        (_, BookingState::Cancelled) => VisitState::Cancelled,
        (None, BookingState::Displaced) => VisitState::Displaced,
        (Some(visit), _) => visit.state,
        (None, _) => VisitState::Confirmed,
    }
}

/// An idempotent counter step's result: `changed` is false for a repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterOutcome {
    pub entry: AgendaEntry,
    pub changed: bool,
}

/// One call on the waiting-room display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayCall {
    pub ticket: Ticket,
    pub desk: Desk,
    pub at: DateTime<Utc>,
}

/// What the waiting room sees: no name, no code, only tickets and desks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DisplayBoard {
    /// The last calls, newest first.
    pub called: Vec<DisplayCall>,
    /// Checked in and not yet called.
    pub waiting: u32,
}

/// A seat the counter just held becomes a confirmed booking at once (a walk-in, a phone
/// booking): no confirmation link, no quota (staff decide), personal data only with a contact.
#[derive(Debug, Clone)]
pub struct CounterBooking {
    /// The hold the counter made, with the offering's full `desks` as capacity.
    pub hold: TokenHash,
    /// Chosen by the caller, whose messages carry it (the QR code): unique among bookings.
    pub short_code: ShortCode,
    pub person: Option<Person>,
    /// The contact's key, for "my bookings"; with `person`.
    pub contact_key: Option<ContactKey>,
    /// The booking page's code, when a message will carry its link.
    pub page_code: Option<TokenHash>,
    pub erase_after: DateTime<Utc>,
    pub messages: Vec<OutboxMessage>,
}

#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Held → confirmed for a booking made at the counter, under the request's short code;
    /// `NotFound` or `Transition(Expired)` when the hold is gone.
    async fn book_at_counter(&self, request: &CounterBooking, now: DateTime<Utc>) -> StoreResult<Booking>;

    /// The confirmed bookings of `office` on `date` (and those cancelled after confirming), with
    /// their visits and personal data, by start time. The use case decides what of it is shown.
    async fn agenda(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AgendaEntry>>;

    /// One confirmed or cancelled booking by the code the citizen shows; `NotFound` for any other.
    async fn agenda_entry(&self, short_code: &ShortCode, now: DateTime<Utc>) -> StoreResult<AgendaEntry>;

    /// Confirmed → checked in, with the next ticket of `series` at the booking's office and day.
    /// A repeat answers the first check-in's ticket with `changed: false`; refusals are
    /// `StoreError::Counter`.
    async fn check_in(
        &self,
        short_code: &ShortCode,
        series: TicketSeries,
        rules: &CounterRules,
        now: DateTime<Utc>,
    ) -> StoreResult<CounterOutcome>;

    /// Calls the next checked-in citizen of `office` on `date` (`prenota_core::counter::call_order`)
    /// to `desk`; `None` when nobody waits. Two desks calling at once never get the same citizen.
    async fn call_next(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        desk: &Desk,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<AgendaEntry>>;

    /// Recall, put back or an outcome (`event` is never `CheckIn` nor `Call`). `desk` is the
    /// recalling desk.
    async fn counter_step(
        &self,
        short_code: &ShortCode,
        event: CounterEvent,
        desk: Option<&Desk>,
        rules: &CounterRules,
        now: DateTime<Utc>,
    ) -> StoreResult<CounterOutcome>;

    /// The display of `office` on `date`: the last `last` calls and how many wait.
    async fn display_board(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        last: usize,
    ) -> StoreResult<DisplayBoard>;
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Writes one entry, kept until `keep_until`.
    async fn record_audit(&self, entry: &AuditEntry, keep_until: DateTime<Utc>) -> StoreResult<()>;

    /// The entries of `office` on `date` (Europe/Rome), oldest first; expired ones are gone.
    async fn audit_of_day(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AuditEntry>>;
}
