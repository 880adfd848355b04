//! "Le tue prenotazioni": the answer to "my bookings". A booking still waiting for confirmation
//! (its facts carry `confirm_by`) is listed with its confirmation link and deadline, so that a
//! citizen who lost the first message can still confirm.

use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, office_with_address, sms_message, sms_text};
use super::texts::texts;
use crate::doc::Doc;
use crate::facts::BookingFacts;
use crate::format;
use crate::message::Message;

/// "Le tue prenotazioni": every future booking with its page (`bookings` pairs the facts with the
/// page URL), in time order. By SMS only the first fits: the text says how many there are, and
/// [`bookings_list_sms_all`] gives one SMS per booking. The city is taken from the bookings; with
/// none, the sender is plain "Prenota" (use [`bookings_list_in`] to name the city).
pub fn bookings_list(
    lang: Lang,
    contact: &Contact,
    bookings: &[(BookingFacts, String)],
    new_booking_url: &str,
) -> Message {
    let city = bookings.first().map_or("", |(facts, _)| facts.city.as_str());
    bookings_list_in(city, lang, contact, bookings, new_booking_url)
}

/// [`bookings_list`] for `city` ("Comune di Bergamo"), which also names the sender when the list is
/// empty.
pub fn bookings_list_in(
    city: &str,
    lang: Lang,
    contact: &Contact,
    bookings: &[(BookingFacts, String)],
    new_booking_url: &str,
) -> Message {
    let bookings = in_time_order(bookings);
    match contact {
        Contact::Sms(_) => match bookings.as_slice() {
            [] => no_bookings_sms(lang, contact, city, new_booking_url),
            [(facts, url)] => booking_sms_of_list(lang, contact, facts, url, None),
            [(facts, url), ..] => booking_sms_of_list(lang, contact, facts, url, Some((0, bookings.len()))),
        },
        Contact::Email(_) => email(city, lang, contact, &bookings, new_booking_url),
    }
}

/// By SMS: one message per booking, in time order ("prenotazione 2 di 3"), or the single "no
/// bookings" SMS. By e-mail: the one [`bookings_list`] e-mail.
pub fn bookings_list_sms_all(
    lang: Lang,
    contact: &Contact,
    bookings: &[(BookingFacts, String)],
    new_booking_url: &str,
) -> Vec<Message> {
    if matches!(contact, Contact::Email(_)) || bookings.is_empty() {
        return vec![bookings_list(lang, contact, bookings, new_booking_url)];
    }
    let bookings = in_time_order(bookings);
    let total = bookings.len();
    bookings
        .iter()
        .enumerate()
        .map(|(index, (facts, url))| {
            let position = (total > 1).then_some((index + 1, total));
            booking_sms_of_list(lang, contact, facts, url, position)
        })
        .collect()
}

fn in_time_order(bookings: &[(BookingFacts, String)]) -> Vec<&(BookingFacts, String)> {
    let mut sorted: Vec<_> = bookings.iter().collect();
    sorted.sort_by_key(|(facts, _)| facts.starts_at);
    sorted
}

fn email(
    city: &str,
    lang: Lang,
    contact: &Contact,
    bookings: &[&(BookingFacts, String)],
    new_booking_url: &str,
) -> Message {
    let t = texts(lang);
    let mut doc = Doc::new(lang, city);
    doc.para(t.greeting);
    if bookings.is_empty() {
        doc.para(t.list_none);
        doc.button(t.list_book, new_booking_url);
    } else {
        doc.para(match bookings.len() {
            1 => t.list_one.to_owned(),
            n => fill(t.list_many, &[("count", &n.to_string())]),
        });
        for (facts, url) in bookings {
            doc.heading(format!(
                "{}, {}",
                format::date_long(lang, facts.date),
                format::time_range(facts.start, facts.end)
            ));
            doc.summary(vec![
                (t.label_service.to_owned(), facts.service_name.clone()),
                (t.label_office.to_owned(), office_with_address(facts)),
                (t.label_code.to_owned(), format::short_code(&facts.short_code)),
            ]);
            match facts.confirm_by {
                Some(deadline) => {
                    let deadline = format::deadline(lang, deadline);
                    doc.para(fill(t.list_pending, &[("deadline", &deadline)]));
                    doc.link(t.list_confirm_link, url);
                }
                None => doc.link(t.list_link, url),
            }
        }
        doc.button(t.new_booking, new_booking_url);
    }
    doc.small(t.list_why);
    email_message(contact, doc, t.list_subject)
}

fn no_bookings_sms(lang: Lang, contact: &Contact, city: &str, new_booking_url: &str) -> Message {
    let template = texts(lang).list_sms_none;
    let text = sms_text(
        city,
        &[],
        |brand, _| fill(template, &[("brand", brand), ("url", new_booking_url)]),
        || new_booking_url.to_owned(),
    );
    sms_message(contact, text)
}

/// One booking of the list. `position`: `(0, n)` for "you have n bookings, the first…",
/// `(i, n)` with i ≥ 1 for "booking i of n", `None` when it is the only one.
fn booking_sms_of_list(
    lang: Lang,
    contact: &Contact,
    facts: &BookingFacts,
    url: &str,
    position: Option<(usize, usize)>,
) -> Message {
    let t = texts(lang);
    if let Some(deadline) = facts.confirm_by {
        let deadline = format::deadline_time(deadline);
        let values = [("deadline", deadline.as_str()), ("url", url)];
        return booking_sms(
            facts,
            contact,
            t.list_sms_pending,
            t.list_sms_pending_short,
            &values,
        );
    }
    let template = match position {
        None => t.list_sms_only,
        Some((0, _)) => t.list_sms_first,
        Some(_) => t.list_sms_nth,
    };
    let (index, total) = position.unwrap_or_default();
    let (index, total) = (index.to_string(), total.to_string());
    let values = [("index", index.as_str()), ("total", &total), ("url", url)];
    booking_sms(facts, contact, template, t.list_sms_short, &values)
}
