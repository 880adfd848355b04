//! "Scegli orario" → the slot is held for the citizen while they write their details ("Tempo per
//! completare la prenotazione"), or given back with "INDIETRO".

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prenota_core::slots::SlotError;
use prenota_core::{Offering, Token, TokenHash};
use prenota_store::{HoldRequest, OneTimeProofs, SeatStore, StoreError};

use crate::challenge::{self, ChallengeError};
use crate::{Context, Failure, StepError};

/// A held seat: the hold id (given to the citizen's browser, stored only as its hash) and when
/// it runs out.
#[derive(Debug)]
pub struct Held {
    pub hold: Token,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    /// The offering has no such slot, not bookable now, or already started.
    #[error(transparent)]
    Slot(#[from] SlotError),
    /// Every seat of the slot is taken.
    #[error("the slot has no free seat")]
    Taken,
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

/// Takes a seat of the slot at `start` on `date` until the hold runs out. Under pressure (more
/// holds a minute than the setting's `challenge_above`), only with a `proof`: a solved challenge.
pub async fn hold<S>(
    context: &Context,
    store: &S,
    offering: &Offering,
    date: NaiveDate,
    start: NaiveTime,
    proof: Option<&str>,
) -> Result<Held, HoldError>
where
    S: SeatStore + OneTimeProofs + ?Sized,
{
    let now = context.clock.now();
    if context.pressure.count(now, context.settings.challenge_above) {
        challenge::check(context, store, proof)
            .await
            .map_err(|error| match error {
                ChallengeError::Failed(failure) => HoldError::Failed(failure),
                refused => HoldError::Challenge(refused),
            })?;
    }
    let slot = context.catalogue.bookable_slot(offering, date, start, now)?;
    let hold = Token::generate()?;
    let expires_at = now + context.settings.hold_ttl;
    let request = HoldRequest {
        hold: hold.hash(),
        offering: offering.key.clone(),
        slot,
        // Online, only the desks not kept for the counter.
        capacity: offering.desks_online,
        expires_at,
    };
    store.hold(&request, now).await?;
    Ok(Held { hold, expires_at })
}

/// "INDIETRO": gives the hold's seat back at once. Releasing twice, or after expiry, is no error.
pub async fn release(context: &Context, seats: &dyn SeatStore, hold: &TokenHash) -> Result<(), StepError> {
    seats.release(hold, context.clock.now()).await?;
    Ok(())
}
