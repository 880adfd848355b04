//! "Sposta appuntamento" on every store: the new seat is claimed and the old one freed in one
//! change (never both, never neither), a full slot or the contact's quota on the new day refuse
//! it with nothing changed, a repeat changes nothing, racing moves never overfill a slot, and a
//! booking checked in at the counter stays where it is.

mod support;

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use prenota_core::counter::{CounterRules, TicketSeries};
use prenota_core::lifecycle::TransitionError;
use prenota_core::quota::QuotaExceeded;
use prenota_core::{BookingId, BookingState, QuotaPolicy, Token};
use prenota_store::{MessageKind, MoveRequest, Store, StoreError};
use support::{
    book_confirmed, details_request, dynamo_store, hold_request, message, monday, now, offering, slot,
    sqlite_store,
};

fn tuesday() -> NaiveDate {
    monday() + Duration::days(1)
}

/// A confirmed booking of `service` at `start` on `date` for `contact`: its id.
async fn confirmed<S: Store>(
    store: &S,
    service: &str,
    date: NaiveDate,
    start: &str,
    contact: &str,
) -> BookingId {
    book_confirmed(store, service, date, start, contact).await.0
}

fn move_to(booking: &BookingId, service: &str, date: NaiveDate, start: &str, capacity: u32) -> MoveRequest {
    let to = slot(service, date, start);
    MoveRequest {
        booking: booking.clone(),
        erase_after: to.ends_at + Duration::days(7),
        to,
        capacity,
        quota: QuotaPolicy::default(),
        messages: vec![message(MessageKind::BookingMoved)],
        reserve: None,
        from_closure: None,
    }
}

async fn taken<S: Store>(store: &S, service: &str, date: NaiveDate, start: &str) -> u32 {
    let days = store
        .taken_seats(&offering(service), &[date], now())
        .await
        .unwrap();
    days.get(&date)
        .and_then(|day| day.get(&support::time(start)).copied())
        .unwrap_or(0)
}

async fn outbox_len<S: Store>(store: &S) -> usize {
    store
        .pending_messages(1000, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .len()
}

async fn a_move_takes_the_new_seat_and_frees_the_old_at_once<S: Store + 'static>(store: Arc<S>) {
    let id = confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let request = move_to(&id, "spid", tuesday(), "10:00", 1);
    let moved = store.move_booking(&request, now()).await.unwrap();
    assert!(moved.changed);
    assert_eq!(
        (moved.booking.date, moved.booking.start),
        (tuesday(), support::time("10:00"))
    );
    assert_eq!(moved.booking.state, BookingState::Confirmed);
    assert_eq!(
        taken(&*store, "spid", monday(), "09:00").await,
        0,
        "the old seat is free"
    );
    assert_eq!(
        taken(&*store, "spid", tuesday(), "10:00").await,
        1,
        "the new one is taken"
    );
    assert_eq!(
        outbox_len(&*store).await,
        1,
        "the message is queued with the move"
    );

    // Asked again (a double click): nothing more.
    let again = store.move_booking(&request, now()).await.unwrap();
    assert!(!again.changed);
    assert_eq!(outbox_len(&*store).await, 1);

    // The counter's agenda follows: on Tuesday, no longer on Monday.
    let office = offering("spid").office;
    assert!(store.agenda(&office, monday(), now()).await.unwrap().is_empty());
    let tuesday_agenda = store.agenda(&office, tuesday(), now()).await.unwrap();
    assert_eq!(tuesday_agenda.len(), 1);
    assert_eq!(tuesday_agenda[0].booking.id, id);
    assert!(tuesday_agenda[0].booking.person.is_some());

    // Back to a seat freed by the move, then the old one is another citizen's again.
    let back = store
        .move_booking(&move_to(&id, "spid", monday(), "09:00", 1), now())
        .await
        .unwrap();
    assert!(back.changed);
    assert_eq!(taken(&*store, "spid", tuesday(), "10:00").await, 0);
    assert_eq!(taken(&*store, "spid", monday(), "09:00").await, 1);
}

async fn a_full_slot_or_the_quota_refuses_with_nothing_changed<S: Store + 'static>(store: Arc<S>) {
    let anna = confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    confirmed(&*store, "spid", monday(), "09:15", "bruno@example.it").await;
    let full = store
        .move_booking(&move_to(&anna, "spid", monday(), "09:15", 1), now())
        .await;
    assert!(matches!(full, Err(StoreError::SlotTaken)), "{full:?}");
    // Anna already has SPID on Tuesday: one per service and day.
    confirmed(&*store, "spid", tuesday(), "11:00", "anna@example.it").await;
    let quota = store
        .move_booking(&move_to(&anna, "spid", tuesday(), "09:00", 1), now())
        .await;
    assert!(
        matches!(
            quota,
            Err(StoreError::Quota {
                rule: QuotaExceeded::ServiceDay,
                ..
            })
        ),
        "{quota:?}"
    );
    // Nothing moved, nothing queued.
    assert_eq!(taken(&*store, "spid", monday(), "09:00").await, 1);
    assert_eq!(taken(&*store, "spid", tuesday(), "09:00").await, 0);
    assert_eq!(outbox_len(&*store).await, 0);
    // The same day is no new quota: a move within Monday is fine.
    let same_day = store
        .move_booking(&move_to(&anna, "spid", monday(), "09:30", 1), now())
        .await
        .unwrap();
    assert!(same_day.changed);
}

async fn racing_moves_never_overfill_a_slot<S: Store + 'static>(store: Arc<S>) {
    // Twelve citizens with CIE (3 desks) on Monday at different times, all moving to Tuesday 10:00.
    let starts = [
        "09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30",
        "11:45",
    ];
    let mut ids = Vec::new();
    for (n, start) in starts.iter().enumerate() {
        ids.push(confirmed(&*store, "cie", monday(), start, &format!("c{n}@example.it")).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for id in ids {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            store
                .move_booking(&move_to(&id, "cie", tuesday(), "10:00", 3), now())
                .await
        });
    }
    let mut moved = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(outcome) => moved += usize::from(outcome.changed),
            Err(StoreError::SlotTaken) => {}
            Err(other) => panic!("a move failed for another reason: {other}"),
        }
    }
    assert_eq!(moved, 3, "three desks, three moves");
    assert_eq!(taken(&*store, "cie", tuesday(), "10:00").await, 3);
    let left: u32 = {
        let mut sum = 0;
        for start in starts {
            sum += taken(&*store, "cie", monday(), start).await;
        }
        sum
    };
    assert_eq!(left, 9, "each booking holds exactly one seat");
}

async fn a_cancelled_or_checked_in_booking_does_not_move<S: Store + 'static>(store: Arc<S>) {
    let (hold, request) = hold_request("spid", monday(), "09:00", now());
    store.hold(&request, now()).await.unwrap();
    let (confirm, details) = details_request(hold.hash(), "anna@example.it", now());
    store.submit_details(&details, now()).await.unwrap();
    let id = BookingId::of_hold(&hold.hash());
    let pending = store
        .move_booking(&move_to(&id, "spid", tuesday(), "10:00", 1), now())
        .await;
    assert!(
        matches!(
            pending,
            Err(StoreError::Transition(TransitionError::NotConfirmed))
        ),
        "{pending:?}"
    );
    let page = Token::generate().unwrap();
    store
        .confirm(&confirm.hash(), &[page.hash()], &[], now())
        .await
        .unwrap();
    store.cancel(&page.hash(), None, &[], now()).await.unwrap();
    let cancelled = store
        .move_booking(&move_to(&id, "spid", tuesday(), "10:00", 1), now())
        .await;
    assert!(
        matches!(cancelled, Err(StoreError::Transition(TransitionError::Cancelled))),
        "{cancelled:?}"
    );

    // Checked in on Monday morning: the visit has begun.
    let at_the_counter = confirmed(&*store, "spid", monday(), "10:00", "bruno@example.it").await;
    let monday_morning = slot("spid", monday(), "10:00").starts_at - Duration::minutes(20);
    let code = store
        .agenda(&offering("spid").office, monday(), now())
        .await
        .unwrap()
        .into_iter()
        .find(|entry| entry.booking.id == at_the_counter)
        .and_then(|entry| entry.booking.short_code)
        .unwrap();
    store
        .check_in(
            &code,
            TicketSeries::Booked,
            &CounterRules::default(),
            monday_morning,
        )
        .await
        .unwrap();
    let checked_in = store
        .move_booking(
            &move_to(&at_the_counter, "spid", tuesday(), "10:00", 1),
            monday_morning,
        )
        .await;
    assert!(
        matches!(
            checked_in,
            Err(StoreError::Transition(TransitionError::AppointmentStarted))
        ),
        "{checked_in:?}"
    );
    assert_eq!(taken(&*store, "spid", tuesday(), "10:00").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_moves_a_booking() {
    a_move_takes_the_new_seat_and_frees_the_old_at_once(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_moves_a_booking() {
    a_move_takes_the_new_seat_and_frees_the_old_at_once(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_refuses_a_full_slot_and_the_quota() {
    a_full_slot_or_the_quota_refuses_with_nothing_changed(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_refuses_a_full_slot_and_the_quota() {
    a_full_slot_or_the_quota_refuses_with_nothing_changed(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_racing_moves_never_overfill() {
    racing_moves_never_overfill_a_slot(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_racing_moves_never_overfill() {
    racing_moves_never_overfill_a_slot(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_keeps_cancelled_and_checked_in_bookings() {
    a_cancelled_or_checked_in_booking_does_not_move(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_keeps_cancelled_and_checked_in_bookings() {
    a_cancelled_or_checked_in_booking_does_not_move(dynamo_store().await).await;
}
