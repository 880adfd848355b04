//! The counters that keep abuse in check, on every store and under races: messages to a contact
//! that no booking causes (at most the limit per hour, however many ask at once), and proofs of
//! work (each good once).

mod support;

use std::sync::Arc;

use chrono::Duration;
use prenota_core::Contact;
use prenota_store::Store;
use support::{dynamo_store, now, secret, sqlite_store};

async fn at_most_the_limit_per_contact_and_hour<S: Store + 'static>(store: Arc<S>) {
    let key = secret();
    let victim = Contact::parse("victim@example.it").unwrap().key(&key);
    let other = Contact::parse("other@example.it").unwrap().key(&key);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (store, victim) = (Arc::clone(&store), victim.clone());
            tokio::spawn(async move { store.count_contact_message(&victim, 3, now()).await.unwrap() })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        allowed += usize::from(task.await.unwrap());
    }
    assert_eq!(allowed, 3, "50 racing requests, 3 messages");
    assert!(
        store.count_contact_message(&other, 3, now()).await.unwrap(),
        "per contact"
    );
    let next_hour = now() + Duration::hours(1);
    assert!(
        store.count_contact_message(&victim, 3, next_hour).await.unwrap(),
        "per hour"
    );
    assert!(
        !store.count_contact_message(&other, 0, now()).await.unwrap(),
        "a limit of 0 allows none"
    );
}

async fn a_proof_is_spent_once_until_it_expires<S: Store + 'static>(store: Arc<S>) {
    let proof = prenota_core::Token::generate().unwrap().hash();
    let until = now() + Duration::minutes(5);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.spend_proof(&proof, until, now()).await.unwrap() })
        })
        .collect();
    let mut spent = 0;
    for task in tasks {
        spent += usize::from(task.await.unwrap());
    }
    assert_eq!(spent, 1, "20 racing uses of one proof, one accepted");
    let other = prenota_core::Token::generate().unwrap().hash();
    assert!(store.spend_proof(&other, until, now()).await.unwrap());
    // Its challenge expired, it cannot be used anyway: its record may go.
    assert!(
        store
            .spend_proof(&proof, until + Duration::minutes(5), until)
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_counts_contact_messages() {
    at_most_the_limit_per_contact_and_hour(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_counts_contact_messages() {
    at_most_the_limit_per_contact_and_hour(dynamo_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_spends_a_proof_once() {
    a_proof_is_spent_once_until_it_expires(sqlite_store().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_spends_a_proof_once() {
    a_proof_is_spent_once_until_it_expires(dynamo_store().await).await;
}
