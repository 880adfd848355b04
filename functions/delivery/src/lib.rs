//! How Prenota's messages leave. [`sender::Sender`] delivers one outbox message through the
//! transports of `prenota-notify`'s narrow traits; [`poll`] runs it on one machine. Transports:
//! the local outbox (one machine, default), SMTP (`smtp` feature: a town's own mail server),
//! SES v2 and SNS (`aws` feature: the Lambdas).

#[cfg(feature = "aws")]
pub mod aws;
pub mod local;
pub mod mail_from;
pub mod poll;
pub mod recipient;
pub mod reminders;
pub mod sender;
#[cfg(feature = "smtp")]
pub mod smtp;
#[cfg(feature = "testing")]
pub mod testing;

pub use sender::{DEFAULT_SMS_PER_HOUR, Delivered, RetryPolicy, Sender, Transports, sms_per_hour_setting};
