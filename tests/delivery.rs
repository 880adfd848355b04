//! Delivery on one machine: e-mail by SMTP to a real server on loopback (tests/lib/smtp_sink.py,
//! started per test with the test tools' Python; run through tests/run), through a crash.

mod common;

use std::time::{Duration, Instant};

use common::{Server, Slot};
use prenota_delivery::testing::SmtpSink;
use serde_json::Value;

const FROM: &str = "Prenota Bergamo <prenota@comune.bergamo.it>";

/// A citizen reaches "INVIA" on the first free CIE slot: the confirmation e-mail is queued.
async fn book(server: &Server, contact: &str) {
    let day = server.slots("cie", "ufficio-1", None).await;
    let slot = Slot {
        service: "cie".to_owned(),
        office: "ufficio-1".to_owned(),
        date: day["date"].as_str().expect("a free day").to_owned(),
        start: day["slots"][0]["start"].as_str().expect("a free slot").to_owned(),
    };
    let hold = server.hold_ok(&slot).await;
    let reply = server.details(&hold, contact).await;
    assert_eq!(reply.status, 202, "{}", reply.text());
}

async fn health(server: &Server) -> Value {
    let reply = server.get("/api/health").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn header<'a>(mime: &'a str, name: &str) -> Option<&'a str> {
    mime.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
}

/// Twenty citizens book; the server is killed (SIGKILL) after the tenth, while it is sending, and
/// started again on the same data: every confirmation e-mail arrives, each exactly once.
#[tokio::test]
async fn a_killed_server_loses_no_email_and_sends_none_twice() {
    let sink = SmtpSink::start().unwrap_or_else(|e| panic!("{e}"));
    let data = tempfile::tempdir().unwrap();
    let url = sink.url();
    let env = [("PRENOTA_SMTP_URL", url.as_str()), ("PRENOTA_MAIL_FROM", FROM)];
    let contacts: Vec<String> = (0..20).map(|n| format!("cittadino{n}@example.it")).collect();

    let server = Server::start_in(data.path(), &env).await;
    for contact in &contacts[..10] {
        book(&server, contact).await;
    }
    drop(server);
    let server = Server::start_in(data.path(), &env).await;
    for contact in &contacts[10..] {
        book(&server, contact).await;
    }

    let started = Instant::now();
    loop {
        let messages = &health(&server).await["messages"];
        if sink.received().len() >= 20 && messages["pending"] == 0 {
            assert_eq!(messages["failed"], 0, "{messages}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "20 e-mails within 30 s: {messages}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Anything sent twice would arrive now.
    tokio::time::sleep(Duration::from_millis(600)).await;

    let received = sink.received();
    assert_eq!(received.len(), 20, "one e-mail per citizen, none twice");
    let mut recipients: Vec<&str> = received.iter().map(|mail| mail.rcpt_tos[0].as_str()).collect();
    recipients.sort();
    let mut expected: Vec<&str> = contacts.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(recipients, expected);
    for mail in &received {
        assert_eq!(mail.mail_from, "prenota@comune.bergamo.it");
        assert!(header(&mail.mime, "Message-ID").is_some_and(|id| id.ends_with("@comune.bergamo.it>")));
        assert!(
            mail.mime.contains("/c/"),
            "the confirmation link is in the e-mail"
        );
    }
}

/// While the mail server refuses, the e-mail waits (counted as pending), then leaves.
#[tokio::test]
async fn a_refusing_mail_server_delays_the_email_and_health_shows_it() {
    let sink = SmtpSink::start().unwrap_or_else(|e| panic!("{e}"));
    sink.refuse_next(1_000);
    let url = sink.url();
    let server = Server::start_with(&[("PRENOTA_SMTP_URL", url.as_str()), ("PRENOTA_MAIL_FROM", FROM)]).await;
    book(&server, "anna.rossi@example.it").await;
    // The booking's timer at its confirmation deadline goes to the local scheduler while the
    // e-mail alone waits (its tries first, in the same poll).
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let messages = health(&server).await["messages"].clone();
        if messages["pending"] == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the e-mail alone waits: {messages}"
        );
    }
    assert!(sink.received().is_empty());

    sink.accept_again();
    let started = Instant::now();
    while sink.received().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "the e-mail leaves once the server accepts"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sink.received()[0].rcpt_tos, ["anna.rossi@example.it"]);
}
