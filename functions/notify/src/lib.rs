//! What Prenota tells citizens, by e-mail and by SMS, in Italian and English.

pub mod compose;
pub mod doc;
pub mod facts;
pub mod format;
pub mod ics;
pub mod message;
pub mod qr;
pub mod sms;
pub mod transport;

#[cfg(test)]
pub(crate) mod testing;

pub use facts::BookingFacts;
pub use message::{Email, Message, MessageError, Sms};
pub use transport::{EmailTransport, ReminderScheduler, SendError, SmsTransport};
