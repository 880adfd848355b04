//! The `sender` Lambda: fed by the table's DynamoDB stream, it delivers each new outbox message
//! through SES v2 or SNS. Invoked with `{"task": "sample-first-free"}` (the hourly schedule), it
//! samples each service's first free slot for the statistics
//! (`usecases::statistics::sample_first_free`): the one figure that cannot be counted afterwards,
//! and the sender is already the function that runs on a schedule with the table's writes. Invoked
//! by anything else (the schedule that sweeps every few minutes), it delivers whatever is still
//! pending: a message whose stream record was given up on (dead-letter queue after the stream's
//! retries) still leaves once the service is back.
//!
//! Variables, besides those of [`crate::app_from`]: `PRENOTA_MAIL_FROM` (a verified SES identity,
//! `Name <address>`), `PRENOTA_SES_CONFIGURATION_SET` and `PRENOTA_SMS_SENDER_ID` (optional),
//! `PRENOTA_SCHEDULE_GROUP`, `PRENOTA_REMINDER_FUNCTION_ARN` and `PRENOTA_SCHEDULER_ROLE_ARN`
//! (the reminders' EventBridge Scheduler group, target and role).

use std::sync::Arc;

use crate::environment::required;
use lambda_http::{LambdaEvent, service_fn};
use prenota_delivery::aws::{EventBridgeReminders, SesTransport, SnsTransport};
use prenota_delivery::{Delivered, RetryPolicy, Sender, Transports};
use prenota_store::MessageId;
use prenota_usecases::Failure;
use prenota_usecases::settings::env_var as var;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Messages delivered by one sweep.
const SWEEP_BATCH: usize = 100;

/// The `task` of the hourly schedule's input (infra/functions.json, `sample`).
pub const SAMPLE_FIRST_FREE: &str = "sample-first-free";

/// The part of a DynamoDB stream event the sender reads.
#[derive(Debug, Deserialize)]
struct StreamEvent {
    #[serde(rename = "Records")]
    records: Vec<StreamRecord>,
}

#[derive(Debug, Deserialize)]
struct StreamRecord {
    #[serde(rename = "eventName", default)]
    event_name: String,
    dynamodb: StreamChange,
}

#[derive(Debug, Deserialize)]
struct StreamChange {
    #[serde(rename = "Keys")]
    keys: Value,
    #[serde(rename = "SequenceNumber", default)]
    sequence_number: String,
}

/// The partial batch response: the stream retries from the first record named here.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub failures: Vec<ItemFailure>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

/// The outbox id of a stream record about a newly queued message; `None` for every other change
/// (bookings, seats, and the sender's own "sent" and "failed" marks).
fn queued_message(record: &StreamRecord) -> Option<MessageId> {
    if record.event_name != "INSERT" {
        return None;
    }
    let id = record.dynamodb.keys["pk"]["S"]
        .as_str()?
        .strip_prefix("OUTBOX#")?;
    Some(MessageId::new(id))
}

/// One invocation: the hourly sample, a stream batch, or a sweep. Only the sample can fail: a
/// message that cannot be delivered is retried (by the stream, or the next sweep), while a sample
/// that cannot be taken is an hour missing from the statistics, so the invocation fails and shows
/// in the function's errors (and its alarm).
pub async fn handle(sender: &Sender, event: Value) -> Result<BatchResponse, Failure> {
    if event.get("task").and_then(Value::as_str) == Some(SAMPLE_FIRST_FREE) {
        sample_first_free(sender).await?;
        return Ok(BatchResponse::default());
    }
    let Ok(stream) = serde_json::from_value::<StreamEvent>(event) else {
        sweep(sender).await;
        return Ok(BatchResponse::default());
    };
    let mut response = BatchResponse::default();
    for record in &stream.records {
        let Some(id) = queued_message(record) else {
            continue;
        };
        let retry = match sender.deliver(&id).await {
            Ok(Delivered::Later(_)) => true,
            Ok(_) => false,
            Err(error) => {
                tracing::error!(%id, %error, "delivery not recorded");
                true
            }
        };
        if retry {
            // Records after this one are retried too, and find their messages already sent.
            response.failures.push(ItemFailure {
                item_identifier: record.dynamodb.sequence_number.clone(),
            });
            break;
        }
    }
    Ok(response)
}

/// One sample per offering of the catalogue in use, written to the table.
async fn sample_first_free(sender: &Sender) -> Result<usize, Failure> {
    let app = sender.app();
    match prenota_usecases::statistics::sample_first_free(&app.context, &*app.store).await {
        Ok(kept) => {
            tracing::info!(samples = kept, "first free slots sampled");
            Ok(kept)
        }
        Err(error) => {
            tracing::error!(%error, "the first free slots could not be sampled");
            Err(error)
        }
    }
}

async fn sweep(sender: &Sender) {
    for message in sender.pending(SWEEP_BATCH).await {
        sender.deliver_logged(&message.id).await;
    }
}

/// SES and SNS transports from the environment and the loaded AWS configuration.
pub fn transports_from(config: &aws_config::SdkConfig) -> anyhow::Result<Transports> {
    let from = required(
        &var,
        "PRENOTA_MAIL_FROM",
        "the verified SES identity the e-mails come from, e.g. \"Prenota Bergamo <prenota@comune.bergamo.it>\"",
    )?;
    let email = SesTransport::new(
        aws_sdk_sesv2::Client::new(config),
        &from,
        var("PRENOTA_SES_CONFIGURATION_SET"),
    )?;
    let sms = SnsTransport::new(aws_sdk_sns::Client::new(config), var("PRENOTA_SMS_SENDER_ID"))?;
    let reminders = EventBridgeReminders::new(
        aws_sdk_scheduler::Client::new(config),
        required(
            &var,
            "PRENOTA_SCHEDULE_GROUP",
            "the EventBridge Scheduler group of the reminders",
        )?,
        required(
            &var,
            "PRENOTA_REMINDER_FUNCTION_ARN",
            "the ARN of the reminder Lambda",
        )?,
        required(
            &var,
            "PRENOTA_SCHEDULER_ROLE_ARN",
            "the role EventBridge Scheduler assumes to invoke the reminder Lambda",
        )?,
    );
    Ok(Transports {
        email: Arc::new(email),
        sms: Arc::new(sms),
        reminders: Arc::new(reminders),
    })
}

/// The whole life of the sender Lambda. The transports are built once; the app they serve (the
/// catalogue, the secrets, the public URL in the messages) is read again while warm.
pub async fn run() -> Result<(), lambda_http::Error> {
    crate::init_tracing();
    let config = crate::aws_config().await;
    let transports = transports_from(&config).map_err(|error| crate::start_up_failed("sender", error))?;
    let sms_per_hour = prenota_delivery::sms_per_hour_setting(var)
        .map_err(|error| crate::start_up_failed("sender", anyhow::anyhow!(error)))?;
    let build_app = crate::app_builder(config);
    let sender = crate::start("sender", move || {
        let (app, transports) = (build_app(), transports.clone());
        async move {
            anyhow::Ok(
                Sender::new(Arc::new(app.await?), transports, RetryPolicy::default())
                    .with_sms_per_hour(sms_per_hour),
            )
        }
    })
    .await?;
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let sender = Arc::clone(&sender);
        async move {
            handle(&*sender.current().await, event.payload)
                .await
                .map_err(lambda_http::Error::from)
        }
    }))
    .await
}
