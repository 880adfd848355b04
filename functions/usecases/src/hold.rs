//! "Scegli orario" → the slot is held for the citizen while they write their details ("Tempo per
//! completare la prenotazione"), or given back with "INDIETRO". A household ("Aggiungi un'altra
//! persona") holds a seat for each person at once, by the rule of [`prenota_core::household`].

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prenota_core::household::plan_seats_among;
use prenota_core::slots::SlotError;
use prenota_core::{Offering, Slot, Token, TokenHash};
use prenota_store::{Availability, HoldRequest, OneTimeProofs, SeatStore, StoreError};

use crate::challenge::{self, ChallengeError};
use crate::{Context, Failure, StepError};

/// Held seats: the hold id (given to the citizen's browser, stored only as its hash), when it
/// runs out, and each person's slot in order.
#[derive(Debug)]
pub struct Held {
    pub hold: Token,
    pub expires_at: DateTime<Utc>,
    pub seats: Vec<Slot>,
}

#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    /// The offering has no such slot, not bookable now, or already started.
    #[error(transparent)]
    Slot(#[from] SlotError),
    /// Every seat of the slot is taken.
    #[error("the slot has no free seat")]
    Taken,
    /// A household does not fit in the slot and the ones right after it.
    #[error("not enough free seats for {people} people from this slot")]
    NotEnoughSeats { people: u32 },
    /// More people than one booking may take, or none.
    #[error("a booking is for 1 to {max} people")]
    People { max: u32 },
    /// Under pressure, a hold needs a solved challenge; this one came without, or with a bad one.
    #[error(transparent)]
    Challenge(ChallengeError),
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for HoldError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::SlotTaken => Self::Taken,
            other => Self::Failed(other.into()),
        }
    }
}

impl From<prenota_core::token::TokenError> for HoldError {
    fn from(error: prenota_core::token::TokenError) -> Self {
        Self::Failed(error.into())
    }
}

/// What the citizen chose: the slot at `start` on `date`, for `people` people.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub people: u32,
}

/// Takes a seat of the chosen slot for each person until the hold runs out (a household's
/// beyond the slot's free seats in the slots right after it). Under pressure (more holds a
/// minute than the setting's `challenge_above`), only with a `proof`: a solved challenge.
pub async fn hold<S>(
    context: &Context,
    store: &S,
    offering: &Offering,
    choice: Choice,
    proof: Option<&str>,
) -> Result<Held, HoldError>
where
    S: SeatStore + OneTimeProofs + ?Sized,
{
    let now = context.clock.now();
    let max = context.settings.quota.max_people;
    if choice.people == 0 || choice.people > max {
        return Err(HoldError::People { max });
    }
    if context.pressure.count(now, context.settings.challenge_above) {
        challenge::check(context, store, proof)
            .await
            .map_err(|error| match error {
                ChallengeError::Failed(failure) => HoldError::Failed(failure),
                refused => HoldError::Challenge(refused),
            })?;
    }
    let slot = context
        .catalogue()
        .bookable_slot(offering, choice.date, choice.start, now)?;
    let seats = match choice.people {
        1 => vec![slot],
        _ => household_seats(context, store, offering, choice, now).await?,
    };
    let hold = Token::generate()?;
    let expires_at = now + context.settings.hold_ttl;
    let request = HoldRequest {
        hold: hold.hash(),
        offering: offering.key.clone(),
        seats,
        // Online, only the desks not kept for the counter.
        capacity: offering.desks_online,
        expires_at,
    };
    match store.hold(&request, now).await {
        Ok(()) => Ok(Held {
            hold,
            expires_at,
            seats: request.seats,
        }),
        // A racing hold took a seat the plan counted on: the household does not fit any more.
        Err(StoreError::SlotTaken) if choice.people > 1 => Err(HoldError::NotEnoughSeats {
            people: choice.people,
        }),
        Err(error) => Err(error.into()),
    }
}

/// Where a household sits, from the day's free seats as they are now (the store then claims
/// them all or none, so a race in between refuses rather than splits the household).
async fn household_seats<S>(
    context: &Context,
    store: &S,
    offering: &Offering,
    choice: Choice,
    now: DateTime<Utc>,
) -> Result<Vec<Slot>, HoldError>
where
    S: SeatStore + ?Sized,
{
    let free = Availability::day_availability(store, &context.catalogue(), offering, choice.date, now)
        .await
        .map_err(|error| HoldError::Failed(error.into()))?;
    plan_seats_among(&free, choice.start, choice.people).ok_or(HoldError::NotEnoughSeats {
        people: choice.people,
    })
}

/// "INDIETRO": gives the hold's seats back at once. Releasing twice, or after expiry, is no error.
pub async fn release(context: &Context, seats: &dyn SeatStore, hold: &TokenHash) -> Result<(), StepError> {
    seats.release(hold, context.clock.now()).await?;
    Ok(())
}

/// A hold as it stands (the wizard opened on a seat offered from the waiting list): its bookings,
/// one per seat, while they are held; a hold used, released or expired is a [`StepError`].
pub async fn view(
    context: &Context,
    bookings: &dyn prenota_store::BookingStore,
    hold: &TokenHash,
) -> Result<Vec<prenota_store::Booking>, StepError> {
    let now = context.clock.now();
    let lead = bookings.booking_by_hold(hold, now).await?;
    let mut seats = Vec::new();
    for id in match &lead.household {
        Some(household) => prenota_store::household_ids(&household.lead, household.size),
        None => vec![lead.id.clone()],
    } {
        let booking = bookings.booking_by_hold(&id.hold(), now).await?;
        match booking.state {
            prenota_core::BookingState::Held => seats.push(booking),
            prenota_core::BookingState::Expired => return Err(StepError::Expired),
            prenota_core::BookingState::Cancelled => return Err(StepError::Released),
            prenota_core::BookingState::Pending
            | prenota_core::BookingState::Confirmed
            | prenota_core::BookingState::Displaced => {
                return Err(StepError::AlreadySubmitted);
            }
        }
    }
    Ok(seats)
}
