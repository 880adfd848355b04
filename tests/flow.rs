//! The citizen's whole flow over HTTP against the real one-machine server: search, offices, slots,
//! hold, details, the confirmation link from the outbox, confirm, booking page, calendar, cancel.
//! Also expiry with short TTLs, the SMS channel, the pages' security headers and "my bookings"
//! answering the same whether or not the contact has bookings.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{Reply, Server, Slot, confirmed_booking, desks, first_slot, hrefs, short_code};
use serde_json::{Value, json};

fn parse_time(raw: &Value) -> DateTime<Utc> {
    let raw = raw.as_str().unwrap_or_else(|| panic!("not a string: {raw}"));
    DateTime::parse_from_rfc3339(raw)
        .unwrap_or_else(|e| panic!("{raw:?} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// The security headers every HTML page of `/c/` and `/p/` must carry.
fn assert_page_headers(reply: &Reply, what: &str) {
    assert!(reply.is_html(), "{what}: not HTML: {}", reply.content_type());
    let csp = reply
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: CSP {csp}");
    assert!(csp.contains("object-src 'none'"), "{what}: CSP {csp}");
    assert_eq!(
        reply.header("referrer-policy").as_deref(),
        Some("no-referrer"),
        "{what}"
    );
    let hsts = reply
        .header("strict-transport-security")
        .unwrap_or_else(|| panic!("{what}: no Strict-Transport-Security"));
    assert!(hsts.contains("max-age="), "{what}: HSTS {hsts}");
    assert_eq!(
        reply.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
}

/// Sleeps until `instant` has passed, never longer than `at_most`.
async fn sleep_past(instant: DateTime<Utc>, at_most: Duration) {
    let wait = (instant - Utc::now()).to_std().unwrap_or(Duration::ZERO);
    assert!(
        wait <= at_most,
        "{instant} is {wait:?} away, more than {at_most:?}"
    );
    tokio::time::sleep(wait + Duration::from_millis(50)).await;
}

fn count(messages: &[common::OutboxMessage], kind: &str, recipient: &str) -> usize {
    messages
        .iter()
        .filter(|m| m.kind == kind && m.recipient == recipient)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_finds_holds_confirms_and_cancels_a_booking() {
    let server = Server::start().await;

    // Services: the search is accent-insensitive and finds the CIE.
    let reply = server.get("/api/services?q=carta%20identita").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.content_type().starts_with("application/json"));
    let services = reply.json()["services"].as_array().expect("services").clone();
    let cie = services
        .iter()
        .find(|s| s["id"] == "cie")
        .unwrap_or_else(|| panic!("cie not found: {services:?}"));
    assert!(cie["name"].as_str().is_some_and(|n| n.contains("CIE")), "{cie}");
    assert!(cie["summary"].as_str().is_some_and(|s| !s.is_empty()), "{cie}");
    assert_eq!(cie["duration_minutes"], 30, "{cie}");

    // Offices of the CIE, seen from the centre of Bergamo.
    let reply = server
        .get("/api/services/cie/offices?lat=45.6950&lon=9.6700")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["service"]["id"], "cie");
    let offices = answer["offices"].as_array().expect("offices").clone();
    assert!(offices.len() >= 2, "{offices:?}");
    for office in &offices {
        assert!(office["lat"].is_f64() && office["lon"].is_f64(), "{office}");
        assert!(office["distance_m"].is_u64(), "distance_m missing: {office}");
        assert!(
            office["name"].is_string() && office["address"].is_string(),
            "{office}"
        );
    }
    let key = |o: &Value| {
        let slot = o["first_slot"].as_object().map(|f| {
            format!(
                "{} {}",
                f["date"].as_str().unwrap_or(""),
                f["start"].as_str().unwrap_or("")
            )
        });
        (slot.is_none(), slot, o["distance_m"].as_u64().unwrap_or(u64::MAX))
    };
    for pair in offices.windows(2) {
        assert!(
            key(&pair[0]) <= key(&pair[1]),
            "not by first slot then distance: {} before {}",
            pair[0],
            pair[1]
        );
    }
    let office = offices[0]["id"].as_str().expect("id").to_owned();
    let first = offices[0]["first_slot"].clone();
    assert!(
        first.is_object(),
        "the first office has no free slot: {}",
        offices[0]
    );

    // Slots without a date: the first day with a free slot, which is the office's first slot.
    let answer = server.slots("cie", &office, None).await;
    let days: Vec<String> = answer["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| d.as_str().expect("day").to_owned())
        .collect();
    assert!(!days.is_empty());
    assert!(
        days.windows(2).all(|w| w[0] < w[1]),
        "days not in order: {days:?}"
    );
    assert_eq!(answer["date"], days[0].as_str());
    assert_eq!(answer["date"], first["date"]);
    assert_eq!(answer["slots"][0]["start"], first["start"]);
    assert_eq!(answer["slots"][0]["end"], first["end"]);
    let same_day = server.slots("cie", &office, Some(&days[0])).await;
    assert_eq!(same_day, answer, "the first day asked by date answers the same");
    let slot = Slot {
        service: "cie".to_owned(),
        office: office.clone(),
        date: days[0].clone(),
        start: first["start"].as_str().expect("start").to_owned(),
    };

    // Hold: 201 with an id and the countdown's end (20 minutes by default).
    let before = Utc::now();
    let reply = server
        .hold(&slot.service, &slot.office, &slot.date, &slot.start)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let held = reply.json();
    let hold_id = held["hold_id"].as_str().expect("hold_id").to_owned();
    assert_eq!(hold_id.len(), 22, "128 bits as base64url: {hold_id}");
    let expires_at = parse_time(&held["expires_at"]);
    let ttl = expires_at - before;
    assert!(
        ttl > chrono::Duration::minutes(19) && ttl <= chrono::Duration::minutes(21),
        "{ttl}"
    );

    // Other citizens hold the same slot until its capacity, then 409 slot_taken.
    let capacity = desks(&slot.service, &slot.office);
    let mut others = Vec::new();
    for _ in 1..capacity {
        others.push(server.hold_ok(&slot).await);
    }
    let reply = server
        .hold(&slot.service, &slot.office, &slot.date, &slot.start)
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text());
    assert_eq!(reply.problem_code(), "slot_taken");
    let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
    assert!(!free.contains(&slot.start), "a full slot is offered: {free:?}");
    // Releasing a hold frees a seat at once; it is taken again.
    if let Some(other) = others.pop() {
        let reply = server.delete(&format!("/api/holds/{other}")).await;
        assert_eq!(reply.status, 204, "{}", reply.text());
        let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
        assert!(free.contains(&slot.start), "a released seat is not offered");
        others.push(server.hold_ok(&slot).await);
    }

    // Details: 202, e-mail channel, masked contact, confirmation deadline.
    let contact = "maria.rossi@example.com";
    let reply = server.details(&hold_id, contact).await;
    assert_eq!(reply.status, 202, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["channel"], "email");
    let masked = answer["masked_contact"].as_str().expect("masked_contact");
    assert!(
        !masked.contains("maria.rossi") && !masked.contains("example") && masked.contains('@'),
        "not masked: {masked}"
    );
    let confirm_by = parse_time(&answer["confirm_by"]);
    let window = confirm_by - Utc::now();
    assert!(
        window > chrono::Duration::minutes(29) && window <= chrono::Duration::minutes(31),
        "{window}"
    );

    // The confirmation link, from the outbox.
    let message = server.message("confirmation-request", contact).await;
    assert_eq!(message.channel, "email");
    let confirm = message.link_path("/c/").expect("a /c/ link in the e-mail");

    // GET /c/{code} changes nothing: the same page twice, nothing confirmed.
    let first_get = server.get(&confirm).await;
    assert_eq!(first_get.status, 200, "{}", first_get.text());
    assert_page_headers(&first_get, "GET /c/");
    assert!(
        first_get.text().contains(&format!("action=\"{confirm}\"")),
        "no form that POSTs the confirmation"
    );
    assert!(first_get.text().contains("method=\"post\""));
    let second_get = server.get(&confirm).await;
    assert_eq!(second_get.status, 200);
    assert_eq!(second_get.text(), first_get.text(), "a GET changed the page");
    let outbox = server.outbox().await;
    assert_eq!(count(&outbox, "booking-confirmed", contact), 0, "a GET confirmed");

    // POST /c/{code} confirms: the booking page with QR code, short code and calendar link.
    let confirmed = server.post_form(&confirm, "").await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    assert_page_headers(&confirmed, "POST /c/");
    let html = confirmed.text();
    let code = short_code(&html).expect("a XXXX-XXXX short code on the booking page");
    assert!(html.contains("<svg"), "no QR code");
    let page = hrefs(&html)
        .into_iter()
        .find_map(|h| h.strip_suffix("/calendar.ics").map(str::to_owned))
        .expect("a /p/{code}/calendar.ics link");
    assert!(page.starts_with("/p/"), "{page}");

    // POST again: the same booking, one "booking confirmed" message.
    let again = server.post_form(&confirm, "").await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(short_code(&again.text()).as_deref(), Some(code.as_str()));
    let outbox = server.outbox().await;
    assert_eq!(count(&outbox, "booking-confirmed", contact), 1, "{outbox:#?}");
    let message = server.message("booking-confirmed", contact).await;
    let link = message.link_path("/p/").expect("a /p/ link in the e-mail");
    assert_eq!(link, page, "the e-mail and the page name different booking pages");
    assert!(
        message.text.contains(&code) || message.text.contains(&code.replace('-', "")),
        "the e-mail lacks the short code {code}"
    );

    // The booking page.
    let reply = server.get(&page).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_page_headers(&reply, "GET /p/");
    assert_eq!(short_code(&reply.text()).as_deref(), Some(code.as_str()));
    assert!(reply.text().contains("<svg"));

    // The calendar file.
    let reply = server.get(&format!("{page}/calendar.ics")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.content_type().starts_with("text/calendar"),
        "{}",
        reply.content_type()
    );
    let ics = reply.text();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("TZID=Europe/Rome"), "{ics}");
    assert!(ics.trim_end().ends_with("END:VCALENDAR") && ics.ends_with("\r\n"));
    assert!(
        ics.match_indices('\n')
            .all(|(i, _)| i > 0 && ics.as_bytes()[i - 1] == b'\r'),
        "a line ends without CRLF"
    );
    let start = format!(
        "DTSTART;TZID=Europe/Rome:{}T{}00",
        slot.date.replace('-', ""),
        slot.start.replace(':', "")
    );
    assert!(ics.contains(&start), "no {start} in {ics}");

    // Cancel without confirm: the "are you sure?" step; nothing cancelled.
    let cancel = format!("{page}/cancel");
    let reply = server.post_form(&cancel, "").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_page_headers(&reply, "POST cancel (step)");
    assert!(
        reply.text().contains("name=\"confirm\" value=\"yes\""),
        "no confirmation step"
    );
    let still = server.get(&page).await;
    assert_eq!(short_code(&still.text()).as_deref(), Some(code.as_str()));
    assert!(!still.text().contains("Prenotazione annullata"));
    assert_eq!(count(&server.outbox().await, "cancellation", contact), 0);
    let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
    assert!(
        !free.contains(&slot.start),
        "the slot is free before the cancellation"
    );

    // Cancel with confirm=yes: cancelled; the seat goes to the waiting list first, and with nobody
    // waiting it is anyone's ten minutes after the cancellation (never at a moment a broker knows).
    let cancelled = server.post_form(&cancel, "confirm=yes").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    assert_page_headers(&cancelled, "POST cancel");
    assert!(
        cancelled.text().contains("Prenotazione annullata"),
        "{}",
        cancelled.text()
    );
    let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
    assert!(
        !free.contains(&slot.start),
        "the cancelled seat is public at once: {free:?}"
    );
    assert_eq!(count(&server.outbox().await, "cancellation", contact), 1);

    // Cancel again: the same page, no second message.
    let again = server.post_form(&cancel, "confirm=yes").await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.text(), cancelled.text());
    assert_eq!(count(&server.outbox().await, "cancellation", contact), 1);
    let reply = server.get(&page).await;
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("Prenotazione annullata"));

    // The other citizens' holds are untouched.
    for other in others {
        let reply = server.delete(&format!("/api/holds/{other}")).await;
        assert_eq!(reply.status, 204, "{}", reply.text());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sms_contact_gets_one_short_text_with_the_confirm_link() {
    let server = Server::start().await;
    let slot = first_slot(&server, "cie", "ufficio-1").await;
    let hold = server.hold_ok(&slot).await;
    let reply = server.details(&hold, "333 123 4567").await;
    assert_eq!(reply.status, 202, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["channel"], "sms");
    let masked = answer["masked_contact"].as_str().expect("masked_contact");
    assert!(masked.ends_with("567") && !masked.contains("123"), "{masked}");

    let message = server.message("confirmation-request", "+393331234567").await;
    assert_eq!(message.channel, "sms");
    let length = message.text.chars().count();
    assert!(length <= 160, "{length} characters: {:?}", message.text);
    assert!(message.text.contains("/c/"), "{:?}", message.text);
    let confirm = message.link_path("/c/").expect("the link is clickable");

    // The SMS link confirms, and the "confirmed" SMS fits one segment too.
    let reply = server.post_form(&confirm, "").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let message = server.message("booking-confirmed", "+393331234567").await;
    assert_eq!(message.channel, "sms");
    let length = message.text.chars().count();
    assert!(length <= 160, "{length} characters: {:?}", message.text);
    assert!(message.link_path("/p/").is_some(), "{:?}", message.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_not_found_and_expired_pages_carry_the_security_headers() {
    let server = Server::start().await;
    let reply = server.get("/c/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(reply.status, 404);
    assert_page_headers(&reply, "GET /c/ unknown");
    let reply = server.get("/p/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(reply.status, 404);
    assert_page_headers(&reply, "GET /p/ unknown");
    let reply = server
        .post_form("/p/AAAAAAAAAAAAAAAAAAAAAA/cancel", "confirm=yes")
        .await;
    assert_eq!(reply.status, 404);
    assert_page_headers(&reply, "POST /p/ unknown cancel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_hold_is_gone_and_its_slot_free_again() {
    let server = Server::start_with(&[("PRENOTA_HOLD_TTL", "2s")]).await;
    // One desk: the slot disappears while held.
    assert_eq!(desks("spid", "ufficio-1"), 1);
    let slot = first_slot(&server, "spid", "ufficio-1").await;
    let reply = server
        .hold(&slot.service, &slot.office, &slot.date, &slot.start)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let answer = reply.json();
    let hold = answer["hold_id"].as_str().expect("hold_id").to_owned();
    let expires_at = parse_time(&answer["expires_at"]);
    assert!(expires_at - Utc::now() <= chrono::Duration::seconds(2));
    let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
    assert!(!free.contains(&slot.start), "a held slot is offered");

    // `expires_at` is written to the second: one second more is surely past the real deadline.
    sleep_past(expires_at + chrono::Duration::seconds(1), Duration::from_secs(3)).await;
    let reply = server.details(&hold, "maria.rossi@example.com").await;
    assert_eq!(reply.status, 410, "{}", reply.text());
    assert_eq!(reply.problem_code(), "hold_expired");
    let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
    assert!(
        free.contains(&slot.start),
        "an expired hold still takes its slot: {free:?}"
    );
    server.hold_ok(&slot).await;
    assert!(server.outbox().await.is_empty(), "an expired hold sent a message");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unconfirmed_booking_expires_and_frees_its_slot() {
    let server = Server::start_with(&[("PRENOTA_CONFIRM_TTL", "2s")]).await;
    assert_eq!(desks("spid", "ufficio-1"), 1);
    let slot = first_slot(&server, "spid", "ufficio-1").await;
    let hold = server.hold_ok(&slot).await;
    let reply = server.details(&hold, "maria.rossi@example.com").await;
    assert_eq!(reply.status, 202, "{}", reply.text());
    let confirm_by = parse_time(&reply.json()["confirm_by"]);
    assert!(confirm_by - Utc::now() <= chrono::Duration::seconds(2));
    let message = server
        .message("confirmation-request", "maria.rossi@example.com")
        .await;
    let confirm = message.link_path("/c/").expect("a /c/ link");
    let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
    assert!(!free.contains(&slot.start), "a pending booking's slot is offered");

    sleep_past(confirm_by + chrono::Duration::seconds(1), Duration::from_secs(3)).await;
    let reply = server.post_form(&confirm, "").await;
    assert_eq!(reply.status, 410, "{}", reply.text());
    assert_page_headers(&reply, "POST /c/ expired");
    assert!(
        short_code(&reply.text()).is_none(),
        "an expired booking was confirmed"
    );
    let free = server.free_starts(&slot.service, &slot.office, &slot.date).await;
    assert!(
        free.contains(&slot.start),
        "an expired booking still takes its slot: {free:?}"
    );
    assert_eq!(
        count(
            &server.outbox().await,
            "booking-confirmed",
            "maria.rossi@example.com"
        ),
        0
    );
    server.hold_ok(&slot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_bookings_answers_the_same_whether_or_not_the_contact_has_bookings() {
    let server = Server::start().await;
    let slot = first_slot(&server, "cie", "ufficio-1").await;
    confirmed_booking(&server, &slot, "anna.bianchi@example.com").await;

    let ask = |contact: &'static str| {
        let server = &server;
        async move {
            server
                .post_json(
                    "/api/my-bookings",
                    &json!({ "contact": contact, "accept_terms": true }),
                )
                .await
        }
    };
    let with = ask("anna.bianchi@example.com").await;
    let without = ask("bruno.verdi@example.com").await;
    assert_eq!(with.status, 202, "{}", with.text());
    assert_eq!(with.status, without.status);
    for header in [
        "content-type",
        "content-length",
        "cache-control",
        "x-content-type-options",
    ] {
        assert_eq!(with.header(header), without.header(header), "{header}");
    }
    assert_eq!(with.body, without.body, "the bodies differ");
    let mut names_with: Vec<String> = with.headers.keys().map(|k| k.to_string()).collect();
    let mut names_without: Vec<String> = without.headers.keys().map(|k| k.to_string()).collect();
    names_with.sort();
    names_without.sort();
    assert_eq!(names_with, names_without, "different headers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_in_messages_point_at_the_listening_server() {
    let server = Server::start().await;
    let slot = first_slot(&server, "cie", "ufficio-1").await;
    let hold = server.hold_ok(&slot).await;
    let reply = server.details(&hold, "maria.rossi@example.com").await;
    assert_eq!(reply.status, 202, "{}", reply.text());
    let message = server
        .message("confirmation-request", "maria.rossi@example.com")
        .await;
    let link = message
        .links
        .iter()
        .find(|l| l.contains("/c/"))
        .expect("a /c/ link");
    assert!(
        link.starts_with(&format!("{}/c/", server.base)),
        "{link} does not point at {}",
        server.base
    );
}
