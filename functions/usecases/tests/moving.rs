//! "Sposta appuntamento" as a use case, on a real SQLite store and a manual clock: the move window,
//! the new QR code and message, the reminder's new order (or its drop when the new time is less
//! than a day ahead), and a repeat that changes nothing.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::text::PersonName;
use prenota_core::{ManualClock, OfficeId, ServiceId, Token};
use prenota_store::{MessageKind, Person};
use prenota_usecases::moving::{self, MoveError};
use prenota_usecases::outbox::Payload;
use prenota_usecases::testing::{bergamo, confirmation_code_for, queued_of_kind, sqlite_app};
use prenota_usecases::{App, browse, confirm, details, hold, links};

/// Monday 30 November 2026, 10:00 in Rome.
fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

/// The app on a fresh SQLite file (kept while the folder lives) with Bergamo's catalogue.
async fn app(clock: &Arc<ManualClock>) -> (App, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let (app, _) = sqlite_app(&path, bergamo(), clock.clone(), "https://prenota.example").await;
    (app, folder)
}

/// A confirmed SPID booking at ufficio-1 on `date` at `start`: the booking page's code.
async fn confirmed(app: &App, date: NaiveDate, start: &str) -> Token {
    let (context, store) = (&app.context, &*app.store);
    let catalogue = context.catalogue();
    let offering = browse::offering(
        &catalogue,
        &ServiceId::parse("spid").unwrap(),
        &OfficeId::parse("ufficio-1").unwrap(),
    )
    .unwrap();
    let start = prenota_core::dates::parse_time(start).unwrap();
    let held = hold::hold(
        context,
        store,
        offering,
        prenota_usecases::hold::Choice {
            date,
            start,
            people: 1,
        },
        None,
    )
    .await
    .unwrap();
    let person = Person {
        name: PersonName::parse("Anna").unwrap(),
        surname: PersonName::parse("Rossi").unwrap(),
        contact: Contact::parse("anna@example.it").unwrap(),
        details: None,
        lang: Lang::En,
    };
    details::submit(context, store, &held.hold.hash(), vec![person])
        .await
        .unwrap();
    let code = confirmation_code_for(app, "anna@example.it").await;
    confirm::confirm(context, store, &code).await.unwrap().page_code
}

#[tokio::test]
async fn a_move_sends_the_new_qr_code_and_moves_the_reminder() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    // Wednesday 2 December 14:15 → Thursday 3 December 15:15.
    let page = confirmed(&app, day(2), "14:15").await;
    let before = store.booking_by_page_code(&page.hash(), start()).await.unwrap();
    let old_token = links::checkin_token(context, &before).unwrap();

    let choice = moving::choices(context, store, &page, Some(day(3)))
        .await
        .unwrap();
    assert_eq!(choice.day.date, Some(day(3)));
    assert!(
        choice
            .day
            .free
            .iter()
            .any(|free| free.slot.start.to_string() == "15:15:00")
    );

    let start_at = prenota_core::dates::parse_time("15:15").unwrap();
    let moved = moving::move_to(context, store, &page, day(3), start_at)
        .await
        .unwrap();
    assert!(moved.changed);
    assert_eq!(moved.page_code.encode(), page.encode(), "the same page");
    assert_eq!((moved.booking.date, moved.booking.start), (day(3), start_at));
    let new_token = links::checkin_token(context, &moved.booking).unwrap();
    assert_ne!(new_token, old_token, "the check-in token names the slot");

    let messages = queued_of_kind(&app, MessageKind::BookingMoved).await;
    assert_eq!(messages.len(), 1);
    let Payload::Citizen(prenota_notify::Message::Email(email)) = &messages[0] else {
        panic!("an e-mail");
    };
    assert!(email.subject.ends_with("Appointment moved"), "{}", email.subject);
    assert!(email.qr_png.is_some(), "the new QR code");
    assert!(email.text.contains("15:15"), "{}", email.text);
    assert!(email.text.contains(&format!("/p/{}?lang=en", page.encode())));
    // The reminder is set again, for Wednesday at 09:00 in Rome (the day before the new time).
    let orders = queued_of_kind(&app, MessageKind::ReminderSchedule).await;
    let last = orders.last().unwrap();
    let Payload::Reminder(order) = last else {
        panic!("a reminder order")
    };
    assert_eq!(
        order.at,
        Some(Utc.with_ymd_and_hms(2026, 12, 2, 8, 0, 0).unwrap())
    );

    // Asked again: done already, nothing queued.
    let again = moving::move_to(context, store, &page, day(3), start_at)
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(queued_of_kind(&app, MessageKind::BookingMoved).await.len(), 1);

    // Wednesday afternoon: moving to Thursday 14:15 is less than a day ahead, so the reminder
    // is dropped (the message is the reminder).
    clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 15, 0, 0).unwrap());
    let soon = prenota_core::dates::parse_time("14:15").unwrap();
    moving::move_to(context, store, &page, day(3), soon)
        .await
        .unwrap();
    assert_eq!(queued_of_kind(&app, MessageKind::ReminderCancel).await.len(), 1);
}

#[tokio::test]
async fn no_move_within_the_window_before_the_appointment() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let page = confirmed(&app, day(2), "14:15").await;
    let booking = store.booking_by_page_code(&page.hash(), start()).await.unwrap();
    assert!(moving::may_still_move(context, &booking));

    // Wednesday 12:30: 1 h 45 before the appointment, inside the 2 h window.
    clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 11, 30, 0).unwrap());
    assert!(!moving::may_still_move(context, &booking));
    let to = prenota_core::dates::parse_time("15:15").unwrap();
    assert!(matches!(
        moving::move_to(context, store, &page, day(3), to).await,
        Err(MoveError::TooLate)
    ));
    assert!(matches!(
        moving::choices(context, store, &page, None).await,
        Err(MoveError::TooLate)
    ));

    // Nor to a time inside the window, nor one a citizen could not book now: Monday at 13:00, to
    // Monday 14:15 (1 h 15 ahead; Bergamo's booking window also opens days ahead).
    let page = {
        clock.set(start());
        confirmed(&app, day(9), "14:15").await
    };
    clock.set(Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap());
    let soon = prenota_core::dates::parse_time("14:15").unwrap();
    let refused = moving::move_to(context, store, &page, day(7), soon).await;
    assert!(
        matches!(refused, Err(MoveError::TooLate | MoveError::Slot(_))),
        "{refused:?}"
    );
}
