//! Closures saved by staff: the closure itself, and the one change that takes its seats and
//! displaces the bookings on them (see `prenota_core::closure`). A change of the catalogue that
//! takes slots or seats from the calendar is saved the same way. Each adapter does it in its own
//! `closures` module.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prenota_core::closure::{ClosedSlot, StaffClosure};
use prenota_core::{BookingId, OfferingKey, Slot, TokenHash};

use crate::{Booking, CatalogueSave, OutboxMessage, StoreResult};

/// A closure as saved: who saved it and when; `reopened_at` once undone.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedClosure {
    /// 32 hex digits, random: the closure's seats' holds are derived from it.
    pub id: String,
    pub closure: StaffClosure,
    pub saved_by: String,
    pub saved_at: DateTime<Utc>,
    pub reopened_at: Option<DateTime<Utc>>,
}

/// What a displaced booking's citizen is told, and the page their message links to.
#[derive(Debug, Clone)]
pub struct Displacement {
    /// The booking page's code (a pending booking had none yet: it is issued with this change).
    pub page_code: TokenHash,
    /// The message with the reason and the link, and the drop of the reminder's order.
    pub messages: Vec<OutboxMessage>,
}

/// What a [`CloseRequest`] saves together with the seats it takes: a closure,
/// or a change of the catalogue that takes slots (shorter hours, an offering removed) or seats
/// (fewer desks) from the calendar.
#[derive(Debug, Clone)]
pub enum Saving {
    Closure(SavedClosure),
    Catalogue(Box<CatalogueSave>),
}

impl Saving {
    /// The id the seats it takes are derived from.
    pub fn id(&self) -> &str {
        match self {
            Self::Closure(saved) => &saved.id,
            Self::Catalogue(save) => &save.change.id,
        }
    }
}

/// How long a change of the catalogue holds the free seats it takes from the calendar: until
/// every server reads the new catalogue (a warm Lambda reads it again every 5 minutes), so that
/// none books them from the old one. After that the slots are no longer offered (or, with fewer
/// desks, are offered with fewer seats), and a closure's seats, held until their slot ends,
/// would only keep seats of a slot reopened later out of reach.
pub const EDIT_GUARD: chrono::Duration = chrono::Duration::minutes(15);

/// Save a closure or a change of the catalogue (`saving`) and take the seats of `slots` from
/// each's `first_seat` on.
#[derive(Debug, Clone)]
pub struct CloseRequest {
    pub saving: Saving,
    pub slots: Vec<ClosedSlot>,
    /// What to tell each pending or confirmed booking on those seats, as read just before
    /// ([`ClosureStore::bookings_at`]). A booking found there and not in it (made meanwhile)
    /// refuses the change with [`StoreError::NotForeseen`](crate::StoreError::NotForeseen):
    /// read and compose again.
    pub displacements: HashMap<BookingId, Displacement>,
}

/// The hold of the `n`-th seat closure `id` keeps for its displaced citizens.
pub(crate) fn priority_hold(id: &str, seat: &PrioritySeat, n: usize) -> TokenHash {
    TokenHash::of(
        format!(
            "closure\0{id}\0priority\0{}\0{}\0{}\0{}\0{n}",
            seat.offering.office, seat.offering.service, seat.slot.date, seat.slot.start
        )
        .as_bytes(),
    )
}

impl CloseRequest {
    /// Until when the free seats of `slot` are held: a closure's until the slot ends, a change's
    /// for [`EDIT_GUARD`].
    pub fn seats_until(&self, slot: &ClosedSlot, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.saving {
            Saving::Closure(_) => slot.slot.ends_at,
            Saving::Catalogue(_) => slot.slot.ends_at.min(now + EDIT_GUARD),
        }
    }

    pub(crate) fn displacement(&self, booking: &Booking) -> StoreResult<&Displacement> {
        self.displacements
            .get(&booking.id)
            .ok_or(crate::StoreError::NotForeseen)
    }
}

/// A seat kept for the citizens a closure displaced: among the earliest free ones of their
/// offering, out of everyone else's reach until the priority ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrioritySeat {
    pub offering: OfferingKey,
    pub slot: Slot,
    /// The seats of the slot open to online booking.
    pub capacity: u32,
    /// When the priority ends: the seat is everyone's again.
    pub until: DateTime<Utc>,
}

/// Seats a closure keeps for its displaced citizens, by day and start time.
pub type KeptSeats = BTreeMap<NaiveDate, BTreeMap<NaiveTime, u32>>;

/// What saving a closure did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Closed {
    /// The bookings moved to `displaced`, each with its message queued in the same change.
    pub displaced: Vec<Booking>,
    /// Holds of citizens still in the wizard, released (nobody had been told anything yet).
    pub released_holds: usize,
}

#[async_trait]
pub trait ClosureStore: Send + Sync {
    /// Closures saved by staff whose last day has not passed, reopened or not, oldest first.
    async fn closures(&self, now: DateTime<Utc>) -> StoreResult<Vec<SavedClosure>>;

    /// The bookings on a seat of `slots` at `now` (held, pending, confirmed or displaced), with
    /// their personal data: what a closure of those slots would hit.
    async fn bookings_at(&self, slots: &[ClosedSlot], now: DateTime<Utc>) -> StoreResult<Vec<Booking>>;

    /// Saves the closure (or the change of the catalogue, only over its expected version: else
    /// [`StoreError::CatalogueChanged`](crate::StoreError::CatalogueChanged) and nothing saved)
    /// and, seat by seat of `slots` from each one's `first_seat`, takes the free seats (a hold of
    /// the closure's until the slot ends, of the change's for [`EDIT_GUARD`]), releases the holds
    /// of the wizard and displaces pending and confirmed bookings with their messages. Never a
    /// seat given twice, never a booking on a closed seat without its message. Saving the same
    /// request again (a retry) takes nothing more.
    ///
    /// With `first_seat` above 0 (fewer desks), one machine keeps the bookings made first and
    /// displaces the later ones; DynamoDB, whose seats are numbered, displaces those on the seats
    /// from `first_seat` on. The use case refuses such a change while the slot has bookings, so
    /// either only meets the bookings of a race.
    async fn close(&self, request: &CloseRequest, now: DateTime<Utc>) -> StoreResult<Closed>;

    /// Undoes closure `id`: its seats of `slots` still held for it are free again and it is marked
    /// reopened. The displaced bookings stay displaced: their citizens were told, and may have
    /// chosen another time already. `None`: no such closure.
    async fn reopen(
        &self,
        id: &str,
        slots: &[ClosedSlot],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SavedClosure>>;

    /// Holds each of `seats` for closure `id` until its `until`, if it is still free: the
    /// displaced citizens' priority. Returns how many were kept. Each seat is claimed like a hold,
    /// so a citizen who took it meanwhile keeps it.
    async fn keep_for_displaced(
        &self,
        id: &str,
        seats: &[PrioritySeat],
        now: DateTime<Utc>,
    ) -> StoreResult<usize>;

    /// The seats closure `id` still keeps for its displaced citizens in `offering` (the seats of
    /// its closed slots are among them when asked for; the caller keeps the slots the catalogue
    /// still offers).
    async fn kept_for_displaced(
        &self,
        id: &str,
        offering: &OfferingKey,
        now: DateTime<Utc>,
    ) -> StoreResult<KeptSeats>;
}
