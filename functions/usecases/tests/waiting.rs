//! The waiting list as use cases, on a real SQLite store and a manual clock, with Bergamo's SPID at
//! ufficio-1: citizens join and confirm by link; a cancelled seat is kept from everyone, drawn for
//! and offered to one of them, invisible to others while the offer lasts and handed to the next
//! drawn one when it lapses; an offer taken is one booking, however often its details are sent;
//! with nobody waiting a cancelled seat is public after its wait, a moved one at once.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::text::PersonName;
use prenota_core::{BookingId, BookingState, Clock, ManualClock, OfficeId, ServiceId, Token, TokenHash};
use prenota_notify::Message;
use prenota_store::{MessageKind, Person, PlaceState};
use prenota_usecases::outbox::Payload;
use prenota_usecases::reminders::{self, Fired};
use prenota_usecases::testing::{bergamo, queued_of_kind, sqlite_app};
use prenota_usecases::waiting::{self, Drawn, JoinError, JoinRequest};
use prenota_usecases::{App, StepError, browse, cancel, confirm, details, hold};

fn rome(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    prenota_core::calendar::ROME
        .with_ymd_and_hms(2026, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// Thursday 10 December.
fn thursday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
}

fn spid() -> ServiceId {
    ServiceId::parse("spid").unwrap()
}

fn ufficio_1() -> OfficeId {
    OfficeId::parse("ufficio-1").unwrap()
}

async fn app(clock: &Arc<ManualClock>) -> (App, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let (app, _) = sqlite_app(&path, bergamo(), clock.clone(), "https://prenota.example").await;
    (app, folder)
}

/// The code after `prefix` in the last queued message of `kind` to `to`.
async fn code_sent(app: &App, kind: MessageKind, to: &str, prefix: &str) -> Token {
    let text = queued_of_kind(app, kind)
        .await
        .into_iter()
        .rev()
        .find_map(|payload| match payload {
            Payload::Citizen(Message::Email(email)) if email.to == to => Some(email.text),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a {kind} message to {to}"));
    let at = text.find(prefix).unwrap_or_else(|| panic!("{prefix} in {text}")) + prefix.len();
    let code: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Token::parse(&code).unwrap()
}

/// `who` joins the list for SPID at ufficio-1 on Thursday and confirms by the link: the place's code.
async fn join_and_confirm(app: &App, who: &str) -> Token {
    let request = JoinRequest {
        service: spid(),
        offices: vec![ufficio_1()],
        from: thursday(),
        to: thursday(),
        contact: Contact::parse(who).unwrap(),
        lang: Lang::It,
    };
    waiting::join(&app.context, &*app.store, request).await.unwrap();
    let code = code_sent(app, MessageKind::WaitingConfirm, who, "/w/").await;
    let confirmed = waiting::confirm(&app.context, &*app.store, &code).await.unwrap();
    assert_eq!(confirmed.place.state, PlaceState::Waiting);
    code
}

/// Seats taken at `start` on Thursday, now.
async fn taken(app: &App, start: chrono::NaiveTime) -> u32 {
    let offering = prenota_core::OfferingKey {
        office: ufficio_1(),
        service: spid(),
    };
    let days = app
        .store
        .taken_seats(&offering, &[thursday()], app.context.clock.now())
        .await
        .unwrap();
    days.get(&thursday())
        .and_then(|day| day.get(&start).copied())
        .unwrap_or(0)
}

/// A hold of the first free time of SPID at ufficio-1 on Thursday, and that time.
async fn hold_first_free(app: &App) -> (Token, prenota_core::Slot) {
    let (context, store) = (&app.context, &*app.store);
    let catalogue = context.catalogue();
    let offering = browse::offering(&catalogue, &spid(), &ufficio_1()).unwrap();
    let day = browse::day(context, store, offering, Some(thursday()))
        .await
        .unwrap();
    let slot = day.free[0].slot.clone();
    let choice = hold::Choice {
        date: slot.date,
        start: slot.start,
        people: 1,
    };
    let held = hold::hold(context, store, offering, choice, None)
        .await
        .unwrap()
        .hold;
    (held, slot)
}

/// `who` holds the first free time on Thursday, sends the details of `hold` and confirms: the
/// booking and its page's code.
async fn book(app: &App, who: &str, held: Option<&Token>) -> (prenota_store::Booking, Token) {
    let (context, store) = (&app.context, &*app.store);
    let held = match held {
        Some(token) => token.clone(),
        None => hold_first_free(app).await.0,
    };
    details::submit(context, store, &held.hash(), vec![person(who)])
        .await
        .unwrap();
    let code = code_sent(app, MessageKind::ConfirmationRequest, who, "/c/").await;
    let done = confirm::confirm(context, store, &code).await.unwrap();
    (done.booking, done.page_code)
}

fn person(who: &str) -> Person {
    Person {
        name: PersonName::parse("Anna").unwrap(),
        surname: PersonName::parse("Rossi").unwrap(),
        contact: Contact::parse(who).unwrap(),
        details: None,
        lang: Lang::It,
    }
}

/// The hold token of the last offer sent to `who` (the `#offerta=` of its link).
async fn offer_to(app: &App, who: &str) -> Token {
    code_sent(app, MessageKind::WaitingOffer, who, "#offerta=").await
}

/// The contact a place's code belongs to, among `places`.
fn whose<'a>(places: &'a [(String, Token)], code: &TokenHash) -> &'a str {
    &places.iter().find(|(_, token)| &token.hash() == code).unwrap().0
}

#[tokio::test]
async fn a_cancelled_seat_goes_to_a_drawn_citizen_then_the_next_and_is_booked_once() {
    let clock = Arc::new(ManualClock::new(rome(11, 30, 10, 0)));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let mut places = Vec::new();
    for n in 0..3 {
        let who = format!("attesa{n}@example.it");
        places.push((who.clone(), join_and_confirm(&app, &who).await));
    }
    let (booking, page) = book(&app, "anna@example.it", None).await;
    let start = booking.start;
    let before = taken(&app, start).await;

    clock.set(rome(11, 30, 11, 0));
    cancel::cancel(context, store, &page, true).await.unwrap();
    assert_eq!(taken(&app, start).await, before, "kept for the waiting list");
    let orders = queued_of_kind(&app, MessageKind::SeatFreed).await;
    let [Payload::SeatFreed(order)] = orders.as_slice() else {
        panic!("one order to draw: {orders:?}");
    };
    let Drawn::Offered(first) = waiting::seat_freed(context, store, order).await.unwrap() else {
        panic!("offered to one of the three");
    };
    let first_who = whose(&places, &first).to_owned();
    let first_offer = offer_to(&app, &first_who).await;
    let offer_booking = BookingId::of_hold(&first_offer.hash());
    // The order that ends the offer: two hours for an e-mail.
    let ends = queued_of_kind(&app, MessageKind::ReminderSchedule)
        .await
        .into_iter()
        .find_map(|payload| match payload {
            Payload::Reminder(order) if order.booking_id == offer_booking => order.at,
            _ => None,
        })
        .expect("the offer's end is scheduled");
    assert_eq!(ends, rome(11, 30, 13, 0));
    // The same order drawn again finds the seat taken over: nothing.
    assert_eq!(
        waiting::seat_freed(context, store, order).await.unwrap(),
        Drawn::Gone
    );

    // Invisible to others while the offer lasts: still taken after the cancellation's wait.
    clock.set(rome(11, 30, 12, 30));
    assert_eq!(taken(&app, start).await, before);
    let offered = hold::view(context, store, &first_offer.hash()).await.unwrap();
    assert_eq!(offered[0].start, start, "the offer holds the cancelled time");

    // The offer lapses: handed on to another of the list, in one change.
    clock.set(ends);
    let Fired::OfferEnded(Drawn::Offered(second)) =
        reminders::fire(context, store, &offer_booking).await.unwrap()
    else {
        panic!("handed on");
    };
    assert_ne!(second, first, "never offered twice");
    assert_eq!(taken(&app, start).await, before);
    assert!(matches!(
        hold::view(context, store, &first_offer.hash()).await,
        Err(StepError::Released)
    ));
    let waiting_again = store.waiting_place(&first, clock.now()).await.unwrap();
    assert_eq!(
        waiting_again.state,
        PlaceState::Waiting,
        "the first stays on the list"
    );

    // The second citizen takes it: the details sent twice give one booking.
    let second_who = whose(&places, &second).to_owned();
    let second_offer = offer_to(&app, &second_who).await;
    let offered_hold = second_offer.hash();
    let (one, two) = tokio::join!(
        details::submit(context, store, &offered_hold, vec![person(&second_who)]),
        details::submit(context, store, &offered_hold, vec![person(&second_who)]),
    );
    assert_eq!([one.is_ok(), two.is_ok()].iter().filter(|ok| **ok).count(), 1);
    let code = code_sent(&app, MessageKind::ConfirmationRequest, &second_who, "/c/").await;
    let booked = confirm::confirm(context, store, &code).await.unwrap();
    assert_eq!(booked.booking.state, BookingState::Confirmed);
    assert_eq!(booked.booking.start, start);
    assert_eq!(taken(&app, start).await, before);
    // Its schedule now fires for the reminder, which ends the offer first: off the list.
    reminders::fire(context, store, &booked.booking.id).await.unwrap();
    let left = store.waiting_place(&second, clock.now()).await.unwrap();
    assert_eq!(left.state, PlaceState::Left);
}

#[tokio::test]
async fn with_nobody_waiting_a_cancelled_seat_waits_and_a_moved_one_is_public_at_once() {
    let clock = Arc::new(ManualClock::new(rome(11, 30, 10, 0)));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let (booking, page) = book(&app, "anna@example.it", None).await;
    let start = booking.start;
    let before = taken(&app, start).await;
    cancel::cancel(context, store, &page, true).await.unwrap();
    let orders = queued_of_kind(&app, MessageKind::SeatFreed).await;
    let [Payload::SeatFreed(order)] = orders.as_slice() else {
        panic!("one order");
    };
    assert_eq!(
        waiting::seat_freed(context, store, order).await.unwrap(),
        Drawn::Public
    );
    assert_eq!(
        taken(&app, start).await,
        before,
        "a cancelled seat waits ten minutes"
    );
    clock.set(rome(11, 30, 10, 10));
    assert_eq!(taken(&app, start).await, before - 1, "then it is anyone's");

    let (booking, page) = book(&app, "bruno@example.it", None).await;
    let choices = prenota_usecases::moving::choices(context, store, &page, Some(thursday()))
        .await
        .unwrap();
    let to = choices
        .day
        .free
        .iter()
        .find(|free| free.slot.start != booking.start)
        .unwrap();
    prenota_usecases::moving::move_to(context, store, &page, thursday(), to.slot.start)
        .await
        .unwrap();
    let kept = taken(&app, booking.start).await;
    for payload in queued_of_kind(&app, MessageKind::SeatFreed).await {
        let Payload::SeatFreed(order) = payload else {
            continue;
        };
        waiting::seat_freed(context, store, &order).await.unwrap();
    }
    assert_eq!(
        taken(&app, booking.start).await,
        kept - 1,
        "nobody waits: public at once"
    );
}

#[tokio::test]
async fn joining_checks_the_request_and_answers_alike() {
    let clock = Arc::new(ManualClock::new(rome(11, 30, 10, 0)));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let request = |from: NaiveDate, to: NaiveDate, office: &str| JoinRequest {
        service: spid(),
        offices: vec![OfficeId::parse(office).unwrap()],
        from,
        to,
        contact: Contact::parse("carla@example.it").unwrap(),
        lang: Lang::En,
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    for (from, to) in [
        (thursday(), today),
        (today - Duration::days(1), thursday()),
        (today, today + Duration::days(400)),
    ] {
        assert!(matches!(
            waiting::join(context, store, request(from, to, "ufficio-1")).await,
            Err(JoinError::Days)
        ));
    }
    assert!(matches!(
        waiting::join(context, store, request(today, thursday(), "nowhere")).await,
        Err(JoinError::UnknownOffice(_))
    ));
    assert!(queued_of_kind(&app, MessageKind::WaitingConfirm).await.is_empty());
    // Over the contact's hourly allowance of such messages: the same answer, nothing sent.
    for _ in 0..10 {
        waiting::join(context, store, request(today, thursday(), "ufficio-1"))
            .await
            .unwrap();
    }
    let sent = queued_of_kind(&app, MessageKind::WaitingConfirm).await.len();
    assert_eq!(sent as u32, context.settings.messages_per_contact_hour);
    let Payload::Citizen(Message::Email(email)) = &queued_of_kind(&app, MessageKind::WaitingConfirm).await[0]
    else {
        panic!("an e-mail");
    };
    assert!(
        email.subject.contains("Confirm your place on the waiting list"),
        "{}",
        email.subject
    );
    assert!(email.text.contains("/w/"), "{}", email.text);
}

#[tokio::test]
async fn a_booking_not_confirmed_in_time_gives_its_seat_to_the_list_at_its_deadline() {
    let clock = Arc::new(ManualClock::new(rome(11, 30, 10, 0)));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let waiting = "attesa@example.it";
    let place = join_and_confirm(&app, waiting).await;

    // Details sent, never confirmed: the details set the booking's timer at the deadline.
    let (held, slot) = hold_first_free(&app).await;
    let sent = details::submit(context, store, &held.hash(), vec![person("lenta@example.it")])
        .await
        .unwrap();
    let booking = BookingId::of_hold(&held.hash());
    let timers: Vec<_> = queued_of_kind(&app, MessageKind::ReminderSchedule)
        .await
        .into_iter()
        .filter_map(|payload| match payload {
            Payload::Reminder(order) if order.booking_id == booking => order.at,
            _ => None,
        })
        .collect();
    assert_eq!(timers, vec![sent.confirm_by], "a timer at the deadline");
    assert_eq!(
        reminders::fire(context, store, &booking).await.unwrap(),
        Fired::NotNeeded,
        "before the deadline: nothing"
    );

    // The deadline passes: the seat is kept back, drawn for and offered to the place.
    clock.set(sent.confirm_by + Duration::seconds(20));
    let before = taken(&app, slot.start).await;
    assert_eq!(
        reminders::fire(context, store, &booking).await.unwrap(),
        Fired::Expired { kept: true }
    );
    assert_eq!(taken(&app, slot.start).await, before + 1, "kept from the public");
    assert_eq!(
        reminders::fire(context, store, &booking).await.unwrap(),
        Fired::Expired { kept: false },
        "fired again: kept once"
    );
    let drawn = queued_of_kind(&app, MessageKind::SeatFreed).await;
    let [Payload::SeatFreed(order)] = drawn.as_slice() else {
        panic!("one order to draw: {drawn:?}");
    };
    assert_eq!(
        waiting::seat_freed(context, store, order).await.unwrap(),
        Drawn::Offered(place.hash())
    );
    let offer = offer_to(&app, waiting).await;
    let offered = store.booking_by_hold(&offer.hash(), clock.now()).await.unwrap();
    assert_eq!((offered.date, offered.start), (slot.date, slot.start));
}
