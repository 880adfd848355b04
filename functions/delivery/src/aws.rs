//! SES v2 (e-mail) and SNS (SMS) transports for the Lambdas.

use async_trait::async_trait;
use aws_sdk_sesv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use aws_sdk_sns::types::MessageAttributeValue;
use prenota_core::BookingId;
use prenota_notify::{Email, EmailTransport, SendError, Sms, SmsTransport};

use crate::mail_from::{MailFrom, MailFromError};
use crate::recipient::Recipient;

/// A failed AWS call as the sender sees it. Only an answer about this message (`permanent`
/// codes: a refused address, a malformed number) is permanent; throttling, outages, timeouts and
/// account or configuration problems, which an operator can fix, leave the message for later.
fn classify<E, R>(error: SdkError<E, R>, permanent: &[&str]) -> SendError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let is_permanent = matches!(&error, SdkError::ServiceError(_))
        && error.code().is_some_and(|code| permanent.contains(&code));
    let text = DisplayErrorContext(error).to_string();
    if is_permanent {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

pub struct SesTransport {
    client: aws_sdk_sesv2::Client,
    from: MailFrom,
    configuration_set: Option<String>,
}

impl SesTransport {
    /// `from` (`Name <address>` or an address) must be a verified SES identity; the
    /// configuration set, when given, records sending events.
    pub fn new(
        client: aws_sdk_sesv2::Client,
        from: &str,
        configuration_set: Option<String>,
    ) -> Result<Self, MailFromError> {
        Ok(Self {
            client,
            from: MailFrom::parse(from)?,
            configuration_set,
        })
    }
}

#[async_trait]
impl EmailTransport for SesTransport {
    async fn send_email(&self, email: &Email, outbox_id: &str) -> Result<String, SendError> {
        // SES takes ASCII addresses only: a domain as punycode, and no SMTPUTF8.
        let recipient = Recipient::parse(&email.to)?;
        if !recipient.ascii_local_part {
            return Err(SendError::Permanent(
                "SES does not take addresses whose local part is not ASCII (no SMTPUTF8)".to_owned(),
            ));
        }
        let email = recipient.readdress(email);
        let mime = email
            .to_mime(&self.from.header, outbox_id)
            .map_err(|error| SendError::Permanent(error.to_string()))?;
        let raw = RawMessage::builder()
            .data(Blob::new(mime))
            .build()
            .map_err(|error| SendError::Permanent(error.to_string()))?;
        let sent = self
            .client
            .send_email()
            .from_email_address(self.from.address.to_string())
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|error| classify(error, &["MessageRejected", "BadRequestException"]))?;
        Ok(sent.message_id().unwrap_or_default().to_owned())
    }
}

pub struct SnsTransport {
    client: aws_sdk_sns::Client,
    sender_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("PRENOTA_SMS_SENDER_ID={0:?} must be 1 to 11 letters and digits, with at least one letter")]
pub struct SenderIdError(String);

impl SnsTransport {
    /// `sender_id` is the alphanumeric sender shown on the phone (Italy accepts them).
    pub fn new(client: aws_sdk_sns::Client, sender_id: Option<String>) -> Result<Self, SenderIdError> {
        if let Some(id) = &sender_id {
            let valid = (1..=11).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric())
                && id.bytes().any(|b| b.is_ascii_alphabetic());
            if !valid {
                return Err(SenderIdError(id.clone()));
            }
        }
        Ok(Self { client, sender_id })
    }
}

fn text_attribute(value: &str) -> Result<MessageAttributeValue, SendError> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|error| SendError::Permanent(error.to_string()))
}

#[async_trait]
impl SmsTransport for SnsTransport {
    async fn send_sms(&self, sms: &Sms, _outbox_id: &str) -> Result<String, SendError> {
        let mut publish = self
            .client
            .publish()
            .phone_number(&sms.to)
            .message(&sms.text)
            // Transactional: delivered first and to numbers that opted out of promotions.
            .message_attributes("AWS.SNS.SMS.SMSType", text_attribute("Transactional")?);
        if let Some(id) = &self.sender_id {
            publish = publish.message_attributes("AWS.SNS.SMS.SenderID", text_attribute(id)?);
        }
        let sent = publish
            .send()
            .await
            .map_err(|error| classify(error, &["InvalidParameter", "InvalidParameterValue"]))?;
        Ok(sent.message_id().unwrap_or_default().to_owned())
    }
}

/// Reminders as EventBridge Scheduler one-time schedules, one per booking, named after it, in the
/// installation's group; each invokes the `reminder` Lambda with `{"booking_id": …}` and deletes
/// itself once it has run.
pub struct EventBridgeReminders {
    client: aws_sdk_scheduler::Client,
    group: String,
    /// The `reminder` Lambda's ARN, and the role the Scheduler assumes to invoke it.
    target_arn: String,
    role_arn: String,
}

impl EventBridgeReminders {
    pub fn new(
        client: aws_sdk_scheduler::Client,
        group: String,
        target_arn: String,
        role_arn: String,
    ) -> Self {
        Self {
            client,
            group,
            target_arn,
            role_arn,
        }
    }
}

/// `at(…)` in Europe/Rome wall-clock time, as the schedule's time zone reads it.
fn at_expression(at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "at({})",
        prenota_core::calendar::local(at).format("%Y-%m-%dT%H:%M:%S")
    )
}

#[async_trait]
impl prenota_notify::ReminderScheduler for EventBridgeReminders {
    async fn schedule(
        &self,
        booking_id: &BookingId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, SendError> {
        use aws_sdk_scheduler::types::{
            ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target,
        };
        let permanent = |error: aws_sdk_scheduler::error::BuildError| SendError::Permanent(error.to_string());
        let input = serde_json::json!({ "booking_id": booking_id }).to_string();
        let target = Target::builder()
            .arn(&self.target_arn)
            .role_arn(&self.role_arn)
            .input(input)
            .build()
            .map_err(permanent)?;
        let window = FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(permanent)?;
        let created = self
            .client
            .create_schedule()
            .name(booking_id.as_str())
            .group_name(&self.group)
            .schedule_expression(at_expression(at))
            .schedule_expression_timezone("Europe/Rome")
            .flexible_time_window(window.clone())
            .action_after_completion(ActionAfterCompletion::Delete)
            .target(target.clone())
            .send()
            .await;
        match created {
            Ok(output) => Ok(output.schedule_arn().to_owned()),
            // The name is the booking's: set by an earlier try (the same time again), or the
            // booking moved (its new time). Either way the schedule is set to this one.
            Err(error) if error.code() == Some("ConflictException") => {
                let updated = self
                    .client
                    .update_schedule()
                    .name(booking_id.as_str())
                    .group_name(&self.group)
                    .schedule_expression(at_expression(at))
                    .schedule_expression_timezone("Europe/Rome")
                    .flexible_time_window(window)
                    .action_after_completion(ActionAfterCompletion::Delete)
                    .target(target)
                    .send()
                    .await;
                match updated {
                    Ok(output) => Ok(output.schedule_arn().to_owned()),
                    Err(error) => Err(classify(error, &["ValidationException"])),
                }
            }
            Err(error) => Err(classify(error, &["ValidationException"])),
        }
    }

    async fn unschedule(&self, booking_id: &BookingId) -> Result<String, SendError> {
        let deleted = self
            .client
            .delete_schedule()
            .name(booking_id.as_str())
            .group_name(&self.group)
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(format!("deleted {booking_id}")),
            // Never set (confirmed less than a day ahead), or already run or deleted.
            Err(error) if error.code() == Some("ResourceNotFoundException") => {
                Ok(format!("none set: {booking_id}"))
            }
            Err(error) => Err(classify(error, &["ValidationException"])),
        }
    }
}
