//! The texts Prenota sends, in Italian and English: an e-mail (plain text and simple inline-styled
//! HTML) or an SMS (GSM-7, one segment), depending on the citizen's contact.

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;

use crate::facts::BookingFacts;
use crate::message::{Email, Message, QR_CONTENT_ID, Sms};
use crate::{format, ics, qr, sms};

/// "Conferma la tua prenotazione": the link to confirm, the deadline and the summary.
pub fn confirmation_request(
    facts: &BookingFacts,
    contact: &Contact,
    confirm_url: &str,
    confirm_by: DateTime<Utc>,
) -> Message {
    let lang = facts.lang;
    match contact {
        Contact::Sms(_) => {
            let deadline = format::deadline_time(confirm_by);
            let when = sms_when(facts);
            let text = sms_text(
                &facts.city,
                &[&facts.service_name, &facts.office_name],
                |brand, n| match lang {
                    Lang::It => format!(
                        "{brand}: conferma {}, {}, {when} entro le {deadline}: {confirm_url}",
                        n[0], n[1]
                    ),
                    Lang::En => format!(
                        "{brand}: confirm {}, {}, {when} by {deadline}: {confirm_url}",
                        n[0], n[1]
                    ),
                },
                || match lang {
                    Lang::It => format!("Conferma entro le {deadline}: {confirm_url}"),
                    Lang::En => format!("Confirm by {deadline}: {confirm_url}"),
                },
            );
            sms_message(contact, text)
        }
        Contact::Email(_) => {
            let deadline = format::deadline(lang, confirm_by);
            let mut doc = Doc::new(lang, &facts.city);
            doc.para(greeting(lang, facts.person_name.as_deref()));
            doc.para(match lang {
                Lang::It => format!(
                    "hai chiesto di prenotare un appuntamento. Per completare la prenotazione, confermala entro \
                     le {deadline}."
                ),
                Lang::En => {
                    format!("you asked to book an appointment. To complete the booking, please confirm it by {deadline}.")
                }
            });
            doc.button(
                tr(lang, "Conferma la prenotazione", "Confirm the booking"),
                confirm_url,
            );
            doc.heading(tr(lang, "Riepilogo", "Summary"));
            doc.summary(summary_rows(facts, false));
            doc.para(tr(
                lang,
                "Se non confermi entro questo termine, la richiesta viene annullata e l'orario torna disponibile \
                 per altri cittadini.",
                "If you do not confirm in time, the request is cancelled and the time slot is released for \
                 other citizens.",
            ));
            doc.small(tr(
                lang,
                "Se non hai fatto tu questa richiesta, ignora questo messaggio: senza conferma non viene \
                 registrata alcuna prenotazione.",
                "If you did not make this request, please ignore this message: without confirmation nothing is \
                 booked.",
            ));
            doc.email(
                contact,
                tr(lang, "Conferma la prenotazione", "Confirm your booking"),
            )
        }
    }
}

/// "Prenotazione confermata": the QR code of `checkin_token`, the short code, the summary, terms,
/// access rules, what to bring, the booking page and the `.ics`.
pub fn booking_confirmed(
    facts: &BookingFacts,
    contact: &Contact,
    page_url: &str,
    checkin_token: &str,
) -> Message {
    let lang = facts.lang;
    let code = format::short_code(&facts.short_code);
    match contact {
        Contact::Sms(_) => {
            let when = sms_when(facts);
            let text = sms_text(
                &facts.city,
                &[&facts.service_name, &facts.office_name],
                |brand, n| match lang {
                    Lang::It => format!(
                        "{brand}, confermato: {}, {}, {when}. Codice {code}: {page_url}",
                        n[0], n[1]
                    ),
                    Lang::En => format!(
                        "{brand}, confirmed: {}, {}, {when}. Code {code}: {page_url}",
                        n[0], n[1]
                    ),
                },
                || match lang {
                    Lang::It => format!("Confermato, codice {code}: {page_url}"),
                    Lang::En => format!("Confirmed, code {code}: {page_url}"),
                },
            );
            sms_message(contact, text)
        }
        Contact::Email(_) => {
            // A token too long for a QR code cannot come from `checkin::sign`; the short code still works.
            let qr_png = qr::try_png(checkin_token).ok();
            let mut doc = Doc::new(lang, &facts.city);
            doc.para(greeting(lang, facts.person_name.as_deref()));
            doc.para(match (lang, qr_png.is_some()) {
                (Lang::It, true) => format!(
                    "la tua prenotazione è confermata. Allo sportello mostra il codice QR qui sotto oppure \
                     comunica il codice di prenotazione {code}."
                ),
                (Lang::It, false) => format!(
                    "la tua prenotazione è confermata. Allo sportello comunica il codice di prenotazione {code}."
                ),
                (Lang::En, true) => format!(
                    "your booking is confirmed. At the counter, show the QR code below or give the booking \
                     code {code}."
                ),
                (Lang::En, false) => {
                    format!("your booking is confirmed. At the counter, give the booking code {code}.")
                }
            });
            if qr_png.is_some() {
                doc.qr(
                    match lang {
                        Lang::It => format!("Codice QR della prenotazione {code}"),
                        Lang::En => format!("QR code of booking {code}"),
                    },
                    tr(
                        lang,
                        "Il codice QR è allegato a questa e-mail (qr.png) ed è visibile anche nella pagina della \
                         prenotazione.",
                        "The QR code is attached to this e-mail (qr.png) and is also shown on the booking page.",
                    ),
                );
            }
            doc.summary(summary_rows(facts, true));
            if !facts.what_to_bring.is_empty() {
                doc.heading(tr(lang, "Cosa portare", "What to bring"));
                doc.list(facts.what_to_bring.clone());
            }
            if !facts.access_rules.trim().is_empty() {
                doc.heading(tr(lang, "Regole di accesso", "Access rules"));
                doc.para(facts.access_rules.trim().to_owned());
            }
            if !facts.terms.trim().is_empty() {
                doc.heading(tr(lang, "Termini del servizio", "Terms of the service"));
                doc.para(facts.terms.trim().to_owned());
            }
            doc.button(tr(lang, "Vedi la prenotazione", "View the booking"), page_url);
            doc.para(tr(
                lang,
                "Dalla pagina della prenotazione puoi rivedere i dettagli, aggiungere l'appuntamento al \
                 calendario o annullarlo. In allegato trovi anche il file per il calendario (prenota.ics).",
                "From the booking page you can see the details, add the appointment to your calendar or cancel \
                 it. The calendar file (prenota.ics) is also attached.",
            ));
            doc.small(tr(
                lang,
                "Ogni prenotazione vale per una sola persona. Se non puoi venire, annulla la prenotazione: \
                 l'orario tornerà disponibile per altri cittadini.",
                "Each booking is for one person only. If you cannot come, please cancel the booking so that \
                 the time slot is released for other citizens.",
            ));
            let mut message = doc.email(contact, tr(lang, "Prenotazione confermata", "Booking confirmed"));
            if let Message::Email(email) = &mut message {
                email.qr_png = qr_png;
                email.ics = Some(ics::event(facts, page_url));
            }
            message
        }
    }
}

/// The booking was cancelled; `new_booking_url` starts a new one.
pub fn cancellation_notice(facts: &BookingFacts, contact: &Contact, new_booking_url: &str) -> Message {
    let lang = facts.lang;
    let code = format::short_code(&facts.short_code);
    match contact {
        Contact::Sms(_) => {
            let when = sms_when(facts);
            let text = sms_text(
                &facts.city,
                &[&facts.service_name, &facts.office_name],
                |brand, n| match lang {
                    Lang::It => format!(
                        "{brand}: annullata la prenotazione {code} ({}, {}, {when}). Per prenotare di nuovo: \
                         {new_booking_url}",
                        n[0], n[1]
                    ),
                    Lang::En => format!(
                        "{brand}: booking {code} cancelled ({}, {}, {when}). To book again: {new_booking_url}",
                        n[0], n[1]
                    ),
                },
                || match lang {
                    Lang::It => format!("Prenotazione {code} annullata. {new_booking_url}"),
                    Lang::En => format!("Booking {code} cancelled. {new_booking_url}"),
                },
            );
            sms_message(contact, text)
        }
        Contact::Email(_) => {
            let mut doc = Doc::new(lang, &facts.city);
            doc.para(greeting(lang, facts.person_name.as_deref()));
            doc.para(match lang {
                Lang::It => format!("la prenotazione {code} è stata annullata."),
                Lang::En => format!("booking {code} has been cancelled."),
            });
            doc.summary(summary_rows(facts, true));
            doc.para(tr(
                lang,
                "L'orario è di nuovo disponibile per altri cittadini. Se hai ancora bisogno del servizio, puoi \
                 fare una nuova prenotazione.",
                "The time slot is available again for other citizens. If you still need the service, you can \
                 make a new booking.",
            ));
            doc.button(tr(lang, "Nuova prenotazione", "New booking"), new_booking_url);
            doc.email(contact, tr(lang, "Prenotazione annullata", "Booking cancelled"))
        }
    }
}

/// The day-before reminder, with the booking page (where it can be cancelled).
pub fn reminder(facts: &BookingFacts, contact: &Contact, page_url: &str) -> Message {
    let lang = facts.lang;
    let code = format::short_code(&facts.short_code);
    match contact {
        Contact::Sms(_) => {
            let when = sms_when(facts);
            let text = sms_text(
                &facts.city,
                &[&facts.service_name, &facts.office_name],
                |brand, n| match lang {
                    Lang::It => {
                        format!(
                            "{brand}: promemoria {when}, {}, {}. Info o disdetta: {page_url}",
                            n[0], n[1]
                        )
                    }
                    Lang::En => {
                        format!(
                            "{brand}: reminder {when}, {}, {}. Details or cancel: {page_url}",
                            n[0], n[1]
                        )
                    }
                },
                || match lang {
                    Lang::It => format!("Promemoria {when}: {page_url}"),
                    Lang::En => format!("Reminder {when}: {page_url}"),
                },
            );
            sms_message(contact, text)
        }
        Contact::Email(_) => {
            let date = format::date_long(lang, facts.date);
            let time = format::time(facts.start);
            let mut doc = Doc::new(lang, &facts.city);
            doc.para(greeting(lang, facts.person_name.as_deref()));
            doc.para(match lang {
                Lang::It => format!(
                    "ti ricordiamo l'appuntamento di {date} alle ore {time}. Allo sportello mostra il codice QR \
                     ricevuto con la conferma oppure comunica il codice di prenotazione {code}."
                ),
                Lang::En => format!(
                    "this is a reminder of your appointment on {date} at {time}. At the counter, show the QR \
                     code you received with the confirmation or give the booking code {code}."
                ),
            });
            doc.summary(summary_rows(facts, true));
            if !facts.what_to_bring.is_empty() {
                doc.heading(tr(lang, "Cosa portare", "What to bring"));
                doc.list(facts.what_to_bring.clone());
            }
            doc.button(tr(lang, "Vedi la prenotazione", "View the booking"), page_url);
            doc.para(tr(
                lang,
                "Se non puoi venire, annulla la prenotazione dalla stessa pagina: l'orario tornerà disponibile \
                 per altri cittadini.",
                "If you cannot come, please cancel the booking from the same page so that the time slot is \
                 released for other citizens.",
            ));
            let subject = match lang {
                Lang::It => format!("Promemoria appuntamento di {date}"),
                Lang::En => format!("Appointment reminder, {date}"),
            };
            doc.email(contact, &subject)
        }
    }
}

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
            [(facts, url)] => booking_sms(lang, contact, facts, url, None),
            [(facts, url), ..] => booking_sms(lang, contact, facts, url, Some((0, bookings.len()))),
        },
        Contact::Email(_) => {
            let mut doc = Doc::new(lang, city);
            doc.para(tr(lang, "Buongiorno,", "Hello,").to_owned());
            if bookings.is_empty() {
                doc.para(tr(
                    lang,
                    "non risultano prenotazioni future associate a questo indirizzo e-mail.",
                    "there are no upcoming bookings for this e-mail address.",
                ));
                doc.button(
                    tr(lang, "Prenota un appuntamento", "Book an appointment"),
                    new_booking_url,
                );
            } else {
                doc.para(match (lang, bookings.len()) {
                    (Lang::It, 1) => "ecco la tua prenotazione.".to_owned(),
                    (Lang::It, n) => format!("ecco le tue {n} prenotazioni, dalla più vicina."),
                    (Lang::En, 1) => "here is your booking.".to_owned(),
                    (Lang::En, n) => format!("here are your {n} bookings, soonest first."),
                });
                for (facts, url) in &bookings {
                    doc.heading(format!(
                        "{}, {}",
                        format::date_long(lang, facts.date),
                        format::time_range(facts.start, facts.end)
                    ));
                    doc.summary(vec![
                        (
                            tr(lang, "Servizio", "Service").to_owned(),
                            facts.service_name.clone(),
                        ),
                        (tr(lang, "Sede", "Office").to_owned(), office_with_address(facts)),
                        (
                            tr(lang, "Codice", "Code").to_owned(),
                            format::short_code(&facts.short_code),
                        ),
                    ]);
                    doc.link(
                        tr(
                            lang,
                            "Vedi o annulla la prenotazione",
                            "View or cancel the booking",
                        ),
                        url,
                    );
                }
                doc.button(tr(lang, "Nuova prenotazione", "New booking"), new_booking_url);
            }
            doc.small(tr(
                lang,
                "Ricevi questo messaggio perché è stato chiesto l'elenco delle prenotazioni per questo \
                 indirizzo. Se non l'hai chiesto tu, puoi ignorarlo.",
                "You are receiving this message because the list of bookings for this address was requested. \
                 If you did not ask for it, you can ignore it.",
            ));
            doc.email(contact, tr(lang, "Le tue prenotazioni", "Your bookings"))
        }
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
            booking_sms(lang, contact, facts, url, position)
        })
        .collect()
}

fn in_time_order(bookings: &[(BookingFacts, String)]) -> Vec<&(BookingFacts, String)> {
    let mut sorted: Vec<_> = bookings.iter().collect();
    sorted.sort_by_key(|(facts, _)| facts.starts_at);
    sorted
}

fn no_bookings_sms(lang: Lang, contact: &Contact, city: &str, new_booking_url: &str) -> Message {
    let text = sms_text(
        city,
        &[],
        |brand, _| match lang {
            Lang::It => {
                format!("{brand}: non risultano prenotazioni future. Per prenotare: {new_booking_url}")
            }
            Lang::En => format!("{brand}: there are no upcoming bookings. To book: {new_booking_url}"),
        },
        || new_booking_url.to_owned(),
    );
    sms_message(contact, text)
}

/// One booking of the list. `position`: `(0, n)` for "you have n bookings, the first…",
/// `(i, n)` with i ≥ 1 for "booking i of n", `None` when it is the only one.
fn booking_sms(
    lang: Lang,
    contact: &Contact,
    facts: &BookingFacts,
    url: &str,
    position: Option<(usize, usize)>,
) -> Message {
    let when = sms_when(facts);
    let text = sms_text(
        &facts.city,
        &[&facts.service_name, &facts.office_name],
        |brand, n| {
            let head = match (lang, position) {
                (Lang::It, None) => format!("{brand}: la tua prenotazione:"),
                (Lang::It, Some((0, total))) => format!("{brand}: hai {total} prenotazioni, la prima:"),
                (Lang::It, Some((index, total))) => format!("{brand}, prenotazione {index} di {total}:"),
                (Lang::En, None) => format!("{brand}: your booking:"),
                (Lang::En, Some((0, total))) => format!("{brand}: you have {total} bookings, the first:"),
                (Lang::En, Some((index, total))) => format!("{brand}, booking {index} of {total}:"),
            };
            format!("{head} {when} {}, {}: {url}", n[0], n[1])
        },
        || format!("{when}: {url}"),
    );
    sms_message(contact, text)
}

// ---------------------------------------------------------------------------------------------
// SMS helpers

fn sms_message(contact: &Contact, text: String) -> Message {
    Message::Sms(Sms {
        to: contact.address().to_owned(),
        text,
    })
}

/// "1/12 09:15" / "1 Dec 09:15".
fn sms_when(facts: &BookingFacts) -> String {
    format!(
        "{} {}",
        format::date_short(facts.lang, facts.date),
        format::time(facts.start)
    )
}

/// The SMS in one GSM-7 segment: names shortened as needed; if even that is not enough the brand
/// becomes "Prenota", and as a last resort `fallback` (which keeps the link) is sent.
fn sms_text(
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

// ---------------------------------------------------------------------------------------------
// E-mail helpers

fn tr(lang: Lang, it: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

fn greeting(lang: Lang, name: Option<&str>) -> String {
    match (lang, name.map(str::trim).filter(|name| !name.is_empty())) {
        (Lang::It, Some(name)) => format!("Gentile {name},"),
        (Lang::It, None) => "Buongiorno,".to_owned(),
        (Lang::En, Some(name)) => format!("Dear {name},"),
        (Lang::En, None) => "Hello,".to_owned(),
    }
}

fn office_with_address(facts: &BookingFacts) -> String {
    format!("{}\n{}", facts.office_name, facts.office_address)
}

fn summary_rows(facts: &BookingFacts, with_code: bool) -> Vec<(String, String)> {
    let lang = facts.lang;
    let mut rows = Vec::with_capacity(5);
    if with_code {
        rows.push((
            tr(lang, "Codice prenotazione", "Booking code").to_owned(),
            format::short_code(&facts.short_code),
        ));
    }
    rows.extend([
        (
            tr(lang, "Servizio", "Service").to_owned(),
            facts.service_name.clone(),
        ),
        (tr(lang, "Sede", "Office").to_owned(), office_with_address(facts)),
        (
            tr(lang, "Data", "Date").to_owned(),
            format::date_long(lang, facts.date),
        ),
        (
            tr(lang, "Orario", "Time").to_owned(),
            format::time_range(facts.start, facts.end),
        ),
    ]);
    rows
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Multi-line values (an office and its address) on separate lines in HTML.
fn escape_lines(text: &str) -> String {
    text.lines().map(escape_html).collect::<Vec<_>>().join("<br>")
}

enum Block {
    Para(String),
    Small(String),
    Heading(String),
    Button { label: String, url: String },
    Link { label: String, url: String },
    Summary(Vec<(String, String)>),
    List(Vec<String>),
    Qr { alt: String, note: String },
}

/// One e-mail, written once and rendered twice: as plain text and as HTML.
struct Doc {
    lang: Lang,
    city: String,
    blocks: Vec<Block>,
}

const BLUE: &str = "#0066cc";
const GREY: &str = "#5c6f82";

impl Doc {
    fn new(lang: Lang, city: &str) -> Self {
        Self {
            lang,
            city: city.trim().to_owned(),
            blocks: Vec::new(),
        }
    }

    fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Para(text.into()));
    }

    fn small(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Small(text.into()));
    }

    fn heading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading(text.into()));
    }

    fn button(&mut self, label: &str, url: &str) {
        self.blocks.push(Block::Button {
            label: label.to_owned(),
            url: url.trim().to_owned(),
        });
    }

    fn link(&mut self, label: &str, url: &str) {
        self.blocks.push(Block::Link {
            label: label.to_owned(),
            url: url.trim().to_owned(),
        });
    }

    fn summary(&mut self, rows: Vec<(String, String)>) {
        self.blocks.push(Block::Summary(rows));
    }

    fn list(&mut self, items: Vec<String>) {
        self.blocks.push(Block::List(items));
    }

    fn qr(&mut self, alt: String, note: &str) {
        self.blocks.push(Block::Qr {
            alt,
            note: note.to_owned(),
        });
    }

    fn brand(&self) -> String {
        format::brand(&self.city)
    }

    fn footer(&self) -> String {
        let brand = self.brand();
        let city = &self.city;
        let of_city = match (self.lang, city.starts_with("Comune ")) {
            (_, _) if city.is_empty() => String::new(),
            (Lang::It, true) => format!(" del {city}"),
            (Lang::It, false) => format!(" di {city}"),
            (Lang::En, true) => format!(" of the {city}"),
            (Lang::En, false) => format!(" of {city}"),
        };
        match self.lang {
            Lang::It => format!(
                "Messaggio automatico di {brand}, il servizio di prenotazione degli sportelli{of_city}. Non \
                 rispondere a questa e-mail."
            ),
            Lang::En => format!(
                "Automatic message from {brand}, the booking service for the counters{of_city}. Please do not \
                 reply to this e-mail."
            ),
        }
    }

    fn email(self, contact: &Contact, subject: &str) -> Message {
        let subject = format!("{} – {subject}", self.brand());
        Message::Email(Email {
            to: contact.address().to_owned(),
            text: self.text(),
            html: self.html(&subject),
            subject,
            qr_png: None,
            ics: None,
        })
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Para(text) | Block::Small(text) => out.push_str(&format!("{text}\n\n")),
                Block::Heading(text) => {
                    out.push_str(&format!("{text}\n{}\n", "-".repeat(text.chars().count())));
                }
                Block::Button { label, url } | Block::Link { label, url } => {
                    out.push_str(&format!("{label}:\n{url}\n\n"));
                }
                Block::Summary(rows) => {
                    for (label, value) in rows {
                        out.push_str(&format!(
                            "{label}: {}\n",
                            value.lines().collect::<Vec<_>>().join(", ")
                        ));
                    }
                    out.push('\n');
                }
                Block::List(items) => {
                    for item in items {
                        out.push_str(&format!("- {item}\n"));
                    }
                    out.push('\n');
                }
                Block::Qr { note, .. } => out.push_str(&format!("{note}\n\n")),
            }
        }
        out.push_str(&format!("-- \n{}\n", self.footer()));
        out
    }

    fn html(&self, title: &str) -> String {
        let mut body = String::new();
        for block in &self.blocks {
            match block {
                Block::Para(text) => {
                    body.push_str(&format!(
                        "<p style=\"margin:0 0 16px;\">{}</p>\n",
                        escape_lines(text)
                    ));
                }
                Block::Small(text) => body.push_str(&format!(
                    "<p style=\"margin:24px 0 0;font-size:14px;color:{GREY};\">{}</p>\n",
                    escape_lines(text)
                )),
                Block::Heading(text) => body.push_str(&format!(
                    "<h2 style=\"margin:24px 0 8px;font-size:18px;\">{}</h2>\n",
                    escape_html(text)
                )),
                Block::Button { label, url } => {
                    let hint = tr(
                        self.lang,
                        "Se il pulsante non funziona, copia questo indirizzo nel browser:",
                        "If the button does not work, copy this address into your browser:",
                    );
                    body.push_str(&format!(
                        "<p style=\"margin:24px 0 8px;\"><a href=\"{url}\" style=\"display:inline-block;\
                         background:{BLUE};color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 24px;\
                         border-radius:4px;\">{label}</a></p>\n<p style=\"margin:0 0 16px;font-size:14px;\
                         color:{GREY};word-break:break-all;\">{hint} <a href=\"{url}\" style=\"color:{BLUE};\">\
                         {url}</a></p>\n",
                        url = escape_html(url),
                        label = escape_html(label),
                        hint = escape_html(hint),
                    ));
                }
                Block::Link { label, url } => body.push_str(&format!(
                    "<p style=\"margin:0 0 16px;\"><a href=\"{}\" style=\"color:{BLUE};\">{}</a></p>\n",
                    escape_html(url),
                    escape_html(label)
                )),
                Block::Summary(rows) => {
                    body.push_str(
                        "<table role=\"presentation\" style=\"border-collapse:collapse;width:100%;\
                         margin:0 0 16px;\">\n",
                    );
                    for (label, value) in rows {
                        body.push_str(&format!(
                            "<tr><th scope=\"row\" style=\"text-align:left;vertical-align:top;font-weight:normal;\
                             color:{GREY};padding:6px 16px 6px 0;white-space:nowrap;\">{}</th><td style=\"\
                             padding:6px 0;font-weight:bold;\">{}</td></tr>\n",
                            escape_html(label),
                            escape_lines(value)
                        ));
                    }
                    body.push_str("</table>\n");
                }
                Block::List(items) => {
                    body.push_str("<ul style=\"margin:0 0 16px;padding-left:24px;\">\n");
                    for item in items {
                        body.push_str(&format!("<li>{}</li>\n", escape_html(item)));
                    }
                    body.push_str("</ul>\n");
                }
                Block::Qr { alt, .. } => body.push_str(&format!(
                    "<p style=\"margin:16px 0;text-align:center;\"><img src=\"cid:{QR_CONTENT_ID}\" \
                     width=\"240\" height=\"240\" alt=\"{}\" style=\"display:inline-block;width:240px;\
                     height:240px;\"></p>\n",
                    escape_html(alt)
                )),
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
             </head>\n<body style=\"margin:0;padding:0;background:#f2f2f2;\">\n\
             <div style=\"max-width:600px;margin:0 auto;background:#ffffff;font-family:'Titillium Web',Arial,\
             sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;\">\n\
             <div style=\"background:{BLUE};color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold;\">\
             {brand}</div>\n<div style=\"padding:24px;\">\n{body}</div>\n\
             <div style=\"padding:16px 24px;border-top:1px solid #e6e9f2;font-size:13px;color:{GREY};\">\
             {footer}</div>\n</div>\n</body>\n</html>\n",
            lang = self.lang.as_str(),
            title = escape_html(title),
            brand = escape_html(&self.brand()),
            footer = escape_html(&self.footer()),
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, TimeZone};

    use super::*;
    use crate::testing::facts;

    const HOST: &str = "prenota.comune.bergamo.it";
    const LONG_HOST: &str = "servizi-online.prenotazioni.comune.bg.it";
    const EMAIL: &str = "maria.rossi@example.it";
    const MOBILE: &str = "+393331234567";

    fn link(host: &str, path: &str, seed: char) -> String {
        format!("https://{host}/{path}/{}", seed.to_string().repeat(20) + "_-")
    }

    fn email_contact() -> Contact {
        Contact::parse(EMAIL).unwrap()
    }

    fn sms_contact() -> Contact {
        Contact::parse("333 123 4567").unwrap()
    }

    fn base(lang: Lang) -> BookingFacts {
        let mut facts = facts(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), (9, 15), (9, 30));
        facts.lang = lang;
        facts
    }

    /// 60-character names full of accents and typography outside GSM-7.
    fn long(lang: Lang) -> BookingFacts {
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

    fn confirm_by() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 9, 45, 0).unwrap()
    }

    fn variants() -> Vec<(Lang, BookingFacts, &'static str)> {
        let mut all = Vec::new();
        for lang in [Lang::It, Lang::En] {
            for host in [HOST, LONG_HOST] {
                all.push((lang, base(lang), host));
                all.push((lang, long(lang), host));
            }
        }
        all
    }

    fn assert_sms(message: &Message, links: &[&str]) -> String {
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

    fn assert_email<'a>(message: &'a Message, phrases: &[&str]) -> &'a Email {
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

    fn three_bookings(lang: Lang, host: &str) -> Vec<(BookingFacts, String)> {
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
}
