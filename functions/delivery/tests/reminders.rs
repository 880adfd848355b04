//! Reminders on one machine: confirming sets the reminder in the store (through the sender, as
//! the Scheduler would be set in AWS); the timer fires it at its time, also after a restart, and
//! once; cancelling drops it. The clock is injected: nothing sleeps.

mod support;

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use prenota_core::ManualClock;
use prenota_delivery::local::{LocalOutbox, LocalReminders};
use prenota_delivery::reminders::fire_due;
use prenota_delivery::testing::{cancel_by_link, confirm_by_link, link_code, pending_of_kind};
use prenota_delivery::{Delivered, RetryPolicy, Sender, Transports};
use prenota_store::MessageKind::{BookingConfirmed as BOOKING_CONFIRMED, Reminder as REMINDER};
use prenota_store::sqlite::SqliteStore;
use prenota_usecases::App;
use prenota_usecases::cancel::Cancelling;
use support::{app_on, book_on, start};

fn sender(app: &Arc<App>, store: &SqliteStore) -> Sender {
    let transports = Transports {
        email: Arc::new(LocalOutbox),
        sms: Arc::new(LocalOutbox),
        reminders: Arc::new(LocalReminders(store.clone())),
    };
    Sender::new(Arc::clone(app), transports, RetryPolicy::default())
}

async fn deliver_all(app: &Arc<App>, store: &SqliteStore) {
    let sender = sender(app, store);
    for entry in app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
    {
        assert!(matches!(
            sender.deliver(&entry.message.id).await.unwrap(),
            Delivered::Sent(_)
        ));
    }
}

async fn reminders_queued(app: &App) -> usize {
    pending_of_kind(app, REMINDER).await.len()
}

#[tokio::test]
async fn the_timer_fires_a_reminder_after_a_restart_and_only_once() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let clock = Arc::new(ManualClock::new(start()));
    let (app, store) = app_on(&path, Arc::clone(&clock)).await;
    // Wednesday 2 December: days after the clock (Thursday 26 November).
    book_on(&app, Some("2026-12-02"), "anna@example.it", "Anna").await;
    confirm_by_link(&app).await;
    deliver_all(&app, &store).await;
    let booking_day = store
        .due_reminders(start() + Duration::days(70), 10)
        .await
        .unwrap();
    assert_eq!(booking_day.len(), 1, "the reminder is set");
    assert_eq!(fire_due(&app, &store).await.unwrap(), 0, "not yet");

    // The server stops and starts again on the same file; time passes to the reminder's time.
    drop((app, store));
    let (app, store) = app_on(&path, Arc::clone(&clock)).await;
    // Tuesday 1 December, 08:59 in Rome: a minute early; 09:00: the reminder's time.
    clock.set(Utc.with_ymd_and_hms(2026, 12, 1, 7, 59, 0).unwrap());
    assert_eq!(fire_due(&app, &store).await.unwrap(), 0);
    clock.set(Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap());
    assert_eq!(fire_due(&app, &store).await.unwrap(), 1);
    assert_eq!(reminders_queued(&app).await, 1);
    assert_eq!(fire_due(&app, &store).await.unwrap(), 0, "fired once");
    assert_eq!(reminders_queued(&app).await, 1);
}

#[tokio::test]
async fn cancelling_drops_the_reminder() {
    let folder = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(start()));
    let (app, store) = app_on(&folder.path().join("prenota.sqlite3"), Arc::clone(&clock)).await;
    book_on(&app, Some("2026-12-02"), "+393331234567", "Anna").await;
    confirm_by_link(&app).await;
    let page = link_code(&app, BOOKING_CONFIRMED, "/p/").await;
    deliver_all(&app, &store).await;
    let later = start() + Duration::days(70);
    assert_eq!(
        store.due_reminders(later, 10).await.unwrap().len(),
        1,
        "the reminder is set"
    );
    assert!(matches!(
        cancel_by_link(&app, &page).await,
        Cancelling::Cancelled(_)
    ));
    deliver_all(&app, &store).await;
    assert!(
        store.due_reminders(later, 10).await.unwrap().is_empty(),
        "and dropped"
    );
}
