//! E-mail through lettre's SMTP client to a real SMTP server on loopback (tests/lib/smtp_sink.py),
//! including a server that refuses for a while, one that refuses or greylists a mailbox, and one
//! without SMTPUTF8. Run through tests/run (it installs aiosmtpd).

mod support;

use std::sync::Arc;

use prenota_core::{Clock, ManualClock};
use prenota_delivery::local::LocalOutbox;
use prenota_delivery::poll::deliver_forever;
use prenota_delivery::smtp::SmtpTransport;
use prenota_delivery::testing::SmtpSink;
use prenota_delivery::{Delivered, RetryPolicy, Sender};
use prenota_notify::{EmailTransport, Message, SendError};
use prenota_store::{Delivery, MessageId, MessageKind};
use support::{
    app, assert_put_off, clocked_app, email, queue, queue_email, quick_sender, sender_with, start,
};

const FROM: &str = "Prenota Bergamo <prenota@comune.bergamo.it>";

fn sender(app: Arc<prenota_usecases::App>, smtp: SmtpTransport, tries: u32) -> Sender {
    quick_sender(app, Arc::new(smtp), Arc::new(LocalOutbox), tries)
}

#[tokio::test]
async fn an_email_arrives_whole_and_a_failing_server_is_tried_again() {
    let sink = SmtpSink::start().unwrap_or_else(|e| panic!("{e}"));
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let sender = sender(
        Arc::clone(&app),
        SmtpTransport::new(&sink.url(), FROM).unwrap(),
        3,
    );

    let mut message = email("anna.rossi@example.it", "Prenotazione confermata – CIE");
    message.ics = Some("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_owned());
    let id = queue(&app, MessageKind::BookingConfirmed, &Message::Email(message)).await;
    let Delivered::Sent(reply) = sender.deliver(&id).await.unwrap() else {
        panic!("the server accepts the message")
    };
    assert!(reply.starts_with("smtp 250"), "{reply}");
    assert_eq!(app.store.message(&id).await.unwrap().delivery, Delivery::Sent);

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.mail_from, "prenota@comune.bergamo.it");
    assert_eq!(mail.rcpt_tos, ["anna.rossi@example.it"]);
    for expected in [
        "From: \"Prenota Bergamo\" <prenota@comune.bergamo.it>",
        "To: anna.rossi@example.it",
        &format!("Message-ID: <{id}@comune.bergamo.it>"),
        "Auto-Submitted: auto-generated",
        "Content-Type: multipart/mixed",
        "Content-Type: multipart/related",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Type: text/html; charset=utf-8",
        "Content-ID: <qr@prenota>",
        "Content-Type: image/png",
        "Content-Type: text/calendar",
    ] {
        assert!(
            mail.mime.contains(expected),
            "{expected:?} missing from:\n{}",
            mail.mime
        );
    }

    // The server refuses twice (451), then accepts: one delivery, three tries, one message.
    sink.refuse_next(2);
    let id = queue(
        &app,
        MessageKind::ConfirmationRequest,
        &Message::Email(email("b@example.it", "Conferma")),
    )
    .await;
    assert!(matches!(sender.deliver(&id).await.unwrap(), Delivered::Sent(_)));
    assert_eq!(sink.received().len(), 2);

    // Refusing longer than one delivery tries: the message waits, pending, and leaves next time.
    sink.refuse_next(3);
    let id = queue(
        &app,
        MessageKind::ConfirmationRequest,
        &Message::Email(email("c@example.it", "Conferma")),
    )
    .await;
    let Delivered::Later(reason) = sender.deliver(&id).await.unwrap() else {
        panic!("left for later")
    };
    assert!(reason.contains("451"), "{reason}");
    assert_eq!(app.store.message(&id).await.unwrap().delivery, Delivery::Pending);
    assert!(matches!(sender.deliver(&id).await.unwrap(), Delivered::Sent(_)));
    let received = sink.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].rcpt_tos, ["c@example.it"]);
}

#[tokio::test]
async fn an_unreachable_server_is_a_temporary_failure() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let transport = SmtpTransport::new(&format!("smtp://127.0.0.1:{closed_port}"), FROM).unwrap();
    let error = transport
        .send_email(&email("anna@example.it", "x"), "outbox-id")
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn bad_settings_name_their_variable() {
    let error = SmtpTransport::new("http://mail.example.it", FROM).err().unwrap();
    assert!(error.to_string().contains("PRENOTA_SMTP_URL"), "{error}");
    let error = SmtpTransport::new("smtp://127.0.0.1:25", "not an address")
        .err()
        .unwrap();
    assert!(error.to_string().contains("PRENOTA_MAIL_FROM"), "{error}");
}

fn arrived(sink: &SmtpSink, to: &str) -> bool {
    sink.received().iter().any(|mail| mail.rcpt_tos == [to])
}

/// Waits until the e-mail `id` has reached the sink, for `to`, and is recorded sent.
async fn arrives_and_is_recorded(sink: &SmtpSink, app: &prenota_usecases::App, id: &MessageId, to: &str) {
    eventually(5, &format!("the e-mail to {to} arrives"), async || {
        arrived(sink, to)
    })
    .await;
    eventually(5, "it is recorded sent", async || {
        app.store.message(id).await.unwrap().delivery == Delivery::Sent
    })
    .await;
}

/// Waits (up to `seconds`) until `done` holds.
async fn eventually(seconds: u64, what: &str, mut done: impl AsyncFnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(seconds),
            "{what} within {seconds} s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The measured stall: a mailbox the server refuses (550) and one it greylists (450) first in the
/// queue, a normal citizen's e-mail queued 8 s after them. The citizen's e-mail arrives within
/// seconds; the 550 one fails at once with the server's reason; the greylisted one waits for its
/// own next attempts, further apart each time, and leaves once the server takes it.
#[tokio::test]
async fn one_bad_recipient_never_stalls_the_mail() {
    let sink = SmtpSink::start().unwrap_or_else(|e| panic!("{e}"));
    sink.refuse_recipient("nessuno@example.it", "550 5.1.1 mailbox unavailable", None);
    // Greylisted for two deliveries of three tries each.
    sink.greylist("grigio@example.it", 6);
    let (clock, app) = clocked_app().await;
    let smtp = SmtpTransport::new(&sink.url(), FROM).unwrap();
    let sender = sender_with(
        Arc::clone(&app),
        Arc::new(smtp),
        Arc::new(LocalOutbox),
        RetryPolicy::default(),
    );
    let refused = queue_email(&app, "nessuno@example.it").await;
    let greylisted = queue_email(&app, "grigio@example.it").await;
    clock.advance(chrono::Duration::seconds(8));
    let citizen = queue_email(&app, "anna@example.it").await;
    let task = tokio::spawn(deliver_forever(sender));

    arrives_and_is_recorded(&sink, &app, &citizen, "anna@example.it").await;
    let entry = app.store.message(&refused).await.unwrap();
    assert_eq!(
        entry.delivery,
        Delivery::Failed,
        "the refused mailbox fails at once"
    );
    let reason = entry.detail.unwrap();
    assert!(
        reason.contains("550") && reason.contains("mailbox unavailable"),
        "{reason}"
    );
    assert_eq!(sink.rcpt_replies("nessuno@example.it"), [550], "tried once");

    // Greylisted: one delivery (three tries), then it waits 15–30 s by the clock, untried.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(sink.rcpt_replies("grigio@example.it"), [450, 450, 450]);
    let entry = app.store.message(&greylisted).await.unwrap();
    assert_eq!((entry.delivery, entry.attempts), (Delivery::Pending, 1));
    assert!(
        entry
            .detail
            .as_deref()
            .is_some_and(|reason| reason.contains("450")),
        "{entry:?}"
    );
    assert_put_off(&entry, clock.now(), 15, 30);

    // Its next attempt comes: greylisted again, now for 30–60 s.
    clock.set(entry.next_attempt_at);
    eventually(5, "the second delivery", async || {
        app.store.message(&greylisted).await.unwrap().attempts == 2
    })
    .await;
    assert_eq!(sink.rcpt_replies("grigio@example.it").len(), 6);
    let entry = app.store.message(&greylisted).await.unwrap();
    assert_put_off(&entry, clock.now(), 30, 60);
    // The server takes it now: it leaves at its third attempt.
    clock.set(entry.next_attempt_at);
    arrives_and_is_recorded(&sink, &app, &greylisted, "grigio@example.it").await;
    task.abort();
    let received = sink.received();
    assert_eq!(received.len(), 2, "each e-mail once");
}

/// `ü@exämple.it`: its domain goes as punycode; its local part needs SMTPUTF8. A server without it
/// refuses it for good at once (lettre will not put it to the server), a server with it takes it.
#[tokio::test]
async fn an_internationalised_address_goes_as_punycode_or_fails_at_once() {
    let plain = SmtpSink::start_without_smtputf8().unwrap_or_else(|e| panic!("{e}"));
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let to_plain = sender(
        Arc::clone(&app),
        SmtpTransport::new(&plain.url(), FROM).unwrap(),
        3,
    );

    let unicode_local = queue_email(&app, "ü@exämple.it").await;
    let Delivered::Failed(reason) = to_plain.deliver(&unicode_local).await.unwrap() else {
        panic!("refused for good, not retried")
    };
    assert!(reason.contains("SMTPUTF8"), "{reason}");
    assert!(
        plain.rcpt_replies("ü@xn--exmple-cua.it").is_empty(),
        "never put to the server"
    );
    assert_eq!(
        app.store.message(&unicode_local).await.unwrap().delivery,
        Delivery::Failed
    );

    let idn_domain = queue_email(&app, "anna@exämple.it").await;
    assert!(matches!(
        to_plain.deliver(&idn_domain).await.unwrap(),
        Delivered::Sent(_)
    ));
    let received = plain.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_tos, ["anna@xn--exmple-cua.it"]);
    assert!(
        received[0].mime.contains("To: anna@xn--exmple-cua.it"),
        "{}",
        received[0].mime
    );

    let utf8 = SmtpSink::start().unwrap_or_else(|e| panic!("{e}"));
    let to_utf8 = sender(
        Arc::clone(&app),
        SmtpTransport::new(&utf8.url(), FROM).unwrap(),
        3,
    );
    let again = queue_email(&app, "ü@exämple.it").await;
    assert!(matches!(
        to_utf8.deliver(&again).await.unwrap(),
        Delivered::Sent(_)
    ));
    assert_eq!(utf8.received()[0].rcpt_tos, ["ü@xn--exmple-cua.it"]);

    // Not an address at all: refused for good, without a try.
    let nonsense = queue_email(&app, "anna@exa mple.it").await;
    assert!(matches!(
        to_utf8.deliver(&nonsense).await.unwrap(),
        Delivered::Failed(_)
    ));
    assert_eq!(utf8.received().len(), 1);
}
