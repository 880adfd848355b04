//! The whole flow through the Lambda handlers with DynamoDB Local: every sample event in `events/`
//! is read as the Lambda runtime reads it (`lambda_http::request::from_str`), handed to
//! `prenota_lambda::serve` with the function its file is named after, and answered from a fresh
//! table holding Bergamo's catalogue.
//!
//! Run with `tests/run`, which starts DynamoDB Local and sets `PRENOTA_DYNAMODB_ENDPOINT`.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use prenota_core::ManualClock;

use lambda_http::Body;
use prenota_store::MessageKind::{
    BookingConfirmed as BOOKING_CONFIRMED, ConfirmationRequest as CONFIRMATION_REQUEST,
    Displaced as DISPLACED, WaitingConfirm as WAITING_CONFIRM,
};
use prenota_usecases::waiting::Drawn;
use prenota_usecases::{App, StaffSignIn};
use prenota_web::routes::{self, Match, ROUTES};
use serde_json::Value;
use support::{PLACEHOLDER, app, draw_kept_seats, fresh_store, link_code, pending_of_kind, root};

mod support;

/// Every sample event's name (file name without `.json`), sorted.
fn event_names() -> BTreeSet<String> {
    std::fs::read_dir(root().join("events"))
        .expect("events/ exists")
        .map(|entry| entry.unwrap())
        // events/streams/ holds the events of the functions that are not behind the HTTP API.
        .filter(|entry| !entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().into_string().unwrap())
        .map(|name| {
            name.strip_suffix(".json")
                .unwrap_or_else(|| panic!("events/{name}: only .json files belong there"))
                .to_owned()
        })
        .collect()
}

/// The function an event is for: its file name is `<function>` or `<function>-<variant>`.
fn function_of(event: &str) -> &'static str {
    ROUTES
        .iter()
        .map(|route| route.function)
        .filter(|function| event == *function || event.starts_with(&format!("{function}-")))
        .max_by_key(|function| function.len())
        .unwrap_or_else(|| panic!("events/{event}.json is named after no function"))
}

fn read_event(name: &str, code: &str) -> String {
    let path = root().join(format!("events/{name}.json"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace(PLACEHOLDER, code)
}

struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Serves one event as the runtime would: JSON → `lambda_http::Request` → `serve`.
async fn invoke_as(app: &App, function: &str, name: &str, code: &str) -> Answer {
    invoke_text(app, function, name, &read_event(name, code)).await
}

/// Serves the text of event `name`, maybe changed by the test, with `function`.
async fn invoke_text(app: &App, function: &str, name: &str, event: &str) -> Answer {
    let request = lambda_http::request::from_str(event)
        .unwrap_or_else(|e| panic!("events/{name}.json is no API Gateway v2 event: {e}"));
    let response = prenota_lambda::serve(app, function, request)
        .await
        .unwrap_or_else(|e| panic!("events/{name}.json: serve failed: {e}"));
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let location = response
        .headers()
        .get(http::header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = match response.body() {
        Body::Empty => String::new(),
        Body::Text(text) => text.clone(),
        Body::Binary(bytes) => panic!("events/{name}.json: a binary answer ({} bytes)", bytes.len()),
        _ => panic!("events/{name}.json: an unknown body kind"),
    };
    Answer {
        status: response.status().as_u16(),
        content_type,
        location,
        body,
    }
}

/// Serves an event with its own function and checks the status.
async fn invoke(app: &App, name: &str, code: &str, expected: u16) -> Answer {
    let answer = invoke_as(app, function_of(name), name, code).await;
    assert_eq!(
        answer.status, expected,
        "events/{name}.json: status {}, body {}",
        answer.status, answer.body
    );
    answer
}

/// The start times the slots event lists for its day.
async fn free_starts(app: &App) -> Vec<String> {
    let answer = invoke(app, "slots", "", 200).await.json();
    assert_eq!(answer["date"], "2026-12-02", "{answer}");
    answer["slots"]
        .as_array()
        .expect("a list of slots")
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_event_names_its_function_and_a_route_of_it() {
    let names = event_names();
    assert!(!names.is_empty());
    for name in &names {
        let event: Value = serde_json::from_str(&read_event(name, PLACEHOLDER)).unwrap();
        assert_eq!(event["version"], "2.0", "{name}");
        let method = event["requestContext"]["http"]["method"].as_str().unwrap();
        let path = event["rawPath"].as_str().unwrap();
        assert_eq!(event["requestContext"]["http"]["path"], path, "{name}");
        let Match::Found { route, .. } = routes::find(&method.parse().unwrap(), path) else {
            panic!("events/{name}.json: {method} {path} is no route");
        };
        assert_eq!(route.function, function_of(name), "events/{name}.json");
        let route_key = format!("{} {}", route.method, route.path);
        assert_eq!(event["routeKey"], route_key.as_str(), "events/{name}.json");
        assert_eq!(
            event["requestContext"]["routeKey"],
            route_key.as_str(),
            "events/{name}.json"
        );
    }
    // Every function has an event for each of its routes (the one machine's own routes have no
    // function).
    for route in ROUTES
        .iter()
        .filter(|route| route.function != routes::ONE_MACHINE_ONLY)
    {
        let covered = names.iter().any(|name| {
            let event: Value = serde_json::from_str(&read_event(name, PLACEHOLDER)).unwrap();
            event["routeKey"] == format!("{} {}", route.method, route.path).as_str()
        });
        assert!(covered, "no event for {} {}", route.method, route.path);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_flow_runs_through_the_lambda_handlers() {
    let app = app().await;
    let mut served = BTreeSet::new();

    // A route of another function is a 404, before its handler could change anything: were the
    // hold event served by another function, the slot would be taken below.
    let functions: BTreeSet<&str> = ROUTES.iter().map(|route| route.function).collect();
    for name in event_names() {
        for function in functions.iter().filter(|f| **f != function_of(&name)) {
            let answer = invoke_as(&app, function, &name, PLACEHOLDER).await;
            assert_eq!(answer.status, 404, "events/{name}.json served by {function}");
            assert_eq!(
                answer.content_type, "application/problem+json",
                "{name} by {function}"
            );
            let problem = answer.json();
            assert_eq!(problem["code"], "not_found", "{problem}");
            assert_eq!(
                problem["detail"], "Indirizzo non trovato.",
                "Italian, as the event asks"
            );
        }
    }
    assert!(
        app.store
            .pending_messages(10, chrono::DateTime::<chrono::Utc>::MAX_UTC)
            .await
            .unwrap()
            .is_empty()
    );

    // Cerca servizio, scegli sede, scegli orario.
    let services = invoke(&app, "services", "", 200).await.json();
    let ids: Vec<&str> = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"cie"),
        "\"carta d'identità\" finds the CIE: {services}"
    );
    served.insert("services");
    let openapi = invoke(&app, "services-openapi", "", 200).await.json();
    assert!(
        openapi["paths"]["/api/holds"].is_object(),
        "the API's description"
    );
    served.insert("services-openapi");

    let offices = invoke(&app, "offices", "", 200).await.json();
    let first = offices["offices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|office| office["id"] == "ufficio-1")
        .unwrap_or_else(|| panic!("ufficio-1 offers SPID: {offices}"));
    assert!(first["first_slot"]["date"].is_string(), "{offices}");
    assert!(
        first["distance_m"].is_number(),
        "the event shares a position: {offices}"
    );
    served.insert("offices");

    assert!(free_starts(&app).await.contains(&"14:15".to_owned()));
    served.insert("slots");

    // Hold, release: the slot (one desk) is taken, then free again.
    let hold = invoke(&app, "hold", "", 201).await.json();
    let hold_id = hold["hold_id"].as_str().unwrap().to_owned();
    assert!(
        hold["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-26T09:20:00"),
        "{hold}"
    );
    assert!(!free_starts(&app).await.contains(&"14:15".to_owned()));
    let taken = invoke(&app, "hold", "", 409).await.json();
    assert_eq!(taken["code"], "slot_taken");
    served.insert("hold");

    invoke(&app, "hold-release", &hold_id, 204).await;
    assert!(free_starts(&app).await.contains(&"14:15".to_owned()));
    invoke(&app, "details", &hold_id, 410).await;
    served.insert("hold-release");

    // The challenge a browser solves when the service is under pressure.
    let challenge = invoke(&app, "hold-challenge", "", 200).await.json();
    assert_eq!(challenge["algorithm"], "SHA-256", "{challenge}");
    assert!(
        challenge["salt"].as_str().unwrap().contains("expires="),
        "{challenge}"
    );
    served.insert("hold-challenge");

    // Details: the booking waits for confirmation; the e-mail carries the link.
    let hold = invoke(&app, "hold", "", 201).await.json();
    let hold_id = hold["hold_id"].as_str().unwrap().to_owned();
    // The wizard opened on the hold (a seat offered from the waiting list) reads it back.
    let held = invoke(&app, "hold-view", &hold_id, 200).await.json();
    assert_eq!(held["seats"][0]["start"], "14:15", "{held}");
    served.insert("hold-view");
    let details = invoke(&app, "details", &hold_id, 202).await.json();
    assert_eq!(details["channel"], "email", "{details}");
    assert!(
        details["masked_contact"].as_str().unwrap().contains('*'),
        "{details}"
    );
    let again = invoke(&app, "details", &hold_id, 409).await.json();
    assert_eq!(again["code"], "already_submitted");
    served.insert("details");
    let confirm_code = link_code(&app, CONFIRMATION_REQUEST, "/c/").await;

    // Confirm: the GET only shows the button; the POST confirms, and a repeat changes nothing.
    let page = invoke(&app, "confirm-get", &confirm_code, 200).await;
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.body.contains(&format!(r#"action="/c/{confirm_code}""#)));
    assert!(!free_starts(&app).await.contains(&"14:15".to_owned()));
    served.insert("confirm-get");
    let confirmed = invoke(&app, "confirm-post", &confirm_code, 200).await;
    assert!(
        confirmed.body.contains("<svg"),
        "the booking page shows its QR code"
    );
    invoke(&app, "confirm-post", &confirm_code, 200).await;
    served.insert("confirm-post");
    let page_code = link_code(&app, BOOKING_CONFIRMED, "/p/").await;
    let confirmations = app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.message.kind == BOOKING_CONFIRMED)
        .count();
    assert_eq!(confirmations, 1, "confirming twice sends one confirmation");
    assert!(
        confirmed
            .body
            .contains(&format!(r#"action="/p/{page_code}/cancel""#))
    );

    // The booking's page, its calendar file, its cancellation.
    let booking = invoke(&app, "booking", &page_code, 200).await;
    assert!(booking.content_type.starts_with("text/html"));
    assert!(booking.body.contains("14:15"), "the page shows the time");
    served.insert("booking");
    let calendar = invoke(&app, "booking-calendar", &page_code, 200).await;
    assert!(
        calendar.content_type.starts_with("text/calendar"),
        "{}",
        calendar.content_type
    );
    assert!(calendar.body.starts_with("BEGIN:VCALENDAR"), "{}", calendar.body);
    assert!(calendar.body.contains("DTSTART"), "{}", calendar.body);
    served.insert("booking-calendar");
    // "Sposta appuntamento": the choices (a GET, nothing changed), the move by the page's form to
    // Thursday 15:15 (the Wednesday seat free at once), and back by JSON.
    let choices = invoke(&app, "booking-move-get", &page_code, 200).await;
    assert!(choices.body.contains(&format!(r#"action="/p/{page_code}/move""#)));
    assert!(choices.body.contains(r#"value="15:15""#), "Thursday's free times");
    served.insert("booking-move-get");
    let moved = invoke(&app, "booking-move", &page_code, 200).await;
    assert!(moved.body.contains("Appuntamento spostato"), "{}", moved.body);
    assert!(
        !free_starts(&app).await.contains(&"14:15".to_owned()),
        "the old seat is kept for the waiting list"
    );
    assert_eq!(draw_kept_seats(&app).await, [Drawn::Public], "nobody waits");
    assert!(
        free_starts(&app).await.contains(&"14:15".to_owned()),
        "the old seat is free"
    );
    served.insert("booking-move");
    let back = invoke(&app, "booking-move-api", &page_code, 200).await.json();
    assert_eq!(
        (back["date"].as_str(), back["start"].as_str()),
        (Some("2026-12-02"), Some("14:15"))
    );
    assert_eq!(back["moved"], true);
    assert!(!free_starts(&app).await.contains(&"14:15".to_owned()));
    served.insert("booking-move-api");

    // "Confermo che verrò": the page thanks; a repeat changes nothing.
    let reconfirmed = invoke(&app, "booking-reconfirm", &page_code, 200).await;
    assert!(
        reconfirmed.body.contains("Grazie, ti aspettiamo"),
        "{}",
        reconfirmed.body
    );
    invoke(&app, "booking-reconfirm", &page_code, 200).await;
    served.insert("booking-reconfirm");

    // A GET of the cancel form's address changes nothing: back to the booking's page.
    let back = invoke(&app, "booking-cancel-get", &page_code, 303).await;
    assert_eq!(back.location, Some(format!("/p/{page_code}?lang=it")));
    served.insert("booking-cancel-get");
    assert!(!free_starts(&app).await.contains(&"14:15".to_owned()));
    let cancelled = invoke(&app, "booking-cancel", &page_code, 200).await;
    assert!(cancelled.content_type.starts_with("text/html"));
    assert!(
        !free_starts(&app).await.contains(&"14:15".to_owned()),
        "a cancelled seat waits before it is anyone's"
    );
    invoke(&app, "booking-cancel", &page_code, 200).await;
    invoke(&app, "booking-calendar", &page_code, 410).await;
    served.insert("booking-cancel");

    // Le mie prenotazioni: 202, whatever the contact has.
    let mine = invoke(&app, "my-bookings", "", 202).await.json();
    assert!(mine["message"].is_string(), "{mine}");
    served.insert("my-bookings");

    // "Avvisami se si libera un posto": the place, its page (a GET changes nothing), its
    // confirmation, leaving.
    let joined = invoke(&app, "my-bookings-waiting-list", "", 202).await.json();
    assert!(joined["message"].is_string(), "{joined}");
    served.insert("my-bookings-waiting-list");
    let place_code = link_code(&app, WAITING_CONFIRM, "/w/").await;
    let page = invoke(&app, "confirm-waiting-get", &place_code, 200).await;
    assert!(
        page.body.contains(&format!(r#"action="/w/{place_code}""#)),
        "{}",
        page.body
    );
    served.insert("confirm-waiting-get");
    let confirmed = invoke(&app, "confirm-waiting-post", &place_code, 200).await;
    assert!(
        confirmed.body.contains("Iscrizione confermata"),
        "{}",
        confirmed.body
    );
    served.insert("confirm-waiting-post");
    let left = invoke(&app, "confirm-waiting-leave", &place_code, 200).await;
    assert!(left.body.contains("Sei uscito dalla lista d"), "{}", left.body);
    served.insert("confirm-waiting-leave");

    // The rating of the last step: recorded without anything that says whose it is.
    let rated = invoke(&app, "feedback", "", 204).await;
    assert!(rated.body.is_empty());
    let today = app
        .context
        .clock
        .now()
        .with_timezone(&prenota_core::calendar::ROME)
        .date_naive();
    let ratings = app
        .store
        .feedback_of_day(today, app.context.clock.now())
        .await
        .unwrap();
    assert_eq!(ratings.len(), 1);
    assert_eq!(ratings[0].feedback.rating.get(), 4);
    assert_eq!(
        ratings[0].feedback.reason.as_ref().map(|r| r.as_str()),
        Some("Pochi passaggi, chiari")
    );
    served.insert("feedback");

    let citizens: BTreeSet<String> = event_names()
        .into_iter()
        .filter(|name| !is_counter_event(name))
        .collect();
    let served: BTreeSet<String> = served.into_iter().map(str::to_owned).collect();
    assert_eq!(
        served, citizens,
        "every citizen's sample event is part of the flow"
    );
}

/// The events of the office's side: the staff's functions and the waiting-room display.
fn is_counter_event(name: &str) -> bool {
    name.starts_with("staff-") || name == "display"
}

/// The events of the managers' `staff-office` function (closures), served by their own test.
fn is_office_event(name: &str) -> bool {
    function_of(name) == "staff-office"
}

/// The counter's day through the staff Lambdas, each request carrying the claims of a Cognito ID
/// token as API Gateway's JWT authorizer hands them over: the sample booking of 14:15 on 2
/// December is made and confirmed through the citizen's events, then checked in at 14:00, called,
/// called again, put back, called and served; a walk-in is booked; the display shows the ticket
/// and no name; the manager reads the audit log.
#[tokio::test(flavor = "multi_thread")]
async fn the_counter_day_runs_through_the_staff_lambdas() {
    let mut app = app().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
    ));
    app.context.clock = clock.clone();
    // As the stacks set PRENOTA_COGNITO_DOMAIN and PRENOTA_COGNITO_CLIENT_ID.
    app.context.settings.staff_sign_in = StaffSignIn::Cognito {
        domain: "https://prenota-bergamo.auth.eu-south-1.amazoncognito.com".to_owned(),
        client_id: "3n4b5urk1ft4fl3mg5e62d9ado".to_owned(),
    };
    let mut served = BTreeSet::new();

    // Sign-in as the counter page reads it: Cognito's hosted login.
    let config = invoke(&app, "staff-agenda-config", "", 200).await.json();
    assert_eq!(config["sign_in"], "cognito", "{config}");
    assert_eq!(
        config["authorize_url"],
        "https://prenota-bergamo.auth.eu-south-1.amazoncognito.com/oauth2/authorize"
    );
    served.insert("staff-agenda-config");
    let me = invoke(&app, "staff-agenda-me", "", 200).await.json();
    assert_eq!(me["email"], "giulia.rota@comune.bergamo.it", "{me}");
    assert_eq!(me["role"], "operator", "{me}");
    served.insert("staff-agenda-me");
    let key = invoke(&app, "staff-agenda-checkin-key", "", 200).await.json();
    assert!(
        key.to_string().len() > 20,
        "the public key of the QR codes: {key}"
    );
    served.insert("staff-agenda-checkin-key");

    // A citizen books 14:15 on Wednesday 2 December and confirms.
    let hold = invoke(&app, "hold", "", 201).await.json();
    let hold_id = hold["hold_id"].as_str().unwrap().to_owned();
    invoke(&app, "details", &hold_id, 202).await;
    let confirm_code = link_code(&app, CONFIRMATION_REQUEST, "/c/").await;
    invoke(&app, "confirm-post", &confirm_code, 200).await;

    // The day of the visit, 14:00 in Rome.
    clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 13, 0, 0).unwrap());
    let agenda = invoke(&app, "staff-agenda-agenda", "", 200).await.json();
    let bookings = agenda["bookings"].as_array().unwrap();
    assert_eq!(bookings.len(), 1, "{agenda}");
    assert_eq!(bookings[0]["name"], "Maria", "{agenda}");
    assert_eq!(bookings[0]["state"], "confirmed", "{agenda}");
    let short_code = bookings[0]["short_code"].as_str().unwrap().to_owned();
    served.insert("staff-agenda-agenda");

    let checked_in = invoke(&app, "staff-counter-check-in", &short_code, 200)
        .await
        .json();
    assert_eq!(checked_in["state"], "checked_in", "{checked_in}");
    let ticket = checked_in["ticket"].as_str().unwrap().to_owned();
    let again = invoke(&app, "staff-counter-check-in", &short_code, 200)
        .await
        .json();
    assert_eq!(again["ticket"], ticket.as_str(), "a repeat gives the same ticket");
    served.insert("staff-counter-check-in");

    let called = invoke(&app, "staff-counter-call", "", 200).await.json();
    assert_eq!(called["ticket"], ticket.as_str(), "{called}");
    assert_eq!(called["desk"], "3", "{called}");
    invoke(&app, "staff-counter-call", "", 204).await;
    served.insert("staff-counter-call");
    let recalled = invoke(&app, "staff-counter-recall", &short_code, 200)
        .await
        .json();
    assert_eq!(recalled["state"], "called", "{recalled}");
    served.insert("staff-counter-recall");
    let back = invoke(&app, "staff-counter-put-back", &short_code, 200)
        .await
        .json();
    assert_eq!(back["state"], "checked_in", "{back}");
    served.insert("staff-counter-put-back");
    invoke(&app, "staff-counter-call", "", 200).await;

    // The display: the ticket and the desk, never a name.
    let display = invoke(&app, "display", "", 200).await;
    assert!(display.body.contains(&ticket), "{}", display.body);
    assert!(!display.body.contains("Maria") && !display.body.contains("Rossi"));
    served.insert("display");

    let done = invoke(&app, "staff-counter-outcome", &short_code, 200)
        .await
        .json();
    assert_eq!(done["state"], "served", "{done}");
    served.insert("staff-counter-outcome");

    // A walk-in without a contact: the next free SPID slot of the day, an S ticket.
    let walk_in = invoke(&app, "staff-counter-walk-in", "", 201).await.json();
    assert!(walk_in["ticket"].as_str().unwrap().starts_with('S'), "{walk_in}");
    served.insert("staff-counter-walk-in");

    // The manager's audit log: the operator's check-in, calls and outcome, by short code.
    let audit = invoke(&app, "staff-agenda-audit", "", 200).await;
    assert!(
        audit.body.contains("giulia.rota@comune.bergamo.it"),
        "{}",
        audit.body
    );
    assert!(audit.body.contains(&short_code), "{}", audit.body);
    assert!(!audit.body.contains("Maria"), "{}", audit.body);
    served.insert("staff-agenda-audit");

    let counter: BTreeSet<String> = event_names()
        .into_iter()
        .filter(|name| is_counter_event(name) && !is_office_event(name))
        .collect();
    let served: BTreeSet<String> = served.into_iter().map(str::to_owned).collect();
    assert_eq!(served, counter, "every counter sample event is part of the day");
}

/// A manager closes an office for an afternoon through the `staff-office` Lambda, with the claims
/// of a Cognito ID token as API Gateway's JWT authorizer hands them over (docs/closures.md): the
/// sample booking of 14:15 on Wednesday 2 December is confirmed and another citizen holds 15:15;
/// the preview lists the booking by code and counts the hold, changing nothing; saving displaces
/// the booking with its "Ufficio chiuso" message, releases the hold and takes the afternoon's
/// seats; the list shows the closure, the audit log who saved it; a manager of another office
/// is refused; reopening frees the seats but the booking stays displaced, and the counter
/// refuses it on the day.
#[tokio::test(flavor = "multi_thread")]
async fn a_closure_runs_through_the_staff_office_lambda() {
    let mut app = app().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
    ));
    app.context.clock = clock.clone();
    app.context.settings.staff_sign_in = StaffSignIn::Cognito {
        domain: "https://prenota-bergamo.auth.eu-south-1.amazoncognito.com".to_owned(),
        client_id: "3n4b5urk1ft4fl3mg5e62d9ado".to_owned(),
    };
    let mut served = BTreeSet::new();
    let afternoon = |starts: &[String]| -> Vec<String> {
        starts
            .iter()
            .filter(|start| start.as_str() >= "14:00" && start.as_str() < "18:00")
            .cloned()
            .collect()
    };

    // Maria books 14:15 and confirms; another citizen holds the next free time of the afternoon.
    let hold = invoke(&app, "hold", "", 201).await.json();
    let hold_id = hold["hold_id"].as_str().unwrap().to_owned();
    invoke(&app, "details", &hold_id, 202).await;
    let confirm_code = link_code(&app, CONFIRMATION_REQUEST, "/c/").await;
    invoke(&app, "confirm-post", &confirm_code, 200).await;
    let open = free_starts(&app).await;
    let other = afternoon(&open)
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("a free time in the afternoon: {open:?}"));
    let other_hold = invoke_text(
        &app,
        "hold",
        "hold",
        &read_event("hold", "").replace(r#"\"start\": \"14:15\""#, &format!(r#"\"start\": \"{other}\""#)),
    )
    .await;
    assert_eq!(other_hold.status, 201, "{}", other_hold.body);
    let other_hold = other_hold.json()["hold_id"].as_str().unwrap().to_owned();
    let open = free_starts(&app).await;

    // Nothing closed yet.
    let listed = invoke(&app, "staff-office-closures", "", 200).await.json();
    assert_eq!(listed["closures"], serde_json::json!([]), "{listed}");

    // The preview: Maria's booking by time, service and code (no name), the hold counted.
    let preview = invoke(&app, "staff-office-preview", "", 200).await;
    assert!(!preview.body.contains("Maria") && !preview.body.contains("Rossi"));
    let preview = preview.json();
    assert_eq!(preview["displaced"], 1, "{preview}");
    assert_eq!(preview["holds"], 1, "{preview}");
    // Every service's afternoon: at least SPID's free times and the two taken.
    let spid_afternoon = afternoon(&open).len() as u64 + 2;
    assert!(
        preview["slots"].as_u64().unwrap() >= spid_afternoon,
        "{spid_afternoon} SPID slots at least: {preview}"
    );
    let booking = &preview["bookings"][0];
    assert_eq!(booking["office_id"], "ufficio-1", "{preview}");
    assert_eq!(booking["service_id"], "spid", "{preview}");
    assert_eq!(booking["date"], "2026-12-02", "{preview}");
    assert_eq!(booking["start"], "14:15", "{preview}");
    assert_eq!(booking["state"], "confirmed", "{preview}");
    let short_code = booking["short_code"].as_str().unwrap().to_owned();
    assert_eq!(free_starts(&app).await, open, "a preview changes nothing");
    served.insert("staff-office-preview");

    // A manager of another office may not close this one.
    let elsewhere = read_event("staff-office-preview", "").replace("ufficio-1,ufficio-3", "ufficio-3");
    let refused = invoke_text(&app, "staff-office", "staff-office-preview", &elsewhere).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.json()["code"], "forbidden");

    // Saved: the booking displaced and told, the hold released, the afternoon's seats taken.
    let saved = invoke(&app, "staff-office-close", "", 201).await.json();
    assert_eq!(saved["displaced"], 1, "{saved}");
    assert_eq!(saved["released_holds"], 1, "{saved}");
    assert_eq!(saved["bookings"][0]["short_code"], short_code.as_str(), "{saved}");
    assert_eq!(saved["bookings"][0]["state"], "displaced", "{saved}");
    let closure = &saved["closure"];
    let closure_id = closure["id"].as_str().unwrap().to_owned();
    assert!(
        closure_id.len() == 32 && closure_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{saved}"
    );
    assert_eq!(closure["office_id"], "ufficio-1", "{saved}");
    assert_eq!(closure["from"], "2026-12-02", "{saved}");
    assert_eq!(closure["to"], "2026-12-02", "{saved}");
    assert_eq!(closure["hours"], "14:00-18:00", "{saved}");
    assert_eq!(closure["reason_en"], "Staff strike", "{saved}");
    assert_eq!(
        closure["saved_by"], "paolo.locatelli@comune.bergamo.it",
        "{saved}"
    );
    assert!(closure["reopened_at"].is_null(), "{saved}");
    served.insert("staff-office-close");
    let told = pending_of_kind(&app, DISPLACED).await;
    assert_eq!(told.len(), 1, "one \"Ufficio chiuso\" message");
    let closed = free_starts(&app).await;
    assert_eq!(afternoon(&closed), Vec::<String>::new(), "{closed:?}");
    let morning: Vec<String> = open
        .iter()
        .filter(|start| start.as_str() < "14:00")
        .cloned()
        .collect();
    assert_eq!(closed, morning, "the morning stays open");
    let released = invoke(&app, "details", &other_hold, 410).await.json();
    assert_eq!(released["code"], "hold_released", "{released}");

    // The list has it; the audit log of the office says who saved it.
    let listed = invoke(&app, "staff-office-closures", "", 200).await.json();
    assert_eq!(listed["closures"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["closures"][0]["id"], closure_id.as_str(), "{listed}");
    served.insert("staff-office-closures");
    let today = read_event("staff-agenda-audit", "").replace("2026-12-02", "2026-11-26");
    let audit = invoke_text(&app, "staff-agenda", "staff-agenda-audit", &today).await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    assert!(audit.body.contains("closure-saved"), "{}", audit.body);

    // Reopened: the seats are everyone's again but Maria's, whose booking stays displaced.
    let unknown = invoke(&app, "staff-office-reopen", &"0".repeat(32), 404)
        .await
        .json();
    assert_eq!(unknown["code"], "unknown_closure", "{unknown}");
    let reopened = invoke(&app, "staff-office-reopen", &closure_id, 200).await.json();
    assert_eq!(reopened["closure"]["id"], closure_id.as_str(), "{reopened}");
    assert!(reopened["closure"]["reopened_at"].is_string(), "{reopened}");
    served.insert("staff-office-reopen");
    let again = free_starts(&app).await;
    assert!(again.contains(&other), "{again:?}");
    assert!(!again.contains(&"14:15".to_owned()), "{again:?}");
    let audit = invoke_text(&app, "staff-agenda", "staff-agenda-audit", &today).await;
    assert!(audit.body.contains("closure-reopened"), "{}", audit.body);

    // On the day, the counter refuses the displaced booking.
    clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 13, 0, 0).unwrap());
    let refused = invoke(&app, "staff-counter-check-in", &short_code, 409)
        .await
        .json();
    assert_eq!(refused["code"], "displaced", "{refused}");

    let office: BTreeSet<String> = event_names()
        .into_iter()
        .filter(|name| is_office_event(name))
        .collect();
    let served: BTreeSet<String> = served.into_iter().map(str::to_owned).collect();
    assert_eq!(
        served, office,
        "every staff-office sample event is part of the closure"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_without_catalogue_stops_start_up_with_what_to_do() {
    let (store, table) = fresh_store().await;
    let error = prenota_lambda::catalogue_of(&store, &table)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("catalogue import") && error.contains(&table),
        "{error}"
    );
}
