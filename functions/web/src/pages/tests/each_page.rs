//! Each page's own content: the confirmation page, the booking page (just confirmed, after
//! erasure, a household's, asked to reconfirm), cancelling, the message pages, the move page.

use super::*;

#[test]
fn confirm_page_shows_the_summary_and_confirms_by_post() {
    for lang in LANGS {
        let t = texts(lang);
        let html = confirm_page(lang, &facts(lang), CONFIRM_CODE, confirm_by());
        assert!(html.contains(&format!("<h1>{}</h1>", escape(t.confirm_title))));
        assert!(html.contains(&format!("<title>{} – ", escape(t.confirm_title))));
        let deadline = match lang {
            Lang::It => "Hai tempo fino alle ore 10:45 di giovedì 26 novembre 2026.",
            Lang::En => "You have until 10:45 on Thursday 26 November 2026.",
        };
        assert!(html.contains(&escape(deadline)), "{lang:?}");
        let date = match lang {
            Lang::It => "martedì 1 dicembre 2026",
            Lang::En => "Tuesday 1 December 2026",
        };
        assert!(html.contains(&format!(r#"<time datetime="2026-12-01">{date}</time>"#)));
        for text in [
            "Carta d&#39;identità elettronica (CIE)",
            "Ufficio 3",
            "Via Torquato Tasso, 28, Bergamo, BG",
            "09:15–09:30",
            "Maria Rossi",
        ] {
            assert!(html.contains(text), "{lang:?}: {text}");
        }
        let forms = forms(&html);
        assert_eq!(forms.len(), 1);
        assert!(forms[0].starts_with(&format!(r#"method="post" action="/c/{CONFIRM_CODE}">"#)));
        assert!(forms[0].contains(&format!(
            r#"<input type="hidden" name="lang" value="{}">"#,
            lang.as_str()
        )));
        assert!(forms[0].contains(&format!(
            r#"<button type="submit" class="button">{}</button>"#,
            escape(t.confirm_button)
        )));
        assert!(html.contains(&format!(
            r#"href="/c/{CONFIRM_CODE}?lang={}""#,
            other(lang).as_str()
        )));
        assert!(!html.contains(QR), "no QR before confirming");
    }
    assert!(confirm_page(Lang::It, &facts(Lang::It), "x", confirm_by()).contains("Conferma prenotazione"));
    assert!(confirm_page(Lang::En, &facts(Lang::En), "x", confirm_by()).contains("Confirm booking"));
}

#[test]
fn booking_page_has_everything_for_the_counter() {
    for lang in LANGS {
        let t = texts(lang);
        let html = booking_page(lang, &facts(lang), PAGE_CODE, QR, None, Actions::movable());
        assert!(html.contains(&format!("<h1>{}</h1>", escape(t.booking_title))));
        assert!(!html.contains(&escape(t.confirmed_notice_title)));
        assert!(html.contains(QR), "the QR is inserted as-is");
        assert!(html.contains(r#"<span aria-hidden="true">K7MX-4QPR</span>"#));
        assert!(html.contains(r#"<span class="visually-hidden">K 7 M X 4 Q P R</span>"#));
        for text in [
            "Carta d&#39;identità elettronica (CIE)",
            "Ufficio 3",
            "Via Torquato Tasso, 28",
            "09:15–09:30",
        ] {
            assert!(html.contains(text), "{lang:?}: {text}");
        }
        assert!(html.contains("Maria Rossi"));
        assert!(html.contains(
            r#"<a href="https://www.openstreetmap.org/?mlat=45.698264&amp;mlon=9.677270#map=18/45.698264/9.677270" rel="noopener noreferrer">"#
        ));
        assert!(!html.contains("target="), "the map opens normally");
        for heading in [
            t.pass_heading,
            t.details_heading,
            t.before_heading,
            t.service_terms_heading,
        ] {
            assert!(html.contains(&escape(heading)), "{lang:?}: {heading}");
        }
        assert!(html.contains(&escape(t.access_heading)) && html.contains(&escape(t.bring_heading)));
        assert!(
            html.contains("<p>Presentarsi 10 minuti prima.</p>"),
            "blank lines make paragraphs"
        );
        assert!(html.contains("piano terra.<br>\nAccesso senza barriere."));
        assert!(html.contains("<li>Documento di identità</li>\n<li>Codice fiscale</li>\n</ul>"));
        assert!(!html.contains("<li></li>"));
        assert!(html.contains(&format!(
            r#"href="/p/{PAGE_CODE}/calendar.ics">{}</a>"#,
            escape(t.calendar_link)
        )));
        assert!(html.contains(&format!(r#"href="/">{}</a>"#, escape(t.new_booking))));
        assert!(html.contains(&escape(t.print_hint)));
        assert!(html.contains(&format!(r#"href="/p/{PAGE_CODE}?lang={}""#, other(lang).as_str())));

        let forms = forms(&html);
        assert_eq!(forms.len(), 1);
        assert!(forms[0].starts_with(&format!(r#"method="post" action="/p/{PAGE_CODE}/cancel">"#)));
        assert!(!forms[0].contains("name=\"confirm\""), "first step only");
        assert!(forms[0].contains(&format!(r#"name="lang" value="{}""#, lang.as_str())));
        assert!(forms[0].contains(&escape(t.cancel_button)));
    }
    let it = plain_booking_page(Lang::It);
    assert!(it.contains("Annulla prenotazione") && it.contains("Aggiungi al calendario"));
    assert!(it.contains("Prenota un altro appuntamento") && it.contains("martedì 1 dicembre 2026"));
    let en = plain_booking_page(Lang::En);
    assert!(
        en.contains("Cancel booking")
            && en.contains("Add to calendar")
            && en.contains("Tuesday 1 December 2026")
    );
}

#[test]
fn booking_page_says_when_it_was_just_confirmed() {
    for lang in LANGS {
        let t = texts(lang);
        let html = booking_page(
            lang,
            &facts(lang),
            PAGE_CODE,
            QR,
            Some(Notice::Confirmed),
            Actions::movable(),
        );
        assert!(html.contains(&format!(
            r#"<div class="notice notice-success" role="status"><p class="notice-title">{}</p>"#,
            escape(t.confirmed_notice_title)
        )));
    }
    for (lang, title) in [
        (Lang::It, "Prenotazione confermata"),
        (Lang::En, "Booking confirmed"),
    ] {
        let html = booking_page(
            lang,
            &facts(lang),
            PAGE_CODE,
            QR,
            Some(Notice::Confirmed),
            Actions::movable(),
        );
        assert!(html.contains(title), "{html}");
    }
}

#[test]
fn booking_page_after_erasure_and_in_the_other_language() {
    let erased = BookingFacts {
        person_name: None,
        terms: String::new(),
        what_to_bring: vec![],
        ..facts(Lang::It)
    };
    let html = booking_page(Lang::It, &erased, PAGE_CODE, QR, None, Actions::movable());
    assert!(!html.contains("Maria Rossi") && !html.contains(&escape(texts(Lang::It).label_name)));
    assert!(!html.contains(&escape(texts(Lang::It).service_terms_heading)));
    assert!(html.contains(&escape(texts(Lang::It).access_heading)));

    let nothing = BookingFacts {
        access_rules: " ".into(),
        ..erased
    };
    let html = booking_page(Lang::It, &nothing, PAGE_CODE, QR, None, Actions::movable());
    assert!(!html.contains("before-title"), "no empty section");
    assert_common(&html, Lang::It, "booking without terms");

    // The catalogue's texts are Italian, the page English: screen readers are told.
    let html = booking_page(
        Lang::En,
        &facts(Lang::It),
        PAGE_CODE,
        QR,
        None,
        Actions::movable(),
    );
    assert!(html.contains(r#"<p lang="it">Presentarsi 10 minuti prima.</p>"#));
    assert!(html.contains(r#"<ul lang="it">"#));
    assert!(html.contains(r#"<dd lang="it">Carta d&#39;identità"#));
    let html = plain_booking_page(Lang::It);
    assert!(!html.contains("<p lang=") && !html.contains("<ul lang=") && !html.contains("<dd lang="));
}

#[test]
fn cancel_confirm_page_asks_before_cancelling() {
    for lang in LANGS {
        let t = texts(lang);
        let html = cancel_confirm_page(lang, &facts(lang), PAGE_CODE);
        assert!(html.contains(&format!("<h1>{}</h1>", escape(t.cancel_confirm_title))));
        assert!(html.contains("Ufficio 3") && html.contains("09:15–09:30"));
        let forms = forms(&html);
        assert_eq!(forms.len(), 1);
        assert!(forms[0].starts_with(&format!(r#"method="post" action="/p/{PAGE_CODE}/cancel">"#)));
        assert!(forms[0].contains(r#"<input type="hidden" name="confirm" value="yes">"#));
        assert!(forms[0].contains(&format!(
            r#"<input type="hidden" name="lang" value="{}">"#,
            lang.as_str()
        )));
        assert!(forms[0].contains(&format!(
            r#"<button type="submit" class="button button-danger">{}</button>"#,
            escape(t.cancel_confirm_button)
        )));
        assert!(html.contains(&format!(
            r#"<a href="/p/{PAGE_CODE}?lang={}">{}</a>"#,
            lang.as_str(),
            escape(t.cancel_keep)
        )));
    }
    let it = cancel_confirm_page(Lang::It, &facts(Lang::It), PAGE_CODE);
    assert!(it.contains("Vuoi annullare la prenotazione?") && it.contains("Sì, annulla la prenotazione"));
    assert!(it.contains("No, mantieni la prenotazione"));
}

#[test]
fn cancelled_page_says_what_was_cancelled() {
    for lang in LANGS {
        let t = texts(lang);
        let html = cancelled_page(lang, &facts(lang));
        assert!(html.contains(&format!("<h1>{}</h1>", escape(t.cancelled_title))));
        assert!(html.contains(&escape(t.cancelled_free)));
        assert!(html.contains("Carta d&#39;identità elettronica (CIE)") && html.contains("09:15–09:30"));
        assert!(html.contains(&format!(
            r#"<a class="button" href="/">{}</a>"#,
            escape(t.new_booking)
        )));
        assert!(forms(&html).is_empty());
        assert!(!html.contains(QR) && !html.contains("K7MX"));
    }
    assert!(cancelled_page(Lang::It, &facts(Lang::It)).contains("Prenotazione annullata"));
    assert!(cancelled_page(Lang::En, &facts(Lang::En)).contains("Booking cancelled"));
}

#[test]
fn expired_and_not_found_pages_show_the_way_on() {
    for lang in LANGS {
        let t = texts(lang);
        let html = expired_page(lang);
        assert!(html.contains(&format!("<h1>{}</h1>", escape(t.expired_title))));
        assert!(html.contains(&format!(r#"href="/">{}</a>"#, escape(t.book_again))));
        assert!(html.contains(&format!(r#"href="?lang={}""#, other(lang).as_str())));

        let html = not_found_page(lang);
        assert!(html.contains(&format!("<h1>{}</h1>", escape(t.not_found_title))));
        assert!(html.contains(&escape(t.not_found_text)));
        assert!(html.contains(&format!(
            r#"href="/?view=my-bookings">{}</a>"#,
            escape(t.my_bookings)
        )));
    }
    assert!(expired_page(Lang::It).contains("Prenota di nuovo"));
    assert!(expired_page(Lang::En).contains("Book again"));
    assert!(not_found_page(Lang::It).contains("Le mie prenotazioni"));
    assert!(not_found_page(Lang::En).contains("My bookings"));
}

#[test]
fn message_page_shows_title_and_paragraphs() {
    let html = message_page(
        Lang::En,
        "Too late to cancel",
        "The appointment has started.\n\nAsk at the counter.",
    );
    assert!(html.contains("<h1>Too late to cancel</h1>"));
    assert!(html.contains("<title>Too late to cancel – "));
    assert!(html.contains("<p>The appointment has started.</p>\n<p>Ask at the counter.</p>"));
    assert!(html.contains(r#"<a href="/">Back to the home page</a>"#));
    assert_common(&html, Lang::En, "message");
}

#[test]
fn translations_are_complete_and_plain() {
    // No empty text; the Italian and English of each name the same placeholders.
    assert_eq!(prenota_core::texts::problems(ALL), Vec::<String>::new());
    for (key, it, en) in ALL {
        for text in [it, en] {
            assert!(
                !text.contains(['<', '>', '&']),
                "{key}: texts are plain, the pages escape them"
            );
        }
    }
    let same = ALL
        .iter()
        .filter(|(_, it, en)| it == en)
        .map(|(key, ..)| *key)
        .collect::<Vec<_>>();
    assert_eq!(same, ["title_suffix"], "every other text is translated");
}

#[test]
fn the_real_qr_code_fits_the_page() {
    let qr = prenota_notify::qr::svg("PRENOTA1.check-in-token");
    let html = booking_page(
        Lang::It,
        &facts(Lang::It),
        PAGE_CODE,
        &qr,
        Some(Notice::Confirmed),
        Actions::movable(),
    );
    assert!(html.contains(&qr));
    assert_common(&html, Lang::It, "booking with the real QR");
    let lower = qr.to_ascii_lowercase();
    assert!(!lower.contains("style") && !lower.contains("<script") && !lower.contains("href"));
}

#[test]
fn short_codes_read_aloud() {
    assert_eq!(short_code_display("K7MX4QPR"), "K7MX-4QPR");
    assert_eq!(short_code_display("ABC"), "ABC");
    assert_eq!(short_code_spelled("K7MX4QPR"), "K 7 M X 4 Q P R");
    assert_eq!(path_segment("Az09-_.~"), "Az09-_.~");
    assert_eq!(path_segment("a b/è"), "a%20b%2F%C3%A8");
}

/// A text added to the site's header or footer needs its words here too, or these pages would
/// show the partial's Italian in English.
#[test]
fn every_text_of_the_site_header_and_footer_is_translated() {
    for partial in [HEADER, FOOTER] {
        for (at, _) in partial.match_indices("data-i18n") {
            let value = attribute_value(
                &partial[at - 1..],
                &partial[at..at + partial[at..].find('=').unwrap()],
            )
            .unwrap();
            let key = value.split_once(':').map_or(value, |(_, key)| key);
            assert!(chrome_text(key, Lang::En).is_some(), "no text for {key:?}");
        }
    }
    let english = localized_partial(FOOTER, Lang::En, "/p/x");
    assert!(english.contains(">Privacy policy</a>") && !english.contains("Informativa privacy"));
}

#[test]
fn the_move_page_offers_the_days_and_times_and_posts_the_choice() {
    for lang in [Lang::It, Lang::En] {
        let html = move_page(
            lang,
            &facts(lang),
            PAGE_CODE,
            Some((move_day(), &move_times())),
            &[move_day(), move_day().succ_opt().unwrap()],
            None,
        );
        let forms = forms(&html);
        assert_eq!(forms.len(), 1, "one form: the move");
        assert!(forms[0].starts_with(&format!("method=\"post\" action=\"/p/{PAGE_CODE}/move\"")));
        assert!(forms[0].contains("name=\"date\" value=\"2026-12-03\""));
        assert_eq!(forms[0].matches("type=\"radio\" name=\"start\"").count(), 2);
        assert!(forms[0].contains("value=\"15:45\""));
        // The shown day is marked; every day is a link that changes nothing.
        assert_eq!(html.matches("aria-current=\"date\"").count(), 1);
        assert!(html.contains(&format!(
            "/p/{PAGE_CODE}/move?date=2026-12-04&amp;lang={}#times-title",
            lang.as_str()
        )));
        // Back to the booking page, in the page's language.
        assert!(html.contains(&format!("href=\"/p/{PAGE_CODE}?lang={}\"", lang.as_str())));
    }
    // The booking page offers the move only while it may be made.
    assert!(plain_booking_page(Lang::It).contains("/move?lang=it"));
    assert!(
        !booking_page(
            Lang::It,
            &facts(Lang::It),
            PAGE_CODE,
            QR,
            None,
            Actions::default()
        )
        .contains("/move?")
    );
}

#[test]
fn a_booking_asked_to_reconfirm_shows_the_question_with_a_post() {
    let by = Utc.with_ymd_and_hms(2026, 12, 9, 8, 0, 0).unwrap();
    let actions = Actions {
        can_move: true,
        reconfirm_by: Some(by),
        displaced: None,
    };
    for (lang, title, button) in [
        (Lang::It, "Confermi che verrai?", "Confermo che verrò"),
        (Lang::En, "Will you come?", "I will come"),
    ] {
        let html = booking_page(lang, &facts(lang), PAGE_CODE, QR, None, actions);
        assert!(html.contains(title), "{html}");
        assert!(html.contains("09:00"), "the deadline in Rome's time");
        let forms = forms(&html);
        let reconfirm = forms
            .iter()
            .find(|form| form.contains(&format!("action=\"/p/{PAGE_CODE}/reconfirm\"")))
            .expect("the answer is a form");
        assert!(reconfirm.starts_with("method=\"post\""));
        assert!(reconfirm.contains(button));
        assert_common(&html, lang, "booking asked to reconfirm");
    }
    let thanked = booking_page(
        Lang::It,
        &facts(Lang::It),
        PAGE_CODE,
        QR,
        Some(Notice::Reconfirmed),
        Actions::movable(),
    );
    assert!(thanked.contains("Grazie, ti aspettiamo"));
    assert!(!thanked.contains("/reconfirm"));
}

#[test]
fn a_displaced_booking_says_why_offers_a_new_time_and_shows_no_pass() {
    for (lang, title, reason, button) in [
        (
            Lang::It,
            "L'ufficio è chiuso",
            "Motivo: Sciopero",
            "Scegli un nuovo orario",
        ),
        (
            Lang::En,
            "The office is closed",
            "Reason: Strike",
            "Choose a new time",
        ),
    ] {
        let actions = Actions {
            displaced: Some(if lang == Lang::It { "Sciopero" } else { "Strike" }),
            ..Actions::default()
        };
        let html = booking_page(lang, &facts(lang), PAGE_CODE, QR, None, actions);
        assert!(html.contains(&escape(title)), "{html}");
        assert!(html.contains(reason), "{html}");
        assert!(html.contains(button), "{html}");
        assert!(html.contains(&format!("href=\"/p/{PAGE_CODE}/move?lang={}\"", lang.as_str())));
        assert!(!html.contains(QR), "no pass for a closed counter");
        assert!(
            html.contains(&format!("action=\"/p/{PAGE_CODE}/cancel\"")),
            "it can be cancelled"
        );
        assert_common(&html, lang, "displaced booking");
    }
}

#[test]
fn a_households_pages_list_everyone_and_link_each_page() {
    use prenota_notify::facts::HouseholdMember;
    for lang in LANGS {
        let member = |name: &str, start: (u32, u32), url: Option<&str>| HouseholdMember {
            name: Some(name.to_owned()),
            start: NaiveTime::from_hms_opt(start.0, start.1, 0).unwrap(),
            end: NaiveTime::from_hms_opt(start.0, start.1 + 15, 0).unwrap(),
            page_url: url.map(str::to_owned),
        };
        let household = BookingFacts {
            household: vec![
                member("Maria Rossi", (9, 15), Some("/p/AAA?lang=it")),
                member(HOSTILE, (9, 30), Some("/p/B\"B")),
            ],
            ..facts(lang)
        };
        let page = booking_page(lang, &household, PAGE_CODE, QR, None, Actions::movable());
        let label = texts(lang).label_household;
        assert!(page.contains(&escape(label)), "{lang:?}");
        assert!(page.contains(r#"<a href="/p/AAA?lang=it">Maria Rossi</a>, 09:15–09:30"#));
        assert!(page.contains(r#"href="/p/B&quot;B""#), "the link is escaped");
        assert!(
            !page.contains(HOSTILE) && page.contains(&escape(HOSTILE)),
            "the name is escaped"
        );
        assert_common(&page, lang, "household booking page");
        // The confirmation page lists them without links (messages carry none).
        let listed = BookingFacts {
            household: household
                .household
                .iter()
                .map(|m| HouseholdMember {
                    page_url: None,
                    ..m.clone()
                })
                .collect(),
            ..household.clone()
        };
        let confirm = confirm_page(lang, &listed, CONFIRM_CODE, confirm_by());
        assert!(confirm.contains("<li>Maria Rossi, 09:15–09:30</li>"), "{confirm}");
        // One person: no list.
        assert!(!plain_booking_page(lang).contains(&escape(label)));
    }
}
