//! "Confermi che verrai?" on every store: asked once however often the question is fired, racing
//! answers recorded once, each with its messages, and never on a booking that is not confirmed.

mod support;

use std::sync::Arc;

use prenota_core::lifecycle::TransitionError;
use prenota_core::reminder::Reconfirmation;
use prenota_store::{MessageKind, Store, StoreError};
use support::{book_confirmed, dynamo_store, message, monday, now, sqlite_store};

async fn outbox_len<S: Store>(store: &S) -> usize {
    store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .len()
}

async fn asked_once_then_reconfirmed<S: Store + 'static>(store: Arc<S>) {
    let (id, page) = book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    assert_eq!(
        store
            .booking_by_page_code(&page.hash(), now())
            .await
            .unwrap()
            .reconfirmation,
        None
    );

    // The question fired ten times at once: asked once, one message.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (store, id) = (Arc::clone(&store), id.clone());
        tasks.spawn(async move {
            let ask = [message(MessageKind::Reminder)];
            store
                .set_reconfirmation(&id, Reconfirmation::Asked, &ask, now())
                .await
                .unwrap()
                .changed
        });
    }
    let mut changed = 0;
    while let Some(done) = tasks.join_next().await {
        changed += usize::from(done.unwrap());
    }
    assert_eq!(changed, 1);
    assert_eq!(outbox_len(&*store).await, 1);
    let booking = store.booking_by_page_code(&page.hash(), now()).await.unwrap();
    assert_eq!(booking.reconfirmation, Some(Reconfirmation::Asked));

    let yes = store
        .set_reconfirmation(&id, Reconfirmation::Reconfirmed, &[], now())
        .await
        .unwrap();
    assert!(yes.changed);
    assert_eq!(yes.booking.reconfirmation, Some(Reconfirmation::Reconfirmed));
    let again = store
        .set_reconfirmation(&id, Reconfirmation::Reconfirmed, &[], now())
        .await
        .unwrap();
    assert!(!again.changed);
    // Asking again after the answer changes nothing.
    assert!(
        !store
            .set_reconfirmation(&id, Reconfirmation::Asked, &[], now())
            .await
            .unwrap()
            .changed
    );

    // A cancelled booking is not asked.
    store.cancel(&page.hash(), None, &[], now()).await.unwrap();
    let cancelled = store
        .set_reconfirmation(&id, Reconfirmation::Reconfirmed, &[], now())
        .await;
    assert!(
        matches!(cancelled, Err(StoreError::Transition(TransitionError::Cancelled))),
        "{cancelled:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_records_the_reconfirmation() {
    asked_once_then_reconfirmed(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_records_the_reconfirmation() {
    asked_once_then_reconfirmed(dynamo_store().await).await;
}
