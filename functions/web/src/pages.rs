//! HTML pages for the links in messages: /c/{code} (confirm) and /p/{code} (booking).
//!
//! Every page works without JavaScript and loads nothing from elsewhere: one layout, one stylesheet
//! ([`CSS`], embedded in a `<style>` element and allowed by the Content-Security-Policy through
//! [`style_csp_source`]), no `style=` attribute, no script. A GET never changes state, so every action
//! is a form that POSTs. All the words are in [`texts`], Italian and English side by side.

mod facts;
mod moving;
mod texts;
mod waiting;

#[cfg(test)]
mod tests;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_notify::BookingFacts;
use prenota_notify::format::deadline;
use sha2::{Digest, Sha256};

use facts::facts_list;
pub use moving::{MoveError, move_page};
use texts::{Texts, chrome_text, fill, texts};
pub use waiting::{WaitingNotice, waiting_page};

/// The pages' only stylesheet, embedded as-is in each page's `<style>` element.
pub const CSS: &str = include_str!("pages/booking.css");

/// The CSP source that allows [`CSS`] and nothing else: `'sha256-…'`, for `style-src`.
pub fn style_csp_source() -> String {
    format!("'sha256-{}'", STANDARD.encode(Sha256::digest(CSS.as_bytes())))
}

/// `text` made safe for HTML content and for quoted attribute values.
pub use prenota_notify::compose::escape_html as escape;

/// `GET /c/{code}`: the summary, the deadline and the button that confirms (a POST, never the GET).
pub fn confirm_page(lang: Lang, facts: &BookingFacts, code: &str, confirm_by: DateTime<Utc>) -> String {
    let t = texts(lang);
    let action = format!("/c/{}", path_segment(code));
    let body = format!(
        r#"<h1>{title}</h1>
<p class="lead">{intro}</p>
<div class="notice notice-warning"><p>{deadline}</p></div>
{summary}<form method="post" action="{action}">
<input type="hidden" name="lang" value="{lang}">
<button type="submit" class="button">{button}</button>
</form>
<p>{not_you}</p>
"#,
        title = escape(t.confirm_title),
        intro = escape(t.confirm_intro),
        deadline = escape(&fill(
            t.confirm_deadline,
            &[("deadline", &deadline(lang, confirm_by))]
        )),
        summary = section("summary", t.confirm_summary_heading, &facts_list(lang, t, facts)),
        action = escape(&action),
        lang = lang.as_str(),
        button = escape(t.confirm_button),
        not_you = escape(t.confirm_not_you),
    );
    layout(lang, t.confirm_title, Some(&action), &body)
}

/// What the booking page says first, after the change that led to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The answer to the POST that confirms.
    Confirmed,
    /// The answer to the POST that moves the appointment.
    Moved,
    /// The answer to "Confermo che verrò".
    Reconfirmed,
}

/// What the booking page offers besides cancelling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actions<'a> {
    /// "Sposta appuntamento", while the booking may still move.
    pub can_move: bool,
    /// "Confermi che verrai?" is waiting for an answer until then.
    pub reconfirm_by: Option<DateTime<Utc>>,
    /// The office closed at its time (a displaced booking), for this reason: the pass is of no
    /// use, another time is to be chosen.
    pub displaced: Option<&'a str>,
}

impl Actions<'_> {
    /// A booking that may move and is asked nothing.
    pub fn movable() -> Self {
        Self {
            can_move: true,
            reconfirm_by: None,
            displaced: None,
        }
    }
}

/// `GET /p/{code}`, and the answer to the POSTs that confirm, move and reconfirm (`notice`):
/// everything to show at the counter and to know before going, the question "Confermi che
/// verrai?" while it waits, moving the appointment and the first step of cancelling.
pub fn booking_page(
    lang: Lang,
    facts: &BookingFacts,
    page_code: &str,
    qr_svg: &str,
    notice: Option<Notice>,
    actions: Actions<'_>,
) -> String {
    let t = texts(lang);
    let path = format!("/p/{}", path_segment(page_code));
    let Actions {
        can_move,
        reconfirm_by,
        displaced,
    } = actions;
    let move_href = format!("{path}/move?lang={}", lang.as_str());
    let displaced_notice = displaced.map_or(String::new(), |reason| {
        format!(
            r#"<div class="notice notice-warning" role="status"><p class="notice-title">{title}</p><p>{reason}</p><p>{text}</p>
<p><a class="button" href="{href}">{button}</a></p></div>
"#,
            title = escape(t.displaced_title),
            reason = escape(&fill(t.displaced_reason, &[("reason", reason)])),
            text = escape(t.displaced_text),
            href = escape(&move_href),
            button = escape(t.displaced_button),
        )
    });
    let question = reconfirm_by.map_or(String::new(), |by| {
        format!(
            r#"<div class="notice notice-warning" role="status"><p class="notice-title">{title}</p><p>{text}</p>
<form method="post" action="{action}">
<input type="hidden" name="lang" value="{lang}">
<button type="submit" class="button">{button}</button>
</form></div>
"#,
            title = escape(t.reconfirm_title),
            text = escape(&fill(t.reconfirm_text, &[("deadline", &deadline(lang, by))])),
            action = escape(&format!("{path}/reconfirm")),
            lang = lang.as_str(),
            button = escape(t.reconfirm_button),
        )
    });
    let notice = match notice {
        Some(notice) => {
            let (title, text) = match notice {
                Notice::Confirmed => (t.confirmed_notice_title, t.confirmed_notice_text),
                Notice::Moved => (t.moved_notice_title, t.moved_notice_text),
                Notice::Reconfirmed => (t.reconfirmed_notice_title, t.reconfirmed_notice_text),
            };
            format!(
                r#"<div class="notice notice-success" role="status"><p class="notice-title">{}</p><p>{}</p></div>
"#,
                escape(title),
                escape(text)
            )
        }
        None => String::new(),
    };
    let pass = format!(
        r#"<figure class="qr">{qr_svg}<figcaption>{caption}</figcaption></figure>
<p class="code-label">{label}</p>
<p class="short-code"><span aria-hidden="true">{code}</span><span class="visually-hidden">{spelled}</span></p>
<p>{one_person}</p>
"#,
        caption = escape(t.qr_caption),
        label = escape(t.short_code_label),
        code = escape(&short_code_display(&facts.short_code)),
        spelled = escape(&short_code_spelled(&facts.short_code)),
        one_person = escape(t.one_person),
    );
    let details = format!("{}{}", facts_list(lang, t, facts), map_link(t, facts));
    let actions = format!(
        r#"<ul class="actions">
<li><a class="button button-secondary" href="{calendar}">{calendar_text}</a></li>
<li><a class="button button-secondary" href="/">{new_booking}</a></li>
</ul>
<p>{print_hint}</p>
"#,
        calendar = escape(&format!("{path}/calendar.ics")),
        calendar_text = escape(t.calendar_link),
        new_booking = escape(t.new_booking),
        print_hint = escape(t.print_hint),
    );
    let cancel = format!(
        r#"<p>{intro}</p>
<form method="post" action="{action}">
<input type="hidden" name="lang" value="{lang}">
<button type="submit" class="button button-secondary">{button}</button>
</form>
"#,
        intro = escape(t.cancel_intro),
        action = escape(&format!("{path}/cancel")),
        lang = lang.as_str(),
        button = escape(t.cancel_button),
    );
    let move_section = if can_move {
        let moving = format!(
            r#"<p>{intro}</p>
<p><a class="button button-secondary" href="{href}">{button}</a></p>
"#,
            intro = escape(t.move_intro),
            href = escape(&move_href),
            button = escape(t.move_button),
        );
        section_no_print("move", t.move_heading, &moving)
    } else {
        String::new()
    };
    // A displaced booking's pass would be refused at a closed counter: not shown.
    let pass = if displaced.is_some() {
        String::new()
    } else {
        section("pass", t.pass_heading, &pass)
    };
    let body = format!(
        "<h1>{title}</h1>\n{notice}{displaced_notice}{question}{pass}{details}{before}{actions}{move_section}{cancel}",
        title = escape(t.booking_title),
        details = section("details", t.details_heading, &details),
        before = before_you_go(lang, t, facts),
        actions = section_no_print("actions", t.actions_heading, &actions),
        cancel = section_no_print("cancel", t.cancel_heading, &cancel),
    );
    layout(lang, t.booking_title, Some(&path), &body)
}

/// The answer to the first `POST /p/{code}/cancel`: "are you sure?", with the POST that cancels.
pub fn cancel_confirm_page(lang: Lang, facts: &BookingFacts, page_code: &str) -> String {
    let t = texts(lang);
    let path = format!("/p/{}", path_segment(page_code));
    let body = format!(
        r#"<h1>{title}</h1>
<p class="lead">{intro}</p>
{summary}<form method="post" action="{action}">
<input type="hidden" name="confirm" value="yes">
<input type="hidden" name="lang" value="{lang}">
<button type="submit" class="button button-danger">{button}</button>
</form>
<p><a href="{keep}">{keep_text}</a></p>
"#,
        title = escape(t.cancel_confirm_title),
        intro = escape(t.cancel_confirm_intro),
        summary = section("summary", t.confirm_summary_heading, &facts_list(lang, t, facts)),
        action = escape(&format!("{path}/cancel")),
        lang = lang.as_str(),
        button = escape(t.cancel_confirm_button),
        keep = escape(&format!("{path}?lang={}", lang.as_str())),
        keep_text = escape(t.cancel_keep),
    );
    // Switching language here goes back to the booking page: the question is one click away from it.
    layout(lang, t.cancel_confirm_title, Some(&path), &body)
}

/// The answer to `POST /p/{code}/cancel` with `confirm=yes`.
pub fn cancelled_page(lang: Lang, facts: &BookingFacts) -> String {
    let t = texts(lang);
    let body = format!(
        r#"<h1>{title}</h1>
<div class="notice notice-success" role="status"><p>{intro}</p></div>
{facts}<p>{free}</p>
<p><a class="button" href="/">{new_booking}</a></p>
"#,
        title = escape(t.cancelled_title),
        intro = escape(t.cancelled_intro),
        facts = facts_list(lang, t, facts),
        free = escape(t.cancelled_free),
        new_booking = escape(t.new_booking),
    );
    layout(lang, t.cancelled_title, None, &body)
}

/// 410: the confirmation window closed and the slot was released.
pub fn expired_page(lang: Lang) -> String {
    let t = texts(lang);
    let body = format!(
        r#"<h1>{title}</h1>
<p class="lead">{text}</p>
<p>{again}</p>
<p><a class="button" href="/">{book_again}</a></p>
"#,
        title = escape(t.expired_title),
        text = escape(t.expired_text),
        again = escape(t.expired_again),
        book_again = escape(t.book_again),
    );
    layout(lang, t.expired_title, None, &body)
}

/// 404: no booking behind this link, and how to get one's links again.
pub fn not_found_page(lang: Lang) -> String {
    let t = texts(lang);
    let body = format!(
        r#"<h1>{title}</h1>
<p class="lead">{text}</p>
<p>{retry}</p>
<p>{mine}</p>
<ul class="actions">
<li><a class="button" href="/?view=my-bookings">{my_bookings}</a></li>
<li><a class="button button-secondary" href="/">{home}</a></li>
</ul>
"#,
        title = escape(t.not_found_title),
        text = escape(t.not_found_text),
        retry = escape(t.not_found_retry),
        mine = escape(t.not_found_mine),
        my_bookings = escape(t.my_bookings),
        home = escape(t.home),
    );
    layout(lang, t.not_found_title, None, &body)
}

/// 409: the appointment has started, so it can no longer be cancelled.
pub fn started_page(lang: Lang) -> String {
    let t = texts(lang);
    message_page(lang, t.started_title, t.started_text)
}

/// 410: a link to a booking that was cancelled.
pub fn already_cancelled_page(lang: Lang) -> String {
    let t = texts(lang);
    message_page(lang, t.cancelled_title, t.already_cancelled_text)
}

/// The store could not answer: `detail` is the problem's explanation, in `lang`.
pub fn unavailable_page(lang: Lang, detail: &str) -> String {
    message_page(lang, texts(lang).unavailable_title, detail)
}

/// The accessible name of the QR code on the booking page.
/// Why a booking was displaced, once the closure that displaced it was undone.
pub fn reopened_reason(lang: Lang) -> &'static str {
    texts(lang).displaced_reopened
}

pub fn qr_label(lang: Lang) -> &'static str {
    texts(lang).qr_label
}

/// A title and a message, both plain text; blank lines separate paragraphs.
fn message_page(lang: Lang, title: &str, message: &str) -> String {
    let t = texts(lang);
    let body = format!(
        "<h1>{title}</h1>\n{message}<p><a href=\"/\">{home}</a></p>\n",
        title = escape(title),
        message = paragraphs(message, ""),
        home = escape(t.home),
    );
    layout(lang, title, None, &body)
}

/// The site's header and footer, written once for every page of the site and put into these
/// pages too (the Lambdas carry them in the binary).
const HEADER: &str = include_str!("../../../static-site/src/partials/header.html");
const FOOTER: &str = include_str!("../../../static-site/src/partials/footer.html");

/// The frame every page shares: the site's header, footer and stylesheets. `title` is plain text,
/// `main` is HTML. The language links point at `here` (a path, already safe for a URL) or,
/// without one, at the current path.
fn layout(lang: Lang, title: &str, here: Option<&str>, main: &str) -> String {
    let t = texts(lang);
    format!(
        r##"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light">
<title>{title} – {suffix}</title>
<link rel="stylesheet" href="/assets/bootstrap-italia.min.css">
<link rel="stylesheet" href="/assets/prenota.css">
<style>{css}</style>
</head>
<body>
{header}
<main id="main" class="container my-4 my-lg-5" tabindex="-1">
<div class="page">
{main}</div>
</main>
{footer}
</body>
</html>
"##,
        lang = lang.as_str(),
        title = escape(title),
        suffix = escape(t.title_suffix),
        css = CSS,
        header = localized_partial(HEADER, lang, here.unwrap_or("")),
        footer = localized_partial(FOOTER, lang, here.unwrap_or("")),
    )
}

/// A partial of the site in `lang`: the text of each `data-i18n="key"` element and the attribute
/// of each `data-i18n-attr="attribute:key"` replaced (the site's script does the same in the
/// browser), the language links pointed at `here` and the current one marked.
fn localized_partial(partial: &str, lang: Lang, here: &str) -> String {
    let mut out = String::with_capacity(partial.len() + 256);
    let mut rest = partial.trim_end();
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('>').map_or(rest.len() - open, |at| at + 1);
        let tag = localized_tag(&rest[open..close], lang, here);
        out.push_str(&tag);
        rest = &rest[close..];
        let key = attribute_value(&tag, "data-i18n");
        if let Some(text) = key.and_then(|key| chrome_text(key, lang)) {
            out.push_str(&escape(text));
            rest = &rest[rest.find('<').unwrap_or(rest.len())..];
        }
    }
    out.push_str(rest);
    out
}

fn localized_tag(tag: &str, lang: Lang, here: &str) -> String {
    let mut tag = tag.replace(" aria-current=\"true\"", "");
    let translated = attribute_value(&tag, "data-i18n-attr")
        .and_then(|v| v.split_once(':'))
        .and_then(|(attribute, key)| {
            Some((
                attribute,
                attribute_value(&tag, attribute)?,
                chrome_text(key, lang)?,
            ))
        });
    if let Some((attribute, old, text)) = translated {
        tag = tag.replacen(
            &format!("{attribute}=\"{old}\""),
            &format!("{attribute}=\"{}\"", escape(text)),
            1,
        );
    }
    for other in [Lang::It, Lang::En] {
        let code = other.as_str();
        tag = tag.replacen(
            &format!("href=\"?lang={code}\""),
            &format!("href=\"{here}?lang={code}\""),
            1,
        );
    }
    if attribute_value(&tag, "data-set-lang") == Some(lang.as_str()) {
        tag = tag.replacen(">", " aria-current=\"true\">", 1);
    }
    tag
}

/// The value of `name="…"` in a tag, if it has one.
fn attribute_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// A section titled by its `<h2>`, whose id is `{name}-title`.
fn section(name: &str, heading: &str, content: &str) -> String {
    section_with_attributes(name, "", heading, content)
}

/// A section that a printed page leaves out (actions that only make sense on screen).
fn section_no_print(name: &str, heading: &str, content: &str) -> String {
    section_with_attributes(name, " class=\"no-print\"", heading, content)
}

fn section_with_attributes(name: &str, attributes: &str, heading: &str, content: &str) -> String {
    format!(
        "<section{attributes} aria-labelledby=\"{name}-title\">\n<h2 id=\"{name}-title\">{heading}</h2>\n{content}</section>\n",
        heading = escape(heading),
    )
}

/// A link to the office on OpenStreetMap, when its coordinates make sense.
fn map_link(t: &Texts, facts: &BookingFacts) -> String {
    let (lat, lon) = (facts.office_lat, facts.office_lon);
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return String::new();
    }
    let url = format!("https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=18/{lat:.6}/{lon:.6}");
    format!(
        "<p class=\"no-print\"><a href=\"{}\" rel=\"noopener noreferrer\">{}</a></p>\n",
        escape(&url),
        escape(t.map_link)
    )
}

/// The service's terms, access rules and what to bring; nothing when the service says nothing.
fn before_you_go(lang: Lang, t: &Texts, facts: &BookingFacts) -> String {
    let foreign = lang_attr(lang, facts.lang);
    let mut content = String::new();
    if !facts.terms.trim().is_empty() {
        content.push_str(&format!(
            "<h3>{}</h3>\n{}",
            escape(t.service_terms_heading),
            paragraphs(&facts.terms, &foreign)
        ));
    }
    if !facts.access_rules.trim().is_empty() {
        content.push_str(&format!(
            "<h3>{}</h3>\n{}",
            escape(t.access_heading),
            paragraphs(&facts.access_rules, &foreign)
        ));
    }
    let items: Vec<&str> = facts
        .what_to_bring
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .collect();
    if !items.is_empty() {
        content.push_str(&format!("<h3>{}</h3>\n<ul{foreign}>\n", escape(t.bring_heading)));
        for item in items {
            content.push_str(&format!("<li>{}</li>\n", escape(item)));
        }
        content.push_str("</ul>\n");
    }
    if content.is_empty() {
        content
    } else {
        section("before", t.before_heading, &content)
    }
}

/// Plain text as paragraphs: a blank line starts a new one, a single line break stays one.
fn paragraphs(text: &str, attributes: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::new();
    for paragraph in text
        .split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
    {
        let lines: Vec<String> = paragraph.lines().map(|line| escape(line.trim())).collect();
        out.push_str(&format!("<p{attributes}>{}</p>\n", lines.join("<br>\n")));
    }
    out
}

/// ` lang="en"` when the catalogue's texts are not in the page's language, so screen readers switch voice.
fn lang_attr(page: Lang, content: Lang) -> String {
    if page == content {
        String::new()
    } else {
        format!(" lang=\"{}\"", content.as_str())
    }
}

/// `K7MX4QPR` as `K7MX-4QPR`: groups of four are easier to read aloud and to type.
fn short_code_display(code: &str) -> String {
    let chars: Vec<char> = code.trim().chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// `K 7 M X 4 Q P R`: one character at a time, for screen readers.
fn short_code_spelled(code: &str) -> String {
    code.trim()
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A link code as a URL path segment: unreserved characters as they are, everything else encoded.
fn path_segment(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for byte in code.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
