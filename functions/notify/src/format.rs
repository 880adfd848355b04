//! Dates and times as citizens read them, in Italian and English (Europe/Rome wall clock).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use prenota_core::calendar::local;
use prenota_core::catalogue::Lang;
use prenota_core::texts::fill;

prenota_core::texts! {
    /// The words of dates.
    struct Words;
    /// The words of dates in `lang`.
    fn words;

    monday: "lunedì", "Monday";
    tuesday: "martedì", "Tuesday";
    wednesday: "mercoledì", "Wednesday";
    thursday: "giovedì", "Thursday";
    friday: "venerdì", "Friday";
    saturday: "sabato", "Saturday";
    sunday: "domenica", "Sunday";

    january: "gennaio", "January";
    february: "febbraio", "February";
    march: "marzo", "March";
    april: "aprile", "April";
    may: "maggio", "May";
    june: "giugno", "June";
    july: "luglio", "July";
    august: "agosto", "August";
    september: "settembre", "September";
    october: "ottobre", "October";
    november: "novembre", "November";
    december: "dicembre", "December";

    // A month in a short date: its number in Italian, its first three letters in English.
    january_short: "1", "Jan";
    february_short: "2", "Feb";
    march_short: "3", "Mar";
    april_short: "4", "Apr";
    may_short: "5", "May";
    june_short: "6", "Jun";
    july_short: "7", "Jul";
    august_short: "8", "Aug";
    september_short: "9", "Sep";
    october_short: "10", "Oct";
    november_short: "11", "Nov";
    december_short: "12", "Dec";

    // "1/12", "1 Dec".
    date_short: "{day}/{month}", "{day} {month}";
    // "ore 10:45 di giovedì 26 novembre 2026", "10:45 on Thursday 26 November 2026".
    deadline: "ore {time} di {date}", "{time} on {date}";
}

fn weekday(lang: Lang, day: Weekday) -> &'static str {
    let w = words(lang);
    match day {
        Weekday::Mon => w.monday,
        Weekday::Tue => w.tuesday,
        Weekday::Wed => w.wednesday,
        Weekday::Thu => w.thursday,
        Weekday::Fri => w.friday,
        Weekday::Sat => w.saturday,
        Weekday::Sun => w.sunday,
    }
}

/// The name of the date's month and its form in a short date.
fn month(lang: Lang, date: NaiveDate) -> (&'static str, &'static str) {
    let w = words(lang);
    match date.month() {
        1 => (w.january, w.january_short),
        2 => (w.february, w.february_short),
        3 => (w.march, w.march_short),
        4 => (w.april, w.april_short),
        5 => (w.may, w.may_short),
        6 => (w.june, w.june_short),
        7 => (w.july, w.july_short),
        8 => (w.august, w.august_short),
        9 => (w.september, w.september_short),
        10 => (w.october, w.october_short),
        11 => (w.november, w.november_short),
        _ => (w.december, w.december_short),
    }
}

/// "martedì 1 dicembre 2026" / "Tuesday 1 December 2026".
pub fn date_long(lang: Lang, date: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        weekday(lang, date.weekday()),
        date.day(),
        month(lang, date).0,
        date.year()
    )
}

/// "1/12" (it) or "1 Dec" (en): for SMS, where every character counts.
pub fn date_short(lang: Lang, date: NaiveDate) -> String {
    let day = date.day().to_string();
    fill(
        words(lang).date_short,
        &[("day", &day), ("month", month(lang, date).1)],
    )
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
    fill(
        words(lang).deadline,
        &[
            ("time", &time(wall.time())),
            ("date", &date_long(lang, wall.date())),
        ],
    )
}

/// "30/11 09:00" / "30 Nov 09:00": a deadline on another day than today's, for SMS.
pub fn deadline_short(lang: Lang, instant: DateTime<Utc>) -> String {
    let wall = local(instant);
    format!("{} {}", date_short(lang, wall.date()), time(wall.time()))
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
    fn every_month_and_day_has_its_words() {
        let first = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let english = (0..12)
            .map(|month| date_short(Lang::En, first.with_month0(month).unwrap()))
            .collect::<Vec<_>>();
        assert_eq!(
            english.join(" "),
            "4 Jan 4 Feb 4 Mar 4 Apr 4 May 4 Jun 4 Jul 4 Aug 4 Sep 4 Oct 4 Nov 4 Dec"
        );
        assert_eq!(date_short(Lang::It, first.with_month0(9).unwrap()), "4/10");
        assert_eq!(date_long(Lang::It, first), "lunedì 4 gennaio 2027");
        assert_eq!(
            date_long(Lang::En, first + chrono::Duration::days(6)),
            "Sunday 10 January 2027"
        );
        assert_eq!(prenota_core::texts::problems(Words::ALL), Vec::<String>::new());
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
