//! What the messages share: the opening and the summary of an e-mail, the skeleton of an SMS.

use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::texts::texts;
use crate::doc::Doc;
use crate::facts::BookingFacts;
use crate::message::{Email, Message, Sms};
use crate::{format, sms};

/// An e-mail about `facts`, in its language and from its city, opened with the greeting.
pub(super) fn letter(facts: &BookingFacts) -> Doc {
    let t = texts(facts.lang);
    let mut doc = Doc::new(facts.lang, &facts.city);
    match facts
        .person_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        Some(name) => doc.para(fill(t.greeting_named, &[("name", name)])),
        None => doc.para(t.greeting),
    }
    doc
}

/// "Ufficio 3" and its address, on two lines.
pub(super) fn office_with_address(facts: &BookingFacts) -> String {
    format!("{}\n{}", facts.office_name, facts.office_address)
}

/// The rows of a booking's summary: its code (`with_code`), service, office, date and time.
pub(super) fn summary_rows(facts: &BookingFacts, with_code: bool) -> Vec<(String, String)> {
    let lang = facts.lang;
    let t = texts(lang);
    let mut rows = Vec::with_capacity(5);
    if with_code {
        rows.push((
            t.label_booking_code.to_owned(),
            format::short_code(&facts.short_code),
        ));
    }
    rows.extend([
        (t.label_service.to_owned(), facts.service_name.clone()),
        (t.label_office.to_owned(), office_with_address(facts)),
        (t.label_date.to_owned(), format::date_long(lang, facts.date)),
    ]);
    if facts.household.is_empty() {
        rows.push((
            t.label_time.to_owned(),
            format::time_range(facts.start, facts.end),
        ));
    } else {
        rows.extend(household_rows(facts));
    }
    rows
}

/// A household's people, each with their time: "Luca Rossi" — "09:20–09:40".
pub(super) fn household_rows(facts: &BookingFacts) -> Vec<(String, String)> {
    let t = texts(facts.lang);
    facts
        .household
        .iter()
        .enumerate()
        .map(|(n, member)| {
            let number = (n + 1).to_string();
            let label = member
                .name
                .clone()
                .unwrap_or_else(|| fill(t.label_person, &[("n", &number)]));
            (label, format::time_range(member.start, member.end))
        })
        .collect()
}

/// The SMS about one booking, in one GSM-7 segment: `template` filled with `{brand}`, `{service}`,
/// `{office}`, `{when}` and `values` (see [`sms_text`]); `fallback`, filled with `{when}` and
/// `values`, when even that does not fit.
pub(super) fn booking_sms(
    facts: &BookingFacts,
    contact: &Contact,
    template: &str,
    fallback: &str,
    values: &[(&str, &str)],
) -> Message {
    let when = sms_when(facts);
    let text = sms_text(
        &facts.city,
        &[&facts.service_name, &facts.office_name],
        |brand, names| {
            let mut all = vec![
                ("brand", brand),
                ("service", names[0].as_str()),
                ("office", names[1].as_str()),
                ("when", when.as_str()),
            ];
            all.extend_from_slice(values);
            fill(template, &all)
        },
        || {
            let mut all = vec![("when", when.as_str())];
            all.extend_from_slice(values);
            fill(fallback, &all)
        },
    );
    sms_message(contact, text)
}

/// `doc` as an e-mail to `contact`, its subject `subject` after the brand.
pub(super) fn email_message(contact: &Contact, doc: Doc, subject: &str) -> Message {
    let rendered = doc.render(subject);
    Message::Email(Email {
        to: contact.address().to_owned(),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        qr_png: None,
        more_qr_pngs: Vec::new(),
        ics: None,
    })
}

pub(super) fn sms_message(contact: &Contact, text: String) -> Message {
    Message::Sms(Sms {
        to: contact.address().to_owned(),
        text,
    })
}

/// "1/12 09:15" / "1 Dec 09:15"; for a household, from its first time and for how many: "1/12
/// 09:15, 3 persone".
fn sms_when(facts: &BookingFacts) -> String {
    let start = facts.household.first().map_or(facts.start, |first| first.start);
    let when = format!(
        "{} {}",
        format::date_short(facts.lang, facts.date),
        format::time(start)
    );
    match facts.household.len() {
        0 | 1 => when,
        people => fill(
            texts(facts.lang).sms_household,
            &[("when", &when), ("people", &people.to_string())],
        ),
    }
}

/// The SMS in one GSM-7 segment: names shortened as needed; if even that is not enough the brand
/// becomes "Prenota", and as a last resort `fallback` (which keeps the link) is sent.
pub(super) fn sms_text(
    city: &str,
    names: &[&str],
    render: impl Fn(&str, &[String]) -> String,
    fallback: impl Fn() -> String,
) -> String {
    let brand = sms::clean_name(&format::brand(city));
    for brand in [brand.as_str(), "Prenota"] {
        if let Some(text) = sms::fit_one_segment(names, |names| render(brand, names)) {
            return text;
        }
    }
    sms::to_gsm7(&fallback())
}
