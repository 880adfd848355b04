//! "Prenotazioni confermate": one message for a household booking once confirmed — each person's
//! QR code, booking code, time and page in one e-mail; in one SMS the count and the first person's
//! page, which links the others.

use prenota_core::contact::Contact;
use prenota_core::texts::fill;

use super::parts::{booking_sms, email_message, letter, summary_rows};
use super::texts::texts;
use crate::facts::BookingFacts;
use crate::message::{Message, qr_content_id};
use crate::{format, ics, qr};

/// One person of a confirmed household: their booking's facts, page and check-in token.
#[derive(Clone, Copy)]
pub struct ConfirmedMember<'a> {
    pub facts: &'a BookingFacts,
    pub page_url: &'a str,
    pub checkin_token: &'a str,
}

/// The one message that confirms a household's bookings, to their one contact. `members` in the
/// household's order; the first one's facts open the letter and name the whole household.
pub fn household_confirmed(members: &[ConfirmedMember<'_>], contact: &Contact) -> Message {
    let Some(first) = members.first() else {
        unreachable!("a household has at least its first person")
    };
    let t = texts(first.facts.lang);
    let people = members.len().to_string();
    match contact {
        Contact::Sms(_) => {
            let code = format::short_code(&first.facts.short_code);
            let values = [
                ("code", code.as_str()),
                ("url", first.page_url),
                ("people", people.as_str()),
            ];
            booking_sms(
                first.facts,
                contact,
                t.household_confirmed_sms,
                t.household_confirmed_sms_short,
                &values,
            )
        }
        Contact::Email(_) => email(members, contact, &people),
    }
}

fn email(members: &[ConfirmedMember<'_>], contact: &Contact, people: &str) -> Message {
    let first = &members[0];
    let facts = first.facts;
    let t = texts(facts.lang);
    let mut doc = letter(facts);
    doc.para(fill(t.household_confirmed_intro, &[("people", people)]));
    doc.summary(summary_rows(facts, false));
    let mut pngs = Vec::with_capacity(members.len());
    for member in members {
        let member_facts = member.facts;
        let code = format::short_code(&member_facts.short_code);
        let name = member_facts.person_name.clone().unwrap_or_else(|| code.clone());
        doc.heading(name.clone());
        // A token too long for a QR code cannot come from `checkin::sign`; the code still works.
        if let Ok(png) = qr::try_png(member.checkin_token) {
            doc.qr(
                &format!("cid:{}", qr_content_id(pngs.len())),
                fill(t.qr_alt, &[("code", &code)]),
                t.household_qr_note,
            );
            pngs.push(png);
        }
        doc.summary(vec![
            (t.label_booking_code.to_owned(), code),
            (
                t.label_time.to_owned(),
                format::time_range(member_facts.start, member_facts.end),
            ),
        ]);
        doc.button(
            &fill(t.household_view_booking, &[("name", &name)]),
            member.page_url,
        );
    }
    doc.list_section(t.bring_heading, &facts.what_to_bring);
    doc.text_section(t.access_heading, &facts.access_rules);
    doc.text_section(t.terms_heading, &facts.terms);
    doc.para(t.confirmed_page);
    doc.small(t.confirmed_one_person);
    let mut message = email_message(contact, doc, t.household_confirmed_subject);
    if let Message::Email(email) = &mut message {
        let mut pngs = pngs.into_iter();
        email.qr_png = pngs.next();
        email.more_qr_pngs = pngs.collect();
        // One calendar event for the household's visit: from the first time to the last.
        let last = members.last().map_or(facts, |member| member.facts);
        let visit = BookingFacts {
            end: last.end,
            ends_at: last.ends_at,
            ..facts.clone()
        };
        email.ics = Some(ics::event(&visit, first.page_url));
    }
    message
}

#[cfg(test)]
mod tests {
    use prenota_core::catalogue::Lang;

    use super::*;
    use crate::compose::tests::{HOST, base, email_contact, link, sms_contact};
    use crate::facts::HouseholdMember;
    use crate::sms;

    fn member(facts: &BookingFacts, name: &str, code: &str) -> BookingFacts {
        BookingFacts {
            person_name: Some(name.to_owned()),
            short_code: code.to_owned(),
            ..facts.clone()
        }
    }

    #[test]
    fn one_email_lists_everyone_with_their_qr_code_and_page() {
        for lang in [Lang::It, Lang::En] {
            let facts = base(lang);
            let names = ["Maria Rossi", "Luca Rossi", "Anna Rossi"];
            let household: Vec<HouseholdMember> = names
                .iter()
                .map(|name| HouseholdMember {
                    name: Some((*name).to_owned()),
                    start: facts.start,
                    end: facts.end,
                    page_url: None,
                })
                .collect();
            let people: Vec<BookingFacts> = names
                .iter()
                .zip(["K7MX4QPR", "H3NW8TZA", "B9QC2RLM"])
                .map(|(name, code)| BookingFacts {
                    household: household.clone(),
                    ..member(&facts, name, code)
                })
                .collect();
            let urls: Vec<String> = ['A', 'B', 'C']
                .iter()
                .map(|seed| link(HOST, "p", *seed))
                .collect();
            let members: Vec<ConfirmedMember<'_>> = people
                .iter()
                .zip(&urls)
                .map(|(facts, url)| ConfirmedMember {
                    facts,
                    page_url: url,
                    checkin_token: "PRN1.eyJ0ZXN0Ijp0cnVlfQ.c2lnbmF0dXJl",
                })
                .collect();
            let Message::Email(email) = household_confirmed(&members, &email_contact()) else {
                panic!("an e-mail contact gets an e-mail")
            };
            for expected in names.iter().copied().chain(urls.iter().map(String::as_str)) {
                assert!(email.text.contains(expected), "{expected} in {}", email.text);
            }
            for code in ["K7MX-4QPR", "H3NW-8TZA", "B9QC-2RLM"] {
                assert!(email.text.contains(code), "{code}");
            }
            assert!(email.qr_png.is_some());
            assert_eq!(email.more_qr_pngs.len(), 2, "a QR code for each person");
            assert!(email.html.contains("cid:qr-3@prenota"));
            assert!(email.subject.ends_with(match lang {
                Lang::It => "Prenotazioni confermate",
                Lang::En => "Bookings confirmed",
            }));
            let Message::Sms(text) = household_confirmed(&members, &sms_contact()) else {
                panic!("an SMS contact gets an SMS")
            };
            assert_eq!(sms::segments(&text.text), Some(1));
            assert!(
                text.text.contains(&urls[0]),
                "the first person's page lists the others"
            );
            assert!(text.text.contains(match lang {
                Lang::It => "3 persone",
                Lang::En => "3 people",
            }));
        }
    }
}
