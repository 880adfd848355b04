//! E-mail through SES v2 and SMS through SNS, against moto server (tests/run starts it and sets
//! PRENOTA_MOTO_ENDPOINT): what leaves is read back from moto's `/moto-api/data.json`. Then an
//! outage: the network to SES and SNS cut, or both answering throttling errors, while 20 bookings
//! are made; the same for EventBridge Scheduler while 20 bookings are confirmed.

mod support;

use std::sync::Arc;

use prenota_core::ManualClock;
use prenota_delivery::aws::{SesTransport, SnsTransport};
use prenota_delivery::testing::moto::{self, raw_email, ses, sns};
use prenota_delivery::testing::{Fault, Outage};
use prenota_delivery::{Delivered, Sender};
use prenota_notify::sms::segments;
use prenota_notify::{Message, Sms};
use prenota_store::{MessageChannel, MessageKind};
use support::{app, book, book_on, email, queue, queue_email, quick_sender, start};

fn sender(app: Arc<prenota_usecases::App>, email: SesTransport, sms: SnsTransport, tries: u32) -> Sender {
    quick_sender(app, Arc::new(email), Arc::new(sms), tries)
}

#[tokio::test]
async fn email_leaves_through_ses_and_sms_through_sns() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let sender = sender(
        Arc::clone(&app),
        ses(&moto::endpoint()).await,
        sns(&moto::endpoint()),
        3,
    );

    let mut message = email("anna.rossi@example.it", "Prenotazione confermata – CIE");
    message.ics = Some("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_owned());
    let id = queue(&app, MessageKind::BookingConfirmed, &Message::Email(message)).await;
    let Delivered::Sent(ses_id) = sender.deliver(&id).await.unwrap() else {
        panic!("SES accepts the e-mail")
    };
    assert_eq!(
        app.store.message(&id).await.unwrap().detail.as_deref(),
        Some(ses_id.as_str())
    );
    let data = moto::data().await;
    let raw = raw_email(&data, &ses_id).expect("moto keeps the raw e-mail");
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
    let id = queue(&app, MessageKind::ConfirmationRequest, &Message::Sms(sms)).await;
    let Delivered::Sent(sns_id) = sender.deliver(&id).await.unwrap() else {
        panic!("SNS accepts the SMS")
    };
    assert_eq!(
        moto::sms(&moto::data().await, &sns_id),
        Some(("+393331234567", text))
    );
}

#[tokio::test]
async fn an_address_ses_refuses_is_a_permanent_failure() {
    // No identity for this sender: SES answers MessageRejected, which no retry can change.
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let client = moto::ses_client(&moto::endpoint());
    let unverified = SesTransport::new(client, "someone@unverified.example", None).unwrap();
    let sender = sender(Arc::clone(&app), unverified, sns(&moto::endpoint()), 3);
    let id = queue(
        &app,
        MessageKind::BookingConfirmed,
        &Message::Email(email("anna@example.it", "x")),
    )
    .await;
    let Delivered::Failed(reason) = sender.deliver(&id).await.unwrap() else {
        panic!("refused for good")
    };
    assert!(reason.contains("MessageRejected"), "{reason}");
}

/// SES takes ASCII addresses only: an internationalised domain goes as punycode, a non-ASCII
/// local part (no SMTPUTF8 at SES) fails at once, without a try.
#[tokio::test]
async fn ses_gets_punycode_domains_and_refuses_non_ascii_local_parts_at_once() {
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let sender = sender(
        Arc::clone(&app),
        ses(&moto::endpoint()).await,
        sns(&moto::endpoint()),
        3,
    );
    let run = moto::run_tag();
    let idn = queue_email(&app, &format!("anna.{run}@exämple.it")).await;
    let Delivered::Sent(ses_id) = sender.deliver(&idn).await.unwrap() else {
        panic!("SES takes the punycode domain")
    };
    let data = moto::data().await;
    let raw = raw_email(&data, &ses_id).expect("moto keeps the raw e-mail");
    assert!(
        raw.contains(&format!("To: anna.{run}@xn--exmple-cua.it")),
        "{raw}"
    );

    let unicode_local = queue_email(&app, &format!("ü{run}@exämple.it")).await;
    let Delivered::Failed(reason) = sender.deliver(&unicode_local).await.unwrap() else {
        panic!("refused for good")
    };
    assert!(reason.contains("SMTPUTF8"), "{reason}");
}

/// The network to SES and SNS is cut while 20 citizens book, by e-mail and by SMS: every booking
/// is made, nothing is lost while it is down, and once it is back every message leaves once.
#[tokio::test]
async fn an_outage_loses_nothing_and_doubles_nothing() {
    faults_of_ses_and_sns_lose_nothing_and_double_nothing(Fault::Unreachable).await;
}

/// The same with SES and SNS answering that the account is over its sending rate.
#[tokio::test]
async fn throttling_loses_nothing_and_doubles_nothing() {
    faults_of_ses_and_sns_lose_nothing_and_double_nothing(Fault::Throttling).await;
}

/// The pending messages to citizens (the details also queue each booking's timer at its
/// confirmation deadline, for the scheduler).
async fn citizens_pending(app: &prenota_usecases::App) -> Vec<prenota_store::OutboxEntry> {
    app.store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.message.channel != MessageChannel::Scheduler)
        .collect()
}

fn moto_relay_target() -> String {
    moto::endpoint().trim_start_matches("http://").to_owned()
}

async fn faults_of_ses_and_sns_lose_nothing_and_double_nothing(fault: Fault) {
    let outage = Outage::relay(&moto_relay_target()).await.unwrap();
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let sender = sender(
        Arc::clone(&app),
        ses(&outage.endpoint()).await,
        sns(&outage.endpoint()),
        2,
    );

    outage.set(fault);
    let mut holds = Vec::new();
    let run = moto::run_tag();
    for n in 0..20 {
        let contact = if n % 2 == 0 {
            format!("cittadino{n}.{run}@example.it")
        } else {
            format!("+39333{run:05}{n:02}")
        };
        holds.push(book(&app, &contact, &format!("Persona {}", char::from(b'A' + n))).await);
    }
    let pending = citizens_pending(&app).await;
    assert_eq!(pending.len(), 20, "one confirmation request per booking");
    for entry in &pending {
        let delivered = sender.deliver(&entry.message.id).await.unwrap();
        let Delivered::Later(reason) = delivered else {
            panic!("{fault:?}: {delivered:?}")
        };
        if fault == Fault::Throttling {
            let expected = match entry.message.channel.as_str() {
                "email" => "TooManyRequestsException",
                _ => "Throttling",
            };
            assert!(reason.contains(expected), "{reason}");
        }
    }
    assert_eq!(citizens_pending(&app).await.len(), 20, "nothing lost while down");

    outage.set(Fault::None);
    let mut provider_ids = Vec::new();
    for entry in &pending {
        let Delivered::Sent(provider_id) = sender.deliver(&entry.message.id).await.unwrap() else {
            panic!("delivered once the services are back")
        };
        provider_ids.push((entry.message.channel, provider_id));
        // A retried batch finds it sent and sends nothing.
        assert_eq!(
            sender.deliver(&entry.message.id).await.unwrap(),
            Delivered::AlreadyDone
        );
    }
    assert!(citizens_pending(&app).await.is_empty());

    let data = moto::data().await;
    for (channel, provider_id) in &provider_ids {
        let (list, field) = match channel {
            MessageChannel::Email => (&data["ses"]["RawMessage"], "id"),
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
        let emails = moto::emails_to(&data, recipient);
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

/// The schedule of the reminders group named `name`, if there is one.
async fn schedule_of(
    client: &aws_sdk_scheduler::Client,
    name: &str,
) -> Option<aws_sdk_scheduler::operation::get_schedule::GetScheduleOutput> {
    client
        .get_schedule()
        .name(name)
        .group_name(moto::SCHEDULE_GROUP)
        .send()
        .await
        .ok()
}

/// A reminder is one EventBridge Scheduler schedule named after the booking: at the day-before
/// time in Europe/Rome, deleting itself after it ran, invoking the reminder Lambda with the
/// booking's id. Setting it twice and dropping it twice are both fine; setting it at another time
/// (the booking moved) moves it.
#[tokio::test]
async fn a_reminder_is_a_one_time_schedule_set_and_dropped_once() {
    use chrono::TimeZone;
    use prenota_notify::ReminderScheduler;

    let reminders = moto::reminders(&moto::endpoint()).await;
    let booking_id = format!("{:064x}", u128::from(moto::run_tag()) << 64 | 0xabc);
    let booking = prenota_core::BookingId::parse(&booking_id).unwrap();
    let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    reminders.schedule(&booking, at).await.unwrap();
    reminders
        .schedule(&booking, at)
        .await
        .expect("set again: already set");

    let client = moto::scheduler_client(&moto::endpoint());
    let schedule = schedule_of(&client, &booking_id).await.unwrap();
    assert_eq!(schedule.schedule_expression(), Some("at(2026-12-01T09:00:00)"));
    assert_eq!(schedule.schedule_expression_timezone(), Some("Europe/Rome"));
    assert_eq!(
        schedule.action_after_completion(),
        Some(&aws_sdk_scheduler::types::ActionAfterCompletion::Delete)
    );
    let target = schedule.target().unwrap();
    assert_eq!(target.arn(), moto::REMINDER_ARN);
    assert_eq!(target.role_arn(), moto::SCHEDULER_ROLE_ARN);
    let input: serde_json::Value = serde_json::from_str(target.input().unwrap()).unwrap();
    assert_eq!(input, serde_json::json!({ "booking_id": booking_id }));

    // The booking moved: its schedule moves with it.
    let later = chrono::Utc.with_ymd_and_hms(2026, 12, 9, 8, 0, 0).unwrap();
    reminders.schedule(&booking, later).await.unwrap();
    let moved = schedule_of(&client, &booking_id).await.unwrap();
    assert_eq!(moved.schedule_expression(), Some("at(2026-12-09T09:00:00)"));
    assert_eq!(
        moved.action_after_completion(),
        Some(&aws_sdk_scheduler::types::ActionAfterCompletion::Delete)
    );

    reminders.unschedule(&booking).await.unwrap();
    reminders
        .unschedule(&booking)
        .await
        .expect("dropped again: none set");
    assert!(schedule_of(&client, &booking_id).await.is_none());
}

/// EventBridge Scheduler unreachable, then throttling, while 20 bookings are confirmed: every
/// booking is confirmed, every reminder order waits, and once the Scheduler is back each
/// booking has its schedule, set once.
#[tokio::test]
async fn a_scheduler_outage_loses_no_reminder() {
    for fault in [Fault::Unreachable, Fault::Throttling] {
        scheduler_fault_loses_no_reminder(fault).await;
    }
}

async fn scheduler_fault_loses_no_reminder(fault: Fault) {
    use prenota_store::MessageKind::{
        ConfirmationRequest as CONFIRMATION_REQUEST, ReminderSchedule as REMINDER_SCHEDULE,
    };
    use prenota_usecases::outbox::ReminderOrder;
    let outage = Outage::relay(&moto_relay_target()).await.unwrap();
    let app = app(Arc::new(ManualClock::new(start()))).await;
    let sender = Sender::new(
        Arc::clone(&app),
        prenota_delivery::Transports {
            email: Arc::new(ses(&moto::endpoint()).await),
            sms: Arc::new(sns(&moto::endpoint())),
            reminders: Arc::new(moto::reminders(&outage.endpoint()).await),
        },
        support::quick_retry(2),
    );
    outage.set(fault);
    let run = moto::run_tag();
    for n in 0..20u8 {
        let contact = format!("promemoria{n}.{run}@example.it");
        book_on(
            &app,
            Some("2026-12-03"),
            &contact,
            &format!("Persona {}", char::from(b'A' + n)),
        )
        .await;
        prenota_delivery::testing::confirm_by_link(&app).await;
        // The request leaves, so that the next citizen's link is the only one pending.
        for entry in prenota_delivery::testing::pending_of_kind(&app, CONFIRMATION_REQUEST).await {
            assert!(matches!(
                sender.deliver(&entry.message.id).await.unwrap(),
                Delivered::Sent(_)
            ));
        }
    }
    let mut orders = prenota_delivery::testing::pending_of_kind(&app, REMINDER_SCHEDULE).await;
    // Carried out in turn (the manual clock queued both at one instant): timers, then reminders.
    orders.sort_by_key(|entry| {
        serde_json::from_str::<ReminderOrder>(&entry.message.payload)
            .unwrap()
            .at
    });
    // Each booking's timer at its confirmation deadline (from the details), then its reminder.
    assert_eq!(
        orders.len(),
        40,
        "{fault:?}: a timer and a reminder per confirmed booking"
    );
    for entry in &orders {
        let delivered = sender.deliver(&entry.message.id).await.unwrap();
        assert!(
            matches!(delivered, Delivered::Later(_)),
            "{fault:?}: {delivered:?}"
        );
    }
    assert_eq!(
        prenota_delivery::testing::pending_of_kind(&app, REMINDER_SCHEDULE)
            .await
            .len(),
        40
    );

    outage.set(Fault::None);
    let client = moto::scheduler_client(&moto::endpoint());
    for entry in &orders {
        assert!(matches!(
            sender.deliver(&entry.message.id).await.unwrap(),
            Delivered::Sent(_)
        ));
        assert_eq!(
            sender.deliver(&entry.message.id).await.unwrap(),
            Delivered::AlreadyDone
        );
    }
    // Delivered in order, the reminder replaced the timer: one schedule per booking, at its time.
    for entry in &orders {
        let order: ReminderOrder = serde_json::from_str(&entry.message.payload).unwrap();
        let schedule = client
            .get_schedule()
            .name(order.booking_id.as_str())
            .group_name(moto::SCHEDULE_GROUP)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: no schedule for {}: {e:?}", order.booking_id));
        assert_eq!(schedule.schedule_expression(), Some("at(2026-12-02T09:00:00)"));
    }
}
