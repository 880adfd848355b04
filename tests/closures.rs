//! Closures over HTTP, on the real one-machine server with its development clock: who may use
//! the four routes (no session, another office, an operator, cross-origin), what bad input gets
//! (a 4xx with a stable code, nothing saved), and a strike on Monday afternoon: previewed, saved,
//! the displaced citizen told by message, their page saying why, rebooking from it, the counter's
//! agenda, the audit log, the afternoon no longer offered, then reopened.

mod common;

use common::staff::{Staff, add_staff, send};
use common::{Server, Slot, confirmed_booking, reply_recipient};
use reqwest::Method;
use serde_json::{Value, json};

/// Friday 4 December 2026, 10:00 in Rome.
const FRIDAY: &str = "2026-12-04T10:00:00+01:00";
const MONDAY: &str = "2026-12-07";

fn strike() -> Value {
    json!({
        "office_id": "ufficio-1", "from": MONDAY, "hours": "14:00-18:00",
        "reason_it": "Sciopero del personale", "reason_en": "Staff strike",
    })
}

fn routes() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/staff/closures", None),
        (Method::POST, "/api/staff/closures/preview", Some(strike())),
        (Method::POST, "/api/staff/closures", Some(strike())),
        (
            Method::POST,
            "/api/staff/closures/0123456789abcdef0123456789abcdef/reopen",
            Some(json!({})),
        ),
    ]
}

async fn server_with_staff(data: &std::path::Path) -> Server {
    add_staff(data, "capo1@comune.bergamo.it", "manager", &["ufficio-1"]);
    add_staff(data, "capo2@comune.bergamo.it", "manager", &["ufficio-2"]);
    add_staff(data, "op1@comune.bergamo.it", "operator", &["ufficio-1"]);
    add_staff(data, "admin@comune.bergamo.it", "admin", &[]);
    Server::start_in(data, &[("PRENOTA_DEV_NOW", FRIDAY)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_closure_route_refuses_whoever_may_not_use_it_and_bad_input() {
    let data = tempfile::tempdir().unwrap();
    let server = server_with_staff(data.path()).await;
    let base = server.base.clone();

    for (method, path, body) in routes() {
        let reply = send(&server, &method, path, &body, &[("origin", &base)]).await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (401, "unauthenticated".into()),
            "{method} {path}"
        );
    }
    // Another office's manager and an operator of the office: refused; the list is theirs (empty).
    for email in ["capo2@comune.bergamo.it", "op1@comune.bergamo.it"] {
        let who = Staff::sign_in(&server, email).await;
        for (method, path, body) in routes().into_iter().skip(1) {
            let headers = [("cookie", who.cookie.as_str()), ("origin", base.as_str())];
            let reply = send(&server, &method, path, &body, &headers).await;
            let expected = if path.ends_with("/reopen") {
                (404, "unknown_closure")
            } else {
                (403, "forbidden")
            };
            assert_eq!(
                (reply.status, reply.problem_code().as_str()),
                expected,
                "{email}: {method} {path}: {}",
                reply.text()
            );
        }
        let list = who.get("/api/staff/closures").await;
        assert_eq!(list.status, 200);
        assert_eq!(list.json()["closures"], json!([]));
    }
    // Cross-origin, even for the office's manager.
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
    for origin in [Some("https://evil.example"), None] {
        let mut headers = vec![("cookie", manager.cookie.as_str())];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        let reply = send(
            &server,
            &Method::POST,
            "/api/staff/closures",
            &Some(strike()),
            &headers,
        )
        .await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (403, "cross_origin".into()),
            "{origin:?}"
        );
    }

    // Bad input: a stable code and the field, in the request's language; nothing saved.
    let with = |changes: Value| {
        let mut body = strike();
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    for (body, field) in [
        (with(json!({ "from": "lunedì" })), "from"),
        (with(json!({ "from": 20261207 })), "from"),
        (with(json!({ "to": "2026-12-06" })), "to"),
        (with(json!({ "from": "2026-11-30", "to": "2026-12-01" })), "to"),
        (with(json!({ "from": "2028-01-03" })), "from"),
        (with(json!({ "hours": "18:00-14:00" })), "hours"),
        (with(json!({ "hours": "pomeriggio" })), "hours"),
        (with(json!({ "reason_it": "" })), "reason_it"),
        (with(json!({ "reason_en": "x".repeat(241) })), "reason_en"),
        (with(json!({ "reason_en": null })), "reason_en"),
    ] {
        for path in ["/api/staff/closures/preview", "/api/staff/closures"] {
            let reply = manager.post(path, &body).await;
            let problem = reply.json();
            assert_eq!(
                (reply.status, problem["code"].as_str(), problem["field"].as_str()),
                (422, Some("invalid_closure"), Some(field)),
                "{path} {body}: {problem}"
            );
        }
    }
    // Another office, or one that does not exist: not theirs to close.
    for office in ["ufficio-2", "ufficio-99", "../x"] {
        let forbidden = manager
            .post("/api/staff/closures", &with(json!({ "office_id": office })))
            .await;
        assert_eq!(
            (forbidden.status, forbidden.problem_code()),
            (403, "forbidden".into()),
            "{office}"
        );
    }
    // An administrator is told the office is unknown.
    let admin = Staff::sign_in(&server, "admin@comune.bergamo.it").await;
    let unknown = admin
        .post(
            "/api/staff/closures/preview",
            &with(json!({ "office_id": "ufficio-99" })),
        )
        .await;
    assert_eq!(
        (
            unknown.status,
            unknown.json()["code"].as_str(),
            unknown.json()["field"].as_str()
        ),
        (422, Some("invalid_closure"), Some("office_id"))
    );
    let everywhere = manager
        .post("/api/staff/closures", &with(json!({ "office_id": null })))
        .await;
    assert_eq!(
        (everywhere.status, everywhere.problem_code()),
        (403, "forbidden".into())
    );
    let not_json = server
        .request(
            Method::POST,
            "/api/staff/closures",
            &[("cookie", &manager.cookie), ("origin", &base)],
            Some("application/json"),
            Some(b"{not json".to_vec()),
        )
        .await;
    assert_eq!(
        (not_json.status, not_json.problem_code()),
        (400, "malformed_json".into())
    );
    let as_form = server
        .request(
            Method::POST,
            "/api/staff/closures",
            &[("cookie", &manager.cookie), ("origin", &base)],
            Some("application/x-www-form-urlencoded"),
            Some(b"from=2026-12-07".to_vec()),
        )
        .await;
    assert_eq!(as_form.status, 415);
    for id in ["nope", "0123456789abcdef0123456789abcdef", "../../etc"] {
        let reply = manager
            .post(&format!("/api/staff/closures/{id}/reopen"), &json!({}))
            .await;
        assert!(
            [404].contains(&reply.status)
                && (reply.problem_code() == "unknown_closure" || reply.problem_code() == "not_found"),
            "{id}: {} {}",
            reply.status,
            reply.text()
        );
    }
    assert_eq!(
        manager.get("/api/staff/closures").await.json()["closures"],
        json!([])
    );
    assert!(!server.stderr().contains("panicked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strike_on_monday_afternoon() {
    let data = tempfile::tempdir().unwrap();
    let server = server_with_staff(data.path()).await;
    let slot = |start: &str| Slot {
        service: "spid".into(),
        office: "ufficio-1".into(),
        date: MONDAY.into(),
        start: start.into(),
    };
    let anna = confirmed_booking(&server, &slot("14:15"), "anna@example.it").await;
    let bruno = confirmed_booking(&server, &slot("15:15"), "333 123 4567").await;
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;

    let preview = manager.post("/api/staff/closures/preview", &strike()).await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    let preview = preview.json();
    assert_eq!(preview["displaced"], 2, "{preview}");
    let listed = preview["bookings"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .all(|b| b["state"] == "confirmed" && b["short_code"].is_string())
    );
    assert!(!preview.to_string().contains("Rossi"), "no name in the preview");
    assert!(
        server.outbox().await.iter().all(|m| m.kind != "displaced"),
        "a preview sends nothing"
    );

    let saved = manager.post("/api/staff/closures", &strike()).await;
    assert_eq!(saved.status, 201, "{}", saved.text());
    let saved = saved.json();
    assert_eq!(
        (saved["displaced"].as_u64(), saved["told"].as_u64()),
        (Some(2), Some(2))
    );
    let id = saved["closure"]["id"].as_str().unwrap().to_owned();
    assert_eq!(saved["closure"]["saved_by"], "capo1@comune.bergamo.it");

    // Each citizen is told, by e-mail and by SMS, with the link to their page.
    let email = server.message("displaced", "anna@example.it").await;
    assert!(email.text.contains("Sciopero del personale"), "{}", email.text);
    assert_eq!(
        email
            .link_path("/p/")
            .as_deref()
            .map(|p| p.split('?').next().unwrap()),
        Some(anna.as_str())
    );
    let sms = server
        .message("displaced", &reply_recipient("333 123 4567"))
        .await;
    assert_eq!(sms.channel, "sms");
    assert!(sms.link_path("/p/").unwrap().starts_with(&bruno));

    // The page says why, offers a new time, and shows no pass.
    let page = server.get(&format!("{anna}?lang=it")).await;
    assert_eq!(page.status, 200);
    let text = common::unescape(&common::strip_tags(&page.text()));
    assert!(
        text.contains("L'ufficio è chiuso") && text.contains("Sciopero del personale"),
        "{text}"
    );
    assert!(
        !page.text().contains("class=\"qr\""),
        "no QR code for a closed counter"
    );

    // Nobody is offered Monday afternoon any more.
    assert!(server.free_starts("spid", "ufficio-1", MONDAY).await.is_empty());
    assert_eq!(
        server.hold("spid", "ufficio-1", MONDAY, "16:15").await.status / 100,
        4
    );

    // The counter's agenda shows both as displaced; the audit log says who.
    let agenda = manager
        .get(&format!("/api/staff/offices/ufficio-1/agenda?date={MONDAY}"))
        .await
        .json();
    let states: Vec<&str> = agenda["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["displaced", "displaced"], "{agenda}");
    let audit = manager.get("/api/staff/offices/ufficio-1/audit").await.json();
    assert!(
        audit.to_string().contains("closure-saved") && audit.to_string().contains("capo1@comune.bergamo.it"),
        "{audit}"
    );

    // The two earliest SPID times after it, Wednesday 14:15 and 14:45, are kept for the two
    // displaced citizens: the public does not see them, Anna's page offers them first.
    let public = server.free_starts("spid", "ufficio-1", "2026-12-09").await;
    assert!(
        !public.contains(&"14:15".to_owned()) && !public.contains(&"14:45".to_owned()),
        "{public:?}"
    );
    assert!(public.contains(&"15:15".to_owned()), "{public:?}");
    let choices = server.get(&format!("{anna}/move?lang=it")).await;
    assert_eq!(choices.status, 200);
    let choices = common::strip_tags(&choices.text());
    assert!(
        choices.contains("14:15") && choices.contains("14:45"),
        "{choices}"
    );

    // Anna rebooks from her page: Wednesday 14:15.
    let moved = server
        .post_form(&format!("{anna}/move"), "date=2026-12-09&start=14:15&lang=it")
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    let page = common::unescape(&common::strip_tags(&server.get(&anna).await.text()));
    assert!(
        page.contains("14:15") && !page.contains("L'ufficio è chiuso"),
        "{page}"
    );
    assert!(
        server.free_starts("spid", "ufficio-1", MONDAY).await.is_empty(),
        "her old seat stays closed"
    );

    // The manager undoes the closure: the afternoon is offered again (Bruno keeps his seat until he moves).
    let reopened = manager
        .post(&format!("/api/staff/closures/{id}/reopen"), &json!({}))
        .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text());
    assert!(reopened.json()["closure"]["reopened_at"].is_string());
    let starts = server.free_starts("spid", "ufficio-1", MONDAY).await;
    assert!(
        starts.contains(&"14:15".to_owned()) && !starts.contains(&"15:15".to_owned()),
        "{starts:?}"
    );
    assert!(!server.stderr().contains("Rossi"), "no name in the logs");
}
