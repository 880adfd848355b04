//! Link codes on every store: a confirmation code sent again ("my bookings" for a booking still
//! to confirm) confirms the booking as its first code does, which keeps working; both racing
//! confirm it once.

mod support;

use std::sync::Arc;

use prenota_core::{BookingId, BookingState, Token};
use prenota_store::{Store, StoreError};
use support::{details_request, dynamo_store, hold_request, monday, now, sqlite_store};

async fn a_confirmation_code_sent_again_confirms_once<S: Store + 'static>(store: Arc<S>) {
    let (hold, request) = hold_request("cie", monday(), "09:00", now());
    store.hold(&request, now()).await.unwrap();
    let (first, details) = details_request(hold.hash(), "anna@example.it", now());
    store.submit_details(&details, now()).await.unwrap();
    let id = BookingId::of_hold(&hold.hash());

    let again = Token::generate().unwrap();
    store.issue_confirm_code(&id, &again.hash()).await.unwrap();
    store.issue_confirm_code(&id, &again.hash()).await.unwrap();
    let by_again = store.booking_by_confirm_code(&again.hash(), now()).await.unwrap();
    let by_first = store.booking_by_confirm_code(&first.hash(), now()).await.unwrap();
    assert_eq!(by_again, by_first, "both codes open the same booking");
    assert_eq!(by_again.state, BookingState::Pending);

    // Both links pressed at once: one confirmation.
    let page = Token::generate().unwrap();
    let tasks: Vec<_> = [first.clone(), again.clone()]
        .into_iter()
        .map(|code| {
            let (store, page) = (Arc::clone(&store), page.clone());
            tokio::spawn(async move { store.confirm(&code.hash(), &[page.hash()], &[], now()).await })
        })
        .collect();
    let mut changed = 0;
    for task in tasks {
        let outcome = task.await.unwrap().unwrap();
        assert_eq!(outcome.booking.state, BookingState::Confirmed);
        changed += usize::from(outcome.changed);
    }
    assert_eq!(changed, 1, "two codes racing, one confirmation");
    let shown = store.booking_by_page_code(&page.hash(), now()).await.unwrap();
    assert_eq!(shown.id, id);

    let unknown = BookingId::of_hold(&Token::generate().unwrap().hash());
    assert!(matches!(
        store
            .issue_confirm_code(&unknown, &Token::generate().unwrap().hash())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .booking_by_confirm_code(&Token::generate().unwrap().hash(), now())
            .await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_confirms_by_a_code_sent_again() {
    a_confirmation_code_sent_again_confirms_once(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_confirms_by_a_code_sent_again() {
    a_confirmation_code_sent_again_confirms_once(dynamo_store().await).await;
}
