use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_notify::BookingFacts;
use sha2::{Digest, Sha256};

use super::texts::{ALL, texts};
use super::*;

const CONFIRM_CODE: &str = "c0nF1rm-Code_xYz";
const PAGE_CODE: &str = "pAg3-Code_aBc";
const QR: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" role="img" aria-label="QR"><path d="M4 4h7v7H4z"/></svg>"#;
const HOSTILE: &str = "<script>alert(1)</script>";
const LANGS: [Lang; 2] = [Lang::It, Lang::En];

fn facts(lang: Lang) -> BookingFacts {
    BookingFacts {
        lang,
        city: "Comune di Bergamo".into(),
        booking_id: "9f2c4e1a0b7d".into(),
        short_code: "K7MX4QPR".into(),
        person_name: Some("Maria Rossi".into()),
        service_name: "Carta d'identità elettronica (CIE)".into(),
        office_name: "Ufficio 3".into(),
        office_address: "Via Torquato Tasso, 28, Bergamo, BG".into(),
        office_lat: 45.698_264,
        office_lon: 9.677_27,
        date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        start: NaiveTime::from_hms_opt(9, 15, 0).unwrap(),
        end: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        starts_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 15, 0).unwrap(),
        ends_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 30, 0).unwrap(),
        terms:
            "Presentarsi 10 minuti prima.\n\nIn caso di ritardo superiore a 10 minuti l'appuntamento decade."
                .into(),
        access_rules: "Ingresso da Via Tasso, piano terra.\nAccesso senza barriere.".into(),
        what_to_bring: vec![
            "Documento di identità".into(),
            "Codice fiscale".into(),
            "  ".into(),
        ],
        confirm_by: None,
        household: Vec::new(),
    }
}

/// Every text field of the booking holds markup and quotes.
fn hostile_facts() -> BookingFacts {
    BookingFacts {
        city: HOSTILE.into(),
        short_code: "<b>X</b>\"'".into(),
        person_name: Some(format!("\"'>{HOSTILE}")),
        service_name: HOSTILE.into(),
        office_name: format!("Ufficio \"{HOSTILE}\""),
        office_address: format!("'{HOSTILE}&"),
        office_lat: f64::NAN,
        terms: HOSTILE.into(),
        access_rules: HOSTILE.into(),
        what_to_bring: vec![HOSTILE.into()],
        ..facts(Lang::It)
    }
}

fn move_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

fn move_times() -> Vec<(NaiveTime, NaiveTime)> {
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    vec![(at(15, 15), at(15, 45)), (at(15, 45), at(16, 15))]
}

/// The booking page as a GET shows it: no notice, the move offered, nothing asked.
fn plain_booking_page(lang: Lang) -> String {
    booking_page(lang, &facts(lang), PAGE_CODE, QR, None, Actions::movable())
}

fn confirm_by() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 45, 0).unwrap()
}

/// Every page, as a route would render it.
fn all_pages(lang: Lang, facts: &BookingFacts) -> Vec<(&'static str, String)> {
    vec![
        ("confirm", confirm_page(lang, facts, CONFIRM_CODE, confirm_by())),
        (
            "booking",
            booking_page(lang, facts, PAGE_CODE, QR, None, Actions::movable()),
        ),
        (
            "booking confirmed",
            booking_page(
                lang,
                facts,
                PAGE_CODE,
                QR,
                Some(Notice::Confirmed),
                Actions::movable(),
            ),
        ),
        (
            "booking moved",
            booking_page(
                lang,
                facts,
                PAGE_CODE,
                QR,
                Some(Notice::Moved),
                Actions::default(),
            ),
        ),
        (
            "move",
            move_page(
                lang,
                facts,
                PAGE_CODE,
                Some((move_day(), &move_times())),
                &[move_day()],
                None,
            ),
        ),
        (
            "move refused",
            move_page(
                lang,
                facts,
                PAGE_CODE,
                Some((move_day(), &move_times())),
                &[move_day()],
                Some(MoveError::Taken),
            ),
        ),
        (
            "move nothing free",
            move_page(lang, facts, PAGE_CODE, None, &[], None),
        ),
        ("cancel confirm", cancel_confirm_page(lang, facts, PAGE_CODE)),
        ("cancelled", cancelled_page(lang, facts)),
        ("expired", expired_page(lang)),
        ("not found", not_found_page(lang)),
        (
            "message",
            message_page(lang, "Servizio non disponibile", "Riprova più tardi."),
        ),
    ]
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::It => Lang::En,
        Lang::En => Lang::It,
    }
}

/// The page's `<form …>` opening tags with what each form holds up to `</form>`.
fn forms(html: &str) -> Vec<&str> {
    html.split("<form ")
        .skip(1)
        .map(|rest| &rest[..rest.find("</form>").unwrap()])
        .collect()
}

fn style_content(html: &str) -> &str {
    let start = html.find("<style>").unwrap() + "<style>".len();
    &html[start..start + html[start..].find("</style>").unwrap()]
}

/// What the document is made of, collected while checking that it nests properly.
#[derive(Default)]
struct Outline {
    headings: Vec<u8>,
    ids: Vec<String>,
    labelledby: Vec<String>,
    tags: Vec<String>,
}

fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_end_matches('/').trim();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        if let Some(value) = rest.strip_prefix("=\"") {
            let close = value.find('"').expect("attribute values are double-quoted");
            out.push((name, value[..close].to_string()));
            rest = value[close + 1..].trim_start();
        } else {
            assert!(!rest.starts_with('='), "unquoted attribute value in <{tag}>");
            out.push((name, String::new()));
            rest = rest.trim_start();
        }
    }
    out
}

/// Every `&` starts one of the entities that [`escape`] writes.
fn assert_entities(text: &str, page: &str) {
    for (at, _) in text.match_indices('&') {
        let rest = &text[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|entity| rest.starts_with(entity)),
            "{page}: bare & in {:?}",
            &rest[..rest.len().min(30)]
        );
    }
}

/// A small well-formedness check: tags nest and close, void elements stay void, attribute values are
/// quoted and escaped, text holds no stray `<`.
fn outline(html: &str, page: &str) -> Outline {
    const VOID: [&str; 6] = ["meta", "input", "br", "link", "img", "hr"];
    let mut outline = Outline::default();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html.strip_prefix("<!DOCTYPE html>\n").expect("doctype first");
    while let Some(open) = rest.find('<') {
        assert_entities(&rest[..open], page);
        rest = &rest[open + 1..];
        let close = rest.find('>').unwrap();
        let tag = &rest[..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name),
                "{page}: </{name}> closes the wrong element"
            );
            continue;
        }
        let end = tag
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(tag.len());
        let name = tag[..end].to_string();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "{page}: <{tag}>"
        );
        for (attribute, value) in attributes(&tag[end..]) {
            assert_entities(&value, page);
            match attribute.as_str() {
                "style" | "src" | "srcset" => panic!("{page}: {attribute}= on <{name}>"),
                a if a.starts_with("on") => panic!("{page}: event handler {a} on <{name}>"),
                "id" => outline.ids.push(value),
                "aria-labelledby" => outline.labelledby.push(value),
                _ => {}
            }
        }
        if let Some(level) = name.strip_prefix('h').and_then(|l| l.parse::<u8>().ok()) {
            outline.headings.push(level);
        }
        outline.tags.push(name.clone());
        if name == "style" {
            let end = rest.find("</style>").unwrap();
            assert_eq!(&rest[..end], CSS, "{page}: <style> holds exactly CSS");
            rest = &rest[end + "</style>".len()..];
        } else if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            stack.push(name);
        }
    }
    assert!(rest.trim().is_empty(), "{page}: text after </html>");
    assert!(stack.is_empty(), "{page}: unclosed {stack:?}");
    outline
}

fn assert_common(html: &str, lang: Lang, page: &str) {
    let t = texts(lang);
    let code = lang.as_str();
    assert!(
        html.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{code}\">")),
        "{page}: lang"
    );
    assert!(html.contains(r#"<meta charset="utf-8">"#));
    assert!(html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#));
    let title = &html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()];
    assert!(
        title.ends_with(&escape(t.title_suffix)) && title.len() > t.title_suffix.len() + 3,
        "{page}"
    );
    let skip = chrome_text("skip", lang).unwrap();
    assert!(
        html.contains(&format!(
            r##"href="#main" data-i18n="skip">{}</a>"##,
            escape(skip)
        )),
        "{page}: skip link"
    );
    assert!(html.contains(r#"<main id="main""#));
    for landmark in ["<header", "<main", "<footer", "<nav"] {
        assert_eq!(html.matches(landmark).count(), 1, "{page}: {landmark}");
    }
    assert!(html.contains("Comune di Bergamo") && html.contains("Prenota Bergamo"));
    assert!(html.contains(r#"href="/assets/bootstrap-italia.min.css""#));
    // The footer of every page of the site, with the markers the Designers Italia checker reads.
    for (href, element, key) in [
        ("/privacy.html", "privacy-policy-link", "f_privacy"),
        ("/accessibilita.html", "accessibility-link", "f_a11y"),
        ("/termini.html", "legal-notes", "f_terms"),
        ("/faq.html", "faq", "f_faq"),
        ("/segnala-disservizio.html", "report-inefficiency", "f_report"),
    ] {
        let text = escape(chrome_text(key, lang).unwrap());
        assert!(
            html.contains(&format!(
                r#"<a href="{href}" data-element="{element}" data-i18n="{key}">{text}</a>"#
            )),
            "{page}: {href}"
        );
    }
    // The open data, linked from every page without a Designers Italia marker of its own.
    let open_data = escape(chrome_text("f_open_data", lang).unwrap());
    assert!(
        html.contains(&format!(
            r#"<a href="/open-data/" data-i18n="f_open_data">{open_data}</a>"#
        )),
        "{page}: /open-data/"
    );
    let other = other(lang).as_str();
    assert!(
        html.contains(&format!(
            r#"?lang={other}" lang="{other}" hreflang="{other}" data-set-lang="{other}">"#
        )),
        "{page}: the other language"
    );
    assert!(
        html.contains(&format!(
            r#"?lang={code}" lang="{code}" hreflang="{code}" data-set-lang="{code}" aria-current="true">"#
        )),
        "{page}: this language, marked"
    );

    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{page}: script");
    assert!(!lower.contains("style="), "{page}: style attribute");
    let without_svg_namespace = lower.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
    assert!(
        !without_svg_namespace.contains("http://"),
        "{page}: external resource"
    );
    for (at, _) in html.match_indices("https://") {
        assert!(
            html[at..].starts_with("https://www.openstreetmap.org/?mlat=")
                || html[at..].starts_with("https://www.comune.bergamo.it/\""),
            "{page}: external link"
        );
    }

    assert_eq!(html.matches("<style>").count(), 1);
    let style = style_content(html);
    assert_eq!(style, CSS);
    let hash = format!("'sha256-{}'", STANDARD.encode(Sha256::digest(style.as_bytes())));
    assert_eq!(hash, style_csp_source());

    let outline = outline(html, page);
    assert_eq!(outline.headings.first(), Some(&1), "{page}: starts with <h1>");
    assert_eq!(
        outline.headings.iter().filter(|&&level| level == 1).count(),
        1,
        "{page}: one <h1>"
    );
    for pair in outline.headings.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "{page}: heading levels skip: {:?}",
            outline.headings
        );
    }
    let mut ids = outline.ids.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        outline.ids.len(),
        "{page}: duplicate ids {:?}",
        outline.ids
    );
    for target in &outline.labelledby {
        assert!(
            outline.ids.contains(target),
            "{page}: aria-labelledby={target} points nowhere"
        );
    }
    for tag in ["html", "head", "title", "body", "header", "main", "footer"] {
        assert_eq!(
            outline.tags.iter().filter(|t| *t == tag).count(),
            1,
            "{page}: <{tag}>"
        );
    }
}

#[test]
fn escape_makes_markup_and_quotes_inert() {
    assert_eq!(escape(r#"<script>&"'"#), "&lt;script&gt;&amp;&quot;&#39;");
    assert_eq!(escape("Carta d'identità"), "Carta d&#39;identità");
    assert_eq!(escape(""), "");
}

#[test]
fn every_page_shares_the_layout_in_both_languages() {
    for lang in LANGS {
        for (page, html) in all_pages(lang, &facts(lang)) {
            assert_common(&html, lang, page);
        }
    }
}

#[test]
fn the_stylesheet_is_allowed_by_its_hash_and_loads_nothing() {
    let source = style_csp_source();
    let encoded = source
        .strip_prefix("'sha256-")
        .and_then(|s| s.strip_suffix('\''))
        .unwrap();
    assert_eq!(
        STANDARD.decode(encoded).unwrap(),
        Sha256::digest(CSS.as_bytes()).to_vec()
    );
    assert!(!CSS.contains("url(") && !CSS.contains("@import") && !CSS.contains("</"));
    assert!(CSS.contains("@media print"));
}

#[test]
fn hostile_facts_are_escaped_everywhere() {
    let hostile = hostile_facts();
    for lang in LANGS {
        for (page, html) in all_pages(lang, &hostile) {
            assert!(!html.contains(HOSTILE), "{page}");
            assert!(!html.contains("<b>"), "{page}");
            assert_common(&html, lang, page);
        }
    }
    let html = booking_page(Lang::It, &hostile, PAGE_CODE, QR, None, Actions::movable());
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("openstreetmap"), "no map link without coordinates");

    let html = message_page(Lang::En, HOSTILE, &format!("{HOSTILE}\"'"));
    assert!(!html.contains(HOSTILE));
    assert!(html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;</p>"));
}

#[test]
fn hostile_codes_stay_inside_their_url() {
    let code = "a\"b/<c> d";
    let html = confirm_page(Lang::It, &facts(Lang::It), code, confirm_by());
    assert!(html.contains(r#"action="/c/a%22b%2F%3Cc%3E%20d""#));
    let html = booking_page(Lang::It, &facts(Lang::It), code, QR, None, Actions::movable());
    assert!(html.contains(r#"action="/p/a%22b%2F%3Cc%3E%20d/cancel""#));
    assert!(html.contains(r#"href="/p/a%22b%2F%3Cc%3E%20d/calendar.ics""#));
    assert_common(&html, Lang::It, "booking with odd code");
}

mod each_page;
