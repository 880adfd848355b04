//! The waiting list ("Avvisami se si libera un posto") as stored: each citizen's place, confirmed
//! by link like a booking; a freed seat kept back for the list (a [`Reservation`], written by the
//! change that frees it); and the offer of a seat to a drawn place, which hands the kept seat over
//! to a hold that only the offered citizen's link can use. The rules — who may be offered a seat,
//! the draw, how long an offer lasts — are `prenota_core::waiting`'s; the steps are
//! `prenota_usecases::waiting`'s.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::dates::parse_date;
use prenota_core::waiting::{FreedBy, FreedSeat, Waiting};
use prenota_core::{BookingId, ContactKey, OfferingKey, OfficeId, ServiceId, TokenHash};

use crate::names::stored_names;
use crate::stored::{Fields, corrupt, stored_booking_id};
use crate::{HoldRequest, OutboxMessage, StoreError, StoreResult, from_millis};

/// A freed seat kept back from the public: the change that frees it (a cancellation, a move, a
/// release) gives it to a hold of its own, `hold`, until `until`, so that nobody can take it
/// while the waiting list is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    pub hold: TokenHash,
    pub until: DateTime<Utc>,
    /// The closure the seat is kept for (a displaced booking moved or cancelled: its seat stays
    /// closed), undone with it; `None`: kept for the waiting list's draw.
    pub closure: Option<String>,
}

stored_names! {
    /// Where a place on the waiting list stands.
    pub enum PlaceState {
        /// Joined, its contact not confirmed yet: never drawn.
        Pending = "pending",
        /// Confirmed: drawn for the seats it wants.
        Waiting = "waiting",
        /// A seat is offered to it: not drawn again until the offer ends.
        Offered = "offered",
        /// Left the list, or booked the seat it was offered.
        Left = "left",
    }
}

/// A citizen's place on the waiting list, as it is now. Places past their last day are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingPlace {
    /// The hash of the place's link code, which confirms it and lets the citizen leave.
    pub code: TokenHash,
    /// What it waits for; `joined_at` is when it was confirmed (when it joined, while pending).
    pub waiting: Waiting,
    pub contact: Contact,
    pub lang: Lang,
    pub state: PlaceState,
    /// Until when a pending place may be confirmed.
    pub confirm_by: DateTime<Utc>,
    /// The booking of the hold offered to it, while [`PlaceState::Offered`].
    pub offer: Option<BookingId>,
}

impl AsRef<Waiting> for WaitingPlace {
    fn as_ref(&self) -> &Waiting {
        &self.waiting
    }
}

/// A citizen joins: the place, pending until confirmed by its link.
#[derive(Debug, Clone)]
pub struct NewPlace {
    pub code: TokenHash,
    pub waiting: Waiting,
    pub contact: Contact,
    pub contact_key: ContactKey,
    pub lang: Lang,
    pub confirm_by: DateTime<Utc>,
    /// When the place and its contact are gone: the end of its last day.
    pub keep_until: DateTime<Utc>,
}

/// What a change of a place did: `changed` is false for a repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceOutcome {
    pub place: WaitingPlace,
    pub changed: bool,
}

/// A kept seat offered to a drawn place: in one change, the seat of `from` (a [`Reservation`],
/// or an offer that lapsed) goes to the new hold `hold` (one seat, until the offer lapses), the
/// place is marked offered, the place offered before (if any) waits again, the offer is
/// recorded and `messages` (the offer, the order to end it) are queued.
#[derive(Debug, Clone)]
pub struct SeatOffer {
    pub from: TokenHash,
    pub hold: HoldRequest,
    pub place: TokenHash,
    /// The place that was offered the seat before, when `from` is its lapsed offer.
    pub previous: Option<TokenHash>,
    pub freed: FreedSeat,
    /// Every place offered this seat so far, this one included: none is drawn for it again.
    pub offered: Vec<TokenHash>,
    pub messages: Vec<OutboxMessage>,
}

/// An offer as recorded, under the booking of its hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOffer {
    pub booking: BookingId,
    pub place: TokenHash,
    pub freed: FreedSeat,
    pub offered: Vec<TokenHash>,
}

#[async_trait]
pub trait WaitingList: Send + Sync {
    /// Stores a pending place and queues `messages` (its confirmation link) with it.
    async fn join_waiting(
        &self,
        place: &NewPlace,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The place of a link code, without changing it; [`StoreError::NotFound`] when unknown or
    /// past its last day.
    ///
    /// [`StoreError::NotFound`]: crate::StoreError::NotFound
    async fn waiting_place(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<WaitingPlace>;

    /// Pending → waiting, joined now, unless the contact already has `cap` places waiting or
    /// offered ([`StoreError::TooManyPlaces`]); after `confirm_by`, [`TransitionError::Expired`];
    /// a place that left, [`TransitionError::Cancelled`]. A repeat changes nothing. Atomic under
    /// races: the cap holds however many confirm at once.
    ///
    /// [`StoreError::TooManyPlaces`]: crate::StoreError::TooManyPlaces
    /// [`TransitionError::Expired`]: prenota_core::lifecycle::TransitionError::Expired
    /// [`TransitionError::Cancelled`]: prenota_core::lifecycle::TransitionError::Cancelled
    async fn confirm_waiting(
        &self,
        code: &TokenHash,
        cap: usize,
        now: DateTime<Utc>,
    ) -> StoreResult<PlaceOutcome>;

    /// The place leaves the list (an offer out to it stays until it lapses). A repeat changes
    /// nothing.
    async fn leave_waiting(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<PlaceOutcome>;

    /// The places waiting (confirmed, not offered a seat, not past their last day) for `service`.
    async fn places_waiting(
        &self,
        service: &prenota_core::ServiceId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitingPlace>>;

    /// Hands a kept seat over to an offer (see [`SeatOffer`]), all or nothing:
    /// [`StoreError::NotFound`] when `from` no longer holds the seat (taken, released, expired),
    /// [`StoreError::NotWaiting`] when the place is no longer waiting.
    ///
    /// [`StoreError::NotFound`]: crate::StoreError::NotFound
    /// [`StoreError::NotWaiting`]: crate::StoreError::NotWaiting
    async fn offer_seat(&self, offer: &SeatOffer, now: DateTime<Utc>) -> StoreResult<()>;

    /// Keeps the seat of `expired`, a booking whose confirmation deadline has passed, for the
    /// waiting list: the reservation `kept` (one seat of its slot, the online capacity, until the
    /// draw's end) and `messages` (the order to draw) in one change. `false`, with nothing
    /// written, when the booking has not expired, or its seat was taken meanwhile, or is kept
    /// already (a repeat).
    async fn keep_expired_seat(
        &self,
        expired: &BookingId,
        kept: &crate::HoldRequest,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// The offer made with the hold of `booking`, if any.
    async fn offer_of(&self, booking: &BookingId, now: DateTime<Utc>) -> StoreResult<Option<StoredOffer>>;

    /// The offer of `booking` is over: its place, if still offered that seat, leaves the list
    /// (`booked`) or waits again. A repeat changes nothing.
    async fn end_offer(&self, booking: &BookingId, booked: bool, now: DateTime<Utc>) -> StoreResult<()>;
}

/// Whether confirming `place` at `now` changes it: false for a repeat, an error for a place whose
/// confirmation time is over or that left.
pub(crate) fn confirm_changes(place: &WaitingPlace, now: DateTime<Utc>) -> StoreResult<bool> {
    use prenota_core::lifecycle::TransitionError;
    match place.state {
        PlaceState::Pending if now >= place.confirm_by => Err(TransitionError::Expired.into()),
        PlaceState::Pending => Ok(true),
        PlaceState::Waiting | PlaceState::Offered => Ok(false),
        PlaceState::Left => Err(TransitionError::Cancelled.into()),
    }
}

/// Offices and place codes are stored as one comma-separated text in both stores (neither an
/// office id nor a hex hash has a comma).
pub(crate) fn joined<T: AsRef<str>>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|value| value.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(",")
}

/// A place read back from the fields both stores name alike. The contact stays out of errors.
pub(crate) fn stored_place(fields: &impl Fields) -> StoreResult<WaitingPlace> {
    let code = fields.text("code")?;
    let service = fields.text("service")?;
    let offices = fields
        .text("offices")?
        .split(',')
        .map(|office| OfficeId::parse(office).map_err(|_| corrupt("office", office)))
        .collect::<StoreResult<Vec<_>>>()?;
    let (from, to) = (fields.text("from_date")?, fields.text("to_date")?);
    let contact = Contact::parse(fields.text("contact")?)
        .map_err(|_| StoreError::Corrupt("waiting place contact".into()))?;
    let (lang, state) = (fields.text("lang")?, fields.text("state")?);
    Ok(WaitingPlace {
        code: stored_hash(code)?,
        waiting: Waiting {
            service: ServiceId::parse(service).map_err(|_| corrupt("service", service))?,
            offices,
            from: parse_date(from).map_err(|_| corrupt("from", from))?,
            to: parse_date(to).map_err(|_| corrupt("to", to))?,
            joined_at: from_millis(fields.number("joined_at")?)?,
            channel: contact.channel(),
        },
        contact,
        lang: Lang::parse(lang).ok_or_else(|| corrupt("lang", lang))?,
        state: PlaceState::parse(state).ok_or_else(|| corrupt("place state", state))?,
        confirm_by: from_millis(fields.number("confirm_by")?)?,
        offer: fields
            .optional_text("offer")?
            .map(stored_booking_id)
            .transpose()?,
    })
}

/// An offer read back (`booking`: the booking of its hold).
pub(crate) fn stored_offer(fields: &impl Fields, booking: BookingId) -> StoreResult<StoredOffer> {
    let (office, service) = (fields.text("office")?, fields.text("service")?);
    let (date, by) = (fields.text("date")?, fields.text("freed_by")?);
    Ok(StoredOffer {
        booking,
        place: stored_hash(fields.text("place")?)?,
        freed: FreedSeat {
            offering: OfferingKey {
                office: OfficeId::parse(office).map_err(|_| corrupt("office", office))?,
                service: ServiceId::parse(service).map_err(|_| corrupt("service", service))?,
            },
            date: parse_date(date).map_err(|_| corrupt("date", date))?,
            freed_at: from_millis(fields.number("freed_at")?)?,
            by: FreedBy::parse(by).ok_or_else(|| corrupt("freed by", by))?,
        },
        offered: fields
            .text("offered")?
            .split(',')
            .filter(|code| !code.is_empty())
            .map(stored_hash)
            .collect::<StoreResult<Vec<_>>>()?,
    })
}

fn stored_hash(raw: &str) -> StoreResult<TokenHash> {
    TokenHash::from_hex(raw).map_err(|_| corrupt("code", raw))
}
