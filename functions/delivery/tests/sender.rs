//! The sender over a real SQLite store, with transports answering as scripted: what it records,
//! that it never sends a recorded message again, how it retries and when it gives up.

mod support;

use std::sync::Arc;
use std::time::Duration;

use prenota_core::ManualClock;
use prenota_delivery::poll::deliver_forever;
use prenota_delivery::{Delivered, RetryPolicy, Sender, Transports};
use prenota_notify::{Message, SendError, Sms};
use prenota_store::{Delivery, MessageKind};
use support::{Scripted, app, email, queue, quick_sender, start};

fn sender(app: Arc<prenota_usecases::App>, transport: Arc<Scripted>, tries: u32) -> Sender {
    quick_sender(app, transport.clone(), transport, tries)
}

#[tokio::test]
async fn a_sent_message_is_recorded_and_never_sent_again() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let transport = Scripted::answering(vec![Ok("ses-0001".to_owned())]);
    let sender = sender(Arc::clone(&app), Arc::clone(&transport), 3);
    let id = queue(
        &app,
        MessageKind::BookingConfirmed,
        &Message::Email(email("anna@example.it", "Prenotazione confermata")),
    )
    .await;

    assert_eq!(
        sender.deliver(&id).await.unwrap(),
        Delivered::Sent("ses-0001".to_owned())
    );
    let entry = app.store.message(&id).await.unwrap();
    assert_eq!(entry.delivery, Delivery::Sent);
    assert_eq!(entry.detail.as_deref(), Some("ses-0001"));
    // A retried stream batch, a restarted server: the message is read back and left alone.
    assert_eq!(sender.deliver(&id).await.unwrap(), Delivered::AlreadyDone);
    assert_eq!(transport.tries(), 1);
    assert!(app.store.pending_messages(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn temporary_failures_are_tried_again_within_one_delivery() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let throttled = || Err(SendError::Transient("TooManyRequestsException".to_owned()));
    let transport = Scripted::answering(vec![throttled(), throttled(), Ok("ses-0002".to_owned())]);
    let sender = sender(Arc::clone(&app), Arc::clone(&transport), 3);
    let id = queue(
        &app,
        MessageKind::ConfirmationRequest,
        &Message::Email(email("anna@example.it", "Conferma")),
    )
    .await;

    assert_eq!(
        sender.deliver(&id).await.unwrap(),
        Delivered::Sent("ses-0002".to_owned())
    );
    assert_eq!(transport.tries(), 3);
}

#[tokio::test]
async fn a_message_still_failing_stays_pending_until_a_day_has_passed_then_fails() {
    let clock = Arc::new(ManualClock::new(start()));
    let app = app(Arc::clone(&clock)).await;
    let transport = Scripted::failing(SendError::Transient("connection refused".to_owned()));
    let sender = sender(Arc::clone(&app), Arc::clone(&transport), 2);
    let sms = Sms {
        to: "+393331234567".to_owned(),
        text: "Conferma la prenotazione".to_owned(),
    };
    let id = queue(&app, MessageKind::ConfirmationRequest, &Message::Sms(sms)).await;

    assert_eq!(
        sender.deliver(&id).await.unwrap(),
        Delivered::Later("connection refused".to_owned())
    );
    assert_eq!(transport.tries(), 2);
    assert_eq!(app.store.message(&id).await.unwrap().delivery, Delivery::Pending);

    clock.advance(chrono::Duration::hours(23));
    assert!(matches!(sender.deliver(&id).await.unwrap(), Delivered::Later(_)));

    clock.advance(chrono::Duration::hours(1));
    let Delivered::Failed(reason) = sender.deliver(&id).await.unwrap() else {
        panic!("a day later the message fails")
    };
    assert!(
        reason.contains("gave up 24 h") && reason.contains("connection refused"),
        "{reason}"
    );
    let entry = app.store.message(&id).await.unwrap();
    assert_eq!(entry.delivery, Delivery::Failed);
    assert_eq!(entry.detail.as_deref(), Some(reason.as_str()));
    assert_eq!(sender.deliver(&id).await.unwrap(), Delivered::AlreadyDone);
}

#[tokio::test]
async fn a_permanent_failure_is_recorded_at_once() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let transport = Scripted::answering(vec![Err(SendError::Permanent(
        "MessageRejected: address blacklisted".to_owned(),
    ))]);
    let sender = sender(Arc::clone(&app), Arc::clone(&transport), 5);
    let id = queue(
        &app,
        MessageKind::BookingConfirmed,
        &Message::Email(email("nobody@example.it", "x")),
    )
    .await;

    assert_eq!(
        sender.deliver(&id).await.unwrap(),
        Delivered::Failed("MessageRejected: address blacklisted".to_owned())
    );
    assert_eq!(transport.tries(), 1);
    assert_eq!(app.store.message(&id).await.unwrap().delivery, Delivery::Failed);
}

#[tokio::test]
async fn an_unreadable_stored_message_fails_without_a_try() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let transport = Scripted::answering(vec![]);
    let sender = sender(Arc::clone(&app), Arc::clone(&transport), 3);
    let mut broken = prenota_usecases::outbox::citizen(
        MessageKind::BookingConfirmed,
        Message::Email(email("anna@example.it", "x")),
        app.context.clock.now(),
    )
    .unwrap();
    broken.payload = "{not json".to_owned();
    app.store.enqueue(&broken).await.unwrap();

    assert!(
        matches!(sender.deliver(&broken.id).await.unwrap(), Delivered::Failed(reason) if reason.contains("unreadable"))
    );
    assert_eq!(transport.tries(), 0);
}

/// On one machine: while e-mail fails, SMS still leave, and the e-mail channel rests instead of
/// hammering its server; once it is back, every e-mail leaves once.
#[tokio::test]
async fn one_failing_channel_rests_while_the_other_delivers() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let mail = Scripted::failing(SendError::Transient("451 try again later".to_owned()));
    let sms = Scripted::answering(vec![]);
    let retry = RetryPolicy {
        tries: 1,
        first_wait: Duration::from_millis(300),
        longest_wait: Duration::from_millis(300),
        ..RetryPolicy::default()
    };
    let sender = Sender::new(
        Arc::clone(&app),
        Transports {
            email: mail.clone(),
            sms: sms.clone(),
            reminders: Scripted::answering(vec![]),
        },
        retry,
    );
    let mut emails = Vec::new();
    for n in 0..3 {
        emails.push(
            queue(
                &app,
                MessageKind::ConfirmationRequest,
                &Message::Email(email(&format!("p{n}@example.it"), "x")),
            )
            .await,
        );
    }
    let text = Sms {
        to: "+393331234567".to_owned(),
        text: "x".to_owned(),
    };
    let sms_id = queue(&app, MessageKind::ConfirmationRequest, &Message::Sms(text)).await;
    let task = tokio::spawn(deliver_forever(sender));

    let delivered = |id: prenota_store::MessageId| {
        let app = Arc::clone(&app);
        async move { app.store.message(&id).await.unwrap().delivery == Delivery::Sent }
    };
    let started = std::time::Instant::now();
    while !delivered(sms_id.clone()).await {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the SMS leaves while e-mail fails"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    // About one try per rest (150–300 ms), not one per message per poll (every 250 ms, 3 messages).
    assert!(
        mail.tries() <= 6,
        "{} e-mail tries in under a second",
        mail.tries()
    );

    mail.recover();
    for id in &emails {
        let started = std::time::Instant::now();
        while !delivered(id.clone()).await {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "every e-mail leaves once the server is back"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    task.abort();
    let mut sent = mail.sent();
    sent.sort();
    let mut emails: Vec<String> = emails.iter().map(ToString::to_string).collect();
    emails.sort();
    assert_eq!(sent, emails, "each e-mail sent exactly once");
    assert_eq!(sms.sent(), [sms_id.to_string()], "the SMS sent once");
}
