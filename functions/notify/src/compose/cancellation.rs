//! "Prenotazione annullata".

use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::format;
use crate::message::Message;

/// The booking was cancelled; `new_booking_url` starts a new one.
pub fn cancellation_notice(facts: &BookingFacts, contact: &Contact, new_booking_url: &str) -> Message {
    let t = texts(facts.lang);
    let code = format::short_code(&facts.short_code);
    let values = [("code", code.as_str()), ("url", new_booking_url)];
    match contact {
        Contact::Sms(_) => booking_sms(facts, contact, t.cancelled_sms, t.cancelled_sms_short, &values),
        Contact::Email(_) => {
            let mut doc = letter(facts);
            doc.para(fill(t.cancelled_intro, &values));
            doc.summary(summary_rows(facts, true));
            doc.para(t.cancelled_free);
            doc.button(t.new_booking, new_booking_url);
            email_message(contact, doc, t.cancelled_subject)
        }
    }
}
