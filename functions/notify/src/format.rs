//! Dates and times as citizens read them, in Italian and English (Europe/Rome wall clock).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use prenota_core::calendar::local;
use prenota_core::catalogue::Lang;

const MONTHS_IT: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday(lang: Lang, day: Weekday) -> &'static str {
    let index = day.num_days_from_monday() as usize;
    match lang {
        Lang::It => [
            "lunedì",
            "martedì",
            "mercoledì",
            "giovedì",
            "venerdì",
            "sabato",
            "domenica",
        ][index],
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][index],
    }
}

/// "martedì 1 dicembre 2026" / "Tuesday 1 December 2026".
pub fn date_long(lang: Lang, date: NaiveDate) -> String {
    let month = date.month0() as usize;
    let name = match lang {
        Lang::It => MONTHS_IT[month],
        Lang::En => MONTHS_EN[month],
    };
    format!(
        "{} {} {name} {}",
        weekday(lang, date.weekday()),
        date.day(),
        date.year()
    )
}

/// "1/12" (it) or "1 Dec" (en): for SMS, where every character counts.
pub fn date_short(lang: Lang, date: NaiveDate) -> String {
    match lang {
        Lang::It => format!("{}/{}", date.day(), date.month()),
        Lang::En => format!("{} {}", date.day(), &MONTHS_EN[date.month0() as usize][..3]),
    }
}

/// "09:15".
pub fn time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// "09:15–09:30".
pub fn time_range(start: NaiveTime, end: NaiveTime) -> String {
    format!("{}–{}", time(start), time(end))
}

/// A deadline as the citizen's clock shows it: "ore 10:45 di giovedì 26 novembre 2026" /
/// "10:45 on Thursday 26 November 2026".
pub fn deadline(lang: Lang, instant: DateTime<Utc>) -> String {
    let wall = local(instant);
    match lang {
        Lang::It => format!("ore {} di {}", time(wall.time()), date_long(lang, wall.date())),
        Lang::En => format!("{} on {}", time(wall.time()), date_long(lang, wall.date())),
    }
}

/// "10:45": the deadline's time of day only, for SMS.
pub fn deadline_time(instant: DateTime<Utc>) -> String {
    time(local(instant).time())
}

/// "Bergamo" from "Comune di Bergamo": the city as a person names it.
pub fn city_short(city: &str) -> &str {
    let city = city.trim();
    ["Comune di ", "Città di ", "City of "]
        .iter()
        .find_map(|prefix| city.strip_prefix(prefix))
        .map_or(city, str::trim)
}

/// "Prenota Bergamo": the service's name, sender name and subject prefix.
pub fn brand(city: &str) -> String {
    let short = city_short(city);
    if short.is_empty() {
        "Prenota".to_owned()
    } else {
        format!("Prenota {short}")
    }
}

/// `K7MX-4QPR` from `K7MX4QPR`; any other length is shown as it is.
pub fn short_code(code: &str) -> String {
    if code.len() == 8 && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn reads_like_a_person_writes() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(date_long(Lang::It, date), "martedì 1 dicembre 2026");
        assert_eq!(date_long(Lang::En, date), "Tuesday 1 December 2026");
        assert_eq!(date_short(Lang::It, date), "1/12");
        assert_eq!(date_short(Lang::En, date), "1 Dec");
        let start = NaiveTime::from_hms_opt(9, 15, 0).unwrap();
        let end = NaiveTime::from_hms_opt(9, 30, 0).unwrap();
        assert_eq!(time_range(start, end), "09:15–09:30");
        let instant = Utc.with_ymd_and_hms(2026, 11, 26, 9, 45, 0).unwrap();
        assert_eq!(
            deadline(Lang::It, instant),
            "ore 10:45 di giovedì 26 novembre 2026"
        );
        assert_eq!(deadline(Lang::En, instant), "10:45 on Thursday 26 November 2026");
    }

    #[test]
    fn names_the_service_after_the_city() {
        assert_eq!(city_short("Comune di Bergamo"), "Bergamo");
        assert_eq!(brand("Comune di Bergamo"), "Prenota Bergamo");
        assert_eq!(brand("Bergamo"), "Prenota Bergamo");
        assert_eq!(brand(""), "Prenota");
        assert_eq!(short_code("K7MX4QPR"), "K7MX-4QPR");
        assert_eq!(short_code("K7MX"), "K7MX");
    }
}
