//! Every message Prenota sends, rendered from fixed facts and compared, byte for byte, with
//! `tests/golden/messages.txt`: subject, plain text, HTML, SMS, the `.ics` (its `DTSTAMP`, the time
//! of sending, left out) and whether the QR code is attached.
//!
//! A change of wording is a change of that file: after changing a text on purpose, write the file
//! again with `cargo test -p prenota-notify -- --ignored write_the_golden_file` and review its
//! diff.

use prenota_core::catalogue::Lang;

use super::tests::{
    HOST, LONG_HOST, base, confirm_by, email_contact, link, long, sms_contact, three_bookings,
};
use super::*;
use crate::facts::BookingFacts;
use crate::message::Message;
use crate::qr;

const GOLDEN: &str = "tests/golden/messages.txt";
const TOKEN: &str = "PRN1.SzdNWDRRUFJ8dWZmaWNpby0zfDIwMjYtMTItMDF8MDk6MTU.c2lnbmF0dXJl";

/// So long that no SMS keeps the names: the last-resort texts.
fn huge_link() -> String {
    format!("https://{LONG_HOST}/p/{}", "Q".repeat(120))
}

/// The facts every message is rendered with, by name.
fn variants(lang: Lang) -> Vec<(&'static str, BookingFacts)> {
    let long = long(lang);
    vec![
        ("short names", base(lang)),
        ("long names", long.clone()),
        (
            "no name",
            BookingFacts {
                person_name: None,
                ..base(lang)
            },
        ),
        (
            "blank name, bare service, city without Comune",
            BookingFacts {
                person_name: Some("   ".into()),
                city: "Bergamo".into(),
                terms: String::new(),
                access_rules: "  \n".into(),
                what_to_bring: Vec::new(),
                ..base(lang)
            },
        ),
        (
            "long city, long names",
            BookingFacts {
                city: "Comune di San Giovanni in Persiceto con Frazioni Riunite".into(),
                ..long
            },
        ),
        (
            "no city, markup in the names",
            BookingFacts {
                city: String::new(),
                service_name: "<b>&\"CIE\" {brand}".into(),
                what_to_bring: vec!["<script>alert(1)</script>".into()],
                ..base(lang)
            },
        ),
    ]
}

/// Every message, each with a line saying what it is.
fn messages() -> Vec<(String, Message)> {
    let mut all = Vec::new();
    let mut add = |name: String, message: Message| all.push((name, message));
    for lang in [Lang::It, Lang::En] {
        for (variant, facts) in variants(lang) {
            for (channel, contact) in [("e-mail", email_contact()), ("SMS", sms_contact())] {
                if channel == "e-mail" && variant == "long city, long names" {
                    // As "long names" but for the footer, which "no city" and "city without
                    // Comune" also cover.
                    continue;
                }
                let urls = match channel {
                    "e-mail" => vec![link(HOST, "p", 'P')],
                    _ => vec![link(HOST, "p", 'P'), link(LONG_HOST, "p", 'P'), huge_link()],
                };
                for url in urls {
                    let at = format!("{lang:?}, {variant}, {channel}, {url}");
                    let message = confirmation_request(&facts, &contact, &url, confirm_by());
                    add(format!("confirmation_request: {at}"), message);
                    let message = booking_confirmed(&facts, &contact, &url, TOKEN);
                    add(format!("booking_confirmed: {at}"), message);
                    let message = booking_moved(&facts, &contact, &url, TOKEN);
                    add(format!("booking_moved: {at}"), message);
                    let message = cancellation_notice(&facts, &contact, &url);
                    add(format!("cancellation_notice: {at}"), message);
                    let message = reminder(&facts, &contact, &url);
                    add(format!("reminder: {at}"), message);
                    let message = reconfirm_request(&facts, &contact, &url, confirm_by());
                    add(format!("reconfirm_request: {at}"), message);
                    let message = released_notice(&facts, &contact, &url);
                    add(format!("released_notice: {at}"), message);
                    let message = displaced_notice(&facts, &contact, &url, "Sciopero / Strike");
                    add(format!("displaced_notice: {at}"), message);
                }
            }
        }
        let facts = base(lang);
        let url = link(HOST, "p", 'P');
        let message = booking_confirmed(&facts, &email_contact(), &url, &"x".repeat(5000));
        add(
            format!("booking_confirmed: {lang:?}, token too long for a QR code"),
            message,
        );
        lists(lang, &mut add);
    }
    all
}

fn lists(lang: Lang, add: &mut impl FnMut(String, Message)) {
    for (channel, contact) in [("e-mail", email_contact()), ("SMS", sms_contact())] {
        // The host changes only what fits in an SMS.
        let hosts: &[&str] = match channel {
            "e-mail" => &[HOST],
            _ => &[HOST, LONG_HOST],
        };
        for host in hosts {
            let new = format!("https://{host}/");
            let three = three_bookings(lang, host);
            let at = format!("{lang:?}, {channel}, {host}");
            for (count, bookings) in [("3", &three[..]), ("1", &three[1..2]), ("0", &[][..])] {
                let list = bookings_list(lang, &contact, bookings, &new);
                let all = bookings_list_sms_all(lang, &contact, bookings, &new);
                add(format!("bookings_list: {count}, {at}"), list.clone());
                if channel == "e-mail" {
                    assert_eq!(all, [list], "by e-mail, bookings_list_sms_all is the one list");
                    continue;
                }
                for (index, message) in all.into_iter().enumerate() {
                    add(format!("bookings_list_sms_all: {count}, #{index}, {at}"), message);
                }
            }
            // In the other language, to show which language each part follows.
            let other = three_bookings(
                match lang {
                    Lang::It => Lang::En,
                    Lang::En => Lang::It,
                },
                host,
            );
            let message = bookings_list(lang, &contact, &other, &new);
            add(format!("bookings_list: 3 in the other language, {at}"), message);
            for city in [
                "Comune di Bergamo",
                "Bergamo",
                "Comune di San Giovanni in Persiceto con Frazioni Riunite",
            ] {
                let message = bookings_list_in(city, lang, &contact, &[], &new);
                add(format!("bookings_list_in: 0, {city}, {at}"), message);
                if channel == "SMS" {
                    let message = bookings_list_in(city, lang, &contact, &three[..1], &huge_link());
                    add(
                        format!("bookings_list_in: 1, {city}, {at}, huge new-booking link"),
                        message,
                    );
                }
            }
            if channel == "SMS" {
                let message = bookings_list(lang, &contact, &[], &huge_link());
                add(format!("bookings_list: 0, {at}, huge new-booking link"), message);
                let huge: Vec<_> = three
                    .iter()
                    .map(|(facts, _)| (facts.clone(), huge_link()))
                    .collect();
                let message = bookings_list(lang, &contact, &huge, &new);
                add(format!("bookings_list: 3, {at}, huge booking links"), message);
                for (index, message) in bookings_list_sms_all(lang, &contact, &huge, &new)
                    .into_iter()
                    .enumerate()
                {
                    add(
                        format!("bookings_list_sms_all: 3, #{index}, {at}, huge booking links"),
                        message,
                    );
                }
            }
        }
    }
}

/// The messages as the golden file holds them; carriage returns are written `\r`.
fn render() -> String {
    let mut out = String::new();
    for (name, message) in messages() {
        out.push_str(&format!("==== {name}\n"));
        match message {
            Message::Sms(sms) => {
                out.push_str(&format!("to: {}\nsms: {}\n", sms.to, sms.text));
            }
            Message::Email(email) => {
                out.push_str(&format!("to: {}\nsubject: {}\n", email.to, email.subject));
                out.push_str(&format!("---- text\n{}---- html\n{}", email.text, email.html));
                let qr = match &email.qr_png {
                    None => "none".to_owned(),
                    Some(png) if *png == qr::png(TOKEN) => "qr::png(TOKEN)".to_owned(),
                    Some(png) => format!("{} other bytes", png.len()),
                };
                out.push_str(&format!("---- qr.png: {qr}\n"));
                match &email.ics {
                    None => out.push_str("---- ics: none\n"),
                    Some(ics) => {
                        out.push_str("---- ics\n");
                        for line in ics.split_inclusive('\n') {
                            if !line.starts_with("DTSTAMP:") {
                                out.push_str(line);
                            }
                        }
                    }
                }
            }
        }
        out.push('\n');
    }
    out.replace('\r', "\\r")
}

#[test]
fn every_message_is_as_the_golden_file_says() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    let expected = std::fs::read_to_string(&path).expect("the golden file");
    let actual = render();
    if actual != expected {
        let (number, (want, got)) = expected
            .lines()
            .chain(std::iter::repeat("<end of file>"))
            .zip(actual.lines().chain(std::iter::repeat("<end of output>")))
            .enumerate()
            .find(|(_, (want, got))| want != got)
            .unwrap();
        let heading = expected
            .lines()
            .take(number + 1)
            .filter(|line| line.starts_with("==== "))
            .last()
            .unwrap_or("");
        panic!(
            "{GOLDEN}:{}: in {heading:?}\n  expected: {want:?}\n  rendered: {got:?}",
            number + 1
        );
    }
}

#[test]
#[ignore = "writes tests/golden/messages.txt from the current code: review its diff"]
fn write_the_golden_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, render()).unwrap();
}
