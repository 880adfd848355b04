//! The waiting list's messages: the link that confirms a place ("Conferma l'iscrizione"), and the
//! offer of a freed seat, held for the citizen until a stated time.

use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, sms_message, sms_text, summary_rows};
use super::texts::texts;
use crate::doc::Doc;
use crate::facts::BookingFacts;
use crate::format;
use crate::message::Message;

/// What a place on the waiting list waits for, as its messages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingFacts {
    pub lang: Lang,
    pub city: String,
    pub service_name: String,
    /// The offices it may be offered a seat at, by name.
    pub office_names: Vec<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The link that confirms a place (a page whose button POSTs: a mail scanner confirms nothing),
/// and until when.
pub fn waiting_confirm(
    facts: &WaitingFacts,
    contact: &Contact,
    url: &str,
    deadline: DateTime<Utc>,
) -> Message {
    let lang = facts.lang;
    let t = texts(lang);
    let (from, to) = (
        format::date_short(lang, facts.from),
        format::date_short(lang, facts.to),
    );
    match contact {
        Contact::Sms(_) => {
            let by = format::deadline_short(lang, deadline);
            let values = [
                ("from", from.as_str()),
                ("to", &to),
                ("deadline", &by),
                ("url", url),
            ];
            let text = sms_text(
                &facts.city,
                &[&facts.service_name],
                |brand, names| {
                    let mut all = vec![("brand", brand), ("service", names[0].as_str())];
                    all.extend_from_slice(&values);
                    fill(t.waiting_confirm_sms, &all)
                },
                || fill(t.waiting_confirm_sms_short, &values),
            );
            sms_message(contact, text)
        }
        Contact::Email(_) => {
            let mut doc = Doc::new(lang, &facts.city);
            doc.para(t.greeting);
            let by = format::deadline(lang, deadline);
            doc.para(fill(t.waiting_confirm_intro, &[("deadline", &by)]));
            doc.summary(vec![
                (t.label_service.to_owned(), facts.service_name.clone()),
                (t.label_offices.to_owned(), facts.office_names.join("\n")),
                (
                    t.label_days.to_owned(),
                    fill(
                        t.waiting_days,
                        &[
                            ("from", &format::date_long(lang, facts.from)),
                            ("to", &format::date_long(lang, facts.to)),
                        ],
                    ),
                ),
            ]);
            doc.button(t.waiting_confirm_button, url);
            doc.para(t.waiting_how);
            email_message(contact, doc, t.waiting_confirm_subject)
        }
    }
}

/// A freed seat offered to a place: held for the citizen until `until`; `url` opens the wizard's
/// details step on the held seat.
pub fn waiting_offer(facts: &BookingFacts, contact: &Contact, url: &str, until: DateTime<Utc>) -> Message {
    let lang = facts.lang;
    let t = texts(lang);
    match contact {
        Contact::Sms(_) => {
            let by = format::deadline_short(lang, until);
            let values = [("deadline", by.as_str()), ("url", url)];
            booking_sms(
                facts,
                contact,
                t.waiting_offer_sms,
                t.waiting_offer_sms_short,
                &values,
            )
        }
        Contact::Email(_) => {
            let by = format::deadline(lang, until);
            let mut doc = letter(facts);
            doc.para(fill(t.waiting_offer_intro, &[("deadline", &by)]));
            doc.summary(summary_rows(facts, false));
            doc.button(t.waiting_offer_button, url);
            doc.para(t.waiting_offer_pass);
            email_message(contact, doc, t.waiting_offer_subject)
        }
    }
}
