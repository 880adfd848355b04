//! "Avvisami se si libera un posto": the waiting list, step by step.
//!
//! - [`join`]: a citizen with no suitable time asks for a service, the offices they can reach and a
//!   range of days, with a contact; the place waits for its confirmation link ([`confirm`]), like a
//!   booking, and the answer on screen is the same whoever asks.
//! - A seat freed by a cancellation, a move or a release is kept back by that same change
//!   ([`keep`]: a [`Reservation`] and the order to draw, queued with it); one freed because its
//!   booking was not confirmed in time, by the booking's timer at the deadline ([`keep_expired`]); the sender then draws
//!   ([`seat_freed`]) among the places waiting for it since before it was freed — a uniform draw,
//!   `core::waiting::draw` — and hands the seat to a hold of the drawn citizen's, with the offer
//!   message and the order that ends the offer. With nobody waiting, a seat freed otherwise than by
//!   a cancellation goes back to everyone at once; a cancelled one at the end of its wait.
//! - When the offer's time is up the scheduler fires ([`offer_ended`]): an offer still held is
//!   handed on to the next drawn place in one change, or given back to everyone; an offer taken
//!   (details sent) takes its place off the list.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use prenota_core::calendar::{LocalDay, local};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::waiting::{self as rules, FreedBy, FreedSeat, MAX_WAITING_PER_CONTACT, Waiting};
use prenota_core::{BookingId, BookingState, OfferingKey, OfficeId, ServiceId, Token, TokenHash};
use prenota_notify::compose::{self, WaitingFacts};
use prenota_store::{
    Booking, ContactMessages, HoldRequest, MessageKind, NewPlace, OutboxMessage, PlaceOutcome, Reservation,
    SeatOffer, SeatStore, StoreError, WaitingList, WaitingPlace,
};

use crate::outbox::{self, SeatFreedOrder};
use crate::{Context, Failure, LinkError, facts, links};

/// How long a new place may be confirmed.
pub const CONFIRM_PLACE_WITHIN: Duration = Duration::hours(24);

/// The longest range of days one place may wait for.
pub const MAX_DAYS: i64 = 60;

/// A citizen asks to be told when a seat frees.
#[derive(Debug, Clone)]
pub struct JoinRequest {
    pub service: ServiceId,
    pub offices: Vec<OfficeId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub contact: Contact,
    pub lang: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("no such service")]
    UnknownService,
    #[error("the office {0} does not offer the service")]
    UnknownOffice(OfficeId),
    /// The range is backwards, starts before today, ends after the booking window or is too long.
    #[error("the days cannot be waited for")]
    Days,
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for JoinError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why a place's link could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error(transparent)]
    Link(#[from] LinkError),
    /// The contact already has as many places as it may.
    #[error("the contact already has {0} places on waiting lists")]
    TooMany(usize),
}

impl From<StoreError> for PlaceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::TooManyPlaces(cap) => Self::TooMany(cap),
            other => Self::Link(other.into()),
        }
    }
}

/// Queues the place of `request`, pending, with its confirmation link — unless the contact was sent
/// as many messages no booking causes this hour as it may: then nothing, and the same answer.
pub async fn join<S>(context: &Context, store: &S, request: JoinRequest) -> Result<(), JoinError>
where
    S: WaitingList + ContactMessages + ?Sized,
{
    let now = context.clock.now();
    let mut offices = request.offices.clone();
    offices.sort();
    offices.dedup();
    let last_day = checked_last_day(context, &request.service, &offices, now)?;
    let today = local(now).date();
    if request.from > request.to
        || request.from < today
        || request.to > last_day
        || (request.to - request.from).num_days() >= MAX_DAYS
    {
        return Err(JoinError::Days);
    }
    let key = request.contact.key(&context.secrets.hmac);
    if !store
        .count_contact_message(&key, context.settings.messages_per_contact_hour, now)
        .await?
    {
        tracing::info!("a waiting-list request over the contact's hourly limit: nothing sent");
        return Ok(());
    }
    let code = Token::generate().map_err(Failure::from)?;
    let confirm_by = now + CONFIRM_PLACE_WITHIN;
    let place = NewPlace {
        code: code.hash(),
        waiting: Waiting {
            service: request.service.clone(),
            offices,
            from: request.from,
            to: request.to,
            joined_at: now,
            channel: request.contact.channel(),
        },
        contact: request.contact.clone(),
        contact_key: key,
        lang: request.lang,
        confirm_by,
        keep_until: end_of(request.to),
    };
    let url = links::waiting_url(context, &code, request.lang);
    let message = compose::waiting_confirm(
        &waiting_facts(context, &place.waiting, request.lang),
        &request.contact,
        &url,
        confirm_by,
    );
    let queued = outbox::citizen(MessageKind::WaitingConfirm, message, now)?;
    store.join_waiting(&place, &[queued], now).await?;
    Ok(())
}

/// The last day the service can be booked at every chosen office (each office must offer it).
fn checked_last_day(
    context: &Context,
    service: &ServiceId,
    offices: &[OfficeId],
    now: DateTime<Utc>,
) -> Result<NaiveDate, JoinError> {
    let catalogue = &context.catalogue();
    catalogue.service(service).ok_or(JoinError::UnknownService)?;
    let mut last = None;
    for office in offices {
        let key = OfferingKey {
            office: office.clone(),
            service: service.clone(),
        };
        let offering = catalogue
            .offering(&key)
            .ok_or_else(|| JoinError::UnknownOffice(office.clone()))?;
        let (_, last_day) = catalogue.booking_window(offering, now);
        last = Some(last.map_or(last_day, |last: NaiveDate| last.max(last_day)));
    }
    last.ok_or(JoinError::Days)
}

/// The instant a day ends in Rome: a place is kept until then.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    LocalDay::new(next)
        .instant(NaiveTime::MIN)
        .unwrap_or_else(|| next.and_time(NaiveTime::MIN).and_utc())
}

/// What a place waits for, as its messages and page show it, in `lang`.
pub fn waiting_facts(context: &Context, waiting: &Waiting, lang: Lang) -> WaitingFacts {
    let catalogue = &context.catalogue();
    WaitingFacts {
        lang,
        city: catalogue.city_name.clone(),
        service_name: catalogue
            .service(&waiting.service)
            .map_or_else(|| waiting.service.to_string(), |s| s.name.get(lang).to_owned()),
        office_names: waiting
            .offices
            .iter()
            .map(|id| {
                catalogue
                    .office(id)
                    .map_or_else(|| id.to_string(), |o| o.name.clone())
            })
            .collect(),
        from: waiting.from,
        to: waiting.to,
    }
}

/// The place behind a link, unchanged (a GET).
pub async fn view(
    context: &Context,
    store: &dyn WaitingList,
    code: &Token,
) -> Result<WaitingPlace, LinkError> {
    Ok(store.waiting_place(&code.hash(), context.clock.now()).await?)
}

/// "Conferma l'iscrizione": the place waits from now on, within the contact's cap.
pub async fn confirm(
    context: &Context,
    store: &dyn WaitingList,
    code: &Token,
) -> Result<PlaceOutcome, PlaceError> {
    let now = context.clock.now();
    Ok(store
        .confirm_waiting(&code.hash(), MAX_WAITING_PER_CONTACT, now)
        .await?)
}

/// "Esci dalla lista d'attesa".
pub async fn leave(
    context: &Context,
    store: &dyn WaitingList,
    code: &Token,
) -> Result<PlaceOutcome, LinkError> {
    Ok(store.leave_waiting(&code.hash(), context.clock.now()).await?)
}

/// What freeing `booking`'s seat at `now` keeps back for the waiting list: the reservation for the
/// change that frees it, and the order to draw, to queue with that change.
pub fn keep(
    booking: &Booking,
    by: FreedBy,
    now: DateTime<Utc>,
) -> Result<(Reservation, OutboxMessage), Failure> {
    // Random: the same booking may free the same seat more than once (moved away and back).
    let hold = Token::generate()?.hash();
    let freed = FreedSeat {
        offering: booking.offering.clone(),
        date: booking.date,
        freed_at: now,
        by,
    };
    let order = SeatFreedOrder {
        reservation: hold.to_hex(),
        freed_at: now,
        by: by.as_str().to_owned(),
    };
    let reservation = Reservation {
        hold,
        until: rules::kept_until(&freed),
        closure: None,
    };
    Ok((reservation, outbox::seat_freed(order, now)?))
}

/// The timer of `booking`, not confirmed by its deadline, fired: its seat, unless someone took it
/// since, is kept back for the waiting list with the order to draw, as a cancelled one is (but
/// public again at once when nobody waits). The reservation's hold is derived from the booking
/// with the installation's key: secret, so nobody can release it, and the same on a repeat, which
/// finds the seat kept. `false`: nothing kept.
pub async fn keep_expired<S>(context: &Context, store: &S, booking: &Booking) -> Result<bool, Failure>
where
    S: WaitingList + ?Sized,
{
    let now = context.clock.now();
    let catalogue = context.catalogue();
    let Some(offering) = catalogue.offering(&booking.offering) else {
        return Ok(false);
    };
    if booking.state != BookingState::Expired || booking.starts_at <= now {
        return Ok(false);
    }
    let token = context
        .secrets
        .hmac
        .derive_token_from("kept-expired-seat", booking.id.as_str().as_bytes());
    let freed = FreedSeat {
        offering: booking.offering.clone(),
        date: booking.date,
        freed_at: now,
        by: FreedBy::Other,
    };
    let kept = HoldRequest::one(
        token.hash(),
        booking.offering.clone(),
        booking.slot(),
        offering.desks_online,
        rules::kept_until(&freed),
    );
    let order = SeatFreedOrder {
        reservation: token.hash().to_hex(),
        freed_at: now,
        by: FreedBy::Other.as_str().to_owned(),
    };
    let messages = [outbox::seat_freed(order, now)?];
    Ok(store
        .keep_expired_seat(&booking.id, &kept, &messages, now)
        .await?)
}

/// What a draw did with a kept seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drawn {
    /// Offered to the place of this code.
    Offered(TokenHash),
    /// Nobody waits for it: back to everyone (now, or when a cancelled seat's wait ends).
    Public,
    /// The seat is no longer kept (taken, released, lapsed): nothing to draw for.
    Gone,
}

/// The sender's work for a kept seat: draw among the places waiting for it and offer it.
pub async fn seat_freed<S>(context: &Context, store: &S, order: &SeatFreedOrder) -> Result<Drawn, Failure>
where
    S: SeatStore + prenota_store::BookingStore + WaitingList + ?Sized,
{
    let now = context.clock.now();
    let hold = TokenHash::from_hex(&order.reservation)
        .map_err(|_| Failure::Internal(format!("unreadable reservation {:?}", order.reservation)))?;
    let by = FreedBy::parse(&order.by).unwrap_or(FreedBy::Other);
    let kept = match store.booking_by_hold(&hold, now).await {
        Ok(booking) if booking.state == BookingState::Held => booking,
        Ok(_) | Err(StoreError::NotFound) => return Ok(Drawn::Gone),
        Err(error) => return Err(error.into()),
    };
    let freed = FreedSeat {
        offering: kept.offering.clone(),
        date: kept.date,
        freed_at: order.freed_at,
        by,
    };
    offer_next(context, store, &kept, &freed, None, Vec::new()).await
}

/// Draws among the places that want `freed` and were not offered it (`offered`), and hands the
/// seat of `from` (a reservation, or the lapsed offer of `previous`) to the drawn one; nobody
/// left: the seat goes back to everyone.
async fn offer_next<S>(
    context: &Context,
    store: &S,
    from: &Booking,
    freed: &FreedSeat,
    previous: Option<TokenHash>,
    mut offered: Vec<TokenHash>,
) -> Result<Drawn, Failure>
where
    S: SeatStore + WaitingList + ?Sized,
{
    let now = context.clock.now();
    // A place that left or was offered another seat meanwhile is passed over and the draw made
    // again; each round leaves one more place out, so this ends.
    loop {
        let places = store.places_waiting(&freed.offering.service, now).await?;
        let random = rules::draw_number()?;
        let Some(place) = rules::draw(&places, freed, |place| offered.contains(&place.code), random) else {
            if now >= rules::public_from(freed) {
                store.release(&from.id.hold(), now).await?;
            }
            if let Some(previous_offer) = previous.as_ref().map(|_| from.id.clone()) {
                store.end_offer(&previous_offer, false, now).await?;
            }
            return Ok(Drawn::Public);
        };
        offered.push(place.code);
        let token = Token::generate()?;
        let lasts = rules::offer_lasts(place.waiting.channel);
        let hold = HoldRequest::one(
            token.hash(),
            from.offering.clone(),
            from.slot(),
            1,
            now + lasts + rules::OFFER_GRACE,
        );
        let offer_booking = BookingId::of_hold(&token.hash());
        let offer_facts = facts::facts(context, from, None, place.lang);
        let url = links::offer_url(context, &token, place.lang);
        let message = compose::waiting_offer(&offer_facts, &place.contact, &url, now + lasts);
        let messages = vec![
            outbox::citizen(MessageKind::WaitingOffer, message, now)?,
            // The scheduler fires when the offer's time is up (`offer_ended`).
            outbox::reminder_order(
                MessageKind::ReminderSchedule,
                &offer_booking,
                Some(now + lasts),
                now,
            )?,
        ];
        let offer = SeatOffer {
            from: from.id.hold(),
            hold,
            place: place.code,
            previous,
            freed: freed.clone(),
            offered: offered.clone(),
            messages,
        };
        match store.offer_seat(&offer, now).await {
            Ok(()) => return Ok(Drawn::Offered(place.code)),
            Err(StoreError::NotWaiting) => continue,
            Err(StoreError::NotFound | StoreError::Transition(_)) => return Ok(Drawn::Gone),
            Err(error) => return Err(error.into()),
        }
    }
}

/// The scheduler fired for `booking`: if it is the hold of an offer, the offer's time is up —
/// handed on when still held, its place off the list when taken. `None`: not an offer.
pub async fn offer_ended<S>(context: &Context, store: &S, booking: &Booking) -> Result<Option<Drawn>, Failure>
where
    S: SeatStore + WaitingList + ?Sized,
{
    let now = context.clock.now();
    let Some(offer) = store.offer_of(&booking.id, now).await? else {
        return Ok(None);
    };
    match booking.state {
        BookingState::Held => {
            let drawn = offer_next(
                context,
                store,
                booking,
                &offer.freed,
                Some(offer.place),
                offer.offered,
            )
            .await?;
            Ok(Some(drawn))
        }
        BookingState::Pending | BookingState::Confirmed | BookingState::Displaced => {
            store.end_offer(&booking.id, true, now).await?;
            Ok(Some(Drawn::Gone))
        }
        BookingState::Expired | BookingState::Cancelled => {
            store.end_offer(&booking.id, false, now).await?;
            Ok(Some(Drawn::Gone))
        }
    }
}
