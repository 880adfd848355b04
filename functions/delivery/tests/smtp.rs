//! E-mail through lettre's SMTP client to a real SMTP server on loopback (tests/lib/smtp_sink.py),
//! including a server that refuses for a while. Run through tests/run (it installs aiosmtpd).

mod support;

use std::sync::Arc;

use prenota_core::ManualClock;
use prenota_delivery::local::LocalOutbox;
use prenota_delivery::smtp::SmtpTransport;
use prenota_delivery::testing::SmtpSink;
use prenota_delivery::{Delivered, Sender};
use prenota_notify::{EmailTransport, Message, SendError};
use prenota_store::{Delivery, MessageKind};
use support::{app, email, queue, quick_sender, start};

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
