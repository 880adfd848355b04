//! A household booking ("Aggiungi un'altra persona") on every store: its seats are held all or
//! none, under races too; its details make one booking per person with the people's and the
//! contact's quotas counted person by person, all or none; one confirmation code confirms them
//! all, each with a page of its own; "INDIETRO" gives every seat back.

mod support;

use std::sync::Arc;

use chrono::NaiveDate;
use prenota_core::quota::QuotaExceeded;
use prenota_core::{BookingState, QuotaPolicy, Slot, Token};
use prenota_store::{HoldRequest, MessageKind, Store, StoreError, household_ids};
use support::{
    HOLD_TTL, dynamo_store, household_details, message, monday, now, offering, slot, sqlite_store, time,
};

/// A hold of `seats` (the starts of each person's slot) of "cie" (3 desks) on `date`.
fn household_hold(date: NaiveDate, seats: &[&str]) -> (Token, HoldRequest) {
    let token = Token::generate().unwrap();
    let request = HoldRequest {
        hold: token.hash(),
        offering: offering("cie"),
        seats: seats
            .iter()
            .map(|start| slot("cie", date, start))
            .collect::<Vec<Slot>>(),
        capacity: 3,
        expires_at: now() + HOLD_TTL,
    };
    (token, request)
}

async fn taken<S: Store + ?Sized>(store: &S, date: NaiveDate, start: &str) -> u32 {
    let days = store.taken_seats(&offering("cie"), &[date], now()).await.unwrap();
    days.get(&date)
        .and_then(|day| day.get(&time(start)).copied())
        .unwrap_or(0)
}

/// The state of each booking a hold made, in the household's order (`None`: no such booking).
async fn states<S: Store + ?Sized>(store: &S, request: &HoldRequest) -> Vec<Option<BookingState>> {
    let mut states = Vec::new();
    for n in 0..request.seats.len() {
        let hold = request.hold.household_seat(n as u32);
        states.push(match store.booking_by_hold(&hold, now()).await {
            Ok(booking) => Some(booking.state),
            Err(StoreError::NotFound) => None,
            Err(error) => panic!("{error}"),
        });
    }
    states
}

async fn a_household_is_held_submitted_and_confirmed_together<S: Store>(store: Arc<S>) {
    let date = monday();
    // Two in the chosen time, the third in the one right after.
    let (hold, request) = household_hold(date, &["09:00", "09:00", "09:15"]);
    store.hold(&request, now()).await.unwrap();
    assert_eq!(taken(&*store, date, "09:00").await, 2);
    assert_eq!(taken(&*store, date, "09:15").await, 1);
    let lead = store.booking_by_hold(&hold.hash(), now()).await.unwrap();
    let household = lead
        .household
        .clone()
        .expect("a household booking knows its place");
    assert_eq!((household.seat, household.size), (0, 3));
    assert_eq!(household.lead, lead.id);
    let ids = household_ids(&lead.id, 3);
    assert_eq!(ids[0], lead.id);
    let third = store.booking_by_hold(&ids[2].hold(), now()).await.unwrap();
    assert_eq!((third.start, third.household.unwrap().seat), (time("09:15"), 2));

    // Fewer or more people than seats: refused, nothing changed.
    let (_, two) = household_details(
        hold.hash(),
        "famiglia@esempio.it",
        &["Maria Rossi", "Luca Rossi"],
        now(),
    );
    assert!(matches!(
        store.submit_details(&two, now()).await,
        Err(StoreError::PeopleMismatch { held: 3, given: 2 })
    ));
    let people = ["Maria Rossi", "Luca Rossi", "Anna Rossi"];
    let (confirm, mut details) = household_details(hold.hash(), "famiglia@esempio.it", &people, now());
    details.messages = vec![message(MessageKind::ConfirmationRequest)];
    let submitted = store.submit_details(&details, now()).await.unwrap();
    assert_eq!(submitted.id, lead.id);
    assert_eq!(
        states(&*store, &request).await,
        vec![Some(BookingState::Pending); 3]
    );
    let mut codes = Vec::new();
    for id in &ids {
        let booking = store.booking_by_hold(&id.hold(), now()).await.unwrap();
        let person = booking.person.expect("each booking has its own person");
        codes.push(booking.short_code.expect("and its own short code"));
        assert!(people.contains(&format!("{} {}", person.name, person.surname).as_str()));
    }
    codes.dedup();
    assert_eq!(codes.len(), 3, "three short codes");
    // The confirmation code opens the first person's booking only.
    let by_code = store
        .booking_by_confirm_code(&confirm.hash(), now())
        .await
        .unwrap();
    assert_eq!(by_code.id, lead.id);

    let pages: Vec<Token> = (0..3).map(|_| Token::generate().unwrap()).collect();
    let hashes: Vec<_> = pages.iter().map(Token::hash).collect();
    assert!(matches!(
        store.confirm(&confirm.hash(), &hashes[..2], &[], now()).await,
        Err(StoreError::PeopleMismatch { held: 3, given: 2 })
    ));
    assert_eq!(
        states(&*store, &request).await,
        vec![Some(BookingState::Pending); 3]
    );
    let confirmed = store
        .confirm(
            &confirm.hash(),
            &hashes,
            &[message(MessageKind::BookingConfirmed)],
            now(),
        )
        .await
        .unwrap();
    assert!(confirmed.changed);
    assert_eq!(
        states(&*store, &request).await,
        vec![Some(BookingState::Confirmed); 3]
    );
    for (page, id) in pages.iter().zip(&ids) {
        let booking = store.booking_by_page_code(&page.hash(), now()).await.unwrap();
        assert_eq!(&booking.id, id, "each person has a page of their own");
    }
    let again = store.confirm(&confirm.hash(), &hashes, &[], now()).await.unwrap();
    assert!(!again.changed, "confirming twice changes nothing");
    // One person cancels: only their seat goes back.
    store.cancel(&pages[2].hash(), None, &[], now()).await.unwrap();
    assert_eq!(taken(&*store, date, "09:15").await, 0);
    assert_eq!(taken(&*store, date, "09:00").await, 2);
}

async fn a_household_is_held_all_or_none_and_released_together<S: Store>(store: Arc<S>) {
    let date = monday();
    // Four in a time of three desks: none is held.
    let (_, too_many) = household_hold(date, &["10:00"; 4]);
    assert!(matches!(
        store.hold(&too_many, now()).await,
        Err(StoreError::SlotTaken)
    ));
    assert_eq!(taken(&*store, date, "10:00").await, 0);
    assert_eq!(states(&*store, &too_many).await, vec![None; 4]);
    // Two seats left at 10:15 after one is taken: a household of three there is refused whole.
    let (_, one) = household_hold(date, &["10:15"]);
    store.hold(&one, now()).await.unwrap();
    let (_, three) = household_hold(date, &["10:15", "10:15", "10:15"]);
    assert!(matches!(
        store.hold(&three, now()).await,
        Err(StoreError::SlotTaken)
    ));
    assert_eq!(taken(&*store, date, "10:15").await, 1);
    // Held, then "INDIETRO": every seat is free again.
    let (_, two) = household_hold(date, &["10:00", "10:15"]);
    store.hold(&two, now()).await.unwrap();
    assert_eq!(taken(&*store, date, "10:15").await, 2);
    store.release(&two.hold, now()).await.unwrap();
    assert_eq!(taken(&*store, date, "10:00").await, 0);
    assert_eq!(taken(&*store, date, "10:15").await, 1);
}

/// 50 households of two race for the last three seats of a time: one household gets two, the
/// others nothing — never one person of a household without the other.
async fn racing_households_are_never_split<S: Store + 'static>(store: Arc<S>) {
    let date = monday();
    let racers: Vec<(Token, HoldRequest)> = (0..50)
        .map(|_| household_hold(date, &["11:00", "11:00"]))
        .collect();
    let mut tasks = Vec::new();
    for (_, request) in &racers {
        let (store, request) = (store.clone(), request.clone());
        tasks.push(tokio::spawn(async move { store.hold(&request, now()).await }));
    }
    let mut won = 0;
    for (task, (_, request)) in tasks.into_iter().zip(&racers) {
        let result = task.await.unwrap();
        let states = states(&*store, request).await;
        match result {
            Ok(()) => {
                won += 1;
                assert_eq!(states, vec![Some(BookingState::Held); 2]);
            }
            Err(StoreError::SlotTaken) => {
                assert_eq!(states, vec![None; 2], "a refused household holds nothing")
            }
            Err(error) => panic!("{error}"),
        }
    }
    assert_eq!(won, 1, "three seats seat one household of two");
    assert_eq!(taken(&*store, date, "11:00").await, 2);
}

async fn quotas_count_people<S: Store>(store: Arc<S>) {
    let date = monday();
    let contact = "genitore@esempio.it";
    // Two children with one contact, the same service and day: two people, allowed.
    let (hold, request) = household_hold(date, &["09:30", "09:30"]);
    store.hold(&request, now()).await.unwrap();
    let (_, details) = household_details(hold.hash(), contact, &["Giulia Bianchi", "Marco Bianchi"], now());
    store.submit_details(&details, now()).await.unwrap();
    // A third child later, on their own: allowed too.
    let (hold, request) = household_hold(date, &["09:45"]);
    store.hold(&request, now()).await.unwrap();
    let (_, details) = household_details(hold.hash(), contact, &["Sara Bianchi"], now());
    store.submit_details(&details, now()).await.unwrap();
    // Marco again that day, in a household with his father: refused for Marco (the second
    // person), and nothing of the household is submitted.
    let (hold, request) = household_hold(date, &["10:30", "10:30"]);
    store.hold(&request, now()).await.unwrap();
    let (_, details) = household_details(hold.hash(), contact, &["Paolo Bianchi", "MARCO bianchi"], now());
    assert!(matches!(
        store.submit_details(&details, now()).await,
        Err(StoreError::Quota {
            rule: QuotaExceeded::ServiceDay,
            person: 1
        })
    ));
    assert_eq!(states(&*store, &request).await, vec![Some(BookingState::Held); 2]);
    // The contact's cap: with at most four for the contact, a household of two more is refused
    // at its second person.
    let (hold, request) = household_hold(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), &["09:00", "09:00"]);
    store.hold(&request, now()).await.unwrap();
    let (_, mut details) =
        household_details(hold.hash(), contact, &["Paolo Bianchi", "Elena Bianchi"], now());
    details.quota = QuotaPolicy {
        max_active_per_contact: 4,
        ..QuotaPolicy::default()
    };
    assert!(matches!(
        store.submit_details(&details, now()).await,
        Err(StoreError::Quota {
            rule: QuotaExceeded::ContactActive,
            person: 1
        })
    ));
    assert_eq!(states(&*store, &request).await, vec![Some(BookingState::Held); 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_books_a_household() {
    a_household_is_held_submitted_and_confirmed_together(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_books_a_household() {
    a_household_is_held_submitted_and_confirmed_together(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_holds_a_household_all_or_none() {
    a_household_is_held_all_or_none_and_released_together(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_holds_a_household_all_or_none() {
    a_household_is_held_all_or_none_and_released_together(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_never_splits_racing_households() {
    racing_households_are_never_split(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_never_splits_racing_households() {
    racing_households_are_never_split(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_counts_quotas_per_person() {
    quotas_count_people(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_counts_quotas_per_person() {
    quotas_count_people(dynamo_store().await).await;
}
