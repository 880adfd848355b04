//! Every message in every channel and language; `tests/golden.rs` holds them byte for byte.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;

use super::*;
use crate::facts::BookingFacts;
use crate::message::{Email, Message};
use crate::testing::facts;
use crate::{format, qr, sms};

/// The expected words in `lang`.
fn tr(lang: Lang, it: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

pub(super) const HOST: &str = "prenota.comune.bergamo.it";
pub(super) const LONG_HOST: &str = "servizi-online.prenotazioni.comune.bg.it";
const EMAIL: &str = "maria.rossi@example.it";
const MOBILE: &str = "+393331234567";

pub(super) fn link(host: &str, path: &str, seed: char) -> String {
    format!("https://{host}/{path}/{}", seed.to_string().repeat(20) + "_-")
}

pub(super) fn email_contact() -> Contact {
    Contact::parse(EMAIL).unwrap()
}

pub(super) fn sms_contact() -> Contact {
    Contact::parse("333 123 4567").unwrap()
}

pub(super) fn base(lang: Lang) -> BookingFacts {
    let mut facts = facts(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), (9, 15), (9, 30));
    facts.lang = lang;
    facts
}

/// 60-character names full of accents and typography outside GSM-7.
pub(super) fn long(lang: Lang) -> BookingFacts {
    let service = "Certificazióne anagrafica “storica” – residenza e stato civile…";
    let office = "Sportello polifunzionale Città Alta – Piazza Vecchia, ‘sede’";
    assert!(service.chars().count() >= 60 && office.chars().count() >= 60);
    BookingFacts {
        service_name: service.into(),
        office_name: office.into(),
        office_address: "Piazza Vecchia, 1, 24129 Bergamo BG".into(),
        person_name: Some("Françoise Núñez-Åkesson".into()),
        ..base(lang)
    }
}

pub(super) fn confirm_by() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 45, 0).unwrap()
}

pub(super) fn variants() -> Vec<(Lang, BookingFacts, &'static str)> {
    let mut all = Vec::new();
    for lang in [Lang::It, Lang::En] {
        for host in [HOST, LONG_HOST] {
            all.push((lang, base(lang), host));
            all.push((lang, long(lang), host));
        }
    }
    all
}

pub(super) fn assert_sms(message: &Message, links: &[&str]) -> String {
    let Message::Sms(sms) = message else {
        panic!("expected an SMS, got {message:?}")
    };
    assert_eq!(message.recipient(), MOBILE);
    assert!(sms::is_gsm7(&sms.text), "not GSM-7: {}", sms.text);
    assert_eq!(
        sms::segments(&sms.text),
        Some(1),
        "{} septets: {}",
        sms.text.chars().count(),
        sms.text
    );
    assert!(sms::septets(&sms.text).unwrap() <= 160);
    for link in links {
        assert!(sms.text.contains(link), "no {link} in {}", sms.text);
    }
    sms.text.clone()
}

pub(super) fn assert_email<'a>(message: &'a Message, phrases: &[&str]) -> &'a Email {
    let Message::Email(email) = message else {
        panic!("expected an e-mail, got {message:?}")
    };
    assert_eq!(message.recipient(), EMAIL);
    assert!(
        email.subject.starts_with("Prenota Bergamo – "),
        "{}",
        email.subject
    );
    for phrase in phrases {
        assert!(
            email.text.contains(phrase),
            "no {phrase:?} in the text:\n{}",
            email.text
        );
        assert!(
            email.html.contains(&escape_html(phrase)),
            "no {phrase:?} in the HTML:\n{}",
            email.html
        );
    }
    assert!(email.html.starts_with("<!DOCTYPE html>") && email.html.ends_with("</html>\n"));
    assert!(email.text.contains("Non rispondere") || email.text.contains("do not reply"));
    email
}

#[test]
fn confirmation_request_in_every_channel_and_language() {
    for (lang, facts, host) in variants() {
        let url = link(host, "c", 'C');
        let message = confirmation_request(&facts, &email_contact(), &url, confirm_by());
        let (subject, deadline, phrase) = match lang {
            Lang::It => (
                "Conferma la prenotazione",
                "entro le ore 10:45 di giovedì 26 novembre 2026",
                "l'orario torna disponibile",
            ),
            Lang::En => (
                "Confirm your booking",
                "by 10:45 on Thursday 26 November 2026",
                "is released",
            ),
        };
        let date = format::date_long(lang, facts.date);
        let email = assert_email(
            &message,
            &[
                &url,
                deadline,
                phrase,
                &facts.service_name,
                &facts.office_address,
                &date,
                "09:15–09:30",
            ],
        );
        assert!(email.subject.ends_with(subject));
        assert!(email.qr_png.is_none() && email.ics.is_none());

        let text = assert_sms(
            &confirmation_request(&facts, &sms_contact(), &url, confirm_by()),
            &[&url],
        );
        match lang {
            Lang::It => {
                assert!(text.starts_with("Prenota Bergamo: conferma ") && text.contains("entro le 10:45"))
            }
            Lang::En => {
                assert!(text.starts_with("Prenota Bergamo: confirm ") && text.contains("by 10:45"))
            }
        }
        assert!(text.contains(&format::date_short(lang, facts.date)));
    }
}

#[test]
fn sms_with_short_names_are_not_cut() {
    let mut facts = base(Lang::It);
    facts.service_name = "CIE".into();
    let url = link(HOST, "c", 'C');
    let text = assert_sms(
        &confirmation_request(&facts, &sms_contact(), &url, confirm_by()),
        &[&url],
    );
    assert_eq!(
        text,
        format!("Prenota Bergamo: conferma CIE, Ufficio 3, 1/12 09:15 entro le 10:45: {url}")
    );
    let long = long(Lang::It);
    let url = link(LONG_HOST, "c", 'C');
    let text = assert_sms(
        &confirmation_request(&long, &sms_contact(), &url, confirm_by()),
        &[&url],
    );
    // Both names shortened with a dot, accents and typography transliterated.
    assert!(
        text.starts_with("Prenota Bergamo: conferma Certificazione"),
        "{text}"
    );
    assert_eq!(text.matches(".,").count(), 2, "{text}");
    assert_eq!(text.chars().count(), 160, "{text}");
}

#[test]
fn booking_confirmed_carries_qr_code_and_calendar() {
    let token = "PRN1.SzdNWDRRUFJ8dWZmaWNpby0zfDIwMjYtMTItMDF8MDk6MTU.c2lnbmF0dXJl";
    for (lang, facts, host) in variants() {
        let url = link(host, "p", 'P');
        let message = booking_confirmed(&facts, &email_contact(), &url, token);
        let (subject, phrases) = match lang {
            Lang::It => (
                "Prenotazione confermata",
                [
                    "è confermata",
                    "Cosa portare",
                    "Regole di accesso",
                    "Termini del servizio",
                    "annullarlo",
                ],
            ),
            Lang::En => (
                "Booking confirmed",
                [
                    "is confirmed",
                    "What to bring",
                    "Access rules",
                    "Terms of the service",
                    "cancel it",
                ],
            ),
        };
        let mut expected = vec![url.as_str(), "K7MX-4QPR", &facts.service_name, &facts.office_name];
        expected.extend(phrases);
        expected.extend(facts.what_to_bring.iter().map(String::as_str));
        expected.extend([facts.terms.as_str(), facts.access_rules.as_str()]);
        let email = assert_email(&message, &expected);
        assert!(email.subject.ends_with(subject));
        assert!(email.html.contains("<img src=\"cid:qr@prenota\""));
        assert!(email.text.contains("qr.png"));
        assert_eq!(email.qr_png.as_deref(), Some(qr::png(token).as_slice()));
        let ics = email.ics.as_deref().unwrap();
        assert!(
            ics.contains("UID:9f2c4e@prenota\r\n")
                && ics.contains("DTSTART;TZID=Europe/Rome:20261201T091500")
        );

        let text = assert_sms(
            &booking_confirmed(&facts, &sms_contact(), &url, token),
            &[&url, "K7MX-4QPR"],
        );
        assert!(text.contains(match lang {
            Lang::It => "confermato",
            Lang::En => "confirmed",
        }));
    }
}

#[test]
fn booking_confirmed_without_a_qr_code_still_gives_the_short_code() {
    let facts = base(Lang::It);
    let message = booking_confirmed(&facts, &email_contact(), "https://x.it/p/a", &"x".repeat(5000));
    let email = assert_email(&message, &["K7MX-4QPR"]);
    assert!(email.qr_png.is_none());
    assert!(!email.html.contains("cid:"));
    assert!(email.ics.is_some());
}

#[test]
fn cancellation_notice_in_every_channel_and_language() {
    for (lang, facts, host) in variants() {
        let url = format!("https://{host}/");
        let message = cancellation_notice(&facts, &email_contact(), &url);
        let (subject, phrase) = match lang {
            Lang::It => (
                "Prenotazione annullata",
                "la prenotazione K7MX-4QPR è stata annullata",
            ),
            Lang::En => ("Booking cancelled", "booking K7MX-4QPR has been cancelled"),
        };
        let email = assert_email(&message, &[&url, phrase, &facts.service_name, &facts.office_name]);
        assert!(email.subject.ends_with(subject));
        let text = assert_sms(
            &cancellation_notice(&facts, &sms_contact(), &url),
            &[&url, "K7MX-4QPR"],
        );
        assert!(text.contains(match lang {
            Lang::It => "annullata",
            Lang::En => "cancelled",
        }));
    }
}

#[test]
fn reminder_in_every_channel_and_language() {
    for (lang, facts, host) in variants() {
        let url = link(host, "p", 'R');
        let message = reminder(&facts, &email_contact(), &url);
        let (subject, phrase) = match lang {
            Lang::It => (
                "Promemoria appuntamento di martedì 1 dicembre 2026",
                "alle ore 09:15",
            ),
            Lang::En => ("Appointment reminder, Tuesday 1 December 2026", "at 09:15"),
        };
        let email = assert_email(&message, &[&url, phrase, "K7MX-4QPR", &facts.service_name]);
        assert!(email.subject.ends_with(subject), "{}", email.subject);
        let text = assert_sms(&reminder(&facts, &sms_contact(), &url), &[&url]);
        assert!(text.contains(match lang {
            Lang::It => "promemoria 1/12 09:15",
            Lang::En => "reminder 1 Dec 09:15",
        }));
    }
}

pub(super) fn three_bookings(lang: Lang, host: &str) -> Vec<(BookingFacts, String)> {
    let first = long(lang);
    let mut second = base(lang);
    second.short_code = "ABCD2345".into();
    second.date = first.date + Duration::days(7);
    second.starts_at = first.starts_at + Duration::days(7);
    let mut third = base(lang);
    third.short_code = "WXYZ6789".into();
    third.date = first.date + Duration::days(14);
    third.starts_at = first.starts_at + Duration::days(14);
    // Out of order on purpose: the list is sorted by time.
    vec![
        (third, link(host, "p", 'Z')),
        (first, link(host, "p", 'X')),
        (second, link(host, "p", 'Y')),
    ]
}

#[test]
fn bookings_list_by_email() {
    for lang in [Lang::It, Lang::En] {
        let bookings = three_bookings(lang, HOST);
        let new = "https://prenota.comune.bergamo.it/";
        let message = bookings_list(lang, &email_contact(), &bookings, new);
        let mut expected: Vec<&str> = vec![new, "K7MX-4QPR", "ABCD-2345", "WXYZ-6789"];
        expected.extend(bookings.iter().map(|(_, url)| url.as_str()));
        let email = assert_email(&message, &expected);
        assert!(
            email
                .subject
                .ends_with(tr(lang, "Le tue prenotazioni", "Your bookings"))
        );
        let (first, second, third) = (
            email.text.find("K7MX-4QPR").unwrap(),
            email.text.find("ABCD-2345").unwrap(),
            email.text.find("WXYZ-6789").unwrap(),
        );
        assert!(first < second && second < third, "not in time order");

        let none = bookings_list_in("Comune di Bergamo", lang, &email_contact(), &[], new);
        assert_email(
            &none,
            &[
                new,
                tr(
                    lang,
                    "non risultano prenotazioni",
                    "there are no upcoming bookings",
                ),
            ],
        );
        let Message::Email(anonymous) = bookings_list(lang, &email_contact(), &[], new) else {
            unreachable!()
        };
        assert!(
            anonymous.subject.starts_with("Prenota – "),
            "{}",
            anonymous.subject
        );
        assert_eq!(
            bookings_list_sms_all(lang, &email_contact(), &bookings, new).len(),
            1
        );
    }
}

#[test]
fn bookings_list_by_sms() {
    for lang in [Lang::It, Lang::En] {
        for host in [HOST, LONG_HOST] {
            let bookings = three_bookings(lang, host);
            let new = format!("https://{host}/");
            let text = assert_sms(
                &bookings_list(lang, &sms_contact(), &bookings, &new),
                &[&bookings[1].1],
            );
            assert!(
                text.contains(tr(lang, "hai 3 prenotazioni", "you have 3 bookings")),
                "{text}"
            );

            let all = bookings_list_sms_all(lang, &sms_contact(), &bookings, &new);
            assert_eq!(all.len(), 3);
            for (index, (message, url)) in all
                .iter()
                .zip([&bookings[1].1, &bookings[2].1, &bookings[0].1])
                .enumerate()
            {
                let text = assert_sms(message, &[url]);
                let position = match lang {
                    Lang::It => format!("prenotazione {} di 3", index + 1),
                    Lang::En => format!("booking {} of 3", index + 1),
                };
                assert!(text.contains(&position), "{text}");
            }

            let one = &bookings[..1];
            let text = assert_sms(&bookings_list(lang, &sms_contact(), one, &new), &[&one[0].1]);
            assert!(text.contains(tr(lang, "la tua prenotazione", "your booking")));
            assert_eq!(bookings_list_sms_all(lang, &sms_contact(), one, &new).len(), 1);

            let none = bookings_list_sms_all(lang, &sms_contact(), &[], &new);
            assert_eq!(none.len(), 1);
            assert_sms(&none[0], &[&new]);
        }
    }
}

#[test]
fn html_is_escaped() {
    let mut facts = base(Lang::It);
    facts.service_name = "<b>&\"CIE\"".into();
    facts.what_to_bring = vec!["<script>alert(1)</script>".into()];
    let url = "https://x.it/c/a?b=1&c=\"2\"";
    let message = confirmation_request(&facts, &email_contact(), url, confirm_by());
    let Message::Email(email) = &message else {
        unreachable!()
    };
    assert!(email.html.contains("&lt;b&gt;&amp;&quot;CIE&quot;"));
    assert!(!email.html.contains("<b>&"));
    assert!(
        email
            .html
            .contains("href=\"https://x.it/c/a?b=1&amp;c=&quot;2&quot;\"")
    );
    assert!(email.text.contains("<b>&\"CIE\""));
    let message = booking_confirmed(&facts, &email_contact(), url, "PRN1.x.y");
    let Message::Email(email) = &message else {
        unreachable!()
    };
    assert!(email.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!email.html.contains("<script>"));
    assert_eq!(escape_html("a<>&\"'"), "a&lt;&gt;&amp;&quot;&#39;");
}

#[test]
fn greets_by_name_or_politely_without_one() {
    let mut facts = base(Lang::It);
    let Message::Email(email) = reminder(&facts, &email_contact(), "https://x.it/p/a") else {
        unreachable!()
    };
    assert!(email.text.starts_with("Gentile Maria Rossi,\n\nti ricordiamo"));
    facts.person_name = None;
    facts.lang = Lang::En;
    let Message::Email(email) = reminder(&facts, &email_contact(), "https://x.it/p/a") else {
        unreachable!()
    };
    assert!(email.text.starts_with("Hello,\n\nthis is a reminder"));
}

#[test]
fn confirmed_email_survives_the_outbox_and_becomes_mime() {
    let facts = long(Lang::It);
    let message = booking_confirmed(&facts, &email_contact(), "https://x.it/p/a", "PRN1.abc.def");
    let json = serde_json::to_string(&message).unwrap();
    let back: Message = serde_json::from_str(&json).unwrap();
    assert_eq!(back, message);
    let Message::Email(email) = back else {
        unreachable!()
    };
    let mime = String::from_utf8(
        email
            .to_mime("Prenota Bergamo <noreply@comune.bergamo.it>", "outbox-id")
            .unwrap(),
    )
    .unwrap();
    for part in [
        "multipart/mixed",
        "multipart/related",
        "multipart/alternative",
        "image/png",
        "text/calendar",
    ] {
        assert!(mime.contains(part), "no {part}");
    }
    assert!(mime.contains("filename=\"prenota.ics\""));
    assert!(mime.contains("Content-ID: <qr@prenota>"));
}

#[test]
fn every_sms_fits_even_with_a_long_city_name() {
    let mut facts = long(Lang::It);
    facts.city = "Comune di San Giovanni in Persiceto con Frazioni Riunite".into();
    let url = link(LONG_HOST, "c", 'C');
    let contact = sms_contact();
    for message in [
        confirmation_request(&facts, &contact, &url, confirm_by()),
        booking_confirmed(&facts, &contact, &url, "PRN1.a.b"),
        cancellation_notice(&facts, &contact, &url),
        reminder(&facts, &contact, &url),
        bookings_list(Lang::It, &contact, &[(facts.clone(), url.clone())], &url),
    ] {
        assert_sms(&message, &[&url]);
    }
}

#[test]
#[ignore = "prints every message for a human to read: cargo test -p prenota-notify -- --ignored --nocapture"]
fn show() {
    for lang in [Lang::It, Lang::En] {
        let facts = base(lang);
        let url = link(HOST, "c", 'C');
        for message in [
            confirmation_request(&facts, &sms_contact(), &url, confirm_by()),
            booking_confirmed(&facts, &sms_contact(), &url, "t"),
            cancellation_notice(&facts, &sms_contact(), "https://prenota.comune.bergamo.it/"),
            reminder(&facts, &sms_contact(), &url),
            bookings_list(lang, &sms_contact(), &three_bookings(lang, HOST), &url),
            confirmation_request(&facts, &email_contact(), &url, confirm_by()),
            booking_confirmed(&facts, &email_contact(), &url, "PRN1.a.b"),
        ] {
            match message {
                Message::Sms(sms) => println!("SMS ({}): {}\n", sms.text.chars().count(), sms.text),
                Message::Email(email) => println!("SUBJECT: {}\n{}\n", email.subject, email.text),
            }
        }
    }
}

#[test]
fn every_text_is_translated_and_every_sms_text_fits_gsm7() {
    use super::texts::Texts;
    assert_eq!(prenota_core::texts::problems(Texts::ALL), Vec::<String>::new());
    let same: Vec<_> = Texts::ALL
        .iter()
        .filter(|(_, it, en)| it == en)
        .map(|(key, ..)| *key)
        .collect();
    assert_eq!(same, ["list_sms_short"], "every other text is translated");
    for (key, it, en) in Texts::ALL.iter().filter(|(key, ..)| key.contains("_sms")) {
        for text in [it, en] {
            assert!(sms::is_gsm7(text), "{key}: not GSM-7: {text}");
            assert!(text.contains("{url}"), "{key}: an SMS carries its link");
        }
    }
}

#[test]
fn a_booking_still_to_confirm_is_listed_with_its_confirmation_link_and_deadline() {
    for lang in [Lang::It, Lang::En] {
        for host in [HOST, LONG_HOST] {
            let mut bookings = three_bookings(lang, host);
            let confirm_url = link(host, "c", 'Q');
            bookings[0].0.confirm_by = Some(confirm_by());
            bookings[0].1 = confirm_url.clone();
            let new = format!("https://{host}/");

            let message = bookings_list(lang, &email_contact(), &bookings, &new);
            let email = assert_email(
                &message,
                &[
                    &confirm_url,
                    tr(lang, "Conferma la prenotazione", "Confirm the booking"),
                    tr(lang, "Da confermare entro", "To be confirmed by"),
                    &bookings[1].1,
                    &bookings[2].1,
                ],
            );
            // The other two keep their page's link and its label.
            assert_eq!(
                email
                    .text
                    .matches(tr(
                        lang,
                        "Vedi o annulla la prenotazione",
                        "View or cancel the booking"
                    ))
                    .count(),
                2,
                "{}",
                email.text
            );

            // By SMS the booking to confirm is a message of its own, with the deadline (10:45 in
            // Rome), in one segment however long the names.
            let all = bookings_list_sms_all(lang, &sms_contact(), &bookings, &new);
            assert_eq!(all.len(), 3);
            let pending: Vec<String> = all
                .iter()
                .map(|message| assert_sms(message, &[]))
                .filter(|text| text.contains(&confirm_url))
                .collect();
            assert_eq!(pending.len(), 1, "{all:?}");
            assert!(pending[0].contains("10:45"), "{}", pending[0]);
        }
    }
}
