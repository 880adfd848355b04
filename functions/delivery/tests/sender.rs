//! The sender over a real SQLite store, with transports answering as scripted: what it records,
//! that it never sends a recorded message again, how it retries and when it gives up.

mod support;

use std::sync::Arc;
use std::time::Duration;

use prenota_core::{Clock, ManualClock};
use prenota_delivery::poll::deliver_forever;
use prenota_delivery::{Delivered, RetryPolicy, Sender, Transports};
use prenota_notify::{Message, SendError, Sms};
use prenota_store::{Delivery, MessageKind};
use support::{
    Logs, Scripted, app, app_on, assert_put_off, clocked_app, email, queue, queue_email, quick_retry,
    quick_sender, sender_with, start,
};

/// Due or not: every pending message.
const EVERY: chrono::DateTime<chrono::Utc> = chrono::DateTime::<chrono::Utc>::MAX_UTC;

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
    assert!(app.store.pending_messages(10, EVERY).await.unwrap().is_empty());
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
/// hammering its server; once it is back (and the e-mails' next attempts have come), every e-mail
/// leaves once.
#[tokio::test]
async fn one_failing_channel_rests_while_the_other_delivers() {
    let clock = Arc::new(ManualClock::new(start()));
    let app = app(Arc::clone(&clock)).await;
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
    // Each e-mail that failed waits for its own next attempt, by the clock.
    clock.advance(chrono::Duration::from_std(retry.longest_delay).unwrap());
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

/// A message that fails for now is put off with its own next attempt, after a jittered delay that
/// doubles with each failed delivery up to the longest; until then it is not due, and the
/// messages behind it are.
#[tokio::test]
async fn a_temporary_failure_puts_the_message_off_with_growing_backoff() {
    let (clock, app) = clocked_app().await;
    let transport = Scripted::failing(SendError::Transient("450 4.2.0 greylisted".to_owned()));
    let retry = RetryPolicy {
        first_delay: Duration::from_secs(10),
        longest_delay: Duration::from_secs(40),
        ..quick_retry(1)
    };
    let sender = sender_with(Arc::clone(&app), transport.clone(), transport.clone(), retry);
    let id = queue_email(&app, "grigio@example.it").await;
    let behind = queue_email(&app, "anna@example.it").await;
    // Delays after the 1st, 2nd, 3rd and 4th failure: 5–10 s, 10–20 s, 20–40 s, 20–40 s (capped).
    for (attempts, shortest, longest) in [(1, 5, 10), (2, 10, 20), (3, 20, 40), (4, 20, 40)] {
        let now = clock.now();
        assert_eq!(
            sender.deliver(&id).await.unwrap(),
            Delivered::Later("450 4.2.0 greylisted".to_owned())
        );
        let entry = app.store.message(&id).await.unwrap();
        assert_eq!(entry.delivery, Delivery::Pending);
        assert_eq!(entry.attempts, attempts);
        assert_eq!(entry.detail.as_deref(), Some("450 4.2.0 greylisted"));
        assert_put_off(&entry, now, shortest, longest);
        let due: Vec<_> = sender.due(10).await.into_iter().map(|e| e.message.id).collect();
        assert_eq!(
            due,
            std::slice::from_ref(&behind),
            "the message behind is due, the failing one is not"
        );
        clock.set(entry.next_attempt_at);
        let due: Vec<_> = sender.due(10).await.into_iter().map(|e| e.message.id).collect();
        assert_eq!(due, [behind.clone(), id.clone()], "due again at its next attempt");
    }
    assert_eq!(transport.tries(), 4, "one try per delivery, none in between");
}

/// A whole service down: a few deliveries of its channel fail in a row, then the channel rests;
/// its other due messages are put off to the end of the rest untried, and leave once it is back.
#[tokio::test]
async fn a_service_that_is_down_is_not_hammered() {
    let (clock, app) = clocked_app().await;
    let mail = Scripted::failing(SendError::Transient("connection refused".to_owned()));
    let retry = RetryPolicy {
        first_wait: Duration::from_secs(60),
        longest_wait: Duration::from_secs(60),
        ..quick_retry(1)
    };
    let sender = sender_with(Arc::clone(&app), mail.clone(), Scripted::answering(vec![]), retry);
    let mut emails = Vec::new();
    for n in 0..10 {
        emails.push(queue_email(&app, &format!("p{n}@example.it")).await);
    }
    let task = tokio::spawn(deliver_forever(sender));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        mail.tries(),
        prenota_delivery::poll::DOWN_AFTER as usize,
        "three failures in a row, then the channel rests"
    );
    for id in &emails[3..] {
        let entry = app.store.message(id).await.unwrap();
        assert_eq!(
            (entry.delivery, entry.attempts),
            (Delivery::Pending, 0),
            "put off untried"
        );
        assert!(entry.next_attempt_at > start(), "not due before the rest ends");
    }
    mail.recover();
    clock.advance(chrono::Duration::hours(1));
    let started = std::time::Instant::now();
    while !app.store.pending_messages(100, EVERY).await.unwrap().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "every e-mail leaves once it is back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    assert_eq!(mail.sent().len(), 10, "each e-mail sent once");
}

fn sms(to: &str) -> Message {
    Message::Sms(Sms {
        to: to.to_owned(),
        text: "Comune di Bergamo: conferma".to_owned(),
    })
}

/// At most `PRENOTA_SMS_PER_HOUR` SMS an hour across the service: over the cap an SMS stays
/// pending until the next hour, "SMS cap reached" is logged at error level with the count, and
/// nothing is paid for. The count is the store's: it survives a restart and is shared by every
/// sender. An SMS that does not leave does not use the cap up; e-mail is not capped.
#[tokio::test]
async fn sms_over_the_hourly_cap_wait_for_the_next_hour() {
    let (logs, _guard) = Logs::capture();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    let clock = Arc::new(ManualClock::new(start() + chrono::Duration::minutes(20)));
    let (app, _) = app_on(&path, Arc::clone(&clock)).await;
    let transport = Scripted::answering(vec![Err(SendError::Transient("Throttling".to_owned()))]);
    let sender = quick_sender(Arc::clone(&app), transport.clone(), transport.clone(), 1).with_sms_per_hour(3);
    assert_eq!(sender.sms_per_hour(), 3);

    let throttled = queue(&app, MessageKind::ConfirmationRequest, &sms("+393331000000")).await;
    assert!(matches!(
        sender.deliver(&throttled).await.unwrap(),
        Delivered::Later(_)
    ));
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(
            queue(
                &app,
                MessageKind::ConfirmationRequest,
                &sms(&format!("+39333100000{n}")),
            )
            .await,
        );
    }
    for id in &ids[..3] {
        assert!(matches!(sender.deliver(id).await.unwrap(), Delivered::Sent(_)));
    }
    assert_eq!(
        transport.tries(),
        4,
        "the throttled SMS was given back: three more went"
    );
    let next_hour = start() + chrono::Duration::hours(1);
    for id in &ids[3..] {
        let Delivered::Later(reason) = sender.deliver(id).await.unwrap() else {
            panic!("over the cap the SMS waits")
        };
        assert!(reason.contains("SMS cap reached"), "{reason}");
        let entry = app.store.message(id).await.unwrap();
        assert_eq!(entry.delivery, Delivery::Pending);
        assert_eq!(entry.next_attempt_at, next_hour, "due when the hour rolls");
        assert_eq!(entry.attempts, 0, "held back, not failed");
    }
    assert_eq!(transport.tries(), 4, "nothing sent over the cap");
    let alarms = logs.at(tracing::Level::ERROR, "SMS cap reached");
    assert_eq!(alarms.len(), 2, "{alarms:?}");
    assert!(alarms[0].contains("count=3"), "{}", alarms[0]);

    // E-mail is not capped.
    let mail = queue_email(&app, "a@example.it").await;
    assert!(matches!(sender.deliver(&mail).await.unwrap(), Delivered::Sent(_)));

    // A restart, and a second sender at once, count on from the store.
    let (restarted, _) = app_on(&path, Arc::clone(&clock)).await;
    let other =
        quick_sender(Arc::clone(&restarted), transport.clone(), transport.clone(), 1).with_sms_per_hour(3);
    let sixth = queue(
        &restarted,
        MessageKind::ConfirmationRequest,
        &sms("+393331000006"),
    )
    .await;
    assert!(matches!(
        other.deliver(&sixth).await.unwrap(),
        Delivered::Later(_)
    ));
    assert_eq!(transport.tries(), 5);

    // The next hour: the held-back SMS are due, and leave.
    clock.set(next_hour);
    let due: Vec<_> = other
        .due(10)
        .await
        .into_iter()
        .map(|entry| entry.message.id)
        .collect();
    for id in ids[3..].iter().chain([&sixth, &throttled]) {
        assert!(due.contains(id), "{id} is due");
    }
    for id in [&ids[3], &ids[4], &sixth] {
        assert!(matches!(other.deliver(id).await.unwrap(), Delivered::Sent(_)));
    }
    let Delivered::Later(reason) = other.deliver(&throttled).await.unwrap() else {
        panic!("the fourth SMS of the hour waits")
    };
    assert!(
        reason.contains("SMS cap reached: 3 SMS this hour, at most 3"),
        "{reason}"
    );
}

/// Several senders at once (the Lambdas) share the cap exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_senders_share_the_sms_cap() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let transport = Scripted::answering(vec![]);
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(
            queue(
                &app,
                MessageKind::ConfirmationRequest,
                &sms(&format!("+3933320000{n:02}")),
            )
            .await,
        );
    }
    let mut tasks = tokio::task::JoinSet::new();
    for id in ids {
        let sender =
            quick_sender(Arc::clone(&app), transport.clone(), transport.clone(), 1).with_sms_per_hour(5);
        tasks.spawn(async move { sender.deliver(&id).await.unwrap() });
    }
    let mut sent = 0;
    while let Some(delivered) = tasks.join_next().await {
        match delivered.unwrap() {
            Delivered::Sent(_) => sent += 1,
            Delivered::Later(reason) => assert!(reason.contains("SMS cap reached"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((sent, transport.tries()), (5, 5));
}
