//! The `sender` Lambda's handler with DynamoDB Local and moto server: a stream batch (the sample
//! event `events/streams/sender-insert.json`) delivers the message it names once, however often
//! the stream hands it over; a failed delivery asks the stream to retry from its record; the
//! sweep (`events/streams/sender-sweep.json`) delivers what is left; the hourly task
//! (`events/streams/sender-sample-first-free.json`) keeps one sample of the first free slot per
//! offering, and fails the invocation when the table cannot be written.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use prenota_delivery::testing::moto::{self, raw_email, ses, sns};
use prenota_delivery::testing::{Fault, Outage};
use prenota_delivery::{RetryPolicy, Sender, Transports};
use prenota_lambda::sender::{BatchResponse, ItemFailure, handle};
use prenota_store::dynamodb::DynamoStore;
use prenota_store::testing::{local_client, local_endpoint};
use prenota_store::{Delivery, MessageId};
use prenota_usecases::App;
use serde_json::{Value, json};
use support::{PLACEHOLDER, app, root};

mod support;

fn event(name: &str, outbox_id: &str) -> Value {
    let path = root().join(format!("events/streams/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text.replace(PLACEHOLDER, outbox_id)).unwrap()
}

async fn sender(app: Arc<App>, endpoint: &str) -> Sender {
    let retry = RetryPolicy {
        tries: 2,
        first_wait: Duration::from_millis(5),
        longest_wait: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    let transports = Transports {
        email: Arc::new(ses(endpoint).await),
        sms: Arc::new(sns(endpoint)),
        reminders: Arc::new(moto::reminders(endpoint).await),
    };
    Sender::new(app, transports, retry)
}

/// A citizen reaches the details step: the confirmation request is queued. Its outbox id.
async fn confirmation_request(app: &App, contact: &str) -> MessageId {
    let slots: Value = serde_json::from_slice(
        prenota_web::call(app, "GET", "/api/services/cie/offices/ufficio-1/slots", None)
            .await
            .body(),
    )
    .unwrap();
    let slot = json!({
        "service_id": "cie", "office_id": "ufficio-1",
        "date": slots["date"], "start": slots["slots"][0]["start"]
    });
    let hold: Value = serde_json::from_slice(
        prenota_web::call(app, "POST", "/api/holds", Some(&slot))
            .await
            .body(),
    )
    .unwrap();
    let details = json!({
        "name": "Anna", "surname": "Rossi", "contact": contact, "details": "", "accept_terms": true
    });
    let uri = format!("/api/holds/{}/booking", hold["hold_id"].as_str().unwrap());
    assert_eq!(
        prenota_web::call(app, "POST", &uri, Some(&details))
            .await
            .status(),
        202
    );
    let pending = app
        .store
        .pending_messages(10, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.message.kind == prenota_store::MessageKind::ConfirmationRequest)
        .collect::<Vec<_>>();
    assert_eq!(pending.len(), 1, "one confirmation request");
    pending[0].message.id.clone()
}

#[tokio::test]
async fn a_stream_batch_delivers_its_message_once_however_often_it_comes() {
    let app = Arc::new(app().await);
    let sender = sender(Arc::clone(&app), &moto::endpoint()).await;
    let address = format!("anna.rossi.{}@example.it", moto::run_tag());
    let id = confirmation_request(&app, &address).await;

    assert_eq!(
        handle(&sender, event("sender-insert", id.as_str()))
            .await
            .unwrap(),
        BatchResponse::default()
    );
    let entry = app.store.message(&id).await.unwrap();
    assert_eq!(entry.delivery, Delivery::Sent);
    let ses_id = entry.detail.unwrap();
    let data = moto::data().await;
    let raw = raw_email(&data, &ses_id).expect("SES got the e-mail");
    assert!(raw.contains(&format!("To: {address}")));
    assert!(raw.contains("/c/"), "the confirmation link is in the e-mail");

    // The stream hands the same batch over again: nothing more leaves.
    assert_eq!(
        handle(&sender, event("sender-insert", id.as_str()))
            .await
            .unwrap(),
        BatchResponse::default()
    );
    let copies = moto::emails_to(&moto::data().await, &address);
    assert_eq!(copies, 1);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_by_the_stream_and_the_sweep_sends_it() {
    let target = moto::endpoint().trim_start_matches("http://").to_owned();
    let outage = Outage::relay(&target).await.unwrap();
    let app = Arc::new(app().await);
    let sender = sender(Arc::clone(&app), &outage.endpoint()).await;
    let id = confirmation_request(&app, "+393339876543").await;

    outage.set(Fault::Unreachable);
    assert_eq!(
        handle(&sender, event("sender-insert", id.as_str()))
            .await
            .unwrap(),
        BatchResponse {
            failures: vec![ItemFailure {
                item_identifier: "111100000000000000000001".to_owned()
            }]
        }
    );
    assert_eq!(app.store.message(&id).await.unwrap().delivery, Delivery::Pending);

    outage.set(Fault::None);
    assert_eq!(
        handle(&sender, event("sender-sweep", id.as_str())).await.unwrap(),
        BatchResponse::default()
    );
    let entry = app.store.message(&id).await.unwrap();
    assert_eq!(entry.delivery, Delivery::Sent);
    let data = moto::data().await;
    let (number, text) = moto::sms(&data, entry.detail.as_deref().unwrap()).expect("SNS got the SMS");
    assert_eq!(number, "+393339876543");
    assert_eq!(prenota_notify::sms::segments(text), Some(1), "{text}");
}

/// Every sample the table holds for `date`, office by office, as the statistics read them.
async fn samples_of(app: &App, date: NaiveDate) -> Vec<prenota_core::statistics::FreeSlotSample> {
    let mut samples = Vec::new();
    for office in app.context.catalogue().offices() {
        samples.extend(app.store.free_slot_samples(&office.id, date, date).await.unwrap());
    }
    samples
}

#[tokio::test]
async fn the_hourly_task_samples_each_offerings_first_free_slot() {
    let app = Arc::new(app().await);
    let sender = sender(Arc::clone(&app), &moto::endpoint()).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let offerings = app.context.catalogue().offerings().len();
    assert!(samples_of(&app, today).await.is_empty());

    assert_eq!(
        handle(&sender, event("sender-sample-first-free", PLACEHOLDER))
            .await
            .unwrap(),
        BatchResponse::default()
    );
    let samples = samples_of(&app, today).await;
    assert_eq!(samples.len(), offerings, "one sample per offering: {samples:?}");
    // The clock is 10:00 in Rome.
    assert!(samples.iter().all(|sample| sample.hour == 10), "{samples:?}");
    let spid = samples
        .iter()
        .find(|sample| sample.office.as_str() == "ufficio-1" && sample.service.as_str() == "spid")
        .unwrap_or_else(|| panic!("SPID at ufficio-1 is sampled: {samples:?}"));
    // Wednesday 2 December has free SPID slots (events/slots.json), six days away at most.
    assert!(spid.days.is_some_and(|days| days <= 6), "{spid:?}");
    // No message is delivered by the task: nothing was pending, and nothing is queued.
    assert!(
        app.store
            .pending_messages(10, chrono::DateTime::<chrono::Utc>::MAX_UTC)
            .await
            .unwrap()
            .is_empty()
    );

    // The schedule may fire twice in the hour (a retry): the hour keeps one sample each.
    handle(&sender, event("sender-sample-first-free", PLACEHOLDER))
        .await
        .unwrap();
    assert_eq!(samples_of(&app, today).await.len(), offerings);
}

#[tokio::test]
async fn a_sample_that_cannot_be_taken_fails_the_invocation() {
    let mut app = app().await;
    let endpoint = local_endpoint().unwrap_or_else(|missing| panic!("{missing}"));
    // A table that is not there: every read is refused, as when DynamoDB is unavailable.
    app.store = Arc::new(DynamoStore::new(
        local_client(&endpoint),
        "prenota-lambda-no-such-table",
    ));
    let sender = sender(Arc::new(app), &moto::endpoint()).await;
    let error = handle(&sender, event("sender-sample-first-free", PLACEHOLDER))
        .await
        .expect_err("the invocation fails, so the function's Errors metric counts it");
    assert!(!error.to_string().is_empty());
    // Any other invocation is a sweep, which reports nothing to the caller.
    assert_eq!(
        handle(&sender, json!({})).await.unwrap(),
        BatchResponse::default()
    );
}
