//! The whole flow through the Lambda handlers with DynamoDB Local: every sample event in `events/`
//! is read as the Lambda runtime reads it (`lambda_http::request::from_str`), handed to
//! `prenota_lambda::serve` with the function its file is named after, and answered from a fresh
//! table holding Bergamo's catalogue (the `staff-office` events in `office_events.rs` and
//! `catalogue_events.rs`, the statistics and open data in `statistics_events.rs`).
//!
//! Run with `tests/run`, which starts DynamoDB Local and sets `PRENOTA_DYNAMODB_ENDPOINT`.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};

use prenota_store::MessageKind::{
    BookingConfirmed as BOOKING_CONFIRMED, ConfirmationRequest as CONFIRMATION_REQUEST,
    WaitingConfirm as WAITING_CONFIRM,
};
use prenota_usecases::waiting::Drawn;
use prenota_web::routes::{self, Match, ROUTES};
use serde_json::Value;
use support::events::{
    event_names, free_starts, function_of, invoke, invoke_as, is_office_event, is_statistics_event,
    read_event,
};
use support::{PLACEHOLDER, app, draw_kept_seats, fresh_store, link_code, staff_app};

mod support;

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
        .filter(|name| !is_counter_event(name) && !is_statistics_event(name))
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

/// The counter's day through the staff Lambdas, each request carrying the claims of a Cognito ID
/// token as API Gateway's JWT authorizer hands them over: the sample booking of 14:15 on 2
/// December is made and confirmed through the citizen's events, then checked in at 14:00, called,
/// called again, put back, called and served; a walk-in is booked; the display shows the ticket
/// and no name; the manager reads the audit log.
#[tokio::test(flavor = "multi_thread")]
async fn the_counter_day_runs_through_the_staff_lambdas() {
    let (app, clock) = staff_app().await;
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
        .filter(|name| is_counter_event(name) && !is_office_event(name) && !is_statistics_event(name))
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
