//! The booking as an iCalendar (RFC 5545) event, for "Aggiungi al calendario" and the e-mail.
//!
//! Times are Europe/Rome wall-clock times with a VTIMEZONE carrying the EU summer-time rules, so a
//! calendar shows 09:15 whatever the date and wherever it is opened.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::facts::BookingFacts;
use crate::format;

prenota_core::texts! {
    /// The words of the calendar event.
    struct Labels;
    /// The calendar's words in `lang`.
    fn labels;

    // The description: the booking code, what to bring, the booking page.
    code: "Codice prenotazione", "Booking code";
    bring: "Da portare", "Please bring";
    page: "Vedi o annulla la prenotazione", "View or cancel the booking";
    // The alarm the day before, followed by the service and the office.
    alarm: "Domani: appuntamento", "Tomorrow: appointment";
}

pub const TZID: &str = "Europe/Rome";
pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8; method=PUBLISH";
const MAX_LINE_OCTETS: usize = 75;

const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Rome",
    "X-LIC-LOCATION:Europe/Rome",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// The calendar for one booking, stamped now.
pub fn event(facts: &BookingFacts, page_url: &str) -> String {
    event_at(facts, page_url, Utc::now())
}

/// The calendar for one booking, with `DTSTAMP` = `stamp` (deterministic, for tests and for
/// serving the same file twice).
pub fn event_at(facts: &BookingFacts, page_url: &str, stamp: DateTime<Utc>) -> String {
    let brand = format::brand(&facts.city);
    let code = format::short_code(&facts.short_code);
    let labels = labels(facts.lang);
    let mut description = format!("{}: {code}", labels.code);
    if !facts.what_to_bring.is_empty() {
        description.push_str(&format!("\n{}: {}", labels.bring, facts.what_to_bring.join("; ")));
    }
    description.push_str(&format!("\n{}: {page_url}", labels.page));
    let summary = format!("{} — {}", facts.service_name, facts.office_name);

    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!(
            "PRODID:-//{}//Prenota//{}",
            text(&brand),
            facts.lang.as_str().to_uppercase()
        ),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
    ];
    lines.extend(VTIMEZONE.iter().map(|line| (*line).to_owned()));
    lines.extend([
        "BEGIN:VEVENT".into(),
        format!("UID:{}@prenota", facts.booking_id),
        format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")),
        format!("DTSTART;TZID={TZID}:{}", local(facts.date, facts.start)),
        format!("DTEND;TZID={TZID}:{}", local(facts.date, facts.end)),
        format!("SUMMARY:{}", text(&summary)),
        format!(
            "LOCATION:{}",
            text(&format!("{}, {}", facts.office_name, facts.office_address))
        ),
        format!("GEO:{:.6};{:.6}", facts.office_lat, facts.office_lon),
        format!("DESCRIPTION:{}", text(&description)),
        format!("URL:{}", page_url.trim()),
        "STATUS:CONFIRMED".into(),
        "TRANSP:OPAQUE".into(),
        "BEGIN:VALARM".into(),
        "ACTION:DISPLAY".into(),
        format!("DESCRIPTION:{}", text(&format!("{} {summary}", labels.alarm))),
        "TRIGGER:-P1D".into(),
        "END:VALARM".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]);
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
    }
    out
}

fn local(date: NaiveDate, time: NaiveTime) -> String {
    format!("{}T{}", date.format("%Y%m%d"), time.format("%H%M%S"))
}

/// A TEXT value: backslash, semicolon and comma escaped, newlines as `\n`, other controls dropped.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let value = value.replace("\r\n", "\n");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets (continuations start with a space) without splitting a
/// UTF-8 character, each physical line ended by CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use prenota_core::catalogue::Lang;

    use super::*;
    use crate::testing::facts;

    fn unfold(ics: &str) -> String {
        ics.replace("\r\n ", "")
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        assert_eq!(text("tab\there\u{7}"), "tabhere");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "è".repeat(100));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn writes_a_complete_calendar() {
        let facts = facts(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), (9, 15), (9, 30));
        let stamp = Utc.with_ymd_and_hms(2026, 11, 26, 9, 45, 0).unwrap();
        let ics = event_at(&facts, "https://prenota.comune.bergamo.it/p/abc", stamp);
        // CRLF everywhere, no bare LF.
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
        assert!(ics.split("\r\n").all(|line| line.len() <= 75));
        let ics = unfold(&ics);
        for expected in [
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Prenota Bergamo//Prenota//IT\r\n",
            "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
            "TZID:Europe/Rome\r\n",
            "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n",
            "TZOFFSETTO:+0200\r\n",
            "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n",
            "UID:9f2c4e@prenota\r\n",
            "DTSTAMP:20261126T094500Z\r\n",
            "DTSTART;TZID=Europe/Rome:20261201T091500\r\n",
            "DTEND;TZID=Europe/Rome:20261201T093000\r\n",
            "SUMMARY:Carta d'identità elettronica (CIE) — Ufficio 3\r\n",
            "LOCATION:Ufficio 3\\, Via Torquato Tasso\\, 28\\, Bergamo\\, BG\r\n",
            "GEO:45.695500;9.672100\r\n",
            "DESCRIPTION:Codice prenotazione: K7MX-4QPR\\nDa portare: Documento scaduto\\; o denuncia\\; \
             Fototessera\\nVedi o annulla la prenotazione: https://prenota.comune.bergamo.it/p/abc\r\n",
            "URL:https://prenota.comune.bergamo.it/p/abc\r\n",
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\n",
            "TRIGGER:-P1D\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        ] {
            assert!(ics.contains(expected), "missing {expected:?} in\n{ics}");
        }
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    }

    #[test]
    fn a_dst_day_keeps_its_wall_clock() {
        // 29 March 2026: clocks go from 02:00 to 03:00 in Rome.
        let facts = facts(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), (9, 0), (9, 30));
        assert_eq!(
            facts.starts_at,
            Utc.with_ymd_and_hms(2026, 3, 29, 7, 0, 0).unwrap()
        );
        let ics = unfold(&event(&facts, "https://x.it/p/a"));
        assert!(ics.contains("DTSTART;TZID=Europe/Rome:20260329T090000\r\n"));
        assert!(ics.contains("DTEND;TZID=Europe/Rome:20260329T093000\r\n"));
        // And in October, when they go back.
        let facts = facts_october();
        let ics = unfold(&event(&facts, "https://x.it/p/a"));
        assert!(ics.contains("DTSTART;TZID=Europe/Rome:20261025T110000\r\n"));
        let en = BookingFacts {
            lang: Lang::En,
            ..facts
        };
        assert!(unfold(&event(&en, "u")).contains("DESCRIPTION:Booking code: K7MX-4QPR\\nPlease bring:"));
        assert_eq!(prenota_core::texts::problems(Labels::ALL), Vec::<String>::new());
    }

    fn facts_october() -> BookingFacts {
        facts(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(), (11, 0), (11, 15))
    }
}
