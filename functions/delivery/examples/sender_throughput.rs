//! Sender throughput on one machine (tests/bench-sender): messages delivered per second from a
//! SQLite outbox to the local outbox, and to a loopback SMTP server (tests/lib/smtp_sink.py).
//! Each message is a "booking confirmed" e-mail of realistic size: text, HTML, QR PNG, `.ics`.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use prenota_core::SystemClock;
use prenota_delivery::local::{LocalOutbox, LocalReminders};
use prenota_delivery::smtp::SmtpTransport;
use prenota_delivery::testing::SmtpSink;
use prenota_delivery::{Delivered, RetryPolicy, Sender, Transports};
use prenota_notify::{Email, EmailTransport, Message};
use prenota_store::MessageKind;
use prenota_store::sqlite::SqliteStore;
use prenota_usecases::App;
use prenota_usecases::testing::{bergamo, sqlite_app};

fn confirmed_email(n: usize) -> Email {
    let paragraph = "La prenotazione è registrata. Porta con te un documento di identità valido, la \
                     ricevuta del pagamento e una fototessera recente. ";
    Email {
        to: format!("cittadino{n}@example.it"),
        subject: "Prenotazione confermata: Carta d'identità elettronica, 30 novembre 2026, 09:00".to_owned(),
        text: paragraph.repeat(12),
        html: format!("<html><body><p>{}</p></body></html>", paragraph.repeat(30)),
        qr_png: Some(prenota_notify::qr::png(&format!(
            "PRENOTA1.{n:08}.eyJzYyI6Iks3TVg0UVBSIn0.c2lnbmF0dXJl"
        ))),
        more_qr_pngs: Vec::new(),
        ics: Some(format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{}END:VCALENDAR\r\n",
            "X-FILL:0123456789\r\n".repeat(40)
        )),
    }
}

async fn app() -> (Arc<App>, SqliteStore) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    // The folder outlives the run's store.
    std::mem::forget(folder);
    let (app, store) = sqlite_app(&path, bergamo(), Arc::new(SystemClock), "").await;
    (Arc::new(app), store)
}

/// Queues `count` e-mails, then delivers them all, oldest first, as the one-machine task does.
async fn run(name: &str, email: Arc<dyn EmailTransport>, count: usize) {
    let (app, store) = app().await;
    let transports = Transports {
        email,
        sms: Arc::new(LocalOutbox),
        reminders: Arc::new(LocalReminders(store)),
    };
    let sender = Sender::new(Arc::clone(&app), transports, RetryPolicy::default());
    let mut bytes = 0;
    for n in 0..count {
        let message = Message::Email(confirmed_email(n));
        let queued =
            prenota_usecases::outbox::citizen(MessageKind::BookingConfirmed, message, Utc::now()).unwrap();
        bytes += queued.payload.len();
        app.store.enqueue(&queued).await.unwrap();
    }
    let started = Instant::now();
    let mut sent = 0;
    loop {
        let pending = app
            .store
            .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
            .await
            .unwrap();
        if pending.is_empty() {
            break;
        }
        for entry in pending {
            if let Delivered::Sent(_) = sender.deliver(&entry.message.id).await.unwrap() {
                sent += 1;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "| {name} | {sent} | {:.1} KB | {seconds:.2} s | **{:.0}** |",
        bytes as f64 / count as f64 / 1024.0,
        sent as f64 / seconds
    );
}

#[tokio::main]
async fn main() {
    println!(
        "| transport | messages | stored size each | time | messages/s |\n| --- | --- | --- | --- | --- |"
    );
    run("local outbox", Arc::new(LocalOutbox), 5_000).await;
    let sink = SmtpSink::start().unwrap_or_else(|e| panic!("{e}"));
    let smtp = SmtpTransport::new(&sink.url(), "Prenota Bergamo <prenota@comune.bergamo.it>").unwrap();
    run("SMTP, loopback (aiosmtpd)", Arc::new(smtp), 1_000).await;
    assert_eq!(sink.received().len(), 1_000, "every message arrived once");
}
