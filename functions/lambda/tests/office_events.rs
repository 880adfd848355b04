//! Closures through the managers' `staff-office` Lambda with DynamoDB Local: the sample events of
//! `events/staff-office-*.json` (but the catalogue's, in `catalogue_events.rs`) served as the
//! Lambda runtime would, from a fresh table holding Bergamo's catalogue — a preview, a closure
//! displacing a booking and releasing a hold, the list, the audit log, reopening, and the counter
//! refusing the displaced booking on the day.
//!
//! Run with `tests/run`, which starts DynamoDB Local and sets `PRENOTA_DYNAMODB_ENDPOINT`.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use prenota_store::MessageKind::{ConfirmationRequest as CONFIRMATION_REQUEST, Displaced as DISPLACED};
use support::events::{
    event_names, free_starts, invoke, invoke_text, is_catalogue_event, is_office_event, read_event,
};
use support::{link_code, pending_of_kind, staff_app};

mod support;

#[tokio::test(flavor = "multi_thread")]
async fn a_closure_runs_through_the_staff_office_lambda() {
    let (app, clock) = staff_app().await;
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
        .filter(|name| is_office_event(name) && !is_catalogue_event(name))
        .collect();
    let served: BTreeSet<String> = served.into_iter().map(str::to_owned).collect();
    assert_eq!(
        served, office,
        "every closure sample event of staff-office is part of the closure"
    );
}
