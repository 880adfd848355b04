//! Where slots, holds and bookings live. The flow talks to the narrow traits below; each adapter
//! (SQLite on one machine, DynamoDB on AWS) makes the same promises, checked by one invariant
//! suite (`tests/invariants.rs`) run against both:
//!
//! - a slot never has more active seats (held, pending or confirmed) than its capacity;
//! - an expired hold or unconfirmed booking frees its seat at the instant it expires, whatever a
//!   clean-up (DynamoDB TTL, a SQLite sweep) has or has not deleted;
//! - confirming, cancelling or releasing twice has one outcome;
//! - a contact never has more active bookings than its [`QuotaPolicy`] allows.
//!
//! Every method takes `now` from the caller's clock, so expiry is tested without sleeping.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::feedback::Feedback;
use prenota_core::household::{HouseholdSeat, PersonKey};
use prenota_core::lifecycle::{Event, Transition, TransitionError, apply};
use prenota_core::quota::QuotaExceeded;
use prenota_core::reminder::Reconfirmation;
use prenota_core::text::{Details, PersonName};
use prenota_core::{
    BookingId, BookingState, Catalogue, ContactKey, OfferingKey, QuotaPolicy, ShortCode, Slot, TokenHash,
};

mod availability;
mod catalogue_changes;
mod closures;
mod counter;
pub mod dynamodb;
mod names;
mod outbox;
pub mod sqlite;
mod staff;
mod statistics;
mod stored;
#[cfg(feature = "testing")]
pub mod testing;
mod waiting;

pub use availability::Availability;
pub use catalogue_changes::{CatalogueChange, CatalogueSave, StoredCatalogue, imported_hash};
pub use closures::{
    CloseRequest, Closed, ClosureStore, Displacement, EDIT_GUARD, KeptSeats, PrioritySeat, SavedClosure,
    Saving,
};
pub use counter::{
    AgendaEntry, AuditLog, CounterBooking, CounterOutcome, CounterStore, DisplayBoard, DisplayCall, Visit,
};
pub use outbox::{
    Delivery, MessageChannel, MessageId, MessageKind, OutboxEntry, OutboxMessage, RetryLater, SmsCount,
};
pub use staff::{StaffAccount, StaffAccounts};
pub use statistics::{SAMPLES_KEPT, StatisticsStore};
pub(crate) use stored::{from_millis, millis, stored_feedback};
pub use waiting::{
    NewPlace, PlaceOutcome, PlaceState, Reservation, SeatOffer, StoredOffer, WaitingList, WaitingPlace,
};

/// Active seats per start time of one offering's day. Shared, not copied: the SQLite store hands
/// the same cached day to every availability answer.
pub type TakenSeats = std::sync::Arc<BTreeMap<NaiveTime, u32>>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the slot has no free seat")]
    SlotTaken,
    #[error("no such hold or booking")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A quota refused the change: `rule`, hit by the `person`-th person of the request (0 but
    /// for a household's details).
    #[error("{rule}")]
    Quota { rule: QuotaExceeded, person: usize },
    #[error(transparent)]
    Counter(#[from] prenota_core::counter::CounterError),
    /// The database could not be reached or refused the request: worth retrying later.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The details name another number of people than the hold has seats (or the confirmation
    /// another number of page codes than the household has bookings).
    #[error("{given} people for {held} held seats")]
    PeopleMismatch { held: usize, given: usize },
    /// The contact already has as many places on waiting lists as it may.
    #[error("the contact already has {0} places on waiting lists")]
    TooManyPlaces(usize),
    /// The place is no longer waiting to be offered a seat.
    #[error("the place is no longer waiting")]
    NotWaiting,
    /// A booking was made on a seat a closure takes after the closure read the seats: nothing
    /// was changed; read them again.
    #[error("a booking appeared on a closed seat: read again")]
    NotForeseen,
    /// The catalogue is no longer at the version a change was made over: someone else changed
    /// it meanwhile. Nothing was saved.
    #[error("the catalogue was changed meanwhile")]
    CatalogueChanged,
    /// Stored data that this version cannot read.
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<QuotaExceeded> for StoreError {
    fn from(rule: QuotaExceeded) -> Self {
        Self::Quota { rule, person: 0 }
    }
}

/// The error of the `person`-th person of a household's details: a quota refusal says whose.
pub(crate) fn of_person(person: usize) -> impl Fn(StoreError) -> StoreError {
    move |error| match error {
        StoreError::Quota { rule, .. } => StoreError::Quota { rule, person },
        other => other,
    }
}

/// A citizen picked a slot: take a seat for each person until `expires_at`, all or none.
#[derive(Debug, Clone)]
pub struct HoldRequest {
    pub hold: TokenHash,
    pub offering: OfferingKey,
    /// The slot of each person's seat, in order (one for a booking of one person; a household's
    /// follow [`prenota_core::household::plan_seats`]). Seat `n` becomes the booking of the hold
    /// hash `hold.household_seat(n)`.
    pub seats: Vec<Slot>,
    pub capacity: u32,
    pub expires_at: DateTime<Utc>,
}

impl HoldRequest {
    /// A hold of one seat of `slot`.
    pub fn one(
        hold: TokenHash,
        offering: OfferingKey,
        slot: Slot,
        capacity: u32,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            hold,
            offering,
            seats: vec![slot],
            capacity,
            expires_at,
        }
    }

    /// Where seat `n` stands in its household; `None` for a hold of one seat.
    pub fn household_seat(&self, n: usize) -> Option<HouseholdSeat> {
        (self.seats.len() > 1).then(|| HouseholdSeat {
            lead: BookingId::of_hold(&self.hold),
            seat: n as u32,
            size: self.seats.len() as u32,
        })
    }

    /// The booking id of seat `n`.
    pub fn booking_id(&self, n: usize) -> BookingId {
        BookingId::of_hold(&self.hold.household_seat(n as u32))
    }
}

/// The booking ids of a household, in order, from its lead's and its size (see
/// [`TokenHash::household_seat`]).
pub fn household_ids(lead: &BookingId, size: u32) -> Vec<BookingId> {
    (0..size.max(1))
        .map(|seat| BookingId::of_hold(&lead.hold().household_seat(seat)))
        .collect()
}

/// The bookings that a change of `booking` as a household changes: its household's, or itself.
pub(crate) fn household_of(booking: &Booking) -> Vec<BookingId> {
    match &booking.household {
        Some(household) => household_ids(&household.lead, household.size),
        None => vec![booking.id.clone()],
    }
}

/// Who the booking is for. Erased some time after the appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: PersonName,
    pub surname: PersonName,
    pub contact: Contact,
    pub details: Option<Details>,
    pub lang: Lang,
}

/// One person of a booking, with the key their quotas are counted under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub person: Person,
    pub key: PersonKey,
}

/// The citizen sent their details: each held seat becomes a booking waiting for confirmation,
/// all or none, under one confirmation code (the first person's booking's).
#[derive(Debug, Clone)]
pub struct DetailsRequest {
    pub hold: TokenHash,
    pub confirm_code: TokenHash,
    pub contact_key: ContactKey,
    /// Who each held seat is for, in the hold's order; one contact and language for all.
    pub people: Vec<Attendee>,
    pub confirm_by: DateTime<Utc>,
    pub quota: QuotaPolicy,
    /// When the personal data may be erased: the (last) appointment plus the retention.
    pub erase_after: DateTime<Utc>,
    /// The confirmation request to send.
    pub messages: Vec<OutboxMessage>,
}

/// A confirmed booking moves to another slot of its offering ("Sposta appuntamento").
#[derive(Debug, Clone)]
pub struct MoveRequest {
    pub booking: BookingId,
    pub to: Slot,
    /// The seats of the new slot open to online booking.
    pub capacity: u32,
    /// The contact's quota, counted on the new day as at the details step (the booking itself
    /// not counted twice).
    pub quota: QuotaPolicy,
    /// When the personal data may be erased: the new appointment plus the retention.
    pub erase_after: DateTime<Utc>,
    /// The "moved" message and the reminder's new order.
    pub messages: Vec<OutboxMessage>,
    /// The old seat kept for the waiting list (see [`Reservation`]) rather than freed.
    pub reserve: Option<Reservation>,
    /// A displaced booking may take a seat its closure keeps for its citizens (`closure`'s id),
    /// when no seat of the new slot is free to everyone.
    pub from_closure: Option<String>,
}

/// A booking as the flow sees it, with its state at the instant it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// Internal id: the hex SHA-256 of the hold token (never the token itself).
    pub id: BookingId,
    pub offering: OfferingKey,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: BookingState,
    /// Deadline of a hold or of the confirmation; `None` once confirmed.
    pub expires_at: Option<DateTime<Utc>>,
    pub short_code: Option<ShortCode>,
    /// `None` before the details step and after erasure.
    pub person: Option<Person>,
    /// Where it stands on "Confermi che verrai?", for a service that asks; `None` until asked.
    pub reconfirmation: Option<Reconfirmation>,
    /// Its place in a household booking; `None` for a booking of one person.
    pub household: Option<HouseholdSeat>,
}

impl Booking {
    /// The slot it is at.
    pub fn slot(&self) -> Slot {
        Slot {
            date: self.date,
            start: self.start,
            end: self.end,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        }
    }

    /// The same booking at `slot` (what a move makes of it).
    pub fn moved_to(&self, slot: &Slot) -> Self {
        Self {
            date: slot.date,
            start: slot.start,
            end: slot.end,
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            ..self.clone()
        }
    }
}

/// What an idempotent state change did: `changed` is false when a previous request already did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub booking: Booking,
    pub changed: bool,
}

#[async_trait]
pub trait CatalogueStore: Send + Sync {
    /// Imports a catalogue (from a file): replaces the stored one, one version more, remembered
    /// as the one imported (see [`StoredCatalogue::imported`]). Staff's changes are saved with
    /// [`ClosureStore::close`].
    async fn put_catalogue(&self, catalogue: &Catalogue) -> StoreResult<()>;

    /// The stored catalogue with its version; `None` before the first import.
    async fn stored_catalogue(&self) -> StoreResult<Option<StoredCatalogue>>;

    async fn catalogue(&self) -> StoreResult<Option<Catalogue>> {
        Ok(self.stored_catalogue().await?.map(|stored| stored.catalogue))
    }

    /// Staff's changes of the catalogue, newest first, at most `limit`.
    async fn catalogue_changes(&self, limit: usize) -> StoreResult<Vec<CatalogueChange>>;
}

#[async_trait]
pub trait SeatStore: Send + Sync {
    /// Active seats of one offering on each of `dates`; days without any are absent.
    async fn taken_seats(
        &self,
        offering: &OfferingKey,
        dates: &[NaiveDate],
        now: DateTime<Utc>,
    ) -> StoreResult<BTreeMap<NaiveDate, TakenSeats>>;

    /// How many days `taken_seats` is best asked about at once when walking the booking window:
    /// DynamoDB sends one Query per day, so a week at a time; SQLite answers any range in one query.
    fn days_per_query(&self) -> usize {
        7
    }

    /// Takes a free seat for each of the request's seats, all or none, or fails with
    /// [`StoreError::SlotTaken`].
    async fn hold(&self, request: &HoldRequest, now: DateTime<Utc>) -> StoreResult<()>;

    /// Gives a hold's seats back ("INDIETRO"). Releasing twice, or after expiry, is not an error.
    async fn release(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<()>;
}

#[async_trait]
pub trait BookingStore: Send + Sync {
    /// The booking a hold token started (a household's first person's), as it is now.
    async fn booking_by_hold(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking>;

    /// Held → pending for every seat of the hold, enforcing the people's and the contact's quotas
    /// atomically: all or none. Answers the first person's booking.
    async fn submit_details(&self, request: &DetailsRequest, now: DateTime<Utc>) -> StoreResult<Booking>;

    /// The booking a confirmation link points to, without changing it (a GET).
    async fn booking_by_confirm_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking>;

    /// Pending → confirmed, for the booking of `code` and, for a household's, every booking of the
    /// household at once. The first confirmation attaches `page_codes` (the booking pages' links,
    /// one per booking in the household's order) and queues `messages`; a repeat returns the same
    /// booking with `changed: false` and queues nothing.
    async fn confirm(
        &self,
        code: &TokenHash,
        page_codes: &[TokenHash],
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome>;

    /// The booking a booking-page link points to.
    async fn booking_by_page_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking>;

    /// Another booking-page link for a booking, for the "my bookings" list and the reminder: the
    /// store keeps only hashes, so a link sent later needs a code of its own. Issuing the same code
    /// again for the same booking changes nothing (the code of a reissued link is derived from the
    /// booking, so that sending it again adds nothing).
    async fn issue_page_code(&self, booking: &BookingId, code: &TokenHash) -> StoreResult<()>;

    /// Another confirmation link for a booking still waiting for confirmation ("my bookings" for a
    /// citizen who lost the first message): `code` then confirms it as the first code does, which
    /// keeps working. Issuing the same code again changes nothing.
    async fn issue_confirm_code(&self, booking: &BookingId, code: &TokenHash) -> StoreResult<()>;

    /// Confirmed → cancelled; the quota is free at once, and the seat too, or kept for the waiting
    /// list by `reserve` in the same change; `messages` are queued. Repeats: `changed: false`,
    /// nothing queued.
    async fn cancel(
        &self,
        page_code: &TokenHash,
        reserve: Option<&Reservation>,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome>;

    /// Moves a confirmed booking to `request.to` in one change: a seat of the new slot claimed
    /// (or [`StoreError::SlotTaken`]), the old one freed, the quota of the new day checked, the
    /// agenda and the erasure date moved, `messages` queued — never both seats, never neither. A
    /// booking already at the new slot is a repeat: `changed: false`, nothing queued. A booking
    /// checked in at the counter does not move ([`TransitionError::AppointmentStarted`]).
    ///
    /// [`TransitionError::AppointmentStarted`]: prenota_core::lifecycle::TransitionError
    async fn move_booking(&self, request: &MoveRequest, now: DateTime<Utc>) -> StoreResult<Outcome>;

    /// Records where a confirmed booking stands on "Confermi che verrai?" and queues `messages`
    /// with it: `Asked` only a booking not asked yet, `Reconfirmed` any confirmed one. A repeat
    /// (already asked, already reconfirmed) changes nothing and queues nothing. A booking that is
    /// not confirmed is a [`TransitionError`](prenota_core::lifecycle::TransitionError).
    async fn set_reconfirmation(
        &self,
        booking: &BookingId,
        to: Reconfirmation,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome>;

    /// The contact's pending and confirmed bookings whose appointment has not ended, soonest first.
    async fn bookings_of_contact(
        &self,
        contact: &ContactKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>>;
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues a message that no state change causes (the "my bookings" request). A message
    /// already queued under the same id is kept as it is.
    async fn enqueue(&self, message: &OutboxMessage) -> StoreResult<()>;

    /// Messages not yet sent nor failed that are due at `now` (`next_attempt_at <= now`: a new
    /// message is due when queued), soonest due first, at most `limit`.
    /// [`DateTime::<Utc>::MAX_UTC`] asks for every pending message, due or not.
    async fn pending_messages(&self, limit: usize, now: DateTime<Utc>) -> StoreResult<Vec<OutboxEntry>>;

    /// One message, whatever its delivery state.
    async fn message(&self, id: &MessageId) -> StoreResult<OutboxEntry>;

    /// Marks a pending message sent (with the provider's id) or failed (with the reason).
    /// Marking a message that is no longer pending changes nothing and is not an error.
    async fn mark_delivery(
        &self,
        id: &MessageId,
        delivery: Delivery,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// A pending message failed for now: records its attempts, its next attempt (it is not due
    /// before) and the reason. A message no longer pending is left as it is, without error.
    async fn retry_later(&self, id: &MessageId, retry: &RetryLater) -> StoreResult<()>;

    /// Counts one more SMS in the hour that starts at `hour`, unless `cap` are already counted
    /// there: the service-wide hourly cap, exact however many senders count at once, and kept
    /// across restarts.
    async fn count_sms(&self, hour: DateTime<Utc>, cap: u32) -> StoreResult<SmsCount>;

    /// Takes back an SMS that [`OutboxStore::count_sms`] counted in `hour` but that did not leave.
    async fn uncount_sms(&self, hour: DateTime<Utc>) -> StoreResult<()>;
}

/// How long a rating stays: a year of statistics. The reason is free text a citizen may have
/// put a name in, so it does not stay for ever.
pub const FEEDBACK_KEEP: Duration = Duration::days(365);

/// A rating as stored: with the day it was given (Europe/Rome) and never the time, so that it
/// cannot be matched to a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackEntry {
    /// Random, unique.
    pub id: String,
    pub day: NaiveDate,
    pub feedback: Feedback,
}

#[async_trait]
pub trait FeedbackStore: Send + Sync {
    async fn record_feedback(&self, entry: &FeedbackEntry) -> StoreResult<()>;

    /// The ratings given on one day, for the statistics; those older than [`FEEDBACK_KEEP`] are gone.
    async fn feedback_of_day(&self, day: NaiveDate, now: DateTime<Utc>) -> StoreResult<Vec<FeedbackEntry>>;
}

/// Whether a rating given on `day` is still kept at `now`.
pub(crate) fn feedback_kept(day: NaiveDate, now: DateTime<Utc>) -> bool {
    day + FEEDBACK_KEEP > now.date_naive()
}

/// Messages to a contact that no booking of theirs causes — a "my bookings" list, a notice that a
/// quota stopped a booking — are counted per contact and hour, so that nobody can make the service
/// flood a stranger's inbox or phone (at most a few a hour, however many requests ask).
#[async_trait]
pub trait ContactMessages: Send + Sync {
    /// Counts one such message to `contact` in the hour of `now` and says whether it may go:
    /// false once `per_hour` have been counted in that hour. Atomic under races.
    async fn count_contact_message(
        &self,
        contact: &ContactKey,
        per_hour: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

/// Proofs of work (the hold step's challenge under pressure) are good once: a solved challenge
/// is spent when used, so that one solution cannot be replayed for a thousand holds.
#[async_trait]
pub trait OneTimeProofs: Send + Sync {
    /// Spends `proof` (the hash of a solved challenge), which stays spent until `until` (when the
    /// challenge itself expires); false when it was spent already. Atomic under races.
    async fn spend_proof(
        &self,
        proof: &TokenHash,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

/// The hour of `now` as counted by [`ContactMessages`]: whole hours since the epoch.
pub(crate) fn contact_message_hour(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(3600)
}

/// Everything the wizard and the counter need from one store.
pub trait Store:
    CatalogueStore
    + SeatStore
    + BookingStore
    + OutboxStore
    + FeedbackStore
    + ContactMessages
    + OneTimeProofs
    + CounterStore
    + AuditLog
    + WaitingList
    + ClosureStore
    + StatisticsStore
{
}

impl<T> Store for T where
    T: CatalogueStore
        + SeatStore
        + BookingStore
        + OutboxStore
        + FeedbackStore
        + ContactMessages
        + OneTimeProofs
        + CounterStore
        + AuditLog
        + WaitingList
        + ClosureStore
        + StatisticsStore
{
}

/// What the store says when the database cannot be reached or refuses a request.
pub(crate) fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

/// Whether recording `to` changes `booking` (see [`BookingStore::set_reconfirmation`]): false for a
/// repeat, an error for a booking that is not confirmed.
pub(crate) fn reconfirmation_changes(booking: &Booking, to: Reconfirmation) -> StoreResult<bool> {
    use prenota_core::lifecycle::TransitionError;
    match booking.state {
        BookingState::Confirmed => {}
        BookingState::Cancelled => return Err(TransitionError::Cancelled.into()),
        BookingState::Expired => return Err(TransitionError::Expired.into()),
        BookingState::Displaced => return Err(TransitionError::Displaced.into()),
        BookingState::Held | BookingState::Pending => return Err(TransitionError::NotConfirmed.into()),
    }
    Ok(match (booking.reconfirmation, to) {
        (None, _) => true,
        (Some(Reconfirmation::Asked), Reconfirmation::Reconfirmed) => true,
        (Some(_), _) => false,
    })
}

/// What `event` does to `booking` at `now`: the domain decides, the adapters write.
pub(crate) fn transition(booking: &Booking, event: Event, now: DateTime<Utc>) -> StoreResult<Transition> {
    Ok(apply(booking.state, event, booking.starts_at, now)?)
}
