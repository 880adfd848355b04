//! The counter over HTTP, on the real one-machine server: staff sign-in (Argon2id, session
//! cookie, lock after repeated failures, the same answer for unknown e-mails), the authorisation
//! table of every staff route (no session, another office, wrong role, cross-origin, disabled
//! account), and a day at the counter with the server's development clock: book on Friday,
//! check in on Monday by the QR's signed token, call to a desk, see it on the display (never a
//! name), record the outcome, read the audit log.

mod common;

use common::staff::{PASSWORD, Staff, add_staff, send, sign_in, staff_command};
use common::{Reply, Server, Slot};
use prenota_core::checkin::{CheckinClaims, CheckinKey, sign};
use reqwest::Method;
use serde_json::{Value, json};

const FRIDAY: &str = "2026-12-04T10:00:00+01:00";

/// Every staff route, with a body that would be valid.
fn staff_routes() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/staff/me", None),
        (Method::GET, "/api/staff/offices/ufficio-1/agenda", None),
        (Method::GET, "/api/staff/offices/ufficio-1/audit", None),
        (
            Method::POST,
            "/api/staff/check-ins",
            Some(json!({ "office_id": "ufficio-1", "short_code": "ABCD-EFGH" })),
        ),
        (
            Method::POST,
            "/api/staff/offices/ufficio-1/calls",
            Some(json!({ "desk": "1" })),
        ),
        (
            Method::POST,
            "/api/staff/bookings/ABCD-EFGH/recall",
            Some(json!({ "desk": "1" })),
        ),
        (
            Method::POST,
            "/api/staff/bookings/ABCD-EFGH/put-back",
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/staff/bookings/ABCD-EFGH/outcome",
            Some(json!({ "outcome": "served" })),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_route_refuses_whoever_may_not_use_it() {
    let data = tempfile::tempdir().unwrap();
    add_staff(data.path(), "op1@comune.bergamo.it", "operator", &["ufficio-1"]);
    add_staff(data.path(), "op2@comune.bergamo.it", "operator", &["ufficio-2"]);
    add_staff(data.path(), "gone@comune.bergamo.it", "manager", &["ufficio-1"]);
    let server = Server::start_in(data.path(), &[]).await;
    let base = server.base.clone();

    // No session: 401 on every route, with nothing but the problem.
    for (method, path, body) in staff_routes() {
        let reply = send(&server, &method, path, &body, &[("origin", &base)]).await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (401, "unauthenticated".into()),
            "{method} {path}"
        );
    }

    // Another office's operator: 403 on the routes of ufficio-1 (not /me, which is theirs).
    let other = Staff::sign_in(&server, "op2@comune.bergamo.it").await;
    for (method, path, body) in staff_routes().into_iter().skip(1) {
        let headers = [("cookie", other.cookie.as_str()), ("origin", base.as_str())];
        let reply = send(&server, &method, path, &body, &headers).await;
        // A booking's route is refused as unknown when its code is no booking: nothing to tell.
        let expected = if path.contains("/bookings/") {
            (404, "unknown_booking")
        } else {
            (403, "forbidden")
        };
        assert_eq!(
            (reply.status, reply.problem_code().as_str()),
            expected,
            "{method} {path}: {}",
            reply.text()
        );
    }

    // Wrong role: an operator does not read the audit log of their own office.
    let operator = Staff::sign_in(&server, "op1@comune.bergamo.it").await;
    let reply = operator.get("/api/staff/offices/ufficio-1/audit").await;
    assert_eq!((reply.status, reply.problem_code()), (403, "forbidden".into()));
    assert_eq!(
        operator.get("/api/staff/offices/ufficio-1/agenda").await.status,
        200
    );

    // Cross-origin (a form on another site posting with the cookie): refused before anything.
    for origin in [Some("https://evil.example"), None] {
        let mut headers = vec![("cookie", operator.cookie.as_str())];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        let body = Some(json!({ "desk": "1" }));
        let reply = send(
            &server,
            &Method::POST,
            "/api/staff/offices/ufficio-1/calls",
            &body,
            &headers,
        )
        .await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (403, "cross_origin".into()),
            "{origin:?}"
        );
    }

    // A disabled account's session ends at once.
    let gone = Staff::sign_in(&server, "gone@comune.bergamo.it").await;
    assert_eq!(gone.get("/api/staff/me").await.status, 200);
    staff_command(data.path(), &["disable", "gone@comune.bergamo.it"], None);
    let reply = gone.get("/api/staff/me").await;
    assert_eq!(
        (reply.status, reply.problem_code()),
        (401, "unauthenticated".into())
    );
    let reply = sign_in(&server, "gone@comune.bergamo.it", PASSWORD).await;
    assert_eq!(
        (reply.status, reply.problem_code()),
        (401, "bad_credentials".into())
    );

    // Signing out ends the session.
    let reply = server
        .request(
            Method::DELETE,
            "/api/staff/session",
            &[("cookie", &operator.cookie), ("origin", &base)],
            None,
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert!(
        reply
            .header("set-cookie")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    assert_eq!(operator.get("/api/staff/me").await.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_passwords_slows_down_then_locks_and_tells_nobody_whether_the_account_exists() {
    let data = tempfile::tempdir().unwrap();
    add_staff(data.path(), "op1@comune.bergamo.it", "operator", &["ufficio-1"]);
    let server = Server::start_in(data.path(), &[]).await;
    let mut answers = Vec::new();
    for email in ["op1@comune.bergamo.it", "nobody@comune.bergamo.it"] {
        let mut seen = Vec::new();
        for _ in 0..4 {
            let reply = sign_in(&server, email, "not the password").await;
            seen.push((
                reply.status,
                reply.problem_code(),
                reply.header("retry-after").is_some(),
            ));
        }
        answers.push(seen);
    }
    assert_eq!(
        answers[0], answers[1],
        "the same answers for an account and for no account"
    );
    assert_eq!(answers[0][0], (401, "bad_credentials".into(), false));
    // The fourth try came within a second of the third failure: slowed down.
    assert_eq!(answers[0][3], (429, "too_many_attempts".into(), true));
    // Even the right password is refused while the wait lasts.
    let reply = sign_in(&server, "op1@comune.bergamo.it", PASSWORD).await;
    assert_eq!(reply.status, 429);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        sign_in(&server, "op1@comune.bergamo.it", PASSWORD).await.status,
        204
    );
    // Nothing of it in the logs but the lines about the requests.
    assert!(!server.stderr().contains("not the password"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_link_is_good_once() {
    let data = tempfile::tempdir().unwrap();
    let printed = staff_command(
        data.path(),
        &["add", "new@comune.bergamo.it", "--role", "admin"],
        None,
    );
    let code = printed
        .split("/sportello/password.html#")
        .nth(1)
        .expect("a password link")
        .trim()
        .to_owned();
    let server = Server::start_in(data.path(), &[]).await;
    let set = |password: &'static str| {
        let (server, code) = (&server, code.clone());
        async move {
            server
                .request(
                    Method::POST,
                    "/api/staff/password",
                    &[("origin", &server.base)],
                    Some("application/json"),
                    Some(
                        json!({ "code": code, "password": password })
                            .to_string()
                            .into_bytes(),
                    ),
                )
                .await
        }
    };
    let short = set("short").await;
    assert_eq!(
        (short.status, short.problem_code()),
        (422, "weak_password".into())
    );
    assert_eq!(set(PASSWORD).await.status, 204);
    let again = set("another long password").await;
    assert_eq!((again.status, again.problem_code()), (404, "unknown_code".into()));
    Staff::sign_in(&server, "new@comune.bergamo.it").await;
    let listed = staff_command(data.path(), &["list"], None);
    assert!(
        listed.contains("new@comune.bergamo.it\tadmin\t\tactive"),
        "{listed}"
    );
}

fn ticket_of(reply: &Reply) -> String {
    reply.json()["ticket"].as_str().expect("a ticket").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_at_the_counter() {
    let data = tempfile::tempdir().unwrap();
    add_staff(data.path(), "op1@comune.bergamo.it", "operator", &["ufficio-1"]);
    add_staff(data.path(), "capo@comune.bergamo.it", "manager", &["ufficio-1"]);

    // Friday: a citizen books Monday 09:00 at Ufficio 1.
    let slot = Slot {
        service: "cie".into(),
        office: "ufficio-1".into(),
        date: "2026-12-07".into(),
        start: "09:00".into(),
    };
    let short_code = {
        let server = Server::start_in(data.path(), &[("PRENOTA_DEV_NOW", FRIDAY)]).await;
        let hold = server.hold_ok(&slot).await;
        assert_eq!(server.details(&hold, "maria@esempio.it").await.status, 202);
        let request = server.message("confirmation-request", "maria@esempio.it").await;
        let confirm = request.link_path("/c/").expect("a /c/ link");
        assert_eq!(server.post_form(&confirm, "").await.status, 200);
        let agenda = Staff::sign_in(&server, "op1@comune.bergamo.it")
            .await
            .get("/api/staff/offices/ufficio-1/agenda?date=2026-12-07")
            .await
            .json();
        let booking = &agenda["bookings"][0];
        assert_eq!(booking["state"], "confirmed");
        assert_eq!(
            booking["name"], "Maria",
            "Monday is the next working day: names are shown"
        );
        let far = Staff::sign_in(&server, "op1@comune.bergamo.it")
            .await
            .get("/api/staff/offices/ufficio-1/agenda?date=2026-12-09")
            .await;
        assert_eq!(far.status, 200);
        booking["short_code"].as_str().expect("short code").to_owned()
    };

    // Monday 08:40: the citizen shows the QR.
    let server = Server::start_in(data.path(), &[("PRENOTA_DEV_NOW", "2026-12-07T08:40:00+01:00")]).await;
    let operator = Staff::sign_in(&server, "op1@comune.bergamo.it").await;
    let key = std::fs::read(data.path().join("checkin.key")).expect("the check-in key");
    let key = CheckinKey::from_bytes(key[..32].try_into().unwrap());
    let claims = CheckinClaims {
        short_code: prenota_core::ShortCode::parse(&short_code).unwrap(),
        office: prenota_core::OfficeId::parse("ufficio-1").unwrap(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
        start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
    };
    let token = sign(&key, &claims);
    let forged = sign(&CheckinKey::generate().unwrap(), &claims);
    let reply = operator
        .post(
            "/api/staff/check-ins",
            &json!({ "office_id": "ufficio-1", "token": forged }),
        )
        .await;
    assert_eq!(
        (reply.status, reply.problem_code()),
        (400, "invalid_token".into())
    );
    let reply = operator
        .post(
            "/api/staff/check-ins",
            &json!({ "office_id": "ufficio-2", "token": token }),
        )
        .await;
    assert_eq!(reply.problem_code(), "forbidden", "not the operator's office");
    let checked_in = operator
        .post(
            "/api/staff/check-ins",
            &json!({ "office_id": "ufficio-1", "token": token }),
        )
        .await;
    assert_eq!(checked_in.status, 200, "{}", checked_in.text());
    assert_eq!(checked_in.json()["state"], "checked_in");
    assert_eq!(ticket_of(&checked_in), "A001");
    assert_eq!(checked_in.json()["name"], "Maria");
    let again = operator
        .post(
            "/api/staff/check-ins",
            &json!({ "office_id": "ufficio-1", "short_code": short_code }),
        )
        .await;
    assert_eq!(
        (again.status, ticket_of(&again)),
        (200, "A001".into()),
        "the same ticket"
    );

    let display = server.get("/api/offices/ufficio-1/display").await;
    assert_eq!(
        display.json(),
        json!({ "office_id": "ufficio-1", "called": [], "waiting": 1 })
    );

    let called = operator
        .post("/api/staff/offices/ufficio-1/calls", &json!({ "desk": "3" }))
        .await;
    assert_eq!(called.status, 200, "{}", called.text());
    assert_eq!(
        (called.json()["state"].clone(), called.json()["desk"].clone()),
        (json!("called"), json!("3"))
    );
    let nobody = operator
        .post("/api/staff/offices/ufficio-1/calls", &json!({ "desk": "3" }))
        .await;
    assert_eq!(nobody.status, 204, "nobody else waits");
    let display = server.get("/api/offices/ufficio-1/display").await;
    assert_eq!(display.json()["called"][0]["ticket"], "A001");
    assert_eq!(display.json()["called"][0]["desk"], "3");
    let mut events = server
        .client
        .get(server.url("/api/offices/ufficio-1/display/events"))
        .send()
        .await
        .expect("the display's events");
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let first = tokio::time::timeout(std::time::Duration::from_secs(5), events.chunk())
        .await
        .expect("an event at once")
        .expect("a chunk")
        .expect("not the end");
    let first = String::from_utf8_lossy(&first).into_owned();
    assert!(first.starts_with("event: display\ndata: "), "{first}");
    assert!(first.contains("\"ticket\":\"A001\""), "{first}");

    let served = operator
        .post(
            &format!("/api/staff/bookings/{short_code}/outcome"),
            &json!({ "outcome": "served" }),
        )
        .await;
    assert_eq!(
        (served.status, served.json()["state"].clone()),
        (200, json!("served"))
    );
    let other = operator
        .post(
            &format!("/api/staff/bookings/{short_code}/outcome"),
            &json!({ "outcome": "no_show" }),
        )
        .await;
    assert_eq!(
        (other.status, other.problem_code()),
        (409, "outcome_recorded".into())
    );

    // The display and the logs never carry the citizen's name, contact or notes.
    for text in [
        server.get("/api/offices/ufficio-1/display").await.text(),
        server.stderr(),
    ] {
        for personal in ["Maria", "Rossi", "maria@esempio.it"] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
    }

    // The manager reads who did what.
    let manager = Staff::sign_in(&server, "capo@comune.bergamo.it").await;
    let audit = manager.get("/api/staff/offices/ufficio-1/audit").await.json();
    let actions: Vec<(&str, &str)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("op1@comune.bergamo.it", "check-in"),
            ("op1@comune.bergamo.it", "call"),
            ("op1@comune.bergamo.it", "served")
        ]
    );
    assert!(!audit.to_string().contains("Maria"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walk_ins_take_the_desks_kept_from_online_booking() {
    // One desk of two is kept for the counter: online, each slot has one seat.
    let catalogue = std::fs::read_to_string(common::CATALOGUE).unwrap().replacen(
        "office = \"ufficio-1\"\nservice = \"spid\"\nslot_minutes = 30\ndesks = 1",
        "office = \"ufficio-1\"\nservice = \"spid\"\nslot_minutes = 30\ndesks = 2\ndesks_online = 1",
        1,
    );
    assert!(catalogue.contains("desks_online = 1"));
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("catalogue.toml");
    std::fs::write(&file, catalogue).unwrap();
    add_staff(data.path(), "op1@comune.bergamo.it", "operator", &["ufficio-1"]);
    let file = file.to_str().unwrap();
    // Monday 14:20 in Rome: SPID at Ufficio 1 runs 14:15–17:45 in 30-minute slots.
    let server = Server::start_in(
        data.path(),
        &[
            ("PRENOTA_CATALOGUE", file),
            ("PRENOTA_DEV_NOW", "2026-12-07T14:20:00+01:00"),
        ],
    )
    .await;
    let slot = Slot {
        service: "spid".into(),
        office: "ufficio-1".into(),
        date: "2026-12-09".into(),
        start: "14:15".into(),
    };
    server.hold_ok(&slot).await;
    let second = server
        .hold(&slot.service, &slot.office, &slot.date, &slot.start)
        .await;
    assert_eq!(second.status, 409, "online, one desk of two: {}", second.text());

    let operator = Staff::sign_in(&server, "op1@comune.bergamo.it").await;
    let path = "/api/staff/offices/ufficio-1/walk-ins";
    // The same slot from the counter: the kept desk.
    let phone = operator
        .post(
            path,
            &json!({ "service_id": "spid", "date": "2026-12-09", "start": "14:15", "check_in": false,
                      "name": "Luigi", "surname": "Bianchi", "contact": "luigi@esempio.it" }),
        )
        .await;
    assert_eq!(phone.status, 201, "{}", phone.text());
    assert_eq!(
        (phone.json()["state"].clone(), phone.json()["ticket"].clone()),
        (json!("confirmed"), Value::Null)
    );
    let full = operator
        .post(
            path,
            &json!({ "service_id": "spid", "date": "2026-12-09", "start": "14:15" }),
        )
        .await;
    assert_eq!((full.status, full.problem_code()), (409, "slot_taken".into()));
    // The phone booking got its booking page by e-mail, like an online one.
    let confirmed = server.message("booking-confirmed", "luigi@esempio.it").await;
    assert!(confirmed.link_path("/p/").is_some());

    // Someone at the counter now, anonymous: the current slot (14:15, still running), an S ticket.
    let now = operator.post(path, &json!({ "service_id": "spid" })).await;
    assert_eq!(now.status, 201, "{}", now.text());
    let walk_in = now.json();
    assert_eq!(walk_in["start"], "14:15");
    assert_eq!(walk_in["state"], "checked_in");
    assert_eq!(walk_in["ticket"], "S001");
    assert_eq!(walk_in["walk_in"], true);
    assert_eq!(walk_in["name"], Value::Null);
    let next = operator.post(path, &json!({ "service_id": "spid" })).await.json();
    let later = operator.post(path, &json!({ "service_id": "spid" })).await.json();
    assert_eq!(
        (next["start"].clone(), next["ticket"].clone()),
        (json!("14:15"), json!("S002")),
        "two desks"
    );
    assert_eq!(
        (later["start"].clone(), later["ticket"].clone()),
        (json!("14:45"), json!("S003"))
    );

    // A name without a contact is refused: personal data only with a reason to keep it.
    let nameless = operator
        .post(
            path,
            &json!({ "service_id": "spid", "name": "Anna", "surname": "Verdi" }),
        )
        .await;
    assert_eq!(
        (nameless.status, nameless.problem_code()),
        (422, "invalid_contact".into())
    );
    let not_offered = operator.post(path, &json!({ "service_id": "matrimoni" })).await;
    assert_eq!(not_offered.status, 404, "{}", not_offered.text());
    let called = operator
        .post("/api/staff/offices/ufficio-1/calls", &json!({ "desk": "1" }))
        .await;
    assert_eq!(
        called.json()["ticket"],
        "S001",
        "the walk-ins wait their slot's turn"
    );
}
