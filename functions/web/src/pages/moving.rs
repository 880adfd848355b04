//! `GET /p/{code}/move`: "Sposta l'appuntamento" without JavaScript — the current appointment, the
//! days with free times (links), the chosen day's free times (radio buttons) and «Invia», a POST to
//! the same address. A refused move comes back here with why.

use chrono::{NaiveDate, NaiveTime};
use prenota_core::catalogue::Lang;
use prenota_notify::BookingFacts;
use prenota_notify::format::{date_long, time_range};

use super::texts::{fill, texts};
use super::{escape, facts_list, layout, path_segment, section};

/// Why the last try to move did not go through, said above the choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// The chosen time was taken meanwhile.
    Taken,
    /// The contact has a booking of this service on that day already.
    SameDay,
    /// Too close to the appointment (or to the chosen time).
    TooLate,
    /// No day or time chosen, or one that is not offered.
    Invalid,
}

/// The page. `day` is the day shown and its free times (start, end); `days` the days that have
/// any; `error` why the last try was refused.
pub fn move_page(
    lang: Lang,
    facts: &BookingFacts,
    page_code: &str,
    day: Option<(NaiveDate, &[(NaiveTime, NaiveTime)])>,
    days: &[NaiveDate],
    error: Option<MoveError>,
) -> String {
    let t = texts(lang);
    let path = format!("/p/{}", path_segment(page_code));
    let action = format!("{path}/move");
    let error = error.map_or(String::new(), |error| {
        let text = match error {
            MoveError::Taken => t.move_taken,
            MoveError::SameDay => t.move_same_day,
            MoveError::TooLate => t.move_too_late,
            MoveError::Invalid => t.move_invalid,
        };
        format!(
            "<div class=\"notice notice-error\" role=\"alert\"><p>{}</p></div>\n",
            escape(text)
        )
    });
    let mut choices = String::new();
    if days.is_empty() {
        choices.push_str(&format!("<p>{}</p>\n", escape(t.move_none)));
    } else {
        let mut list = String::from("<ul class=\"days\">\n");
        for date in days {
            let current = if Some(*date) == day.map(|(shown, _)| shown) {
                " aria-current=\"date\""
            } else {
                ""
            };
            list.push_str(&format!(
                "<li><a href=\"{href}\"{current}>{text}</a></li>\n",
                // Straight to the day's times: a keyboard user does not Tab through every day again.
                href = escape(&format!(
                    "{action}?date={}&lang={}#times-title",
                    date.format("%Y-%m-%d"),
                    lang.as_str()
                )),
                text = escape(&date_long(lang, *date)),
            ));
        }
        list.push_str("</ul>\n");
        choices.push_str(&section("days", t.move_days_heading, &list));
    }
    if let Some((date, times)) = day.filter(|(_, times)| !times.is_empty()) {
        let mut radios = String::new();
        for (index, (start, end)) in times.iter().enumerate() {
            radios.push_str(&format!(
                "<div class=\"time\"><input type=\"radio\" name=\"start\" id=\"start-{index}\" value=\"{value}\" required>\
                 <label for=\"start-{index}\">{text}</label></div>\n",
                value = start.format("%H:%M"),
                text = escape(&time_range(*start, *end)),
            ));
        }
        let form = format!(
            r#"<form method="post" action="{action}">
<input type="hidden" name="date" value="{date}">
<input type="hidden" name="lang" value="{lang}">
<fieldset class="times">
<legend>{legend}</legend>
{radios}</fieldset>
<button type="submit" class="button">{send}</button>
</form>
"#,
            action = escape(&action),
            date = date.format("%Y-%m-%d"),
            lang = lang.as_str(),
            legend = escape(t.move_time_legend),
            send = escape(t.move_send),
        );
        let heading = fill(t.move_times_heading, &[("date", &date_long(lang, date))]);
        choices.push_str(&section("times", &heading, &form));
    }
    let body = format!(
        r#"<h1>{title}</h1>
<p class="lead">{lead}</p>
{error}{current}{choices}<p><a class="button button-secondary" href="{back}">{back_text}</a></p>
"#,
        title = escape(t.move_title),
        lead = escape(t.move_lead),
        current = section("current", t.move_current_heading, &facts_list(lang, t, facts)),
        back = escape(&format!("{path}?lang={}", lang.as_str())),
        back_text = escape(t.move_back),
    );
    layout(lang, t.move_title, Some(&action), &body)
}
