//! "Aggiungi un'altra persona" through the use cases, on a real SQLite store and a manual clock:
//! a family of three booked in one flow (three bookings, three pages and QR codes, one message
//! each way), a parent booking a second child with the same mobile number, and the refusals, each
//! naming its rule.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use prenota_core::catalogue::{Lang, Offering};
use prenota_core::contact::Contact;
use prenota_core::text::PersonName;
use prenota_core::{BookingState, ManualClock, OfficeId, ServiceId, Token};
use prenota_notify::Message;
use prenota_store::{MessageKind, OutboxEntry, Person};
use prenota_usecases::hold::{self, Choice, HoldError};
use prenota_usecases::outbox::Payload;
use prenota_usecases::testing::{bergamo, sqlite_app};
use prenota_usecases::{App, booking_page, browse, confirm, details};

/// Thursday 26 November 2026, 10:00 in Rome.
fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

async fn app() -> (App, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _) = sqlite_app(&path, bergamo(), clock, "https://prenota.example").await;
    (app, folder)
}

fn person(full_name: &str, contact: &str) -> Person {
    let (name, surname) = full_name.split_once(' ').unwrap();
    Person {
        name: PersonName::parse(name).unwrap(),
        surname: PersonName::parse(surname).unwrap(),
        contact: Contact::parse(contact).unwrap(),
        details: None,
        lang: Lang::It,
    }
}

fn cie(app: &App) -> Offering {
    browse::offering(
        &app.context.catalogue(),
        &ServiceId::parse("cie").unwrap(),
        &OfficeId::parse("ufficio-1").unwrap(),
    )
    .unwrap()
    .clone()
}

/// The first free time for `people` of the third day with free times (a reminder goes the day
/// before).
async fn first_choice(app: &App, people: u32) -> Choice {
    let days = browse::day(&app.context, &*app.store, &cie(app), None)
        .await
        .unwrap()
        .days;
    let day = browse::day(&app.context, &*app.store, &cie(app), Some(days[2]))
        .await
        .unwrap();
    let slot = &day.for_people(people).free[0].slot;
    Choice {
        date: slot.date,
        start: slot.start,
        people,
    }
}

/// The pending messages of `kind`, with their text.
async fn messages(app: &App, kind: MessageKind) -> Vec<(OutboxEntry, Message)> {
    let pending = app
        .store
        .pending_messages(100, chrono::DateTime::<Utc>::MAX_UTC)
        .await
        .unwrap();
    pending
        .into_iter()
        .filter(|entry| entry.message.kind == kind)
        .map(|entry| {
            let Ok(Payload::Citizen(message)) = Payload::read(&entry.message) else {
                panic!("a message for a citizen");
            };
            (entry, message)
        })
        .collect()
}

fn text(message: &Message) -> &str {
    match message {
        Message::Email(email) => &email.text,
        Message::Sms(sms) => &sms.text,
    }
}

/// Every code of a `https://prenota.example{prefix}` link in `text`, in order.
fn codes(text: &str, prefix: &str) -> Vec<Token> {
    let marker = format!("https://prenota.example{prefix}");
    text.match_indices(&marker)
        .map(|(at, _)| {
            let code: String = text[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            Token::parse(&code).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn a_family_of_three_is_booked_in_one_flow() {
    let (app, _folder) = app().await;
    let (context, store) = (&app.context, &*app.store);
    let choice = first_choice(&app, 3).await;
    let held = hold::hold(context, store, &cie(&app), choice, None)
        .await
        .unwrap();
    assert_eq!(held.seats.len(), 3);
    assert_eq!(
        held.seats[0].start, choice.start,
        "the first person has the chosen time"
    );
    let names = ["Maria Rossi", "Luca Rossi", "Anna Rossi"];
    let people = names
        .iter()
        .map(|name| person(name, "maria.rossi@example.it"))
        .collect();
    let submitted = details::submit(context, store, &held.hold.hash(), people)
        .await
        .unwrap();
    assert_eq!(submitted.people, 3);

    let requests = messages(&app, MessageKind::ConfirmationRequest).await;
    assert_eq!(requests.len(), 1, "one confirmation request for the household");
    for name in names {
        assert!(text(&requests[0].1).contains(name), "{name} in the request");
    }
    let confirm_code = codes(text(&requests[0].1), "/c/").remove(0);
    let confirm::Confirmation::Pending { members, .. } =
        confirm::view(context, store, &confirm_code).await.unwrap()
    else {
        panic!("waiting for confirmation")
    };
    assert_eq!(members.len(), 3, "the confirmation page lists everyone");
    confirm::confirm(context, store, &confirm_code).await.unwrap();

    let confirmed = messages(&app, MessageKind::BookingConfirmed).await;
    assert_eq!(confirmed.len(), 1, "one message for everyone");
    let Message::Email(email) = &confirmed[0].1 else {
        panic!("an e-mail")
    };
    assert!(
        email.qr_png.is_some() && email.more_qr_pngs.len() == 2,
        "three QR codes"
    );
    let pages = codes(&email.text, "/p/");
    assert_eq!(pages.len(), 3, "a page for each person: {}", email.text);
    let mut seen = Vec::new();
    for page in &pages {
        let booking = booking_page::view(context, store, page).await.unwrap();
        assert_eq!(booking.state, BookingState::Confirmed);
        let person = booking.person.unwrap();
        seen.push(format!("{} {}", person.name, person.surname));
    }
    assert_eq!(seen, names, "each page is its person's booking");
    let pending = store
        .pending_messages(100, chrono::DateTime::<Utc>::MAX_UTC)
        .await
        .unwrap();
    let reminders = pending
        .iter()
        .filter(|entry| entry.message.kind == MessageKind::ReminderSchedule)
        .count();
    assert_eq!(
        reminders, 6,
        "each booking has its deadline's timer, then its reminder"
    );
}

#[tokio::test]
async fn a_parent_books_a_second_child_with_the_same_number() {
    let (app, _folder) = app().await;
    let (context, store) = (&app.context, &*app.store);
    let mobile = "+393331234567";
    let book = |name: &'static str| {
        let app = &app;
        async move {
            let choice = first_choice(app, 1).await;
            let held = hold::hold(&app.context, &*app.store, &cie(app), choice, None)
                .await
                .unwrap();
            let submitted = details::submit(
                &app.context,
                &*app.store,
                &held.hold.hash(),
                vec![person(name, mobile)],
            )
            .await
            .unwrap();
            (held, submitted)
        }
    };
    let (_, first) = book("Giulia Bianchi").await;
    book("Marco Bianchi").await;
    let requests = messages(&app, MessageKind::ConfirmationRequest).await;
    assert_eq!(requests.len(), 2, "the second child is booked too");
    // Giulia again the same day: the screen says the same; the message names her and the rule.
    let (held, again) = book("Giulia Bianchi").await;
    assert_eq!(
        (again.channel, &again.masked_contact),
        (first.channel, &first.masked_contact)
    );
    assert_eq!(messages(&app, MessageKind::ConfirmationRequest).await.len(), 2);
    let notices = messages(&app, MessageKind::QuotaNotice).await;
    assert_eq!(notices.len(), 1);
    assert!(
        text(&notices[0].1).contains("Giulia ha già questo servizio quel giorno"),
        "{}",
        text(&notices[0].1)
    );
    // Its seat went back.
    let held_again = store
        .booking_by_hold(&held.hold.hash(), context.clock.now())
        .await
        .unwrap();
    assert_eq!(held_again.state, BookingState::Cancelled);
}

#[tokio::test]
async fn households_beyond_the_rules_are_refused() {
    let (app, _folder) = app().await;
    let (context, store) = (&app.context, &*app.store);
    let choice = first_choice(&app, 1).await;
    for people in [0, 5] {
        assert!(matches!(
            hold::hold(context, store, &cie(&app), Choice { people, ..choice }, None).await,
            Err(HoldError::People { max: 4 })
        ));
    }
    // The day's last time with one seat left and no time after it: two people do not fit.
    let day = browse::day(context, store, &cie(&app), Some(choice.date))
        .await
        .unwrap();
    let last = day.free.last().unwrap().clone();
    let at_last = Choice {
        date: last.slot.date,
        start: last.slot.start,
        people: 1,
    };
    for _ in 1..last.free_seats {
        hold::hold(context, store, &cie(&app), at_last, None)
            .await
            .unwrap();
    }
    let before = browse::day(context, store, &cie(&app), Some(choice.date))
        .await
        .unwrap();
    assert_eq!(before.free.last().unwrap().free_seats, 1);
    let refused = hold::hold(context, store, &cie(&app), Choice { people: 2, ..at_last }, None).await;
    assert!(
        matches!(refused, Err(HoldError::NotEnoughSeats { people: 2 })),
        "{refused:?}"
    );
    let after = browse::day(context, store, &cie(&app), Some(choice.date))
        .await
        .unwrap();
    assert_eq!(after.free, before.free, "nothing was held");
    let offered = after.for_people(2).free;
    assert!(
        !offered.iter().any(|free| free.slot.start == last.slot.start),
        "the times offered to a household fit it"
    );
    assert!(!offered.is_empty());
}
