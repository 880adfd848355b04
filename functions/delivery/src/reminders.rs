//! One machine's stand-in for EventBridge Scheduler: a timer that fires the reminders whose time
//! has come, through the use case (`prenota_usecases::reminders::fire`), which queues each
//! day-before message under an id made of its booking, so a reminder fired twice queues one.

use std::time::Duration;

use prenota_store::StoreError;
use prenota_store::sqlite::SqliteStore;
use prenota_usecases::App;
use prenota_usecases::reminders::fire;

/// How often the one-machine timer looks for reminders whose time has come.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// Why the timer stopped short: the store, or a failure of the use case.
#[derive(Debug, thiserror::Error)]
pub enum TimerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fire(#[from] prenota_usecases::Failure),
}

/// The one-machine timer: fires every reminder whose time has come, then forgets it. Driven by
/// the store, so a reminder due while the server was down fires when it starts again.
pub async fn fire_due(app: &App, reminders: &SqliteStore) -> Result<usize, TimerError> {
    let due = reminders.due_reminders(app.context.clock.now(), 100).await?;
    for booking_id in &due {
        let fired = fire(&app.context, &*app.store, booking_id).await?;
        tracing::info!(%booking_id, ?fired, "reminder fired");
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
