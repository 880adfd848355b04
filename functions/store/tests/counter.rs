//! The counter on every store: check-in gives one ticket per booking and unique tickets per
//! office and day under races; two desks calling at once never get the same citizen; each step
//! follows `prenota_core::counter`; the display shows tickets only; the audit log reads back by
//! office and day and forgets after its keeping time.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::audit::{AuditAction, AuditEntry};
use prenota_core::counter::{CounterError, CounterEvent, CounterRules, Desk, TicketSeries, VisitState};
use prenota_core::{BookingState, OfficeId, ShortCode, Token};
use prenota_store::{Booking, CounterBooking, Store, StoreError};
use support::{details_request, dynamo_store, hold_request, monday, now, sqlite_store};

fn u1() -> OfficeId {
    OfficeId::parse("u1").unwrap()
}

/// Monday 30 November 2026 at `hh:mm` in Rome (UTC+1).
fn on_monday(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, hour - 1, minute, 0).unwrap()
}

fn desk(name: &str) -> Desk {
    Desk::parse(name).unwrap()
}

async fn confirmed<S: Store>(store: &S, service: &str, start: &str, n: usize) -> Booking {
    let (hold, request) = hold_request(service, monday(), start, now());
    store.hold(&request, now()).await.unwrap();
    let (confirm, details) = details_request(hold.hash(), &format!("citizen{n}@esempio.it"), now());
    store.submit_details(&details, now()).await.unwrap();
    let page = Token::generate().unwrap();
    store
        .confirm(&confirm.hash(), &[page.hash()], &[], now())
        .await
        .unwrap()
        .booking
}

fn code(booking: &Booking) -> ShortCode {
    booking
        .short_code
        .clone()
        .expect("a confirmed booking has a short code")
}

async fn a_day_at_the_counter<S: Store>(store: Arc<S>) {
    let rules = CounterRules::default();
    let first = confirmed(&*store, "cie", "09:00", 1).await;
    let second = confirmed(&*store, "spid", "09:00", 2).await;
    let later = confirmed(&*store, "cie", "09:15", 3).await;
    // A hold that never became a booking is not the counter's.
    let (_, stray) = hold_request("cie", monday(), "09:30", now());
    store.hold(&stray, now()).await.unwrap();

    let agenda = store.agenda(&u1(), monday(), on_monday(8, 0)).await.unwrap();
    assert_eq!(agenda.len(), 3);
    assert!(agenda.iter().all(|entry| entry.state() == VisitState::Confirmed));
    assert!(
        agenda[0].booking.starts_at <= agenda[2].booking.starts_at,
        "by start time"
    );
    assert!(agenda[0].booking.person.is_some(), "with the personal data");

    let early = store
        .check_in(&code(&first), TicketSeries::Booked, &rules, on_monday(7, 59))
        .await;
    assert!(
        matches!(early, Err(StoreError::Counter(CounterError::TooEarly))),
        "{early:?}"
    );

    let arrived = on_monday(8, 30);
    let later_in = store
        .check_in(&code(&later), TicketSeries::Booked, &rules, arrived)
        .await
        .unwrap();
    let second_in = store
        .check_in(
            &code(&second),
            TicketSeries::Booked,
            &rules,
            arrived + Duration::minutes(1),
        )
        .await
        .unwrap();
    let first_in = store
        .check_in(
            &code(&first),
            TicketSeries::Booked,
            &rules,
            arrived + Duration::minutes(2),
        )
        .await
        .unwrap();
    let ticket = |outcome: &prenota_store::CounterOutcome| {
        outcome
            .entry
            .visit
            .as_ref()
            .and_then(|v| v.ticket.clone())
            .unwrap()
            .to_string()
    };
    assert_eq!(
        [ticket(&later_in), ticket(&second_in), ticket(&first_in)],
        ["A001", "A002", "A003"]
    );
    assert!(first_in.changed);
    let again = store
        .check_in(
            &code(&first),
            TicketSeries::Booked,
            &rules,
            arrived + Duration::minutes(3),
        )
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(ticket(&again), "A003", "checking in twice keeps the ticket");

    let board = store.display_board(&u1(), monday(), 5).await.unwrap();
    assert_eq!((board.waiting, board.called.len()), (3, 0));

    // The 09:00 appointments come first, in order of arrival; the 09:15 one last.
    let at = on_monday(9, 0);
    let mut called = Vec::new();
    for desk_name in ["1", "2", "3", "4"] {
        called.push(
            store
                .call_next(&u1(), monday(), &desk(desk_name), at)
                .await
                .unwrap(),
        );
    }
    let codes: Vec<Option<ShortCode>> = called
        .iter()
        .map(|entry| entry.as_ref().map(|e| code(&e.booking)))
        .collect();
    assert_eq!(
        codes,
        [Some(code(&second)), Some(code(&first)), Some(code(&later)), None]
    );
    let board = store.display_board(&u1(), monday(), 2).await.unwrap();
    assert_eq!(board.waiting, 0);
    assert_eq!(board.called.len(), 2, "only the last calls");

    // Put back, then called again by the next call; recalled; served.
    let back = store
        .counter_step(&code(&later), CounterEvent::PutBack, None, &rules, at)
        .await
        .unwrap();
    assert_eq!(back.entry.state(), VisitState::CheckedIn);
    let recalled = store
        .call_next(&u1(), monday(), &desk("5"), at)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code(&recalled.booking), code(&later));
    let recall = store
        .counter_step(
            &code(&later),
            CounterEvent::Recall,
            Some(&desk("6")),
            &rules,
            at + Duration::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(recall.entry.visit.as_ref().unwrap().desk, Some(desk("6")));
    let board = store.display_board(&u1(), monday(), 1).await.unwrap();
    assert_eq!(board.called[0].desk, desk("6"), "a recall is the newest call");
    let served = store
        .counter_step(&code(&later), CounterEvent::Served, None, &rules, at)
        .await
        .unwrap();
    assert_eq!((served.entry.state(), served.changed), (VisitState::Served, true));
    let visit = served.entry.visit.as_ref().unwrap();
    assert_eq!(
        visit.finished_at,
        Some(at),
        "the service time ends with the outcome"
    );
    let served_again = store
        .counter_step(&code(&later), CounterEvent::Served, None, &rules, at)
        .await
        .unwrap();
    assert!(!served_again.changed);
    let refused = store
        .counter_step(
            &code(&later),
            CounterEvent::NoShow,
            None,
            &rules,
            at + Duration::hours(1),
        )
        .await;
    assert!(matches!(
        refused,
        Err(StoreError::Counter(CounterError::OutcomeRecorded))
    ));

    // Not come: only after the grace period, and never checked in.
    let absent = confirmed(&*store, "cie", "10:00", 4).await;
    let soon = store
        .counter_step(
            &code(&absent),
            CounterEvent::NoShow,
            None,
            &rules,
            on_monday(10, 5),
        )
        .await;
    assert!(matches!(soon, Err(StoreError::Counter(CounterError::TooSoon))));
    let no_show = store
        .counter_step(
            &code(&absent),
            CounterEvent::NoShow,
            None,
            &rules,
            on_monday(10, 10),
        )
        .await
        .unwrap();
    assert_eq!(no_show.entry.state(), VisitState::NoShow);
    assert_eq!(
        no_show.entry.visit.as_ref().unwrap().finished_at,
        Some(on_monday(10, 10))
    );

    // A cancelled booking cannot check in; it shows as cancelled.
    let cancelled = confirmed(&*store, "cie", "10:15", 5).await;
    let page = Token::generate().unwrap();
    store.issue_page_code(&cancelled.id, &page.hash()).await.unwrap();
    store.cancel(&page.hash(), None, &[], now()).await.unwrap();
    let refused = store
        .check_in(&code(&cancelled), TicketSeries::Booked, &rules, on_monday(10, 0))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Counter(CounterError::Cancelled))),
        "{refused:?}"
    );
    let entry = store
        .agenda_entry(&code(&cancelled), on_monday(10, 0))
        .await
        .unwrap();
    assert_eq!(entry.state(), VisitState::Cancelled);

    let unknown = ShortCode::generate().unwrap();
    assert!(matches!(
        store.agenda_entry(&unknown, at).await,
        Err(StoreError::NotFound)
    ));
    let agenda = store.agenda(&u1(), monday(), at).await.unwrap();
    let states: Vec<VisitState> = agenda.iter().map(|e| e.state()).collect();
    assert_eq!(agenda.len(), 5, "{states:?}");
}

async fn racing_check_ins_take_one_ticket_each<S: Store + 'static>(store: Arc<S>) {
    let rules = CounterRules::default();
    let mut bookings = Vec::new();
    for (n, start) in [
        "09:00", "09:00", "09:00", "09:15", "09:15", "09:15", "09:30", "09:30",
    ]
    .iter()
    .enumerate()
    {
        bookings.push(confirmed(&*store, "cie", start, n).await);
    }
    let at = on_monday(8, 45);
    // Every booking checked in four times at once.
    let tasks: Vec<_> = bookings
        .iter()
        .flat_map(|booking| std::iter::repeat_n(code(booking), 4))
        .map(|short| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .check_in(&short, TicketSeries::Booked, &rules, at)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut per_booking = std::collections::BTreeMap::<String, BTreeSet<String>>::new();
    let mut changed = 0;
    for task in tasks {
        let outcome = task.await.unwrap();
        changed += usize::from(outcome.changed);
        let ticket = outcome.entry.visit.unwrap().ticket.unwrap().to_string();
        per_booking
            .entry(code(&outcome.entry.booking).as_str().to_owned())
            .or_default()
            .insert(ticket);
    }
    assert_eq!(changed, bookings.len(), "one check-in per booking");
    assert!(
        per_booking.values().all(|tickets| tickets.len() == 1),
        "{per_booking:?}"
    );
    let tickets: BTreeSet<String> = per_booking.values().flatten().cloned().collect();
    assert_eq!(
        tickets.len(),
        bookings.len(),
        "tickets unique in the office's day"
    );
}

async fn racing_desks_never_call_the_same_citizen<S: Store + 'static>(store: Arc<S>) {
    let rules = CounterRules::default();
    let mut codes = BTreeSet::new();
    for (n, start) in ["09:00", "09:00", "09:15", "09:15", "09:30"].iter().enumerate() {
        let booking = confirmed(&*store, "cie", start, n).await;
        store
            .check_in(&code(&booking), TicketSeries::Booked, &rules, on_monday(8, 30))
            .await
            .unwrap();
        codes.insert(code(&booking).as_str().to_owned());
    }
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .call_next(&u1(), monday(), &desk(&n.to_string()), on_monday(9, 0))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut called = Vec::new();
    for task in tasks {
        if let Some(entry) = task.await.unwrap() {
            called.push(code(&entry.booking).as_str().to_owned());
        }
    }
    called.sort();
    let distinct: BTreeSet<String> = called.iter().cloned().collect();
    assert_eq!(called.len(), 5, "eight desks, five waiting: five calls");
    assert_eq!(distinct, codes, "each citizen called once");
}

async fn the_audit_log_reads_by_office_and_day_and_forgets<S: Store>(store: Arc<S>) {
    let at = on_monday(9, 0);
    let entry = |action, minutes, office: Option<OfficeId>| AuditEntry {
        at: at + Duration::minutes(minutes),
        actor: "op@comune.it".into(),
        action,
        office,
        short_code: Some(ShortCode::generate().unwrap()),
    };
    let kept = at + Duration::days(365);
    let check_in = entry(AuditAction::Counter(CounterEvent::CheckIn), 1, Some(u1()));
    let call = entry(AuditAction::Counter(CounterEvent::Call), 2, Some(u1()));
    let elsewhere = entry(AuditAction::WalkIn, 3, Some(OfficeId::parse("u2").unwrap()));
    let sign_in = AuditEntry {
        short_code: None,
        ..entry(AuditAction::SignIn, 0, None)
    };
    for e in [&call, &check_in, &elsewhere, &sign_in] {
        store.record_audit(e, kept).await.unwrap();
    }
    let day = store.audit_of_day(&u1(), monday(), at).await.unwrap();
    assert_eq!(day, vec![check_in, call], "the office's, oldest first");
    let next_day = monday() + Duration::days(1);
    assert!(store.audit_of_day(&u1(), next_day, at).await.unwrap().is_empty());
    assert!(
        store
            .audit_of_day(&u1(), monday(), kept)
            .await
            .unwrap()
            .is_empty(),
        "gone after its time"
    );
    let _: NaiveDate = next_day;
}

/// A seat held at the counter becomes a confirmed booking at once, with or without personal data;
/// it joins the agenda and is checked in like any other.
async fn a_booking_made_at_the_counter<S: Store>(store: Arc<S>) {
    let rules = CounterRules::default();
    let (hold, request) = hold_request("spid", monday(), "09:00", now());
    store.hold(&request, now()).await.unwrap();
    let code = ShortCode::generate().unwrap();
    let booking = store
        .book_at_counter(
            &CounterBooking {
                hold: hold.hash(),
                short_code: code.clone(),
                person: None,
                contact_key: None,
                page_code: None,
                erase_after: now() + Duration::days(10),
                messages: Vec::new(),
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (booking.state, booking.short_code.clone()),
        (BookingState::Confirmed, Some(code.clone()))
    );
    assert!(booking.person.is_none(), "anonymous");
    let again = store
        .book_at_counter(
            &CounterBooking {
                hold: hold.hash(),
                short_code: ShortCode::generate().unwrap(),
                person: None,
                contact_key: None,
                page_code: None,
                erase_after: now() + Duration::days(10),
                messages: Vec::new(),
            },
            now(),
        )
        .await;
    assert!(again.is_err(), "a hold becomes one booking");
    // With a person and a page code: the page opens it.
    let (hold2, request2) = hold_request("spid", monday(), "09:15", now());
    store.hold(&request2, now()).await.unwrap();
    let (_, details) = details_request(hold2.hash(), "luigi@esempio.it", now());
    let page = Token::generate().unwrap();
    store
        .book_at_counter(
            &CounterBooking {
                hold: hold2.hash(),
                short_code: ShortCode::generate().unwrap(),
                person: Some(details.people[0].person.clone()),
                contact_key: Some(details.contact_key.clone()),
                page_code: Some(page.hash()),
                erase_after: now() + Duration::days(10),
                messages: Vec::new(),
            },
            now(),
        )
        .await
        .unwrap();
    let opened = store.booking_by_page_code(&page.hash(), now()).await.unwrap();
    assert_eq!(opened.person.as_ref().map(|p| p.name.as_str()), Some("Maria"));
    let agenda = store.agenda(&u1(), monday(), now()).await.unwrap();
    assert_eq!(agenda.len(), 2);
    let walk_in = store
        .check_in(&code, TicketSeries::WalkIn, &rules, on_monday(8, 30))
        .await
        .unwrap();
    assert_eq!(walk_in.entry.visit.unwrap().ticket.unwrap().as_str(), "S001");
    // An expired hold cannot be booked.
    let (hold3, request3) = hold_request("spid", monday(), "09:30", now());
    store.hold(&request3, now()).await.unwrap();
    let late = store
        .book_at_counter(
            &CounterBooking {
                hold: hold3.hash(),
                short_code: ShortCode::generate().unwrap(),
                person: None,
                contact_key: None,
                page_code: None,
                erase_after: now() + Duration::days(10),
                messages: Vec::new(),
            },
            request3.expires_at,
        )
        .await;
    assert!(late.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_books_at_the_counter() {
    a_booking_made_at_the_counter(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_books_at_the_counter() {
    a_booking_made_at_the_counter(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_day_at_the_counter() {
    a_day_at_the_counter(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_a_day_at_the_counter() {
    a_day_at_the_counter(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_racing_check_ins_take_one_ticket_each() {
    racing_check_ins_take_one_ticket_each(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_racing_check_ins_take_one_ticket_each() {
    racing_check_ins_take_one_ticket_each(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_racing_desks_never_call_the_same_citizen() {
    racing_desks_never_call_the_same_citizen(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_racing_desks_never_call_the_same_citizen() {
    racing_desks_never_call_the_same_citizen(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_audit_log() {
    the_audit_log_reads_by_office_and_day_and_forgets(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_audit_log() {
    the_audit_log_reads_by_office_and_day_and_forgets(dynamo_store().await).await;
}
