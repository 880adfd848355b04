//! E-mail through SES v2 and SMS through SNS, against moto server (tests/run starts it and sets
//! PRENOTA_MOTO_ENDPOINT): what leaves is read back from moto's `/moto-api/data.json`. Then an
//! outage: the network to SES and SNS cut while 20 bookings are made.

mod support;

use std::sync::Arc;

use aws_sdk_sesv2::config::{BehaviorVersion, Credentials, Region};
use prenota_core::ManualClock;
use prenota_delivery::aws::{SesTransport, SnsTransport};
use prenota_delivery::testing::Outage;
use prenota_delivery::{Delivered, Sender};
use prenota_notify::sms::segments;
use prenota_notify::{Message, Sms};
use serde_json::Value;
use support::{app, book, email, queue, quick_sender, start};

const FROM: &str = "Prenota Bergamo <prenota@comune.bergamo.it>";

fn moto() -> String {
    std::env::var("PRENOTA_MOTO_ENDPOINT")
        .expect("PRENOTA_MOTO_ENDPOINT is not set: run through tests/run, which starts moto server")
}

/// SDK configuration for `endpoint`, with the SDK's own retries off: the sender's are under test.
fn config(endpoint: &str) -> aws_sdk_sesv2::config::Builder {
    aws_sdk_sesv2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-south-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .retry_config(aws_sdk_sesv2::config::retry::RetryConfig::disabled())
        .endpoint_url(endpoint)
}

async fn ses(endpoint: &str) -> SesTransport {
    let client = aws_sdk_sesv2::Client::from_conf(config(endpoint).build());
    SesTransport::new(client, FROM, Some("prenota".to_owned())).unwrap()
}

fn sns(endpoint: &str) -> SnsTransport {
    let shared = config(endpoint).build();
    let sns_config = aws_sdk_sns::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(shared.region().cloned())
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .retry_config(aws_sdk_sns::config::retry::RetryConfig::disabled())
        .endpoint_url(endpoint)
        .build();
    SnsTransport::new(
        aws_sdk_sns::Client::from_conf(sns_config),
        Some("Bergamo".to_owned()),
    )
    .unwrap()
}

/// The sending identity, as the deployment guide has it verified.
async fn verify_sender() {
    let client = aws_sdk_sesv2::Client::from_conf(config(&moto()).build());
    client
        .create_email_identity()
        .email_identity("prenota@comune.bergamo.it")
        .send()
        .await
        .unwrap();
}

async fn moto_data() -> Value {
    reqwest::get(format!("{}/moto-api/data.json", moto()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The raw MIME moto kept for the SES message `id`.
async fn raw_email(id: &str) -> Option<String> {
    let data = moto_data().await;
    data["ses"]["RawMessage"]
        .as_array()?
        .iter()
        .find(|message| message["id"] == id)
        .and_then(|message| message["raw_data"].as_str().map(str::to_owned))
}

/// The (number, text) moto kept for the SNS message `id`.
async fn sms_sent(id: &str) -> Option<(String, String)> {
    let data = moto_data().await;
    let sms = data["sns"]["SMS"]
        .as_array()?
        .iter()
        .find(|sms| sms["message_id"] == id)?
        .clone();
    Some((
        sms["phone_number"].as_str()?.to_owned(),
        sms["message"].as_str()?.to_owned(),
    ))
}

fn sender(app: Arc<prenota_web::App>, email: SesTransport, sms: SnsTransport, tries: u32) -> Sender {
    quick_sender(app, Arc::new(email), Arc::new(sms), tries)
}

#[tokio::test]
async fn email_leaves_through_ses_and_sms_through_sns() {
    verify_sender().await;
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let sender = sender(Arc::clone(&app), ses(&moto()).await, sns(&moto()), 3);

    let mut message = email("anna.rossi@example.it", "Prenotazione confermata – CIE");
    message.ics = Some("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_owned());
    let id = queue(&app, "booking-confirmed", &Message::Email(message)).await;
    let Delivered::Sent(ses_id) = sender.deliver(&id).await.unwrap() else {
        panic!("SES accepts the e-mail")
    };
    assert_eq!(
        app.store.message(&id).await.unwrap().detail.as_deref(),
        Some(ses_id.as_str())
    );
    let raw = raw_email(&ses_id).await.expect("moto keeps the raw e-mail");
    for expected in [
        "To: anna.rossi@example.it",
        &format!("Message-ID: <{id}@comune.bergamo.it>"),
        "Auto-Submitted: auto-generated",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Type: text/html; charset=utf-8",
        "Content-ID: <qr@prenota>",
        "Content-Type: image/png",
        "Content-Type: text/calendar",
    ] {
        assert!(raw.contains(expected), "{expected:?} missing from:\n{raw}");
    }

    let text = "Comune di Bergamo: conferma la prenotazione CIE del 30/11 ore 09:00 entro le 10:30: https://prenota.comune.bergamo.it/c/abc";
    let sms = Sms {
        to: "+393331234567".to_owned(),
        text: text.to_owned(),
    };
    assert_eq!(segments(&sms.text), Some(1));
    let id = queue(&app, "confirmation-request", &Message::Sms(sms)).await;
    let Delivered::Sent(sns_id) = sender.deliver(&id).await.unwrap() else {
        panic!("SNS accepts the SMS")
    };
    assert_eq!(
        sms_sent(&sns_id).await,
        Some(("+393331234567".to_owned(), text.to_owned()))
    );
}

#[tokio::test]
async fn an_address_ses_refuses_is_a_permanent_failure() {
    // No identity for this sender: SES answers MessageRejected, which no retry can change.
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let client = aws_sdk_sesv2::Client::from_conf(config(&moto()).build());
    let unverified = SesTransport::new(client, "someone@unverified.example", None).unwrap();
    let sender = sender(Arc::clone(&app), unverified, sns(&moto()), 3);
    let id = queue(
        &app,
        "booking-confirmed",
        &Message::Email(email("anna@example.it", "x")),
    )
    .await;
    let Delivered::Failed(reason) = sender.deliver(&id).await.unwrap() else {
        panic!("refused for good")
    };
    assert!(reason.contains("MessageRejected"), "{reason}");
}

/// The network to SES and SNS is cut while 20 citizens book, by e-mail and by SMS: every booking
/// is made, nothing is lost while it is down, and once it is back every message leaves once.
#[tokio::test]
async fn an_outage_loses_nothing_and_doubles_nothing() {
    verify_sender().await;
    let target = moto().trim_start_matches("http://").to_owned();
    let outage = Outage::relay(&target).await.unwrap();
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let sender = sender(
        Arc::clone(&app),
        ses(&outage.endpoint()).await,
        sns(&outage.endpoint()),
        2,
    );

    outage.set_up(false);
    let mut holds = Vec::new();
    // moto keeps what every run sent: this run's citizens have contacts of their own.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_micros()
        % 100_000;
    for n in 0..20 {
        let contact = if n % 2 == 0 {
            format!("cittadino{n}.{run}@example.it")
        } else {
            format!("+39333{run:05}{n:02}")
        };
        holds.push(book(&app, &contact, &format!("Persona {}", char::from(b'A' + n))).await);
    }
    let pending = app.store.pending_messages(100).await.unwrap();
    assert_eq!(pending.len(), 20, "one confirmation request per booking");
    for entry in &pending {
        assert!(matches!(
            sender.deliver(&entry.message.id).await.unwrap(),
            Delivered::Later(_)
        ));
    }
    assert_eq!(
        app.store.pending_messages(100).await.unwrap().len(),
        20,
        "nothing lost while down"
    );

    outage.set_up(true);
    let mut provider_ids = Vec::new();
    for entry in &pending {
        let Delivered::Sent(provider_id) = sender.deliver(&entry.message.id).await.unwrap() else {
            panic!("delivered once the services are back")
        };
        provider_ids.push((entry.message.channel.clone(), provider_id));
        // A retried batch finds it sent and sends nothing.
        assert_eq!(
            sender.deliver(&entry.message.id).await.unwrap(),
            Delivered::AlreadyDone
        );
    }
    assert!(app.store.pending_messages(100).await.unwrap().is_empty());

    let data = moto_data().await;
    for (channel, provider_id) in &provider_ids {
        let (list, field) = match channel.as_str() {
            "email" => (&data["ses"]["RawMessage"], "id"),
            _ => (&data["sns"]["SMS"], "message_id"),
        };
        let copies = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|sent| sent[field] == provider_id.as_str())
            .count();
        assert_eq!(copies, 1, "{channel} {provider_id} sent once");
    }
    // Each recipient got exactly one message: no hidden resend under another id.
    let recipients: Vec<String> = pending
        .iter()
        .map(|entry| entry.message.recipient.clone())
        .collect();
    for recipient in &recipients {
        let emails = data["ses"]["RawMessage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|sent| {
                sent["raw_data"]
                    .as_str()
                    .is_some_and(|raw| raw.contains(&format!("To: {recipient}")))
            })
            .count();
        let texts = data["sns"]["SMS"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|sent| sent["phone_number"] == recipient.as_str())
            .count();
        assert_eq!(emails + texts, 1, "{recipient}");
    }
    assert_eq!(holds.len(), 20);
}
