//! Reconfirm-or-release as use cases, on a real SQLite store and a manual clock, with Bergamo's CIE
//! (which asks): the schedule fires first days before to ask "Confermi che verrai?", then at the
//! day-before time; a booking reconfirmed by then gets its reminder, one that was not is released
//! with a message; a booking made too close to be asked is only reminded; the answer is a POST.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::reminder::Reconfirmation;
use prenota_core::text::PersonName;
use prenota_core::{BookingState, Clock, ManualClock, OfficeId, ServiceId, Token};
use prenota_store::{Booking, MessageKind, Person};
use prenota_usecases::outbox::Payload;
use prenota_usecases::reminders::{self, Fired};
use prenota_usecases::testing::{bergamo, confirmation_code_for, queued_of_kind, sqlite_app};
use prenota_usecases::{App, browse, confirm, details, hold, reconfirm};

fn rome(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    prenota_core::calendar::ROME
        .with_ymd_and_hms(2026, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

async fn app(clock: &Arc<ManualClock>) -> (App, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let (app, _) = sqlite_app(&path, bergamo(), clock.clone(), "https://prenota.example").await;
    (app, folder)
}

/// A confirmed booking of `service` at ufficio-1 on `date` at its first free time: the booking and
/// its page's code.
async fn confirmed(app: &App, service: &str, date: NaiveDate) -> (Booking, Token) {
    let contact = format!("{service}@example.it");
    let (context, store) = (&app.context, &*app.store);
    let catalogue = context.catalogue();
    let offering = browse::offering(
        &catalogue,
        &ServiceId::parse(service).unwrap(),
        &OfficeId::parse("ufficio-1").unwrap(),
    )
    .unwrap();
    let day = browse::day(context, store, offering, Some(date)).await.unwrap();
    let slot = day.free[0].slot.clone();
    let held = hold::hold(
        context,
        store,
        offering,
        prenota_usecases::hold::Choice {
            date: slot.date,
            start: slot.start,
            people: 1,
        },
        None,
    )
    .await
    .unwrap();
    let person = Person {
        name: PersonName::parse("Anna").unwrap(),
        surname: PersonName::parse("Rossi").unwrap(),
        contact: Contact::parse(&contact).unwrap(),
        details: None,
        lang: Lang::It,
    };
    details::submit(context, store, &held.hold.hash(), vec![person])
        .await
        .unwrap();
    let code = confirmation_code_for(app, &contact).await;
    let done = confirm::confirm(context, store, &code).await.unwrap();
    (done.booking, done.page_code)
}

/// The time of the last reminder order queued.
async fn last_order(app: &App) -> Option<DateTime<Utc>> {
    match queued_of_kind(app, MessageKind::ReminderSchedule).await.pop()? {
        Payload::Reminder(order) => order.at,
        _ => None,
    }
}

/// Thursday 10 December: bookable from Monday 30 November (Bergamo's window opens two days ahead).
fn thursday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
}

#[tokio::test]
async fn asked_days_before_then_reminded_once_reconfirmed() {
    let clock = Arc::new(ManualClock::new(rome(11, 30, 10, 0)));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let (booking, page) = confirmed(&app, "cie", thursday()).await;
    // The schedule is set for the question: Monday 7 December at 09:00, three days before.
    assert_eq!(last_order(&app).await, Some(rome(12, 7, 9, 0)));

    clock.set(rome(12, 7, 9, 0));
    assert_eq!(
        reminders::fire(context, store, &booking.id).await.unwrap(),
        Fired::Asked
    );
    let questions = queued_of_kind(&app, MessageKind::ReconfirmRequest).await;
    assert_eq!(questions.len(), 1);
    let Payload::Citizen(prenota_notify::Message::Email(email)) = &questions[0] else {
        panic!("an e-mail");
    };
    assert!(
        email.subject.ends_with("Confermi che verrai?"),
        "{}",
        email.subject
    );
    assert!(email.text.contains(&format!("/p/{}", page.encode())));
    // Fired again (a retry): asked once. The schedule moves to the deadline, the day before.
    assert_eq!(
        reminders::fire(context, store, &booking.id).await.unwrap(),
        Fired::Asked
    );
    assert_eq!(queued_of_kind(&app, MessageKind::ReconfirmRequest).await.len(), 1);
    assert_eq!(last_order(&app).await, Some(rome(12, 9, 9, 0)));
    let asked = store
        .booking_by_page_code(&page.hash(), clock.now())
        .await
        .unwrap();
    assert_eq!(reminders::reconfirm_by(context, &asked), Some(rome(12, 9, 9, 0)));

    // "Confermo che verrò" (twice), then the day before: the reminder, nothing released.
    clock.set(rome(12, 8, 18, 0));
    let answered = reconfirm::reconfirm(context, store, &page).await.unwrap();
    assert_eq!(answered.reconfirmation, Some(Reconfirmation::Reconfirmed));
    reconfirm::reconfirm(context, store, &page).await.unwrap();
    assert_eq!(reminders::reconfirm_by(context, &answered), None);
    clock.set(rome(12, 9, 9, 0));
    assert!(matches!(
        reminders::fire(context, store, &booking.id).await.unwrap(),
        Fired::Queued(_)
    ));
    assert_eq!(queued_of_kind(&app, MessageKind::Released).await.len(), 0);
    let kept = store
        .booking_by_page_code(&page.hash(), clock.now())
        .await
        .unwrap();
    assert_eq!(kept.state, BookingState::Confirmed);
}

#[tokio::test]
async fn without_an_answer_by_the_deadline_the_booking_is_released() {
    let clock = Arc::new(ManualClock::new(rome(11, 30, 10, 0)));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let (booking, page) = confirmed(&app, "cie", thursday()).await;
    let office = &booking.offering;
    clock.set(rome(12, 7, 9, 0));
    reminders::fire(context, store, &booking.id).await.unwrap();

    clock.set(rome(12, 9, 9, 0));
    assert_eq!(
        reminders::fire(context, store, &booking.id).await.unwrap(),
        Fired::Released
    );
    let released = store
        .booking_by_page_code(&page.hash(), clock.now())
        .await
        .unwrap();
    assert_eq!(released.state, BookingState::Cancelled);
    let notices = queued_of_kind(&app, MessageKind::Released).await;
    assert_eq!(notices.len(), 1);
    let Payload::Citizen(prenota_notify::Message::Email(email)) = &notices[0] else {
        panic!("an e-mail");
    };
    assert!(
        email.text.contains("non avendo ricevuto la conferma"),
        "{}",
        email.text
    );
    // The seat goes to the waiting list first; nobody waits: free again for everyone.
    for order in queued_of_kind(&app, MessageKind::SeatFreed).await {
        let Payload::SeatFreed(order) = order else {
            continue;
        };
        let drawn = prenota_usecases::waiting::seat_freed(context, store, &order)
            .await
            .unwrap();
        assert_eq!(drawn, prenota_usecases::waiting::Drawn::Public);
    }
    let taken = store
        .taken_seats(office, &[thursday()], clock.now())
        .await
        .unwrap();
    assert!(
        taken
            .get(&thursday())
            .is_none_or(|day| day.get(&booking.start).is_none_or(|n| *n == 0))
    );
    // Fired again: nothing more; an answer now is too late.
    assert_eq!(
        reminders::fire(context, store, &booking.id).await.unwrap(),
        Fired::NotNeeded
    );
    assert!(reconfirm::reconfirm(context, store, &page).await.is_err());
}

#[tokio::test]
async fn too_close_to_ask_or_a_service_that_does_not_ask_is_only_reminded() {
    // Booked on Monday 7 December for Thursday 10: three days before is already now.
    let clock = Arc::new(ManualClock::new(rome(12, 7, 12, 0)));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let (booking, _) = confirmed(&app, "cie", thursday()).await;
    assert_eq!(
        last_order(&app).await,
        Some(rome(12, 9, 9, 0)),
        "the reminder, not the question"
    );
    clock.set(rome(12, 9, 9, 0));
    assert!(matches!(
        reminders::fire(context, store, &booking.id).await.unwrap(),
        Fired::Queued(_)
    ));
    assert!(
        queued_of_kind(&app, MessageKind::ReconfirmRequest)
            .await
            .is_empty()
    );

    // SPID asks nothing.
    clock.set(rome(11, 30, 10, 0));
    let (spid, _) = confirmed(&app, "spid", thursday()).await;
    assert!(!reminders::asks_reconfirmation(context, &spid));
    assert_eq!(last_order(&app).await, Some(rome(12, 9, 9, 0)));
}
