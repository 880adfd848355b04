//! "Prenotazione non registrata": the details step was refused by a quota. The citizen is told on
//! their own channel, never on the screen, so that the screen tells a stranger nothing about what a
//! contact has booked.

use prenota_core::contact::Contact;
use prenota_core::quota::QuotaExceeded;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::message::Message;

/// The booking of `facts` was not made because of `rule` (`max_active` is the limit of active
/// bookings); `my_bookings_url` opens "Le mie prenotazioni".
pub fn quota_notice(
    facts: &BookingFacts,
    contact: &Contact,
    rule: QuotaExceeded,
    max_active: u32,
    my_bookings_url: &str,
) -> Message {
    let t = texts(facts.lang);
    let max = max_active.to_string();
    let max = [("max", max.as_str())];
    match contact {
        Contact::Sms(_) => {
            let rule = match rule {
                QuotaExceeded::Active => fill(t.quota_rule_active_short, &max),
                QuotaExceeded::ServiceDay => t.quota_rule_day_short.to_owned(),
            };
            let values = [("rule", rule.as_str()), ("url", my_bookings_url)];
            booking_sms(facts, contact, t.quota_sms, t.quota_sms_short, &values)
        }
        Contact::Email(_) => {
            let mut doc = letter(facts);
            doc.para(t.quota_intro);
            doc.summary(summary_rows(facts, false));
            doc.para(match rule {
                QuotaExceeded::Active => fill(t.quota_active, &max),
                QuotaExceeded::ServiceDay => t.quota_service_day.to_owned(),
            });
            doc.button(t.quota_mine, my_bookings_url);
            doc.small(t.quota_not_you);
            email_message(contact, doc, t.quota_subject)
        }
    }
}
