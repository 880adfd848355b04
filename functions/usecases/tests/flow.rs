//! The use cases without HTTP, on a real SQLite store and a manual clock: one booking from the
//! hold to the cancellation, with each typed outcome and refusal the adapters render.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::{Channel, Contact};
use prenota_core::slots::SlotError;
use prenota_core::text::PersonName;
use prenota_core::{BookingState, ManualClock, OfficeId, ServiceId, Token};
use prenota_store::{MessageKind, OutboxMessage, Person};
use prenota_usecases::browse::{self, BrowseError, NotInCatalogue};
use prenota_usecases::cancel::{self, Cancelling};
use prenota_usecases::confirm::{self, Confirmation};
use prenota_usecases::hold::{self, HoldError};
use prenota_usecases::outbox::{ListRequest, Payload};
use prenota_usecases::reminders::{self, Fired};
use prenota_usecases::testing::{bergamo, sqlite_app};
use prenota_usecases::{App, LinkError, StepError, details, my_bookings};

/// Thursday 26 November 2026, 10:00 in Rome.
fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

async fn app(clock: Arc<ManualClock>) -> (App, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let (app, _) = sqlite_app(&path, bergamo(), clock, "https://prenota.example").await;
    (app, folder)
}

fn person(contact: &str) -> Person {
    Person {
        name: PersonName::parse("Anna").unwrap(),
        surname: PersonName::parse("Rossi").unwrap(),
        contact: Contact::parse(contact).unwrap(),
        details: None,
        lang: Lang::It,
    }
}

/// The code of the `{public_url}{prefix}` link in the pending message of `kind`.
async fn link(app: &App, kind: MessageKind, prefix: &str) -> Token {
    let pending = app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap();
    let entry = pending
        .iter()
        .rev()
        .find(|entry| entry.message.kind == kind)
        .unwrap();
    let Ok(Payload::Citizen(message)) = Payload::read(&entry.message) else {
        panic!("a message for a citizen");
    };
    let text = match message {
        prenota_notify::Message::Email(email) => email.text,
        prenota_notify::Message::Sms(sms) => sms.text,
    };
    let marker = format!("https://prenota.example{prefix}");
    let at = text.find(&marker).expect("the link") + marker.len();
    let code: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Token::parse(&code).unwrap()
}

/// Anna asks for "Le mie prenotazioni", in English: the queued request and what it asks.
async fn ask_for_the_list(app: &App) -> (OutboxMessage, ListRequest) {
    let contact = Contact::parse("anna@example.it").unwrap();
    my_bookings::request(&app.context, &*app.store, &contact, Lang::En)
        .await
        .unwrap();
    let pending = app
        .store
        .pending_messages(10, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap();
    let request = pending
        .into_iter()
        .find(|entry| entry.message.kind == MessageKind::BookingsListRequest)
        .expect("the request is queued")
        .message;
    let Ok(Payload::ListRequest(asked)) = Payload::read(&request) else {
        panic!("a list request");
    };
    (request, asked)
}

/// Anna's CIE booking at the first free slot of ufficio-1, waiting for confirmation: the code of
/// its confirmation link.
async fn pending_booking(app: &App) -> Token {
    let (context, store) = (&app.context, &*app.store);
    let catalogue = context.catalogue();
    let offering = browse::offering(
        &catalogue,
        &ServiceId::parse("cie").unwrap(),
        &OfficeId::parse("ufficio-1").unwrap(),
    )
    .unwrap();
    let slot = browse::day(context, store, offering, None).await.unwrap().free[0]
        .slot
        .clone();
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
    details::submit(context, store, &held.hold.hash(), vec![person("anna@example.it")])
        .await
        .unwrap();
    link(app, MessageKind::ConfirmationRequest, "/c/").await
}

#[tokio::test]
async fn one_booking_from_the_hold_to_the_cancellation() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(Arc::clone(&clock)).await;
    let (context, store) = (&app.context, &*app.store);
    let cie = ServiceId::parse("cie").unwrap();
    let ufficio = OfficeId::parse("ufficio-1").unwrap();

    let catalogue = context.catalogue();
    let service = browse::service(&catalogue, &cie).unwrap();
    let offices = browse::offices(context, &catalogue, store, service, None)
        .await
        .unwrap();
    assert!(offices.iter().all(|choice| choice.first_slot.is_some()));
    let offering = browse::offering(&catalogue, &cie, &ufficio).unwrap();
    // Wednesday 2 December: more than a day ahead, so the booking gets a reminder.
    let wednesday = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let day = browse::day(context, store, offering, Some(wednesday))
        .await
        .unwrap();
    let slot = day.free[0].slot.clone();
    assert_eq!(day.date, Some(wednesday));
    assert!(day.days.contains(&wednesday));

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
    assert_eq!(held.expires_at, start() + context.settings.hold_ttl);
    let submitted = details::submit(context, store, &held.hold.hash(), vec![person("anna@example.it")])
        .await
        .unwrap();
    assert_eq!(submitted.channel, Channel::Email);
    assert!(matches!(
        details::submit(context, store, &held.hold.hash(), vec![person("anna@example.it")]).await,
        Err(StepError::AlreadySubmitted)
    ));

    let code = link(&app, MessageKind::ConfirmationRequest, "/c/").await;
    assert!(matches!(
        confirm::view(context, store, &code).await.unwrap(),
        Confirmation::Pending { deadline, .. } if deadline == submitted.confirm_by
    ));
    let confirmed = confirm::confirm(context, store, &code).await.unwrap();
    assert_eq!(confirmed.booking.state, BookingState::Confirmed);
    let again = confirm::confirm(context, store, &code).await.unwrap();
    assert_eq!(
        again.page_code.encode(),
        confirmed.page_code.encode(),
        "the same page"
    );
    let mut kinds: Vec<&str> = app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .iter()
        .map(|entry| entry.message.kind.as_str())
        .collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "booking-confirmed",
            "confirmation-request",
            // The deadline's timer (the details), then the reminder's (confirming, once).
            "reminder-schedule",
            "reminder-schedule"
        ],
        "one confirmation, one reminder order, however often it is confirmed"
    );

    let page = link(&app, MessageKind::BookingConfirmed, "/p/").await;
    assert!(matches!(
        cancel::cancel(context, store, &page, false).await.unwrap(),
        Cancelling::AskFirst(_)
    ));
    let Cancelling::Cancelled(cancelled) = cancel::cancel(context, store, &page, true).await.unwrap() else {
        panic!("cancelled");
    };
    assert_eq!(cancelled.state, BookingState::Cancelled);
    assert!(matches!(
        confirm::view(context, store, &code).await,
        Err(LinkError::Cancelled)
    ));
    assert_eq!(
        reminders::fire(context, store, &cancelled.id).await.unwrap(),
        Fired::NotNeeded,
        "a cancelled booking is not reminded"
    );
}

#[tokio::test]
async fn refusals_are_typed() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(Arc::clone(&clock)).await;
    let (context, store) = (&app.context, &*app.store);
    let cie = ServiceId::parse("cie").unwrap();
    let nowhere = OfficeId::parse("nowhere").unwrap();
    assert!(matches!(
        browse::offering(&context.catalogue(), &cie, &nowhere),
        Err(NotInCatalogue::Office)
    ));
    let catalogue = context.catalogue();
    let offering = browse::offering(&catalogue, &cie, &OfficeId::parse("ufficio-1").unwrap()).unwrap();
    let far = start().date_naive() + Duration::days(400);
    assert!(matches!(
        browse::day(context, store, offering, Some(far)).await,
        Err(BrowseError::OutsideWindow)
    ));
    let slot = browse::day(context, store, offering, None).await.unwrap().free[0]
        .slot
        .clone();
    assert!(matches!(
        hold::hold(
            context,
            store,
            offering,
            prenota_usecases::hold::Choice {
                date: slot.date,
                start: chrono::NaiveTime::from_hms_opt(3, 7, 0).unwrap(),
                people: 1
            },
            None
        )
        .await,
        Err(HoldError::Slot(SlotError::NoSuchSlot))
    ));

    // One per service and day for a contact: the second booking of the day is not made, its seat
    // goes back, and the contact is told why on its own channel; the answer is the same.
    let first = hold::hold(
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
    let booked = details::submit(context, store, &first.hold.hash(), vec![person("+393331234567")])
        .await
        .unwrap();
    let second = hold::hold(
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
    let stopped = details::submit(context, store, &second.hold.hash(), vec![person("+393331234567")])
        .await
        .unwrap();
    assert_eq!(stopped, booked, "the screen tells a stranger nothing");
    assert_eq!(
        store
            .booking_by_hold(&second.hold.hash(), start())
            .await
            .unwrap()
            .state,
        BookingState::Cancelled,
        "the seat is given back"
    );
    let notices = app.store.pending_messages(100, start()).await.unwrap();
    let notice = notices
        .iter()
        .find(|entry| entry.message.kind == MessageKind::QuotaNotice)
        .expect("the contact is told");
    assert_eq!(notice.message.recipient, "+393331234567");
    let Ok(Payload::Citizen(prenota_notify::Message::Sms(sms))) = Payload::read(&notice.message) else {
        panic!("an SMS");
    };
    assert!(sms.text.contains("?view=my-bookings"), "{}", sms.text);

    // A hold that ran out.
    let late = hold::hold(
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
    clock.set(start() + context.settings.hold_ttl + Duration::seconds(1));
    assert!(matches!(
        details::submit(context, store, &late.hold.hash(), vec![person("late@example.it")]).await,
        Err(StepError::Expired)
    ));
}

#[tokio::test]
async fn a_list_request_is_answered_once_with_fresh_links() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(Arc::clone(&clock)).await;
    let (context, store) = (&app.context, &*app.store);
    let (request, asked) = ask_for_the_list(&app).await;
    assert_eq!(
        my_bookings::answer(context, store, &request.id, &asked)
            .await
            .unwrap(),
        0,
        "no bookings, no message"
    );

    let code = pending_booking(&app).await;
    confirm::confirm(context, store, &code).await.unwrap();
    assert_eq!(
        my_bookings::answer(context, store, &request.id, &asked)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        my_bookings::answer(context, store, &request.id, &asked)
            .await
            .unwrap(),
        1
    );
    let lists = app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.message.kind == MessageKind::BookingsList)
        .count();
    assert_eq!(lists, 1, "answered twice, queued once");
}

#[tokio::test]
async fn a_citizen_who_lost_the_confirmation_gets_a_fresh_link_that_confirms() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(Arc::clone(&clock)).await;
    let (context, store) = (&app.context, &*app.store);
    let first = pending_booking(&app).await;

    // The confirmation e-mail is lost: "Le mie prenotazioni", in English.
    let (request, asked) = ask_for_the_list(&app).await;
    let queued = my_bookings::answer(context, store, &request.id, &asked)
        .await
        .unwrap();
    assert_eq!(queued, 1, "a booking still to confirm is listed");
    let fresh = link(&app, MessageKind::BookingsList, "/c/").await;
    assert_ne!(fresh.encode(), first.encode(), "a link of its own");
    let list = app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .into_iter()
        .find(|entry| entry.message.kind == MessageKind::BookingsList)
        .unwrap();
    let Ok(Payload::Citizen(prenota_notify::Message::Email(email))) = Payload::read(&list.message) else {
        panic!("an e-mail");
    };
    assert!(email.text.contains("Confirm the booking"), "{}", email.text);
    assert!(email.text.contains("To be confirmed by"), "{}", email.text);
    assert!(
        email.text.contains(&format!("/c/{}?lang=en", fresh.encode())),
        "the link opens the page in the message's language: {}",
        email.text
    );

    // The fresh link confirms; the first one then shows the same, confirmed booking and page.
    assert!(matches!(
        confirm::view(context, store, &fresh).await.unwrap(),
        Confirmation::Pending { .. }
    ));
    let confirmed = confirm::confirm(context, store, &fresh).await.unwrap();
    assert_eq!(confirmed.booking.state, BookingState::Confirmed);
    let Confirmation::Confirmed { page_code, .. } = confirm::view(context, store, &first).await.unwrap()
    else {
        panic!("confirmed");
    };
    assert_eq!(page_code.encode(), confirmed.page_code.encode());
    assert!(
        cancel::cancel(context, store, &page_code, false).await.is_ok(),
        "the page shown behind the first link is the booking's"
    );
}

#[tokio::test]
async fn a_booking_confirmed_by_an_earlier_version_keeps_its_page() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(Arc::clone(&clock)).await;
    let (context, store) = (&app.context, &*app.store);
    let code = pending_booking(&app).await;
    // Confirmed as versions before 2026-12-05 did: the page's code derived from the link's.
    let legacy = prenota_usecases::links::legacy_page_code(context, &code);
    store
        .confirm(&code.hash(), &[legacy.hash()], &[], start())
        .await
        .unwrap();

    // The confirmation link (a GET, nothing written) still shows the page that works.
    let Confirmation::Confirmed { page_code, .. } = confirm::view(context, store, &code).await.unwrap()
    else {
        panic!("confirmed");
    };
    assert_eq!(page_code.encode(), legacy.encode());
    assert!(cancel::cancel(context, store, &page_code, false).await.is_ok());

    // Pressed again (a POST): the page's code of today is issued too, and shown from then on.
    let again = confirm::confirm(context, store, &code).await.unwrap();
    assert!(
        cancel::cancel(context, store, &again.page_code, false)
            .await
            .is_ok()
    );
    let Confirmation::Confirmed { page_code, .. } = confirm::view(context, store, &code).await.unwrap()
    else {
        panic!("confirmed");
    };
    assert_eq!(page_code.encode(), again.page_code.encode());
}
