//! The reminder, the day before the appointment.

use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::format;
use crate::message::Message;

/// The day-before reminder, with the booking page (where it can be cancelled).
pub fn reminder(facts: &BookingFacts, contact: &Contact, page_url: &str) -> Message {
    let lang = facts.lang;
    let t = texts(lang);
    match contact {
        Contact::Sms(_) => booking_sms(
            facts,
            contact,
            t.reminder_sms,
            t.reminder_sms_short,
            &[("url", page_url)],
        ),
        Contact::Email(_) => {
            let date = format::date_long(lang, facts.date);
            let time = format::time(facts.start);
            let code = format::short_code(&facts.short_code);
            let values = [("date", date.as_str()), ("time", &time), ("code", &code)];
            let mut doc = letter(facts);
            doc.para(fill(t.reminder_intro, &values));
            doc.summary(summary_rows(facts, true));
            doc.list_section(t.bring_heading, &facts.what_to_bring);
            doc.button(t.view_booking, page_url);
            doc.para(t.reminder_cancel);
            email_message(contact, doc, &fill(t.reminder_subject, &values))
        }
    }
}
