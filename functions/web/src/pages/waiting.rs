//! `GET /w/{code}`: a place on the waiting list — what it waits for, and the one thing to do next:
//! «Conferma l'iscrizione» while pending, «Esci dalla lista d'attesa» while waiting or offered a
//! seat. Both are forms that POST (a mail scanner following the link changes nothing).

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_notify::compose::WaitingFacts;
use prenota_notify::format::{date_long, deadline};
use prenota_store::PlaceState;

use super::texts::{fill, texts};
use super::{escape, layout, path_segment, section};

/// What the page says first, after the change that led to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitingNotice {
    Confirmed,
    Left,
    /// The contact has as many places as it may: this one stays pending.
    TooMany(usize),
}

/// The page of a place in `state`.
pub fn waiting_page(
    lang: Lang,
    facts: &WaitingFacts,
    code: &str,
    state: PlaceState,
    confirm_by: DateTime<Utc>,
    notice: Option<WaitingNotice>,
) -> String {
    let t = texts(lang);
    let path = format!("/w/{}", path_segment(code));
    let notice = notice.map_or(String::new(), |notice| {
        let (class, role, text) = match notice {
            WaitingNotice::Confirmed => ("notice-success", "status", t.waiting_confirmed.to_owned()),
            WaitingNotice::Left => ("notice-success", "status", t.waiting_left.to_owned()),
            WaitingNotice::TooMany(cap) => (
                "notice-error",
                "alert",
                fill(t.waiting_too_many, &[("cap", &cap.to_string())]),
            ),
        };
        format!(
            "<div class=\"notice {class}\" role=\"{role}\"><p>{}</p></div>\n",
            escape(&text)
        )
    });
    let form = |action: &str, button: &str, class: &str| {
        format!(
            "<form method=\"post\" action=\"{action}\">\n<input type=\"hidden\" name=\"lang\" value=\"{lang}\">\n\
             <button type=\"submit\" class=\"button{class}\">{button}</button>\n</form>\n",
            action = escape(action),
            lang = lang.as_str(),
            button = escape(button),
        )
    };
    let next = match state {
        PlaceState::Pending => format!(
            "<div class=\"notice notice-warning\"><p>{}</p></div>\n{}",
            escape(&fill(
                t.waiting_confirm_by,
                &[("deadline", &deadline(lang, confirm_by))]
            )),
            form(&path, t.waiting_confirm_button, "")
        ),
        PlaceState::Waiting | PlaceState::Offered => format!(
            "<p>{}</p>\n{}",
            escape(if state == PlaceState::Offered {
                t.waiting_offered
            } else {
                t.waiting_on_list
            }),
            form(
                &format!("{path}/leave"),
                t.waiting_leave_button,
                " button-secondary"
            )
        ),
        PlaceState::Left => format!(
            "<p>{}</p>\n<p><a class=\"button\" href=\"/\">{}</a></p>\n",
            escape(t.waiting_not_on_list),
            escape(t.book_again)
        ),
    };
    let mut list = String::from("<dl class=\"facts\">\n");
    let offices = facts
        .office_names
        .iter()
        .map(|name| format!("<li>{}</li>", escape(name)))
        .collect::<String>();
    for (label, value) in [
        (t.label_service, escape(&facts.service_name)),
        (t.label_offices, format!("<ul>{offices}</ul>")),
        (
            t.label_days,
            escape(&fill(
                t.waiting_days,
                &[
                    ("from", &date_long(lang, facts.from)),
                    ("to", &date_long(lang, facts.to)),
                ],
            )),
        ),
    ] {
        list.push_str(&format!("<dt>{}</dt><dd>{value}</dd>\n", escape(label)));
    }
    list.push_str("</dl>\n");
    let body = format!(
        "<h1>{title}</h1>\n<p class=\"lead\">{lead}</p>\n{notice}{summary}{next}<p>{how}</p>\n",
        title = escape(t.waiting_title),
        lead = escape(t.waiting_lead),
        summary = section("summary", t.waiting_summary_heading, &list),
        how = escape(t.waiting_how),
    );
    layout(lang, t.waiting_title, Some(&path), &body)
}
