//! "Confermi che verrai?" some days before the visit, for a service that asks, "Prenotazione
//! annullata: mancata conferma" when no answer came by the deadline, and "Ufficio chiuso" when the
//! office closes at the booking's time.

use chrono::{DateTime, Utc};
use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::format;
use crate::message::Message;

/// The question, with the booking page where "Confermo che verrò" is a button (a POST: a mail
/// scanner that follows the link confirms nothing) and the deadline.
pub fn reconfirm_request(
    facts: &BookingFacts,
    contact: &Contact,
    page_url: &str,
    deadline: DateTime<Utc>,
) -> Message {
    let lang = facts.lang;
    let t = texts(lang);
    match contact {
        Contact::Sms(_) => {
            let by = format::deadline_short(lang, deadline);
            let values = [("deadline", by.as_str()), ("url", page_url)];
            booking_sms(facts, contact, t.reconfirm_sms, t.reconfirm_sms_short, &values)
        }
        Contact::Email(_) => {
            let date = format::date_long(lang, facts.date);
            let time = format::time(facts.start);
            let by = format::deadline(lang, deadline);
            let values = [("date", date.as_str()), ("time", &time), ("deadline", &by)];
            let mut doc = letter(facts);
            doc.para(fill(t.reconfirm_intro, &values));
            doc.summary(summary_rows(facts, true));
            doc.button(t.reconfirm_button, page_url);
            doc.para(t.reconfirm_cannot);
            email_message(contact, doc, t.reconfirm_subject)
        }
    }
}

/// No answer by the deadline: the booking was released; `new_booking_url` starts a new one.
pub fn released_notice(facts: &BookingFacts, contact: &Contact, new_booking_url: &str) -> Message {
    let t = texts(facts.lang);
    let code = format::short_code(&facts.short_code);
    let values = [("code", code.as_str()), ("url", new_booking_url)];
    match contact {
        Contact::Sms(_) => booking_sms(facts, contact, t.released_sms, t.released_sms_short, &values),
        Contact::Email(_) => {
            let mut doc = letter(facts);
            doc.para(fill(t.released_intro, &values));
            doc.summary(summary_rows(facts, true));
            doc.button(t.new_booking, new_booking_url);
            email_message(contact, doc, t.released_subject)
        }
    }
}

/// The office closed at the booking's time (`reason`, in the citizen's language): an apology and
/// the booking's page, where another time is chosen ahead of others, or the booking cancelled.
pub fn displaced_notice(facts: &BookingFacts, contact: &Contact, page_url: &str, reason: &str) -> Message {
    let t = texts(facts.lang);
    let code = format::short_code(&facts.short_code);
    let values = [("code", code.as_str()), ("url", page_url), ("reason", reason)];
    match contact {
        // The reason is on the page: an SMS has room for the link only.
        Contact::Sms(_) => booking_sms(facts, contact, t.displaced_sms, t.displaced_sms_short, &values),
        Contact::Email(_) => {
            let mut doc = letter(facts);
            doc.para(fill(t.displaced_intro, &values));
            doc.para(fill(t.displaced_reason, &values));
            doc.summary(summary_rows(facts, true));
            doc.para(t.displaced_choose);
            doc.button(t.displaced_button, page_url);
            email_message(contact, doc, t.displaced_subject)
        }
    }
}
