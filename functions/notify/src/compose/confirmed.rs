//! "Prenotazione confermata" and "Appuntamento spostato": what to show at the counter and to know
//! before going, the second at the booking's new time.

use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::message::{Message, QR_CONTENT_ID};
use crate::{format, ics, qr};

/// Why the QR code is sent: what differs between the two messages.
#[derive(Clone, Copy)]
enum Why {
    Confirmed,
    Moved,
}

/// "Prenotazione confermata": the QR code of `checkin_token`, the short code, the summary, terms,
/// access rules, what to bring, the booking page and the `.ics`.
pub fn booking_confirmed(
    facts: &BookingFacts,
    contact: &Contact,
    page_url: &str,
    checkin_token: &str,
) -> Message {
    with_qr(Why::Confirmed, facts, contact, page_url, checkin_token)
}

/// "Appuntamento spostato": the same as [`booking_confirmed`], at the booking's new time, with the
/// new QR code (the check-in token names the slot).
pub fn booking_moved(
    facts: &BookingFacts,
    contact: &Contact,
    page_url: &str,
    checkin_token: &str,
) -> Message {
    with_qr(Why::Moved, facts, contact, page_url, checkin_token)
}

fn with_qr(
    why: Why,
    facts: &BookingFacts,
    contact: &Contact,
    page_url: &str,
    checkin_token: &str,
) -> Message {
    let t = texts(facts.lang);
    let code = format::short_code(&facts.short_code);
    match contact {
        Contact::Sms(_) => {
            let values = [("code", code.as_str()), ("url", page_url)];
            let (template, fallback) = match why {
                Why::Confirmed => (t.confirmed_sms, t.confirmed_sms_short),
                Why::Moved => (t.moved_sms, t.moved_sms_short),
            };
            booking_sms(facts, contact, template, fallback, &values)
        }
        Contact::Email(_) => email(why, facts, contact, page_url, checkin_token, &code),
    }
}

fn email(
    why: Why,
    facts: &BookingFacts,
    contact: &Contact,
    page_url: &str,
    checkin_token: &str,
    code: &str,
) -> Message {
    let t = texts(facts.lang);
    let (intro_qr, intro_no_qr, subject) = match why {
        Why::Confirmed => (t.confirmed_intro_qr, t.confirmed_intro_no_qr, t.confirmed_subject),
        Why::Moved => (t.moved_intro_qr, t.moved_intro_no_qr, t.moved_subject),
    };
    let code = [("code", code)];
    // A token too long for a QR code cannot come from `checkin::sign`; the short code still works.
    let qr_png = qr::try_png(checkin_token).ok();
    let mut doc = letter(facts);
    if qr_png.is_some() {
        doc.para(fill(intro_qr, &code));
        doc.qr(&format!("cid:{QR_CONTENT_ID}"), fill(t.qr_alt, &code), t.qr_note);
    } else {
        doc.para(fill(intro_no_qr, &code));
    }
    doc.summary(summary_rows(facts, true));
    doc.list_section(t.bring_heading, &facts.what_to_bring);
    doc.text_section(t.access_heading, &facts.access_rules);
    doc.text_section(t.terms_heading, &facts.terms);
    doc.button(t.view_booking, page_url);
    doc.para(t.confirmed_page);
    doc.small(t.confirmed_one_person);
    let mut message = email_message(contact, doc, subject);
    if let Message::Email(email) = &mut message {
        email.qr_png = qr_png;
        email.ics = Some(ics::event(facts, page_url));
    }
    message
}
