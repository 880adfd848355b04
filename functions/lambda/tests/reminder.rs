//! Reminders through the Lambda handlers on DynamoDB Local: confirming queues the order to set a
//! schedule at the day-before time; the `reminder` Lambda fed `events/streams/reminder.json` queues
//! the reminder once however often the Scheduler invokes it; cancelling queues the order to drop
//! the schedule, and a late invocation sends nothing.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use prenota_core::ManualClock;
use prenota_lambda::reminder::handle;
use prenota_store::MessageKind::{
    BookingConfirmed as BOOKING_CONFIRMED, Reminder as REMINDER, ReminderCancel as REMINDER_CANCEL,
    ReminderSchedule as REMINDER_SCHEDULE,
};
use prenota_usecases::App;
use prenota_usecases::outbox::ReminderOrder;
use prenota_usecases::reminders::Fired;
use serde_json::{Value, json};
use support::{PLACEHOLDER, app, cancel_by_link, confirm_by_link, link_code, pending_of_kind, root};

mod support;

fn event(booking_id: &str) -> Value {
    let text = std::fs::read_to_string(root().join("events/streams/reminder.json")).unwrap();
    serde_json::from_str(&text.replace(PLACEHOLDER, booking_id)).unwrap()
}

/// Books the first free CIE slot of `date` at Ufficio 1 for `contact` and confirms it.
async fn confirmed_booking(app: &App, date: &str, contact: &str) {
    let day: Value = serde_json::from_slice(
        prenota_web::call(
            app,
            "GET",
            &format!("/api/services/certificati-anagrafici/offices/ufficio-1/slots?date={date}"),
            None,
        )
        .await
        .body(),
    )
    .unwrap();
    let slot = json!({
        "service_id": "certificati-anagrafici", "office_id": "ufficio-1", "date": date, "start": day["slots"][0]["start"]
    });
    let hold = prenota_web::call(app, "POST", "/api/holds", Some(&slot)).await;
    assert_eq!(hold.status(), 201, "{}", String::from_utf8_lossy(hold.body()));
    let hold: Value = serde_json::from_slice(hold.body()).unwrap();
    let details = json!({ "name": "Anna", "surname": "Rossi", "contact": contact, "accept_terms": true });
    let uri = format!("/api/holds/{}/booking", hold["hold_id"].as_str().unwrap());
    assert_eq!(
        prenota_web::call(app, "POST", &uri, Some(&details))
            .await
            .status(),
        202
    );
    confirm_by_link(app).await;
}

#[tokio::test]
async fn a_confirmed_booking_is_reminded_once_and_a_cancelled_one_not_at_all() {
    let mut app = app().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
    ));
    app.context.clock = clock.clone();
    // Wednesday 2 December 2026: days after the app's clock (Thursday 26 November, 10:00 in Rome).
    confirmed_booking(&app, "2026-12-02", "anna@example.it").await;

    // The timer the details set at the confirmation deadline, then the reminder that replaces it.
    let orders = pending_of_kind(&app, REMINDER_SCHEDULE).await;
    assert_eq!(orders.len(), 2, "the deadline's timer, then one reminder to set");
    let mut both: Vec<ReminderOrder> = orders
        .iter()
        .map(|entry| serde_json::from_str(&entry.message.payload).unwrap())
        .collect();
    both.sort_by_key(|order| order.at);
    let (timer, order) = (both[0].clone(), both[1].clone());
    assert_eq!(timer.booking_id, order.booking_id);
    assert!(timer.at < order.at, "{timer:?} {order:?}");
    // Fired at the deadline after the reminder's order (carried out of turn): set again, no message.
    assert_eq!(
        handle(&app, event(order.booking_id.as_str())).await.unwrap(),
        Fired::Early
    );
    assert!(pending_of_kind(&app, REMINDER).await.is_empty());
    assert_eq!(pending_of_kind(&app, REMINDER_SCHEDULE).await.len(), 3);

    // At the reminder's time (the schedule fires at it, or just after).
    clock.set(order.at.unwrap() + chrono::Duration::seconds(20));
    assert_eq!(
        order.at,
        Some(Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()),
        "1 December, 09:00 in Rome"
    );

    let Fired::Queued(id) = handle(&app, event(order.booking_id.as_str())).await.unwrap() else {
        panic!("the reminder is queued")
    };
    assert_eq!(
        handle(&app, event(order.booking_id.as_str())).await.unwrap(),
        Fired::Queued(id.clone())
    );
    let reminders = pending_of_kind(&app, REMINDER).await;
    assert_eq!(reminders.len(), 1, "invoked twice, one reminder");
    assert_eq!(reminders[0].message.id, id);
    assert_eq!(reminders[0].message.recipient, "anna@example.it");
    assert!(
        reminders[0].message.payload.contains("/p/"),
        "with the booking page, to cancel"
    );

    let page = link_code(&app, BOOKING_CONFIRMED, "/p/").await;
    assert_eq!(cancel_by_link(&app, &page).await, 200);
    let drops = pending_of_kind(&app, REMINDER_CANCEL).await;
    assert_eq!(drops.len(), 1, "the schedule is dropped");
    assert!(drops[0].message.payload.contains(order.booking_id.as_str()));
    assert_eq!(
        handle(&app, event(order.booking_id.as_str())).await.unwrap(),
        Fired::NotNeeded
    );
    assert_eq!(
        handle(&app, json!({ "booking_id": "nonsense" })).await.unwrap(),
        Fired::NoBooking
    );
    assert_eq!(handle(&app, json!({})).await.unwrap(), Fired::NoBooking);
}

#[tokio::test]
async fn a_booking_confirmed_less_than_a_day_ahead_gets_no_reminder() {
    let app = app().await;
    // Friday 27 November 2026, the first bookable day: less than a day after the clock
    // (Thursday 26 November, 10:00 in Rome) for a morning slot.
    confirmed_booking(&app, "2026-11-27", "+393331234567").await;
    // Only the timer the details set at the confirmation deadline, which confirming drops.
    let timers = pending_of_kind(&app, REMINDER_SCHEDULE).await;
    assert_eq!(timers.len(), 1);
    let timer: ReminderOrder = serde_json::from_str(&timers[0].message.payload).unwrap();
    let drops = pending_of_kind(&app, REMINDER_CANCEL).await;
    assert_eq!(drops.len(), 1, "the timer is dropped");
    let dropped: ReminderOrder = serde_json::from_str(&drops[0].message.payload).unwrap();
    assert_eq!(dropped.booking_id, timer.booking_id);
    assert!(drops[0].message.created_at >= timers[0].message.created_at);
}
