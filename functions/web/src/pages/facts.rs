//! The booking at a glance, as every page about a booking shows it.

use prenota_core::catalogue::Lang;
use prenota_notify::BookingFacts;
use prenota_notify::format::{date_long, time_range};

use super::texts::Texts;
use super::{escape, lang_attr};

/// The booking at a glance: service, office, address, date, time and, while it is kept, the name.
pub(super) fn facts_list(lang: Lang, t: &Texts, facts: &BookingFacts) -> String {
    let foreign = lang_attr(lang, facts.lang);
    let mut rows = vec![
        (
            t.label_service,
            format!("<dd{foreign}>{}</dd>", escape(&facts.service_name)),
        ),
        (t.label_office, format!("<dd>{}</dd>", escape(&facts.office_name))),
        (
            t.label_address,
            format!("<dd>{}</dd>", escape(&facts.office_address)),
        ),
        (
            t.label_date,
            format!(
                "<dd><time datetime=\"{}\">{}</time></dd>",
                facts.date.format("%Y-%m-%d"),
                escape(&date_long(lang, facts.date))
            ),
        ),
        (
            t.label_time,
            format!("<dd>{}</dd>", escape(&time_range(facts.start, facts.end))),
        ),
    ];
    if !facts.household.is_empty() {
        rows.push((t.label_household, household_list(facts)));
    }
    if let Some(name) = facts
        .person_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        rows.push((t.label_name, format!("<dd>{}</dd>", escape(name))));
    }
    let mut list = String::from("<dl class=\"facts\">\n");
    for (label, value) in rows {
        list.push_str(&format!("<dt>{}</dt>{value}\n", escape(label)));
    }
    list.push_str("</dl>\n");
    list
}

/// Everyone of a household booking with their time, and a link to each one's page where the page
/// lists them.
fn household_list(facts: &BookingFacts) -> String {
    let mut list = String::from("<dd><ul>");
    for member in &facts.household {
        let name = escape(member.name.as_deref().unwrap_or("—"));
        let who = match &member.page_url {
            Some(url) => format!("<a href=\"{}\">{name}</a>", escape(url)),
            None => name,
        };
        list.push_str(&format!(
            "<li>{who}, {}</li>",
            escape(&time_range(member.start, member.end))
        ));
    }
    list.push_str("</ul></dd>");
    list
}
