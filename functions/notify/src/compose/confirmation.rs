//! "Conferma la tua prenotazione": the first message, with the link that confirms the booking.

use chrono::{DateTime, Utc};
use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::format;
use crate::message::Message;

/// "Conferma la tua prenotazione": the link to confirm, the deadline and the summary.
pub fn confirmation_request(
    facts: &BookingFacts,
    contact: &Contact,
    confirm_url: &str,
    confirm_by: DateTime<Utc>,
) -> Message {
    let t = texts(facts.lang);
    match contact {
        Contact::Sms(_) => {
            let deadline = format::deadline_time(confirm_by);
            let values = [("deadline", deadline.as_str()), ("url", confirm_url)];
            booking_sms(facts, contact, t.confirm_sms, t.confirm_sms_short, &values)
        }
        Contact::Email(_) => {
            let deadline = format::deadline(facts.lang, confirm_by);
            let mut doc = letter(facts);
            doc.para(fill(t.confirm_intro, &[("deadline", &deadline)]));
            doc.button(t.confirm_button, confirm_url);
            doc.heading(t.confirm_summary_heading);
            doc.summary(summary_rows(facts, false));
            doc.para(t.confirm_in_time);
            doc.small(t.confirm_not_you);
            email_message(contact, doc, t.confirm_subject)
        }
    }
}
