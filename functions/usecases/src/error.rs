//! The errors the use cases answer with. Each names a refusal a citizen can be told about, or a
//! [`Failure`] of the machinery underneath (the store, the random source) that is nobody's fault
//! but the service's.

use prenota_core::lifecycle::TransitionError;
use prenota_core::token::TokenError;
use prenota_store::StoreError;

/// The service could not do it: the store is unreachable (try again shortly), or something that
/// should never happen did (unreadable stored data, no random bytes, a message that cannot be
/// written). Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(reason) => Self::Unavailable(reason),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<TokenError> for Failure {
    fn from(error: TokenError) -> Self {
        Self::Internal(format!("no random bytes: {error}"))
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        Self::Internal(format!("a message could not be written as JSON: {error}"))
    }
}

/// Why a step taken on a hold (giving the details, going back) was refused.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("no such hold")]
    NotFound,
    #[error("the time to complete the booking has run out")]
    Expired,
    #[error("the hold was released")]
    Released,
    #[error("the details were already sent")]
    AlreadySubmitted,
    #[error("the slot has no free seat")]
    SlotTaken,
    /// The details name another number of people than the hold has seats.
    #[error("{given} people for {held} held seats")]
    PeopleMismatch { held: usize, given: usize },
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for StepError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::PeopleMismatch { held, given } => Self::PeopleMismatch { held, given },
            StoreError::Transition(TransitionError::Expired) => Self::Expired,
            StoreError::Transition(TransitionError::Cancelled) => Self::Released,
            StoreError::Transition(_) => Self::AlreadySubmitted,
            StoreError::SlotTaken => Self::SlotTaken,
            other => Self::Failed(other.into()),
        }
    }
}

impl From<TokenError> for StepError {
    fn from(error: TokenError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why a link from a message (`/c/…` to confirm, `/p/…` for the booking) leads nowhere useful.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// No booking has this code (a cut or mistyped link).
    #[error("no booking has this code")]
    NotFound,
    /// The time to confirm ran out and the seat was freed.
    #[error("the time to confirm has run out")]
    Expired,
    /// The appointment has started: it can no longer be cancelled.
    #[error("the appointment has already started")]
    Started,
    #[error("the booking was cancelled")]
    Cancelled,
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<StoreError> for LinkError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Transition(TransitionError::Expired) => Self::Expired,
            StoreError::Transition(TransitionError::AppointmentStarted) => Self::Started,
            StoreError::Transition(TransitionError::Cancelled) => Self::Cancelled,
            other => Self::Failed(other.into()),
        }
    }
}

impl From<TokenError> for LinkError {
    fn from(error: TokenError) -> Self {
        Self::Failed(error.into())
    }
}

impl From<serde_json::Error> for LinkError {
    fn from(error: serde_json::Error) -> Self {
        Self::Failed(error.into())
    }
}
