//! A reminder's time has come (the `reminder` Lambda invoked by EventBridge Scheduler, or the
//! one-machine timer): queue the day-before message of a booking that still stands. The message's
//! outbox id is made of the booking id, so a reminder fired twice queues one message.

use std::time::Duration;

use prenota_core::{BookingState, Token, TokenHash};
use prenota_notify::compose;
use prenota_store::sqlite::SqliteStore;
use prenota_store::{StoreError, StoreResult};
use prenota_web::App;
use prenota_web::render::{self, REMINDER};

/// What firing a reminder did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fired {
    /// The reminder message is queued (or was already, by an earlier firing).
    Queued(String),
    /// The booking was cancelled, has started, or its personal data is gone: nothing to send.
    NotNeeded,
    /// No booking has this id.
    NoBooking,
}

pub async fn fire(app: &App, booking_id: &str) -> StoreResult<Fired> {
    let Ok(hold) = TokenHash::from_hex(booking_id) else {
        return Ok(Fired::NoBooking);
    };
    let now = app.clock.now();
    let booking = match app.store.booking_by_hold(&hold, now).await {
        Ok(booking) => booking,
        Err(StoreError::NotFound) => return Ok(Fired::NoBooking),
        Err(error) => return Err(error),
    };
    let Some(person) = booking.person.as_ref() else {
        return Ok(Fired::NotNeeded);
    };
    if booking.state != BookingState::Confirmed || booking.starts_at <= now {
        return Ok(Fired::NotNeeded);
    }
    // The store keeps only hashes of page codes: the reminder's link needs a code of its own.
    let code = Token::generate().map_err(|error| StoreError::Unavailable(error.to_string()))?;
    app.store.issue_page_code(&booking.id, &code.hash()).await?;
    let facts = render::facts(app, &booking, None, person.lang);
    let message = compose::reminder(&facts, &person.contact, &render::page_url(app, &code));
    let mut queued = render::outbox(REMINDER, &message, now)
        .map_err(|error| StoreError::Unavailable(error.to_string()))?;
    queued.id = format!("reminder-{booking_id}");
    app.store.enqueue(&queued).await?;
    Ok(Fired::Queued(queued.id))
}

/// How often the one-machine timer looks for reminders whose time has come.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// The one-machine timer: fires every reminder whose time has come, then forgets it. Driven by
/// the store, so a reminder due while the server was down fires when it starts again.
pub async fn fire_due(app: &App, reminders: &SqliteStore) -> StoreResult<usize> {
    let due = reminders.due_reminders(app.clock.now(), 100).await?;
    for booking_id in &due {
        let fired = fire(app, booking_id).await?;
        tracing::info!(booking_id, ?fired, "reminder fired");
        reminders.remove_reminder(booking_id).await?;
    }
    Ok(due.len())
}

/// [`fire_due`] every [`CHECK_EVERY`], until the task is dropped.
pub async fn fire_due_forever(app: std::sync::Arc<App>, reminders: SqliteStore) {
    loop {
        if let Err(error) = fire_due(&app, &reminders).await {
            tracing::error!(%error, "reminders could not be fired");
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
}
