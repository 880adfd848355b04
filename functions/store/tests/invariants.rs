//! The invariants of docs/design.md ("Invariants"), one test each, run against every store: SQLite and DynamoDB Local.

mod support;

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use prenota_core::lifecycle::TransitionError;
use prenota_core::quota::QuotaExceeded;
use prenota_core::{BookingId, BookingState, QuotaPolicy, Token};
use prenota_store::{Availability, BookingStore, MessageId, MessageKind, Store, StoreError};
use support::*;

/// Runs `attempts` holds on one slot at once and returns how many won.
async fn race_holds<S: Store + 'static>(
    store: &Arc<S>,
    service: &str,
    start: &str,
    attempts: usize,
) -> usize {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..attempts {
        let store = Arc::clone(store);
        let (_, request) = hold_request(service, monday(), start, now());
        tasks.spawn(async move { store.hold(&request, now()).await });
    }
    let mut won = 0;
    while let Some(result) = tasks.join_next().await {
        match result.expect("the task ran") {
            Ok(()) => won += 1,
            Err(StoreError::SlotTaken) => {}
            Err(other) => panic!("a hold failed for another reason: {other}"),
        }
    }
    won
}

async fn taken_at<S: Store>(store: &S, service: &str, start: &str, at: chrono::DateTime<Utc>) -> u32 {
    let taken = store
        .taken_seats(&offering(service), &[monday()], at)
        .await
        .unwrap();
    taken
        .get(&monday())
        .and_then(|day| day.get(&time(start)))
        .copied()
        .unwrap_or(0)
}

/// Holds a slot and submits details: a pending booking and its confirmation code.
async fn pending<S: Store>(store: &S, service: &str, start: &str, contact: &str) -> (Token, Token) {
    let (hold, request) = hold_request(service, monday(), start, now());
    store.hold(&request, now()).await.unwrap();
    let (confirm, details) = details_request(hold.hash(), contact, now());
    store.submit_details(&details, now()).await.unwrap();
    (hold, confirm)
}

/// A confirmed booking and its page code.
async fn confirmed<S: Store>(store: &S, service: &str, start: &str, contact: &str) -> Token {
    book_confirmed(store, service, monday(), start, contact).await.1
}

async fn two_hundred_racing_holds_on_capacity_one<S: Store + 'static>(store: Arc<S>) {
    assert_eq!(race_holds(&store, "spid", "09:00", 200).await, 1);
    assert_eq!(taken_at(&*store, "spid", "09:00", now()).await, 1);
}

async fn two_hundred_racing_holds_on_capacity_three<S: Store + 'static>(store: Arc<S>) {
    assert_eq!(race_holds(&store, "cie", "09:00", 200).await, 3);
    assert_eq!(taken_at(&*store, "cie", "09:00", now()).await, 3);
    let catalogue = catalogue();
    let offering = catalogue.offering(&offering("cie")).unwrap();
    let free = store
        .day_availability(&catalogue, offering, monday(), now())
        .await
        .unwrap();
    assert!(
        free.iter().all(|slot| slot.slot.start != time("09:00")),
        "a full slot is not offered"
    );
    assert_eq!(free.len(), 11);
}

async fn an_expired_hold_frees_its_seat_at_once<S: Store + 'static>(store: Arc<S>) {
    let (first, request) = hold_request("spid", monday(), "09:15", now());
    store.hold(&request, now()).await.unwrap();
    let just_before = now() + HOLD_TTL - Duration::milliseconds(1);
    let (_, second) = hold_request("spid", monday(), "09:15", just_before);
    assert!(matches!(
        store.hold(&second, just_before).await,
        Err(StoreError::SlotTaken)
    ));
    assert_eq!(taken_at(&*store, "spid", "09:15", just_before).await, 1);

    // At the deadline, with no clean-up run, the seat is free and can be held again.
    let deadline = now() + HOLD_TTL;
    assert_eq!(taken_at(&*store, "spid", "09:15", deadline).await, 0);
    let (_, third) = hold_request("spid", monday(), "09:15", deadline);
    store.hold(&third, deadline).await.unwrap();
    assert_eq!(
        store
            .booking_by_hold(&first.hash(), deadline)
            .await
            .unwrap()
            .state,
        BookingState::Expired
    );
    // The expired hold's late "INDIETRO" must not free the new holder's seat.
    store.release(&first.hash(), deadline).await.unwrap();
    assert_eq!(taken_at(&*store, "spid", "09:15", deadline).await, 1);
    let (_, fourth) = hold_request("spid", monday(), "09:15", deadline);
    assert!(matches!(
        store.hold(&fourth, deadline).await,
        Err(StoreError::SlotTaken)
    ));
    // Details for an expired hold are refused.
    let (_, late) = details_request(first.hash(), "late@esempio.it", deadline);
    assert!(matches!(
        store.submit_details(&late, deadline).await,
        Err(StoreError::Transition(TransitionError::Expired))
    ));
}

async fn an_unconfirmed_booking_frees_its_seat_at_the_deadline<S: Store + 'static>(store: Arc<S>) {
    let (_, confirm) = pending(&*store, "spid", "09:30", "maria@esempio.it").await;
    let deadline = now() + CONFIRM_TTL;
    let before = deadline - Duration::milliseconds(1);
    assert_eq!(taken_at(&*store, "spid", "09:30", before).await, 1);
    assert_eq!(taken_at(&*store, "spid", "09:30", deadline).await, 0);
    let (_, other) = hold_request("spid", monday(), "09:30", deadline);
    store.hold(&other, deadline).await.unwrap();
    let page = Token::generate().unwrap();
    assert!(matches!(
        store
            .confirm(&confirm.hash(), &[page.hash()], &[], deadline)
            .await,
        Err(StoreError::Transition(TransitionError::Expired))
    ));
    // Expired bookings no longer count against the contact's quota: with three of them, a
    // fourth booking on the same service and day is accepted.
    for day in [1, 2] {
        let (hold, request) = hold_request("cie", monday() + Duration::days(day), "10:00", now());
        store.hold(&request, now()).await.unwrap();
        let (_, details) = details_request(hold.hash(), "maria@esempio.it", now());
        store.submit_details(&details, now()).await.unwrap();
    }
    let (hold, request) = hold_request("spid", monday(), "11:30", deadline);
    store.hold(&request, deadline).await.unwrap();
    let (_, details) = details_request(hold.hash(), "maria@esempio.it", deadline);
    store.submit_details(&details, deadline).await.unwrap();
}

async fn confirming_twice_has_one_outcome<S: Store + 'static>(store: Arc<S>) {
    let (_, confirm) = pending(&*store, "cie", "10:00", "maria@esempio.it").await;
    let page = Token::generate().unwrap();
    let first = store
        .confirm(&confirm.hash(), &[page.hash()], &[], now())
        .await
        .unwrap();
    assert!(first.changed);
    assert_eq!(first.booking.state, BookingState::Confirmed);
    assert_eq!(first.booking.expires_at, None);
    let other_page = Token::generate().unwrap();
    let again = store
        .confirm(&confirm.hash(), &[other_page.hash()], &[], now())
        .await
        .unwrap();
    assert!(!again.changed);
    assert_eq!(again.booking, first.booking);
    // The page link is the first one; the second confirmation made none.
    assert_eq!(
        store.booking_by_page_code(&page.hash(), now()).await.unwrap().id,
        first.booking.id
    );
    assert!(matches!(
        store.booking_by_page_code(&other_page.hash(), now()).await,
        Err(StoreError::NotFound)
    ));
    // A confirmed booking never expires.
    let much_later = now() + Duration::days(2);
    assert_eq!(taken_at(&*store, "cie", "10:00", much_later).await, 1);
}

async fn racing_confirmations_have_one_outcome<S: Store + 'static>(store: Arc<S>) {
    let (_, confirm) = pending(&*store, "spid", "10:00", "maria@esempio.it").await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let store = Arc::clone(&store);
        let code = confirm.hash();
        tasks.spawn(async move {
            store
                .confirm(&code, &[Token::generate().unwrap().hash()], &[], now())
                .await
        });
    }
    let mut changed = 0;
    let mut ids = std::collections::HashSet::new();
    while let Some(result) = tasks.join_next().await {
        let outcome = result.unwrap().expect("every confirmation succeeds");
        changed += usize::from(outcome.changed);
        ids.insert(outcome.booking.id);
    }
    assert_eq!(changed, 1);
    assert_eq!(ids.len(), 1);
    assert_eq!(taken_at(&*store, "spid", "10:00", now()).await, 1);
}

async fn cancelling_twice_has_one_outcome_and_frees_the_seat<S: Store + 'static>(store: Arc<S>) {
    let page = confirmed(&*store, "spid", "10:15", "maria@esempio.it").await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let store = Arc::clone(&store);
        let code = page.hash();
        tasks.spawn(async move { store.cancel(&code, None, &[], now()).await });
    }
    let mut changed = 0;
    while let Some(result) = tasks.join_next().await {
        let outcome = result.unwrap().expect("every cancellation succeeds");
        assert_eq!(outcome.booking.state, BookingState::Cancelled);
        changed += usize::from(outcome.changed);
    }
    assert_eq!(changed, 1);
    assert!(
        !store
            .cancel(&page.hash(), None, &[], now())
            .await
            .unwrap()
            .changed
    );
    assert_eq!(taken_at(&*store, "spid", "10:15", now()).await, 0);
    let (_, again) = hold_request("spid", monday(), "10:15", now());
    store.hold(&again, now()).await.unwrap();
}

async fn a_started_appointment_cannot_be_cancelled<S: Store + 'static>(store: Arc<S>) {
    let page = confirmed(&*store, "spid", "10:30", "maria@esempio.it").await;
    let started = slot("spid", monday(), "10:30").starts_at;
    assert!(matches!(
        store.cancel(&page.hash(), None, &[], started).await,
        Err(StoreError::Transition(TransitionError::AppointmentStarted))
    ));
}

async fn releasing_a_hold_frees_the_seat_once<S: Store + 'static>(store: Arc<S>) {
    let (hold, request) = hold_request("spid", monday(), "10:45", now());
    store.hold(&request, now()).await.unwrap();
    store.release(&hold.hash(), now()).await.unwrap();
    store.release(&hold.hash(), now()).await.unwrap();
    assert_eq!(taken_at(&*store, "spid", "10:45", now()).await, 0);
    assert_eq!(
        store.booking_by_hold(&hold.hash(), now()).await.unwrap().state,
        BookingState::Cancelled
    );
    let (_, details) = details_request(hold.hash(), "maria@esempio.it", now());
    assert!(matches!(
        store.submit_details(&details, now()).await,
        Err(StoreError::Transition(TransitionError::Cancelled))
    ));
    // After details, "INDIETRO" can no longer drop the booking.
    let (submitted, _) = pending(&*store, "spid", "11:00", "maria@esempio.it").await;
    assert!(matches!(
        store.release(&submitted.hash(), now()).await,
        Err(StoreError::Transition(TransitionError::AlreadySubmitted))
    ));
    assert!(matches!(
        store.release(&Token::generate().unwrap().hash(), now()).await,
        Err(StoreError::NotFound)
    ));
}

async fn details_twice_are_refused<S: Store + 'static>(store: Arc<S>) {
    let (hold, _) = pending(&*store, "cie", "11:00", "maria@esempio.it").await;
    let (_, again) = details_request(hold.hash(), "maria@esempio.it", now());
    assert!(matches!(
        store.submit_details(&again, now()).await,
        Err(StoreError::Transition(TransitionError::AlreadySubmitted))
    ));
}

async fn the_active_quota_holds_under_fifty_racing_requests<S: Store + 'static>(store: Arc<S>) {
    // 50 holds on 50 different slots, then 50 details at once from one contact: 3 win.
    let mut holds = Vec::new();
    for day in 0..5 {
        let date = monday() + Duration::days(day);
        for slot in catalogue()
            .bookable_slots(catalogue().offering(&offering("spid")).unwrap(), date, now())
            .iter()
            .take(10)
        {
            let (hold, request) = hold_request("spid", date, &slot.start.format("%H:%M").to_string(), now());
            store.hold(&request, now()).await.unwrap();
            holds.push(hold);
        }
    }
    assert_eq!(holds.len(), 50);
    let results = submit_all(&store, &holds, "Quota@Esempio.it").await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, QuotaPolicy::default().max_active as usize);
    for result in &results {
        if let Err(error) = result {
            assert!(
                matches!(
                    error,
                    StoreError::Quota {
                        rule: QuotaExceeded::Active,
                        ..
                    } | StoreError::Quota {
                        rule: QuotaExceeded::ServiceDay,
                        ..
                    }
                ),
                "{error}"
            );
        }
    }
    let key = prenota_core::Contact::parse("quota@esempio.it")
        .unwrap()
        .key(&secret());
    assert_eq!(store.bookings_of_contact(&key, now()).await.unwrap().len(), 3);
}

async fn the_service_day_quota_holds_under_fifty_racing_requests<S: Store + 'static>(store: Arc<S>) {
    // 50 holds on one service and day (CIE, 12 slots × 3 desks + SPID is another service).
    let mut holds = Vec::new();
    let catalogue = catalogue();
    let cie = catalogue.offering(&offering("cie")).unwrap();
    'fill: for slot in catalogue.bookable_slots(cie, monday(), now()) {
        for _ in 0..3 {
            let (hold, request) =
                hold_request("cie", monday(), &slot.start.format("%H:%M").to_string(), now());
            store.hold(&request, now()).await.unwrap();
            holds.push(hold);
            if holds.len() == 36 {
                break 'fill;
            }
        }
    }
    let tuesday = monday() + Duration::days(1);
    for slot in catalogue.bookable_slots(cie, tuesday, now()).iter().take(7) {
        for _ in 0..2 {
            let (hold, request) =
                hold_request("cie", tuesday, &slot.start.format("%H:%M").to_string(), now());
            store.hold(&request, now()).await.unwrap();
            holds.push(hold);
        }
    }
    assert_eq!(holds.len(), 50);
    let results = submit_all(&store, &holds, "+39 333 1234567").await;
    let won: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    // One on Monday, one on Tuesday: the per-day limit, well under the active limit.
    assert_eq!(won.len(), 2, "{results:?}");
    assert_ne!(won[0].date, won[1].date);
}

async fn submit_all<S: Store + 'static>(
    store: &Arc<S>,
    holds: &[Token],
    contact: &str,
) -> Vec<Result<prenota_store::Booking, StoreError>> {
    let mut tasks = tokio::task::JoinSet::new();
    for hold in holds {
        let store = Arc::clone(store);
        let (_, details) = details_request(hold.hash(), contact, now());
        tasks.spawn(async move { store.submit_details(&details, now()).await });
    }
    let mut results = Vec::new();
    while let Some(result) = tasks.join_next().await {
        results.push(result.expect("the task ran"));
    }
    results
}

async fn cancelling_gives_the_quota_back<S: Store + 'static>(store: Arc<S>) {
    let mut pages = Vec::new();
    for day in [2, 3, 4] {
        let date = monday() + Duration::days(day);
        pages.push(
            book_confirmed(&*store, "spid", date, "09:00", "maria@esempio.it")
                .await
                .1,
        );
    }
    let (hold, request) = hold_request("spid", monday() + Duration::days(1), "09:00", now());
    store.hold(&request, now()).await.unwrap();
    let (_, details) = details_request(hold.hash(), "maria@esempio.it", now());
    assert!(matches!(
        store.submit_details(&details, now()).await,
        Err(StoreError::Quota {
            rule: QuotaExceeded::Active,
            ..
        })
    ));
    store.cancel(&pages[0].hash(), None, &[], now()).await.unwrap();
    store.submit_details(&details, now()).await.unwrap();
}

async fn bookings_of_a_contact_are_its_active_future_ones<S: Store + 'static>(store: Arc<S>) {
    let page = confirmed(&*store, "cie", "11:30", "anna@esempio.it").await;
    let (_, _pending_code) = pending(&*store, "spid", "09:00", "anna@esempio.it").await;
    let _other = confirmed(&*store, "cie", "09:15", "luca@esempio.it").await;
    let key = prenota_core::Contact::parse("anna@esempio.it")
        .unwrap()
        .key(&secret());
    let mine = store.bookings_of_contact(&key, now()).await.unwrap();
    assert_eq!(
        mine.iter()
            .map(|b| b.start.format("%H:%M").to_string())
            .collect::<Vec<_>>(),
        ["09:00", "11:30"]
    );
    let person = mine[1].person.as_ref().expect("personal data before erasure");
    assert_eq!(person.contact.address(), "anna@esempio.it");
    assert!(mine[1].short_code.is_some());
    store.cancel(&page.hash(), None, &[], now()).await.unwrap();
    // The pending one expires; the cancelled one is gone.
    let later = now() + CONFIRM_TTL;
    assert!(store.bookings_of_contact(&key, later).await.unwrap().is_empty());
}

async fn personal_data_is_gone_after_its_erasure_time<S: Store + 'static>(store: Arc<S>) {
    let page = confirmed(&*store, "cie", "11:45", "anna@esempio.it").await;
    let erase_after = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
    let before = store
        .booking_by_page_code(&page.hash(), erase_after - Duration::seconds(1))
        .await
        .unwrap();
    assert!(before.person.is_some());
    let after = store
        .booking_by_page_code(&page.hash(), erase_after)
        .await
        .unwrap();
    assert_eq!(after.person, None);
    assert_eq!(after.state, BookingState::Confirmed);
}

async fn link_codes_are_single_purpose<S: Store + 'static>(store: Arc<S>) {
    let (hold, confirm) = pending(&*store, "cie", "10:30", "maria@esempio.it").await;
    assert!(matches!(
        store.booking_by_page_code(&confirm.hash(), now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.cancel(&confirm.hash(), None, &[], now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.booking_by_confirm_code(&hold.hash(), now()).await,
        Err(StoreError::NotFound)
    ));
    let page = Token::generate().unwrap();
    store
        .confirm(&confirm.hash(), &[page.hash()], &[], now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .confirm(&page.hash(), &[Token::generate().unwrap().hash()], &[], now())
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .booking_by_confirm_code(&confirm.hash(), now())
            .await
            .unwrap()
            .state,
        BookingState::Confirmed
    );
}

async fn the_catalogue_round_trips<S: Store + 'static>(store: Arc<S>) {
    assert!(store.catalogue().await.unwrap().is_none());
    store.put_catalogue(&catalogue()).await.unwrap();
    assert_eq!(store.catalogue().await.unwrap(), Some(catalogue()));
    let bergamo = Catalogue::from_toml(
        "bergamo.toml",
        include_str!("../../../infra/catalogue/bergamo.toml"),
    )
    .unwrap();
    store.put_catalogue(&bergamo).await.unwrap();
    assert_eq!(store.catalogue().await.unwrap(), Some(bergamo));
}

use prenota_core::Catalogue;

async fn the_first_free_slot_moves_as_slots_fill<S: Store + 'static>(store: Arc<S>) {
    let catalogue = catalogue();
    let offering = catalogue.offering(&offering("spid")).unwrap();
    let first = store
        .first_free_slot(&catalogue, offering, monday(), now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.slot.date, first.slot.start), (monday(), time("09:00")));
    // The window opens on Friday 27: from today, that is the first.
    let from_today = store
        .first_free_slot(&catalogue, offering, now().date_naive(), now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(from_today.slot.date, monday() - Duration::days(3));
    // Fill Monday: the first free slot is Tuesday's first.
    for slot in catalogue.bookable_slots(offering, monday(), now()) {
        let (_, request) = hold_request("spid", monday(), &slot.start.format("%H:%M").to_string(), now());
        store.hold(&request, now()).await.unwrap();
    }
    let next = store
        .first_free_slot(&catalogue, offering, monday(), now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (next.slot.date, next.slot.start),
        (monday() + Duration::days(1), time("09:00"))
    );
    let days = store
        .days_with_free_slots(&catalogue, offering, monday() - Duration::days(3), now())
        .await
        .unwrap();
    assert!(!days.contains(&monday()));
    assert_eq!(days[0], monday() - Duration::days(3));
    assert!(days.iter().all(|day| catalogue.calendar.is_working_day(*day)));
}

async fn messages_are_written_with_their_change_and_only_once<S: Store + 'static>(store: Arc<S>) {
    use prenota_store::Delivery;
    // Details: the confirmation request is queued with the pending booking.
    let (hold, request) = hold_request("spid", monday(), "11:15", now());
    store.hold(&request, now()).await.unwrap();
    let (confirm, mut details) = details_request(hold.hash(), "outbox@esempio.it", now());
    details.messages = vec![message(MessageKind::ConfirmationRequest)];
    store.submit_details(&details, now()).await.unwrap();
    let pending = store.pending_messages(100, now()).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message, details.messages[0]);
    assert_eq!(pending[0].delivery, Delivery::Pending);

    // A refused change writes no message: quota exceeded, nothing half-written.
    let (other, request) = hold_request("spid", monday(), "11:30", now());
    store.hold(&request, now()).await.unwrap();
    let (_, mut refused) = details_request(other.hash(), "outbox@esempio.it", now());
    refused.messages = vec![message(MessageKind::ConfirmationRequest)];
    assert!(matches!(
        store.submit_details(&refused, now()).await,
        Err(StoreError::Quota { .. })
    ));
    assert!(matches!(
        store.message(&refused.messages[0].id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.booking_by_hold(&other.hash(), now()).await.unwrap().state,
        BookingState::Held
    );

    // Confirming twice queues the booking message once.
    let page = Token::generate().unwrap();
    let confirmed = message(MessageKind::BookingConfirmed);
    store
        .confirm(
            &confirm.hash(),
            &[page.hash()],
            std::slice::from_ref(&confirmed),
            now(),
        )
        .await
        .unwrap();
    let again = message(MessageKind::BookingConfirmed);
    store
        .confirm(
            &confirm.hash(),
            &[page.hash()],
            std::slice::from_ref(&again),
            now(),
        )
        .await
        .unwrap();
    assert!(store.message(&confirmed.id).await.is_ok());
    assert!(matches!(
        store.message(&again.id).await,
        Err(StoreError::NotFound)
    ));

    // Delivery is recorded once; marking again changes nothing.
    store
        .mark_delivery(&details.messages[0].id, Delivery::Sent, "provider-1", now())
        .await
        .unwrap();
    store
        .mark_delivery(&details.messages[0].id, Delivery::Failed, "late retry", now())
        .await
        .unwrap();
    let sent = store.message(&details.messages[0].id).await.unwrap();
    assert_eq!(
        (sent.delivery, sent.detail.as_deref()),
        (Delivery::Sent, Some("provider-1"))
    );
    let pending: Vec<MessageId> = store
        .pending_messages(100, now())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.message.id)
        .collect();
    assert_eq!(pending, std::slice::from_ref(&confirmed.id));

    // Cancelling twice queues the notice once.
    let notice = message(MessageKind::Cancellation);
    store
        .cancel(&page.hash(), None, std::slice::from_ref(&notice), now())
        .await
        .unwrap();
    let late = message(MessageKind::Cancellation);
    store
        .cancel(&page.hash(), None, std::slice::from_ref(&late), now())
        .await
        .unwrap();
    assert!(store.message(&notice.id).await.is_ok());
    assert!(matches!(store.message(&late.id).await, Err(StoreError::NotFound)));

    // A message no change causes ("my bookings").
    let list = message(MessageKind::BookingsList);
    store.enqueue(&list).await.unwrap();
    // A retried enqueue keeps the first.
    let retried = prenota_store::OutboxMessage {
        payload: "{}".into(),
        ..list.clone()
    };
    store.enqueue(&retried).await.unwrap();
    assert_eq!(store.message(&list.id).await.unwrap().message, list);
    assert_eq!(store.pending_messages(100, now()).await.unwrap().len(), 3);
}

async fn a_booking_can_have_more_page_links<S: Store + 'static>(store: Arc<S>) {
    let page = confirmed(&*store, "cie", "09:30", "anna@esempio.it").await;
    let booking = store.booking_by_page_code(&page.hash(), now()).await.unwrap();
    let another = Token::generate().unwrap();
    store.issue_page_code(&booking.id, &another.hash()).await.unwrap();
    assert_eq!(
        store
            .booking_by_page_code(&another.hash(), now())
            .await
            .unwrap()
            .id,
        booking.id
    );
    assert!(matches!(
        store
            .issue_page_code(
                &BookingId::of_hold(&Token::generate().unwrap().hash()),
                &Token::generate().unwrap().hash()
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // Either link cancels, once.
    assert!(
        store
            .cancel(&another.hash(), None, &[], now())
            .await
            .unwrap()
            .changed
    );
    assert!(
        !store
            .cancel(&page.hash(), None, &[], now())
            .await
            .unwrap()
            .changed
    );
}

async fn availability_follows_every_write_at_once<S: Store + 'static>(store: Arc<S>) {
    // Each count is asked before and after each write: a store that remembers counts must forget
    // them when a seat is taken or freed, and when a counted hold expires.
    assert_eq!(taken_at(&*store, "spid", "09:45", now()).await, 0);
    let (hold, request) = hold_request("spid", monday(), "09:45", now());
    store.hold(&request, now()).await.unwrap();
    assert_eq!(taken_at(&*store, "spid", "09:45", now()).await, 1);
    store.release(&hold.hash(), now()).await.unwrap();
    assert_eq!(taken_at(&*store, "spid", "09:45", now()).await, 0);
    let page = confirmed(&*store, "spid", "09:45", "anna@esempio.it").await;
    assert_eq!(taken_at(&*store, "spid", "09:45", now()).await, 1);
    assert_eq!(
        taken_at(&*store, "spid", "09:45", now() + Duration::days(1)).await,
        1
    );
    store.cancel(&page.hash(), None, &[], now()).await.unwrap();
    assert_eq!(taken_at(&*store, "spid", "09:45", now()).await, 0);
    let (_, request) = hold_request("spid", monday(), "09:45", now());
    store.hold(&request, now()).await.unwrap();
    assert_eq!(taken_at(&*store, "spid", "09:45", now()).await, 1);
    assert_eq!(taken_at(&*store, "spid", "09:45", now() + HOLD_TTL).await, 0);
    assert_eq!(
        taken_at(&*store, "spid", "09:45", now()).await,
        1,
        "a clock that goes back is answered right"
    );
}

async fn ratings_are_kept_anonymous_for_a_year_then_gone<S: Store + 'static>(store: Arc<S>) {
    use prenota_core::catalogue::Lang;
    use prenota_core::feedback::{Feedback, FeedbackReason, Rating};
    use prenota_store::{FEEDBACK_KEEP, FeedbackEntry};
    let day = monday();
    let entry = |id: &str, rating: i64, reason: &str| FeedbackEntry {
        id: id.to_owned(),
        day,
        feedback: Feedback {
            rating: Rating::new(rating).unwrap(),
            reason: FeedbackReason::parse(reason).unwrap(),
            lang: Lang::En,
        },
    };
    let given = [entry("a", 5, ""), entry("b", 2, "Troppi passaggi")];
    for rating in &given {
        store.record_feedback(rating).await.unwrap();
    }
    // A retried request with the same id is one rating.
    store.record_feedback(&given[1]).await.unwrap();
    let mut read = store.feedback_of_day(day, now()).await.unwrap();
    read.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(read, given);
    assert!(
        store
            .feedback_of_day(day.succ_opt().unwrap(), now())
            .await
            .unwrap()
            .is_empty()
    );
    let a_year_on = (day + FEEDBACK_KEEP).and_hms_opt(0, 0, 0).unwrap().and_utc();
    assert_eq!(
        store
            .feedback_of_day(day, a_year_on - Duration::days(1))
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(store.feedback_of_day(day, a_year_on).await.unwrap().is_empty());
}

/// Each message has its own next attempt: the due ones come soonest due first, a message put
/// off after a temporary failure waits for its time and holds back none of the others.
async fn pending_messages_come_due_first_and_each_waits_for_its_next_attempt<S: Store + 'static>(
    store: Arc<S>,
) {
    use prenota_store::{Delivery, OutboxMessage, RetryLater};
    let second = Duration::seconds(1);
    let queued_at = |at| OutboxMessage {
        created_at: at,
        ..message(MessageKind::ConfirmationRequest)
    };
    let (greylisted, next, later) = (
        queued_at(now()),
        queued_at(now() + second),
        queued_at(now() + second * 2),
    );
    for queued in [&later, &greylisted, &next] {
        store.enqueue(queued).await.unwrap();
    }
    let due = |at, limit| {
        let store = Arc::clone(&store);
        async move {
            let entries = store.pending_messages(limit, at).await.unwrap();
            entries
                .into_iter()
                .map(|entry| entry.message.id)
                .collect::<Vec<MessageId>>()
        }
    };
    let ids = |messages: &[&OutboxMessage]| messages.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    // A new message is due when queued, never tried.
    assert_eq!(due(now(), 100).await, ids(&[&greylisted]));
    assert_eq!(
        due(now() + second * 2, 100).await,
        ids(&[&greylisted, &next, &later])
    );
    let fresh = store.message(&greylisted.id).await.unwrap();
    assert_eq!(
        (fresh.attempts, fresh.next_attempt_at),
        (0, greylisted.created_at)
    );

    // The first fails for now: put off by 10 s, the others are due before it.
    let retry = RetryLater {
        attempts: 1,
        next_attempt_at: now() + second * 10,
        reason: "450 4.2.0 greylisted".to_owned(),
    };
    store.retry_later(&greylisted.id, &retry).await.unwrap();
    let put_off = store.message(&greylisted.id).await.unwrap();
    assert_eq!(put_off.delivery, Delivery::Pending);
    assert_eq!(put_off.attempts, 1);
    assert_eq!(put_off.next_attempt_at, now() + second * 10);
    assert_eq!(put_off.detail.as_deref(), Some("450 4.2.0 greylisted"));
    assert_eq!(put_off.message, greylisted);
    assert_eq!(due(now() + second * 2, 100).await, ids(&[&next, &later]));
    assert_eq!(due(now() + second * 2, 1).await, ids(&[&next]));
    let just_before = now() + second * 10 - Duration::milliseconds(1);
    assert_eq!(due(just_before, 100).await, ids(&[&next, &later]));
    assert_eq!(
        due(now() + second * 10, 100).await,
        ids(&[&next, &later, &greylisted])
    );
    // Every pending message, due or not.
    assert_eq!(due(chrono::DateTime::<Utc>::MAX_UTC, 100).await.len(), 3);

    // Sent, a message is no longer pending, and a late "retry later" leaves it so.
    store
        .mark_delivery(&next.id, Delivery::Sent, "smtp 250", now() + second * 2)
        .await
        .unwrap();
    store.retry_later(&next.id, &retry).await.unwrap();
    let sent = store.message(&next.id).await.unwrap();
    assert_eq!(
        (sent.delivery, sent.detail.as_deref()),
        (Delivery::Sent, Some("smtp 250"))
    );
    assert_eq!(due(now() + second * 10, 100).await, ids(&[&later, &greylisted]));
}

/// The SMS of an hour are counted up to the cap, exactly, however many senders count at once;
/// another hour counts afresh; an SMS that did not leave is given back.
async fn sms_are_counted_per_hour_up_to_the_cap<S: Store + 'static>(store: Arc<S>) {
    use prenota_store::SmsCount;
    let hour = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
    let next_hour = hour + Duration::hours(1);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let store = Arc::clone(&store);
        tasks.spawn(async move { store.count_sms(hour, 5).await.unwrap() });
    }
    let mut counted = Vec::new();
    while let Some(count) = tasks.join_next().await {
        match count.unwrap() {
            SmsCount::Counted(n) => counted.push(n),
            SmsCount::CapReached(n) => assert_eq!(n, 5),
        }
    }
    counted.sort_unstable();
    assert_eq!(counted, [1, 2, 3, 4, 5], "five counted, once each");
    assert_eq!(store.count_sms(hour, 5).await.unwrap(), SmsCount::CapReached(5));
    assert_eq!(store.count_sms(next_hour, 5).await.unwrap(), SmsCount::Counted(1));
    store.uncount_sms(hour).await.unwrap();
    assert_eq!(store.count_sms(hour, 5).await.unwrap(), SmsCount::Counted(5));
    // A cap of 0 lets none through; taking back what was never counted changes nothing.
    let quiet = next_hour + Duration::hours(1);
    assert_eq!(store.count_sms(quiet, 0).await.unwrap(), SmsCount::CapReached(0));
    store.uncount_sms(quiet).await.unwrap();
    assert_eq!(store.count_sms(quiet, 1).await.unwrap(), SmsCount::Counted(1));
}

macro_rules! on_every_store {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::sqlite_store().await).await;
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::dynamo_store().await).await;
                }
            )*
        }
    };
}

on_every_store!(
    two_hundred_racing_holds_on_capacity_one,
    two_hundred_racing_holds_on_capacity_three,
    an_expired_hold_frees_its_seat_at_once,
    an_unconfirmed_booking_frees_its_seat_at_the_deadline,
    confirming_twice_has_one_outcome,
    racing_confirmations_have_one_outcome,
    cancelling_twice_has_one_outcome_and_frees_the_seat,
    a_started_appointment_cannot_be_cancelled,
    releasing_a_hold_frees_the_seat_once,
    details_twice_are_refused,
    the_active_quota_holds_under_fifty_racing_requests,
    the_service_day_quota_holds_under_fifty_racing_requests,
    cancelling_gives_the_quota_back,
    bookings_of_a_contact_are_its_active_future_ones,
    personal_data_is_gone_after_its_erasure_time,
    link_codes_are_single_purpose,
    the_catalogue_round_trips,
    the_first_free_slot_moves_as_slots_fill,
    messages_are_written_with_their_change_and_only_once,
    a_booking_can_have_more_page_links,
    availability_follows_every_write_at_once,
    ratings_are_kept_anonymous_for_a_year_then_gone,
    pending_messages_come_due_first_and_each_waits_for_its_next_attempt,
    sms_are_counted_per_hour_up_to_the_cap,
);

/// One machine's periodic erasure deletes the rows: afterwards even a read "before" the erasure
/// time finds no personal data (the read-time check alone would still show it).
#[tokio::test]
async fn sqlite_erasure_deletes_personal_data_on_disk() {
    let store = sqlite_store().await;
    let page = confirmed(&*store, "cie", "11:45", "anna@esempio.it").await;
    let erase_after = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
    assert_eq!(
        store
            .erase_personal_data(erase_after - Duration::seconds(1), RETENTION)
            .await
            .unwrap()
            .people,
        0
    );
    assert_eq!(
        store
            .erase_personal_data(erase_after, RETENTION)
            .await
            .unwrap()
            .people,
        1
    );
    let booking = store
        .booking_by_page_code(&page.hash(), erase_after - Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(booking.person, None);
    assert_eq!(
        booking.state,
        BookingState::Confirmed,
        "the anonymous booking stays"
    );
}

const RETENTION: Duration = Duration::days(2);

/// A delivered message's text and recipient are personal data too: one machine keeps them for the
/// retention after queueing (the outbox page shows them), never a pending message's.
#[tokio::test]
async fn sqlite_erasure_empties_delivered_messages_after_the_retention() {
    use prenota_store::{Delivery, OutboxStore};
    let store = sqlite_store().await;
    let (sent, waiting) = (
        message(MessageKind::BookingConfirmed),
        message(MessageKind::BookingConfirmed),
    );
    store.enqueue(&sent).await.unwrap();
    store.enqueue(&waiting).await.unwrap();
    store
        .mark_delivery(&sent.id, Delivery::Sent, "smtp-1", sent.created_at)
        .await
        .unwrap();
    let gone_at = sent.created_at + RETENTION;
    let early = store
        .erase_personal_data(gone_at - Duration::seconds(1), RETENTION)
        .await
        .unwrap();
    assert_eq!(early.messages, 0);
    assert_eq!(store.message(&sent.id).await.unwrap().message, sent);
    assert_eq!(
        store
            .erase_personal_data(gone_at, RETENTION)
            .await
            .unwrap()
            .messages,
        1
    );
    let erased = store.message(&sent.id).await.unwrap();
    assert_eq!(
        (erased.message.payload.as_str(), erased.message.recipient.as_str()),
        ("", "")
    );
    assert_eq!(
        (erased.delivery, erased.detail.as_deref()),
        (Delivery::Sent, Some("smtp-1"))
    );
    assert_eq!(
        store.message(&waiting.id).await.unwrap().message,
        waiting,
        "a pending message is kept"
    );
    assert_eq!(
        store
            .erase_personal_data(gone_at, RETENTION)
            .await
            .unwrap()
            .messages,
        0
    );
}

/// DynamoDB has no erasure pass: a message loses its text and recipient when it is delivered.
#[tokio::test]
async fn dynamodb_drops_a_message_text_once_delivered() {
    use prenota_store::{Delivery, OutboxStore};
    let store = dynamo_store().await;
    let (sent, failed, waiting) = (
        message(MessageKind::ConfirmationRequest),
        message(MessageKind::Cancellation),
        message(MessageKind::Cancellation),
    );
    for queued in [&sent, &failed, &waiting] {
        store.enqueue(queued).await.unwrap();
    }
    store
        .mark_delivery(&sent.id, Delivery::Sent, "ses-1", now())
        .await
        .unwrap();
    store
        .mark_delivery(&failed.id, Delivery::Failed, "MessageRejected", now())
        .await
        .unwrap();
    for (id, delivery) in [(&sent.id, Delivery::Sent), (&failed.id, Delivery::Failed)] {
        let entry = store.message(id).await.unwrap();
        assert_eq!(
            (entry.message.payload.as_str(), entry.message.recipient.as_str()),
            ("", "")
        );
        assert_eq!(entry.delivery, delivery);
    }
    assert_eq!(store.message(&waiting.id).await.unwrap().message, waiting);
}

/// A kind or channel stored by no version of this program is a corrupt store, not a message.
#[tokio::test]
async fn sqlite_refuses_unknown_stored_names() {
    use prenota_store::OutboxStore;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let store = prenota_store::sqlite::SqliteStore::open(&path).unwrap();
    let queued = message(MessageKind::Reminder);
    store.enqueue(&queued).await.unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    for (column, unknown) in [("kind", "fax"), ("channel", "pigeon")] {
        raw.execute(
            &format!("UPDATE outbox SET {column} = ?2 WHERE id = ?1"),
            [queued.id.as_str(), unknown],
        )
        .unwrap();
        assert!(matches!(
            store.message(&queued.id).await,
            Err(StoreError::Corrupt(_))
        ));
        raw.execute(
            "UPDATE outbox SET kind = 'reminder', channel = 'email' WHERE id = ?1",
            [queued.id.as_str()],
        )
        .unwrap();
        assert_eq!(store.message(&queued.id).await.unwrap().message, queued);
    }
}

/// The same on DynamoDB.
#[tokio::test]
async fn dynamodb_refuses_unknown_stored_names() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use prenota_store::OutboxStore;
    let store = dynamo_store().await;
    let queued = message(MessageKind::Reminder);
    store.enqueue(&queued).await.unwrap();
    for (attribute, unknown, known) in [("kind", "fax", "reminder"), ("channel", "pigeon", "email")] {
        for value in [unknown, known] {
            store
                .client()
                .update_item()
                .table_name(store.table_name())
                .key("pk", AttributeValue::S(format!("OUTBOX#{}", queued.id)))
                .key("sk", AttributeValue::S("OUTBOX".into()))
                .update_expression("SET #name = :value")
                .expression_attribute_names("#name", attribute)
                .expression_attribute_values(":value", AttributeValue::S(value.into()))
                .send()
                .await
                .unwrap();
            let read = store.message(&queued.id).await;
            if value == unknown {
                assert!(matches!(read, Err(StoreError::Corrupt(_))));
            } else {
                assert_eq!(read.unwrap().message, queued);
            }
        }
    }
}

/// A SQLite file from before messages had their own next attempt opens: the outbox gains its
/// columns, each pending message due since it was queued, and is read and put off as any other.
#[tokio::test]
async fn sqlite_opens_a_file_whose_outbox_has_no_next_attempt() {
    use prenota_store::{Delivery, OutboxStore, RetryLater};
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let queued = message(MessageKind::ConfirmationRequest);
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(
            "CREATE TABLE outbox (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
                payload TEXT NOT NULL, created_at INTEGER NOT NULL,
                delivery TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'sent', 'failed')),
                detail TEXT, delivered_at INTEGER
            );
            CREATE INDEX outbox_pending ON outbox (created_at) WHERE delivery = 'pending';",
        )
        .unwrap();
        raw.execute(
            "INSERT INTO outbox (id, kind, channel, recipient, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                queued.id.as_str(),
                queued.kind.as_str(),
                queued.channel.as_str(),
                queued.recipient,
                queued.payload,
                queued.created_at.timestamp_millis()
            ],
        )
        .unwrap();
    }
    for _ in 0..2 {
        // Opened twice: the second time finds the columns there.
        let store = prenota_store::sqlite::SqliteStore::open(&path).unwrap();
        let entry = store.message(&queued.id).await.unwrap();
        assert_eq!(entry.message, queued);
        assert_eq!((entry.delivery, entry.attempts), (Delivery::Pending, 0));
        assert_eq!(entry.next_attempt_at, queued.created_at);
        assert_eq!(store.pending_messages(10, now()).await.unwrap().len(), 1);
    }
    let store = prenota_store::sqlite::SqliteStore::open(&path).unwrap();
    let retry = RetryLater {
        attempts: 1,
        next_attempt_at: now() + Duration::minutes(1),
        reason: "451 4.3.0 try again later".to_owned(),
    };
    store.retry_later(&queued.id, &retry).await.unwrap();
    assert!(store.pending_messages(10, now()).await.unwrap().is_empty());
    assert_eq!(
        store
            .pending_messages(10, retry.next_attempt_at)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// A DynamoDB outbox item written before messages had their own next attempt (no
/// `next_attempt_at`, `gsi1sk = created_at#id`) is due since it was queued, in due order.
#[tokio::test]
async fn dynamodb_reads_outbox_items_written_before_next_attempts() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use prenota_store::{OutboxMessage, OutboxStore};
    let store = dynamo_store().await;
    let (old, new) = (
        message(MessageKind::Cancellation),
        OutboxMessage {
            created_at: now() + Duration::seconds(1),
            ..message(MessageKind::Cancellation)
        },
    );
    store.enqueue(&new).await.unwrap();
    // The item as the version before wrote it.
    let created = old.created_at.timestamp_millis();
    let text = |value: &str| AttributeValue::S(value.to_owned());
    let item = [
        ("pk", text(&format!("OUTBOX#{}", old.id))),
        ("sk", text("OUTBOX")),
        ("id", text(old.id.as_str())),
        ("kind", text(old.kind.as_str())),
        ("channel", text(old.channel.as_str())),
        ("recipient", text(&old.recipient)),
        ("payload", text(&old.payload)),
        ("created_at", AttributeValue::N(created.to_string())),
        ("delivery", text("pending")),
        ("gsi1pk", text("OUTBOX#PENDING")),
        ("gsi1sk", text(&format!("{created:015}#{}", old.id))),
        (
            "ttl",
            AttributeValue::N((old.created_at + Duration::days(30)).timestamp().to_string()),
        ),
    ];
    store
        .client()
        .put_item()
        .table_name(store.table_name())
        .set_item(Some(
            item.into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    let entry = store.message(&old.id).await.unwrap();
    assert_eq!((entry.attempts, entry.next_attempt_at), (0, old.created_at));
    let due: Vec<MessageId> = store
        .pending_messages(10, now() + Duration::seconds(1))
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.message.id)
        .collect();
    assert_eq!(due, [old.id.clone(), new.id.clone()]);
    assert_eq!(store.pending_messages(10, now()).await.unwrap().len(), 1);
}
