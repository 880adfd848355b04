//! The `reminder` Lambda: EventBridge Scheduler invokes it at a booking's reminder time with
//! `{"booking_id": "…"}` (the schedule the sender set when the booking was confirmed); it queues
//! the day-before message, which the sender then delivers. Variables: those of [`crate::app_from`].

use std::sync::Arc;

use lambda_http::{LambdaEvent, service_fn};
use prenota_core::BookingId;
use prenota_usecases::App;
use prenota_usecases::reminders::{Fired, fire};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct ReminderEvent {
    booking_id: String,
}

/// One invocation. An error (the store could not answer) makes the Scheduler try again, as its
/// retry policy says; an event that names no booking is logged and dropped.
pub async fn handle(app: &App, event: Value) -> Result<Fired, prenota_usecases::Failure> {
    let Ok(event) = serde_json::from_value::<ReminderEvent>(event) else {
        tracing::warn!("a reminder event without booking_id: dropped");
        return Ok(Fired::NoBooking);
    };
    // An id that no booking can have names none.
    let Ok(booking_id) = BookingId::parse(&event.booking_id) else {
        return Ok(Fired::NoBooking);
    };
    let fired = fire(&app.context, &*app.store, &booking_id).await?;
    tracing::info!(booking_id = %event.booking_id, ?fired, "reminder fired");
    Ok(fired)
}

/// The whole life of the reminder Lambda.
pub async fn run() -> Result<(), lambda_http::Error> {
    crate::init_tracing();
    let app = crate::start("reminder", crate::app_builder(crate::aws_config().await)).await?;
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let app = Arc::clone(&app);
        async move {
            handle(&*app.current().await, event.payload)
                .await
                .map(|fired| format!("{fired:?}"))
                .map_err(lambda_http::Error::from)
        }
    }))
    .await
}
