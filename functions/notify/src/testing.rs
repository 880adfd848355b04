//! Fixtures shared by the crate's tests.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use prenota_core::catalogue::Lang;

use crate::facts::BookingFacts;

pub(crate) fn facts(date: NaiveDate, start: (u32, u32), end: (u32, u32)) -> BookingFacts {
    let start = NaiveTime::from_hms_opt(start.0, start.1, 0).unwrap();
    let end = NaiveTime::from_hms_opt(end.0, end.1, 0).unwrap();
    let rome = chrono_tz::Europe::Rome;
    BookingFacts {
        lang: Lang::It,
        city: "Comune di Bergamo".into(),
        booking_id: "9f2c4e".into(),
        short_code: "K7MX4QPR".into(),
        person_name: Some("Maria Rossi".into()),
        service_name: "Carta d'identità elettronica (CIE)".into(),
        office_name: "Ufficio 3".into(),
        office_address: "Via Torquato Tasso, 28, Bergamo, BG".into(),
        office_lat: 45.6955,
        office_lon: 9.6721,
        date,
        start,
        end,
        starts_at: rome
            .from_local_datetime(&date.and_time(start))
            .unwrap()
            .with_timezone(&Utc),
        ends_at: rome
            .from_local_datetime(&date.and_time(end))
            .unwrap()
            .with_timezone(&Utc),
        terms: "Presentarsi 5 minuti prima.".into(),
        access_rules: "Un accesso per prenotazione.".into(),
        what_to_bring: vec!["Documento scaduto; o denuncia".into(), "Fototessera".into()],
        confirm_by: None,
        household: Vec::new(),
    }
}
