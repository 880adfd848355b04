//! "Statistiche" and the open data through the Lambdas with DynamoDB Local: the sample events of
//! `events/staff-agenda-statistics*.json` (the managers' figures, served by `staff-agenda` with
//! the claims of a Cognito ID token) and `events/open-data-*.json` (public, served by
//! `open-data`), read as the Lambda runtime reads them, from a fresh table holding Bergamo's
//! catalogue. Maria's booking of Wednesday 2 December (SPID at ufficio-1) is made, confirmed and
//! checked in through the citizen's and the counter's events, and the first free slots are
//! sampled that hour; the manager's figures count her, the office's CSV has its columns, another
//! office's manager and an operator are refused; December's open data, read in January, has the
//! day's row with her single booking suppressed, no personal data, and a day in caches.
//!
//! Run with `tests/run`, which starts DynamoDB Local and sets `PRENOTA_DYNAMODB_ENDPOINT`.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use prenota_core::ManualClock;
use prenota_store::MessageKind::ConfirmationRequest as CONFIRMATION_REQUEST;
use prenota_usecases::App;
use serde_json::Value;
use support::events::{Answer, event_names, invoke, invoke_text, is_statistics_event, read_event};
use support::{PUBLIC_URL, link_code, staff_app};

mod support;

/// Event `name` with its query string replaced by `query` (`rawQueryString` and
/// `queryStringParameters` alike, as API Gateway sends them).
fn with_query(name: &str, query: &[(&str, &str)]) -> String {
    let mut event: Value = serde_json::from_str(&read_event(name, "")).unwrap();
    let raw: Vec<String> = query
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    event["rawQueryString"] = Value::from(raw.join("&"));
    let object = event.as_object_mut().unwrap();
    if query.is_empty() {
        object.remove("queryStringParameters");
    } else {
        let parameters = query
            .iter()
            .map(|(key, value)| ((*key).to_owned(), Value::from(*value)))
            .collect();
        object.insert("queryStringParameters".to_owned(), Value::Object(parameters));
    }
    event.to_string()
}

/// The row of `rows` (JSON) for 2 December, SPID, at ufficio-1 (the office's own figures have no
/// `office_id` in their rows).
fn spid_on_the_2nd(rows: &Value) -> &Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|row| {
            row["date"] == "2026-12-02"
                && row["service_id"] == "spid"
                && row.get("office_id").is_none_or(|office| office == "ufficio-1")
        })
        .unwrap_or_else(|| panic!("a row for SPID on 2 December: {rows}"))
}

fn assert_no_personal_data(answer: &Answer, short_code: &str) {
    for personal in ["Maria", "Rossi", "@", short_code] {
        assert!(!answer.body.contains(personal), "{personal} in {}", answer.body);
    }
}

/// Maria books 14:15 on Wednesday 2 December and confirms; on the day she checks in at 14:00,
/// when the first free slots are sampled. Her short code.
async fn a_day_at_the_counter(app: &App, clock: &ManualClock) -> String {
    let hold = invoke(app, "hold", "", 201).await.json();
    let hold_id = hold["hold_id"].as_str().unwrap().to_owned();
    invoke(app, "details", &hold_id, 202).await;
    let confirm_code = link_code(app, CONFIRMATION_REQUEST, "/c/").await;
    invoke(app, "confirm-post", &confirm_code, 200).await;

    clock.set(Utc.with_ymd_and_hms(2026, 12, 2, 13, 0, 0).unwrap());
    let agenda = invoke(app, "staff-agenda-agenda", "", 200).await.json();
    let short_code = agenda["bookings"][0]["short_code"].as_str().unwrap().to_owned();
    let checked_in = invoke(app, "staff-counter-check-in", &short_code, 200)
        .await
        .json();
    assert_eq!(checked_in["state"], "checked_in", "{checked_in}");
    // What the sender's hourly schedule does on AWS (tests/sender.rs runs it through the Lambda).
    let kept = prenota_usecases::statistics::sample_first_free(&app.context, &*app.store)
        .await
        .unwrap();
    assert_eq!(kept, app.context.catalogue().offerings().len());
    short_code
}

#[tokio::test(flavor = "multi_thread")]
async fn statistics_and_open_data_run_through_their_lambdas() {
    let (app, clock) = staff_app().await;
    let mut served = BTreeSet::new();
    let short_code = a_day_at_the_counter(&app, &clock).await;

    // The next morning the manager reads the office's first two days of December.
    clock.set(Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap());
    let figures = invoke(&app, "staff-agenda-statistics", "", 200).await;
    assert!(
        figures.content_type.starts_with("application/json"),
        "{}",
        figures.content_type
    );
    assert_no_personal_data(&figures, &short_code);
    let figures = figures.json();
    assert_eq!(figures["office_id"], "ufficio-1", "{figures}");
    assert_eq!(
        (figures["from"].as_str(), figures["to"].as_str()),
        (Some("2026-12-01"), Some("2026-12-02"))
    );
    let spid = spid_on_the_2nd(&figures["by_service"]);
    assert!(spid["offered"].as_u64().unwrap() > 0, "{spid}");
    assert_eq!(spid["booked"], 1, "{spid}");
    assert_eq!(spid["checked_in"], 1, "{spid}");
    assert_eq!(spid["first_free"]["samples"], 1, "the hour's sample: {spid}");
    served.insert("staff-agenda-statistics");

    let csv = invoke(&app, "staff-agenda-statistics-csv", "", 200).await;
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(
        lines[0].starts_with("date,office_id,service_id,offered,booked"),
        "{}",
        lines[0]
    );
    let row: Vec<&str> = lines
        .iter()
        .find(|line| line.starts_with("2026-12-02,ufficio-1,spid,"))
        .unwrap_or_else(|| panic!("a row for SPID on 2 December: {}", csv.body))
        .split(',')
        .collect();
    assert_eq!(row[3], spid["offered"].to_string(), "offered");
    assert_eq!(row[4], "1", "booked");
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("2026-12-02,ufficio-1,,")),
        "the day's total across services: {}",
        csv.body
    );
    served.insert("staff-agenda-statistics-csv");

    // A manager of another office, and an operator of this one, may not read them.
    for name in ["staff-agenda-statistics", "staff-agenda-statistics-csv"] {
        let event = read_event(name, "");
        for (refused, why) in [
            (
                event.replace("ufficio-1,ufficio-3", "ufficio-3"),
                "a manager of ufficio-3 only",
            ),
            (event.replace("[manager operator]", "[operator]"), "an operator"),
        ] {
            let answer = invoke_text(&app, "staff-agenda", name, &refused).await;
            assert_eq!(answer.status, 403, "{name}, {why}: {}", answer.body);
            assert_eq!(answer.json()["code"], "forbidden", "{name}, {why}");
        }
    }

    // In January, anyone downloads December: over, so a day in caches.
    clock.set(Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap());
    let csv = invoke(&app, "open-data-appointments-csv", "", 200).await;
    assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
    assert_eq!(csv.header("cache-control"), Some("public, max-age=86400"));
    assert_no_personal_data(&csv, &short_code);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(
        lines[0].starts_with("date,office_id,office_name,service_id,"),
        "{}",
        lines[0]
    );
    let row: Vec<&str> = lines
        .iter()
        .find(|line| line.starts_with("2026-12-02,ufficio-1,Ufficio 1,spid,"))
        .unwrap_or_else(|| panic!("a row for SPID on 2 December: {}", csv.body))
        .split(',')
        .collect();
    assert_eq!(row[4], spid["offered"].to_string(), "offered is published");
    assert_eq!(
        (row[5], row[8]),
        ("", ""),
        "one booking, one check-in: too few to publish"
    );
    served.insert("open-data-appointments-csv");

    let json = invoke(&app, "open-data-appointments-json", "", 200).await;
    assert!(
        json.content_type.starts_with("application/json"),
        "{}",
        json.content_type
    );
    assert_eq!(json.header("cache-control"), Some("public, max-age=86400"));
    assert_no_personal_data(&json, &short_code);
    let month = json.json();
    assert_eq!(month["month"], "2026-12", "{month}");
    assert_eq!(month["complete"], true, "{month}");
    assert_eq!(
        month["rows"].as_array().unwrap().len(),
        lines.len() - 1,
        "the CSV's rows"
    );
    let row = spid_on_the_2nd(&month["rows"]);
    assert_eq!(row["office_name"], "Ufficio 1", "{row}");
    assert!(row["booked"].is_null() && row["checked_in"].is_null(), "{row}");
    assert_eq!(row["cancelled"], 0, "a zero tells of nobody: {row}");
    served.insert("open-data-appointments-json");

    // The current month so far, without ?month: it still changes, so an hour.
    let current = with_query("open-data-appointments-json", &[]);
    let current = invoke_text(&app, "open-data", "open-data-appointments-json", &current).await;
    assert_eq!(current.status, 200, "{}", current.body);
    assert_eq!(current.header("cache-control"), Some("public, max-age=3600"));
    assert_eq!(current.json()["month"], "2027-01");
    assert_eq!(current.json()["complete"], false);
    let wrong = with_query("open-data-appointments-csv", &[("month", "2026-13")]);
    let wrong = invoke_text(&app, "open-data", "open-data-appointments-csv", &wrong).await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert_eq!(wrong.json()["code"], "invalid_period");

    // The DCAT-AP_IT description, for the national catalogue's harvester.
    let dcat = invoke(&app, "open-data-dcat", "", 200).await;
    assert_eq!(dcat.content_type, "application/ld+json");
    assert_eq!(dcat.header("cache-control"), Some("public, max-age=3600"));
    let dcat = dcat.json();
    assert_eq!(dcat["@type"], "dcatapit:Catalog", "{dcat}");
    let downloads: Vec<&str> = dcat["dcat:dataset"]["dcat:distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|distribution| distribution["dcat:downloadURL"]["@id"].as_str().unwrap())
        .collect();
    assert_eq!(
        downloads,
        [
            format!("{PUBLIC_URL}/api/open-data/appointments.csv"),
            format!("{PUBLIC_URL}/api/open-data/appointments.json"),
        ]
    );
    served.insert("open-data-dcat");

    let statistics: BTreeSet<String> = event_names()
        .into_iter()
        .filter(|name| is_statistics_event(name))
        .collect();
    let served: BTreeSet<String> = served.into_iter().map(str::to_owned).collect();
    assert_eq!(served, statistics, "every statistics sample event is served");
}
