//! "Sposta appuntamento" over HTTP against the one-machine server: the page of free days and times
//! (a GET changes nothing), the form that moves (the booking page with the new QR code, the old
//! seat free at once, the "appuntamento spostato" message), the same move as JSON, and each
//! refusal with its code.

mod common;

use common::{Server, Slot, confirmed_booking, short_code};
use serde_json::{Value, json};

const CONTACT: &str = "sposta@example.it";

/// Two days of the booking window at least two days ahead (the move window is 2 h, the reminder
/// a day), with their first free start times.
async fn two_days(server: &Server, service: &str, office: &str) -> [(String, String); 2] {
    let answer = server.slots(service, office, None).await;
    let days: Vec<String> = answer["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| d.as_str().unwrap().to_owned())
        .collect();
    let ahead: Vec<&String> = days.iter().skip(2).take(2).collect();
    assert_eq!(ahead.len(), 2, "two days with free slots: {days:?}");
    let mut found = Vec::new();
    for day in ahead {
        let starts = server.free_starts(service, office, day).await;
        found.push((day.clone(), starts.last().expect("a free start").clone()));
    }
    [found[0].clone(), found[1].clone()]
}

fn code_of(page: &str) -> &str {
    page.strip_prefix("/p/").expect("a /p/ path")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_moves_an_appointment_by_the_page_and_by_json() {
    let server = Server::start().await;
    let [(first_day, first_start), (second_day, second_start)] = two_days(&server, "cie", "ufficio-1").await;
    let slot = Slot {
        service: "cie".into(),
        office: "ufficio-1".into(),
        date: first_day.clone(),
        start: first_start.clone(),
    };
    let page = confirmed_booking(&server, &slot, CONTACT).await;
    let before = server.get(&page).await.text();
    let code = short_code(&before).expect("the short code");
    assert!(
        before.contains(&format!("{page}/move?lang=it")),
        "the booking page offers the move"
    );

    // The choices: a GET, twice the same, nothing changed.
    let choose = format!("{page}/move?date={second_day}");
    let shown = server.get(&choose).await;
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert!(shown.is_html());
    let html = shown.text();
    assert!(html.contains(&format!("action=\"{page}/move\"")), "{html}");
    assert!(html.contains(&format!("value=\"{second_start}\"")), "{html}");
    assert!(html.contains(&format!("name=\"date\" value=\"{second_day}\"")));
    assert_eq!(server.get(&choose).await.text(), html, "a GET changed the page");
    assert!(server.outbox().await.iter().all(|m| m.kind != "booking-moved"));

    // No time chosen: the same page, with why, and nothing moved.
    let missing = server
        .post_form(&format!("{page}/move"), &format!("date={second_day}"))
        .await;
    assert_eq!(missing.status, 422, "{}", missing.text());
    assert!(missing.text().contains("Scegli un giorno e un orario"));

    // Moved by the form: the booking page at the new time, with a new QR code.
    let moved = server
        .post_form(
            &format!("{page}/move"),
            &format!("date={second_day}&start={second_start}&lang=it"),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    let after = moved.text();
    assert!(after.contains("Appuntamento spostato"), "{after}");
    assert_eq!(
        short_code(&after).as_deref(),
        Some(code.as_str()),
        "the same booking"
    );
    assert!(
        after.contains(&format!("datetime=\"{second_day}\"")),
        "the new day"
    );
    let qr = |html: &str| {
        let at = html.find("<figure class=\"qr\">").expect("the QR code");
        html[at..at + html[at..].find("</figure>").unwrap()].to_owned()
    };
    assert_ne!(
        qr(&after),
        qr(&before),
        "the check-in token names the slot: a new QR code"
    );
    assert!(
        server
            .free_starts("cie", "ufficio-1", &first_day)
            .await
            .contains(&first_start),
        "the old seat is free at once"
    );
    let message = server.message("booking-moved", CONTACT).await;
    assert!(message.text.contains("spostato"), "{}", message.text);
    assert_eq!(
        message.link_path("/p/").as_deref(),
        Some(page.as_str()),
        "the same page"
    );

    // Back by JSON; asked twice, moved once.
    let api = format!("/api/bookings/{}/move", code_of(&page));
    let body = json!({ "date": first_day, "start": first_start });
    let reply = server.post_json(&api, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer: Value = reply.json();
    assert_eq!(answer["date"], first_day.as_str());
    assert_eq!(answer["start"], first_start.as_str());
    assert_eq!(answer["moved"], true);
    assert!(
        answer["checkin_token"]
            .as_str()
            .is_some_and(|t| t.starts_with("PRN1."))
    );
    let again = server.post_json(&api, &body).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["moved"], false);
    let moves = server
        .outbox()
        .await
        .into_iter()
        .filter(|m| m.kind == "booking-moved")
        .count();
    assert_eq!(moves, 2, "one message per move, none for the repeat");

    // Refusals, each with its code.
    let bad_date = server
        .post_json(&api, &json!({ "date": "2026-02-30", "start": "09:00" }))
        .await;
    assert_eq!(
        (bad_date.status, bad_date.problem_code().as_str()),
        (422, "invalid_date")
    );
    let no_slot = server
        .post_json(&api, &json!({ "date": second_day, "start": "03:00" }))
        .await;
    assert_eq!(
        (no_slot.status, no_slot.problem_code().as_str()),
        (422, "no_such_slot")
    );
    let unknown = server
        .post_json("/api/bookings/AAAAAAAAAAAAAAAAAAAAAA/move", &body)
        .await;
    assert_eq!(
        (unknown.status, unknown.problem_code().as_str()),
        (404, "unknown_booking")
    );
    let cancelled = server.post_form(&format!("{page}/cancel"), "confirm=yes").await;
    assert_eq!(cancelled.status, 200);
    let after_cancel = server
        .post_json(&api, &json!({ "date": second_day, "start": second_start }))
        .await;
    assert_eq!(
        (after_cancel.status, after_cancel.problem_code().as_str()),
        (409, "cancelled")
    );
    assert_eq!(server.get(&format!("{page}/move")).await.status, 410);
}
