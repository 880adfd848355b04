//! What the delivery tests share: an App on a fresh SQLite store with Bergamo's catalogue and a
//! manual clock, messages to queue, and a transport that answers as scripted.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use prenota_core::{BookingId, ManualClock};
use prenota_notify::{Email, EmailTransport, Message, ReminderScheduler, SendError, Sms, SmsTransport};
use prenota_store::sqlite::SqliteStore;
use prenota_store::{MessageKind, Person};
use prenota_usecases::App;
use prenota_usecases::testing::{bergamo, sqlite_app};

/// A sender over `app` whose waits between tries are short enough for tests.
pub fn quick_sender(
    app: Arc<App>,
    email: Arc<dyn EmailTransport>,
    sms: Arc<dyn SmsTransport>,
    tries: u32,
) -> prenota_delivery::Sender {
    sender_with(app, email, sms, quick_retry(tries))
}

/// A sender over `app` with `retry`, and reminders that are always set.
pub fn sender_with(
    app: Arc<App>,
    email: Arc<dyn EmailTransport>,
    sms: Arc<dyn SmsTransport>,
    retry: prenota_delivery::RetryPolicy,
) -> prenota_delivery::Sender {
    let reminders = Scripted::answering(vec![]);
    prenota_delivery::Sender::new(
        app,
        prenota_delivery::Transports {
            email,
            sms,
            reminders,
        },
        retry,
    )
}

/// `tries` tries a few milliseconds apart: the tests do not wait for real backoff.
pub fn quick_retry(tries: u32) -> prenota_delivery::RetryPolicy {
    prenota_delivery::RetryPolicy {
        tries,
        first_wait: std::time::Duration::from_millis(5),
        longest_wait: std::time::Duration::from_millis(20),
        ..prenota_delivery::RetryPolicy::default()
    }
}

pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

pub async fn app(clock: Arc<ManualClock>) -> Arc<App> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("prenota.sqlite3");
    // The folder outlives the test's store.
    std::mem::forget(folder);
    app_on(&path, clock).await.0
}

/// An App on a fresh SQLite store, and its clock, at [`start`].
pub async fn clocked_app() -> (Arc<ManualClock>, Arc<App>) {
    let clock = Arc::new(ManualClock::new(start()));
    (Arc::clone(&clock), app(clock).await)
}

/// An App on the SQLite file `path` (a second one on the same file is a restart), and its store.
pub async fn app_on(path: &std::path::Path, clock: Arc<ManualClock>) -> (Arc<App>, SqliteStore) {
    let (app, store) = sqlite_app(path, bergamo(), clock, "https://prenota.comune.bergamo.it").await;
    (Arc::new(app), store)
}

pub fn email(to: &str, subject: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: format!("{subject}\n\nhttps://prenota.comune.bergamo.it/c/abc"),
        html: format!("<p>{subject}</p>"),
        qr_png: Some(prenota_notify::qr::png("PRENOTA-CHECKIN-TEST")),
        more_qr_pngs: Vec::new(),
        ics: None,
    }
}

/// Queues `message` as the flow would, and returns its outbox id.
pub async fn queue(app: &App, kind: MessageKind, message: &Message) -> prenota_store::MessageId {
    let queued = prenota_usecases::outbox::citizen(kind, message.clone(), app.context.clock.now()).unwrap();
    app.store.enqueue(&queued).await.unwrap();
    queued.id
}

/// Asserts that `entry` is put off by `shortest` to `longest` seconds from `now`.
pub fn assert_put_off(entry: &prenota_store::OutboxEntry, now: DateTime<Utc>, shortest: i64, longest: i64) {
    let wait = entry.next_attempt_at - now;
    assert!(
        chrono::Duration::seconds(shortest) <= wait && wait <= chrono::Duration::seconds(longest),
        "after {} failed deliveries, put off by {wait}, not {shortest}–{longest} s",
        entry.attempts
    );
}

/// Queues a confirmation request by e-mail to `to`, and returns its outbox id.
pub async fn queue_email(app: &App, to: &str) -> prenota_store::MessageId {
    queue(
        app,
        MessageKind::ConfirmationRequest,
        &Message::Email(email(to, "Conferma")),
    )
    .await
}

/// A transport that answers from a script (then "ok" forever) and remembers every try.
#[derive(Default)]
pub struct Scripted {
    answers: Mutex<VecDeque<Result<String, SendError>>>,
    failing_forever: Mutex<Option<SendError>>,
    tries: Mutex<Vec<String>>,
    sent: Mutex<Vec<String>>,
}

impl Scripted {
    pub fn answering(answers: Vec<Result<String, SendError>>) -> Arc<Self> {
        Arc::new(Self {
            answers: Mutex::new(answers.into()),
            ..Self::default()
        })
    }

    pub fn failing(error: SendError) -> Arc<Self> {
        Arc::new(Self {
            failing_forever: Mutex::new(Some(error)),
            ..Self::default()
        })
    }

    pub fn recover(&self) {
        *self.failing_forever.lock().unwrap() = None;
    }

    pub fn tries(&self) -> usize {
        self.tries.lock().unwrap().len()
    }

    /// The outbox ids of the tries that were answered "sent", in order.
    pub fn sent(&self) -> Vec<String> {
        self.sent.lock().unwrap().clone()
    }

    fn answer(&self, outbox_id: &str) -> Result<String, SendError> {
        self.tries.lock().unwrap().push(outbox_id.to_owned());
        if let Some(error) = self.failing_forever.lock().unwrap().clone() {
            return Err(error);
        }
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Ok(format!("provider-{outbox_id}")));
        if answer.is_ok() {
            self.sent.lock().unwrap().push(outbox_id.to_owned());
        }
        answer
    }
}

#[async_trait]
impl EmailTransport for Scripted {
    async fn send_email(&self, _: &Email, outbox_id: &str) -> Result<String, SendError> {
        self.answer(outbox_id)
    }
}

#[async_trait]
impl ReminderScheduler for Scripted {
    async fn schedule(&self, booking_id: &BookingId, _: DateTime<Utc>) -> Result<String, SendError> {
        self.answer(booking_id.as_str())
    }

    async fn unschedule(&self, booking_id: &BookingId) -> Result<String, SendError> {
        self.answer(booking_id.as_str())
    }
}

#[async_trait]
impl SmsTransport for Scripted {
    async fn send_sms(&self, _: &Sms, outbox_id: &str) -> Result<String, SendError> {
        self.answer(outbox_id)
    }
}

/// The events logged on this thread while [`Logs::capture`]'s guard lives: each as its level and
/// a line of its fields (`message="SMS cap reached" count=3 …`).
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<(tracing::Level, String)>>>);

impl Logs {
    pub fn capture() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Self::default();
        let guard = tracing::subscriber::set_default(logs.clone());
        (logs, guard)
    }

    /// The lines logged at `level` that contain `text`.
    pub fn at(&self, level: tracing::Level, text: &str) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(at, line)| *at == level && line.contains(text))
            .map(|(_, line)| line.clone())
            .collect()
    }
}

impl tracing::Subscriber for Logs {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        struct Line(String);
        impl tracing::field::Visit for Line {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                use std::fmt::Write as _;
                let _ = write!(self.0, "{}={value:?} ", field.name());
            }
        }
        let mut line = Line(String::new());
        event.record(&mut line);
        self.0.lock().unwrap().push((*event.metadata().level(), line.0));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// Books the first free slot of CIE at Ufficio 1 through the use cases, up to the details step:
/// the booking waits for confirmation and its confirmation request is queued. Returns the hold id.
pub async fn book(app: &App, contact: &str, name: &str) -> String {
    book_on(app, None, contact, name).await
}

/// [`book`] on `date` (`YYYY-MM-DD`) when given.
pub async fn book_on(app: &App, date: Option<&str>, contact: &str, name: &str) -> String {
    use prenota_core::text::PersonName;
    use prenota_core::{Contact, OfficeId, ServiceId};
    let context = &app.context;
    // Certificates: a service that asks no "Confermi che verrai?", so the reminder is the day before.
    let service = ServiceId::parse("certificati-anagrafici").unwrap();
    let ufficio = OfficeId::parse("ufficio-1").unwrap();
    let catalogue = context.catalogue();
    let offering = prenota_usecases::browse::offering(&catalogue, &service, &ufficio).unwrap();
    let date = date.map(|date| prenota_core::dates::parse_date(date).unwrap());
    let day = prenota_usecases::browse::day(context, &*app.store, offering, date)
        .await
        .expect("the slots of a day");
    let free = day.free.first().expect("a free slot");
    let held = prenota_usecases::hold::hold(
        context,
        &*app.store,
        offering,
        prenota_usecases::hold::Choice {
            date: free.slot.date,
            start: free.slot.start,
            people: 1,
        },
        None,
    )
    .await
    .expect("the slot is held");
    let person = Person {
        name: PersonName::parse(name).unwrap(),
        surname: PersonName::parse("Rossi").unwrap(),
        contact: Contact::parse(contact).unwrap(),
        details: None,
        lang: prenota_core::catalogue::Lang::It,
    };
    prenota_usecases::details::submit(context, &*app.store, &held.hold.hash(), vec![person])
        .await
        .expect("the details are taken");
    held.hold.encode()
}
