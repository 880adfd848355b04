//! "Uffici e orari" through the managers' `staff-office` Lambda with DynamoDB Local: the sample
//! events of `events/staff-office-catalogue*.json` served as the Lambda runtime would, with the
//! claims of a Cognito ID token as API Gateway's JWT authorizer hands them over, from a fresh
//! table holding Bergamo's catalogue (version 1, as `catalogue import` leaves it).
//!
//! The office's name changed and undone (the catalogue item and the `CATALOGUE_CHANGES`
//! partition written in one conditional transaction, read back by Query), a manager of another
//! office refused, a stale version refused; then a change that takes a booked afternoon, which
//! needs the reason, displaces the booking and tells its citizen.
//!
//! Run with `tests/run`, which starts DynamoDB Local and sets `PRENOTA_DYNAMODB_ENDPOINT`.

use std::collections::BTreeSet;

use prenota_store::MessageKind::{ConfirmationRequest as CONFIRMATION_REQUEST, Displaced as DISPLACED};
use prenota_usecases::App;
use serde_json::{Value, json};
use support::events::{
    Answer, event_names, free_starts, invoke, invoke_text, is_catalogue_event, read_event,
};
use support::{link_code, pending_of_kind, staff_app};

mod support;

const MANAGER: &str = "paolo.locatelli@comune.bergamo.it";
/// The name the sample change gives Ufficio 1.
const RENAMED: &str = "Ufficio 1 - Centro";

/// Event `name` with `body` as its JSON body (and its length).
fn with_body(name: &str, code: &str, body: &Value) -> String {
    let mut event: Value = serde_json::from_str(&read_event(name, code)).unwrap();
    let text = body.to_string();
    event["headers"]["content-length"] = json!(text.len().to_string());
    event["body"] = json!(text);
    event.to_string()
}

/// Event `name` as a manager of `offices` only sends it.
fn as_manager_of(name: &str, body: Option<&Value>, offices: &str) -> String {
    let event = match body {
        Some(body) => with_body(name, "", body),
        None => read_event(name, ""),
    };
    event.replace("ufficio-1,ufficio-3", offices)
}

/// Serves `event` (the text of sample `name`, changed) with the staff-office Lambda.
async fn send(app: &App, name: &str, event: &str, expected: u16) -> Answer {
    let answer = invoke_text(app, "staff-office", name, event).await;
    assert_eq!(answer.status, expected, "{name}: {}", answer.body);
    answer
}

/// The JSON body of sample event `name`.
fn body_of(name: &str) -> Value {
    let event: Value = serde_json::from_str(&read_event(name, "")).unwrap();
    serde_json::from_str(event["body"].as_str().unwrap()).unwrap()
}

/// A part of the catalogue's view, as a change sends it back (without `may_edit`).
fn part(view: &Value, list: &str, matches: impl Fn(&Value) -> bool) -> Value {
    let mut found = view[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|part| matches(part))
        .unwrap_or_else(|| panic!("not in {list}: {view}"))
        .clone();
    assert_eq!(found["may_edit"], true, "{found}");
    found.as_object_mut().unwrap().remove("may_edit");
    found
}

fn is_change_id(id: &Value) -> bool {
    id.as_str()
        .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn offices_shown(app: &App) -> String {
    invoke(app, "offices", "", 200).await.body
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_renamed_and_undone_through_the_staff_office_lambda() {
    let (app, _clock) = staff_app().await;
    let mut served = BTreeSet::new();

    // The view: the import's version, the manager's two offices and their offerings, editable.
    let view = invoke(&app, "staff-office-catalogue", "", 200).await.json();
    assert_eq!(view["version"], 1, "{view}");
    let ids = |list: &str, field: &str| -> BTreeSet<String> {
        view[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|part| part[field].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids("offices", "id"),
        ["ufficio-1", "ufficio-3"].map(String::from).into()
    );
    assert_eq!(
        ids("offerings", "office"),
        ["ufficio-1", "ufficio-3"].map(String::from).into()
    );
    assert!(ids("services", "id").contains("spid"), "{view}");
    served.insert("staff-office-catalogue");
    let history = invoke(&app, "staff-office-catalogue-changes", "", 200)
        .await
        .json();
    assert_eq!(history["changes"], json!([]), "{history}");

    // The sample change is Ufficio 1 exactly as the view shows it, but its name.
    let mut office = part(&view, "offices", |office| office["id"] == "ufficio-1");
    assert_eq!(office["name"], "Ufficio 1", "{office}");
    office["name"] = json!(RENAMED);
    let change = json!({ "office": office });
    assert_eq!(
        body_of("staff-office-catalogue-change"),
        json!({ "version": 1, "change": change })
    );
    assert_eq!(
        body_of("staff-office-catalogue-preview"),
        body_of("staff-office-catalogue-change")
    );

    // A name takes no slot: nothing to displace.
    let preview = invoke(&app, "staff-office-catalogue-preview", "", 200)
        .await
        .json();
    assert_eq!(
        preview,
        json!({ "slots": 0, "displaced": 0, "holds": 0, "bookings": [] }),
        "{preview}"
    );
    served.insert("staff-office-catalogue-preview");

    // A manager of another office sees theirs only, and may not change this one.
    let theirs = send(
        &app,
        "staff-office-catalogue",
        &as_manager_of("staff-office-catalogue", None, "ufficio-3"),
        200,
    )
    .await
    .json();
    assert!(
        theirs["offices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|office| office["id"] == "ufficio-3"),
        "{theirs}"
    );
    for name in ["staff-office-catalogue-preview", "staff-office-catalogue-change"] {
        let body = body_of(name);
        let refused = send(&app, name, &as_manager_of(name, Some(&body), "ufficio-3"), 403).await;
        assert_eq!(refused.json()["code"], "forbidden", "{name}");
    }
    assert!(offices_shown(&app).await.contains("\"Ufficio 1\""));

    // Saved: version 2, the history's entry, citizens see the new name.
    let saved = invoke(&app, "staff-office-catalogue-change", "", 201)
        .await
        .json();
    assert_eq!(saved["version"], 2, "{saved}");
    assert_eq!(
        (
            &saved["displaced"],
            &saved["told"],
            &saved["released_holds"],
            &saved["bookings"]
        ),
        (&json!(0), &json!(0), &json!(0), &json!([])),
        "{saved}"
    );
    let entry = &saved["change"];
    assert!(is_change_id(&entry["id"]), "{saved}");
    assert_eq!(entry["version"], 2, "{saved}");
    assert_eq!(entry["by"], MANAGER, "{saved}");
    assert_eq!(entry["kind"], "office", "{saved}");
    assert_eq!(entry["offices"], json!(["ufficio-1"]), "{saved}");
    assert_eq!(entry["edit"], change, "{saved}");
    assert_eq!(entry["displaced"], 0, "{saved}");
    assert!(
        entry["reason_it"].is_null() && entry["undoes"].is_null(),
        "{saved}"
    );
    assert!(entry["at"].is_string(), "{saved}");
    let id = entry["id"].as_str().unwrap().to_owned();
    served.insert("staff-office-catalogue-change");
    assert!(offices_shown(&app).await.contains(RENAMED));
    let view = invoke(&app, "staff-office-catalogue", "", 200).await.json();
    assert_eq!(view["version"], 2, "{view}");
    assert_eq!(
        part(&view, "offices", |office| office["id"] == "ufficio-1")["name"],
        RENAMED
    );

    // The same change over the version read before: refused, nothing saved.
    let stale = invoke(&app, "staff-office-catalogue-change", "", 409)
        .await
        .json();
    assert_eq!(stale["code"], "catalogue_changed", "{stale}");

    // The history has it; the office's audit log says who.
    let history = invoke(&app, "staff-office-catalogue-changes", "", 200)
        .await
        .json();
    assert_eq!(history["changes"].as_array().unwrap().len(), 1, "{history}");
    assert_eq!(history["changes"][0], *entry, "{history}");
    served.insert("staff-office-catalogue-changes");
    let today = read_event("staff-agenda-audit", "").replace("2026-12-02", "2026-11-26");
    let audit = invoke_text(&app, "staff-agenda", "staff-agenda-audit", &today).await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    assert!(audit.body.contains("catalogue-changed"), "{}", audit.body);

    // Undone: the inverse saved as version 3, the old name back.
    let unknown = invoke(&app, "staff-office-catalogue-undo", &"0".repeat(32), 404)
        .await
        .json();
    assert_eq!(unknown["code"], "unknown_change", "{unknown}");
    let undone = invoke(&app, "staff-office-catalogue-undo", &id, 201).await.json();
    assert_eq!(undone["version"], 3, "{undone}");
    assert_eq!(undone["change"]["undoes"], id.as_str(), "{undone}");
    assert_eq!(
        undone["change"]["edit"]["office"]["name"], "Ufficio 1",
        "{undone}"
    );
    assert_eq!(undone["displaced"], 0, "{undone}");
    served.insert("staff-office-catalogue-undo");
    let shown = offices_shown(&app).await;
    assert!(
        shown.contains("\"Ufficio 1\"") && !shown.contains(RENAMED),
        "{shown}"
    );
    let history = invoke(&app, "staff-office-catalogue-changes", "", 200)
        .await
        .json();
    let versions: Vec<&Value> = history["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["version"])
        .collect();
    assert_eq!(versions, [&json!(3), &json!(2)], "newest first: {history}");
    // Undoing over a version read before the undo: refused.
    let stale = invoke(&app, "staff-office-catalogue-undo", &id, 409).await.json();
    assert_eq!(stale["code"], "catalogue_changed", "{stale}");

    let catalogue: BTreeSet<String> = event_names()
        .into_iter()
        .filter(|name| is_catalogue_event(name))
        .collect();
    let served: BTreeSet<String> = served.into_iter().map(str::to_owned).collect();
    assert_eq!(
        served, catalogue,
        "every catalogue sample event is part of the flow"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_that_takes_a_booked_afternoon_displaces_it_through_the_staff_office_lambda() {
    let (app, _clock) = staff_app().await;

    // Maria books SPID at Ufficio 1, Wednesday 2 December 14:15, and confirms.
    let hold = invoke(&app, "hold", "", 201).await.json();
    let hold_id = hold["hold_id"].as_str().unwrap().to_owned();
    invoke(&app, "details", &hold_id, 202).await;
    let confirm_code = link_code(&app, CONFIRMATION_REQUEST, "/c/").await;
    invoke(&app, "confirm-post", &confirm_code, 200).await;
    assert!(!free_starts(&app).await.is_empty());

    // SPID at Ufficio 1 no longer on Wednesdays.
    let view = invoke(&app, "staff-office-catalogue", "", 200).await.json();
    let mut offering = part(&view, "offerings", |offering| {
        offering["office"] == "ufficio-1" && offering["service"] == "spid"
    });
    assert!(
        offering["hours"].as_object_mut().unwrap().remove("wed").is_some(),
        "{offering}"
    );
    let change = json!({ "offering": offering });
    let body = json!({ "version": 1, "change": change });

    let preview = send(
        &app,
        "staff-office-catalogue-preview",
        &with_body("staff-office-catalogue-preview", "", &body),
        200,
    )
    .await;
    assert!(!preview.body.contains("Maria") && !preview.body.contains("Rossi"));
    let preview = preview.json();
    assert_eq!(preview["displaced"], 1, "{preview}");
    assert!(
        preview["slots"].as_u64().unwrap() >= 7,
        "a Wednesday's afternoon at least: {preview}"
    );
    let booking = &preview["bookings"][0];
    assert_eq!(
        (
            &booking["office_id"],
            &booking["service_id"],
            &booking["date"],
            &booking["start"],
            &booking["state"]
        ),
        (
            &json!("ufficio-1"),
            &json!("spid"),
            &json!("2026-12-02"),
            &json!("14:15"),
            &json!("confirmed")
        ),
        "{preview}"
    );
    let short_code = booking["short_code"].as_str().unwrap().to_owned();

    // Without the reason in both languages: refused, nothing saved.
    let only_it = json!({ "version": 1, "change": change, "reason_it": "Nuovo orario" });
    for body in [&body, &only_it] {
        let event = with_body("staff-office-catalogue-change", "", body);
        let refused = send(&app, "staff-office-catalogue-change", &event, 422)
            .await
            .json();
        assert_eq!(refused["code"], "reason_required", "{refused}");
    }
    let view = invoke(&app, "staff-office-catalogue", "", 200).await.json();
    assert_eq!(view["version"], 1, "{view}");

    // With it: the booking displaced and told, the day's SPID slots gone.
    let reasoned = json!({
        "version": 1,
        "change": change,
        "reason_it": "Nuovo orario dello sportello SPID",
        "reason_en": "New hours of the SPID desk",
    });
    let event = with_body("staff-office-catalogue-change", "", &reasoned);
    let saved = send(&app, "staff-office-catalogue-change", &event, 201)
        .await
        .json();
    assert_eq!(saved["version"], 2, "{saved}");
    assert_eq!(
        (&saved["displaced"], &saved["told"]),
        (&json!(1), &json!(1)),
        "{saved}"
    );
    assert_eq!(saved["bookings"][0]["short_code"], short_code.as_str(), "{saved}");
    assert_eq!(saved["bookings"][0]["state"], "displaced", "{saved}");
    assert_eq!(saved["change"]["displaced"], 1, "{saved}");
    assert_eq!(saved["change"]["kind"], "offering", "{saved}");
    assert_eq!(
        saved["change"]["reason_en"], "New hours of the SPID desk",
        "{saved}"
    );
    assert_eq!(
        pending_of_kind(&app, DISPLACED).await.len(),
        1,
        "one message to Maria"
    );
    assert_eq!(free_starts(&app).await, Vec::<String>::new());

    // Undone (it takes nothing, so no reason is needed): Wednesdays are back in the catalogue.
    let id = saved["change"]["id"].as_str().unwrap().to_owned();
    let undo = with_body("staff-office-catalogue-undo", &id, &json!({ "version": 2 }));
    let undone = send(&app, "staff-office-catalogue-undo", &undo, 201).await.json();
    assert_eq!(undone["version"], 3, "{undone}");
    assert_eq!(undone["displaced"], 0, "{undone}");
    let view = invoke(&app, "staff-office-catalogue", "", 200).await.json();
    let restored = part(&view, "offerings", |offering| {
        offering["office"] == "ufficio-1" && offering["service"] == "spid"
    });
    assert!(restored["hours"]["wed"].is_array(), "{restored}");
}
