//! Serving the sample events of `events/` as the Lambda runtime would, for the tests that run a
//! flow through the handlers.

use std::collections::BTreeSet;

use lambda_http::Body;
use prenota_usecases::App;
use prenota_web::routes::ROUTES;
use serde_json::Value;

use super::{PLACEHOLDER, root};

/// Every sample event's name (file name without `.json`), sorted.
pub fn event_names() -> BTreeSet<String> {
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
pub fn function_of(event: &str) -> &'static str {
    ROUTES
        .iter()
        .map(|route| route.function)
        .filter(|function| event == *function || event.starts_with(&format!("{function}-")))
        .max_by_key(|function| function.len())
        .unwrap_or_else(|| panic!("events/{event}.json is named after no function"))
}

pub fn read_event(name: &str, code: &str) -> String {
    let path = root().join(format!("events/{name}.json"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace(PLACEHOLDER, code)
}

pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of header `name`, if the answer has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }
}

/// Serves one event as the runtime would: JSON → `lambda_http::Request` → `serve`.
pub async fn invoke_as(app: &App, function: &str, name: &str, code: &str) -> Answer {
    invoke_text(app, function, name, &read_event(name, code)).await
}

/// Serves the text of event `name`, maybe changed by the test, with `function`.
pub async fn invoke_text(app: &App, function: &str, name: &str, event: &str) -> Answer {
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
        headers: response.headers().clone(),
        body,
    }
}

/// Serves an event with its own function and checks the status.
pub async fn invoke(app: &App, name: &str, code: &str, expected: u16) -> Answer {
    let answer = invoke_as(app, function_of(name), name, code).await;
    assert_eq!(
        answer.status, expected,
        "events/{name}.json: status {}, body {}",
        answer.status, answer.body
    );
    answer
}

/// The start times the slots event lists for its day.
pub async fn free_starts(app: &App) -> Vec<String> {
    let answer = invoke(app, "slots", "", 200).await.json();
    assert_eq!(answer["date"], "2026-12-02", "{answer}");
    answer["slots"]
        .as_array()
        .expect("a list of slots")
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_owned())
        .collect()
}

/// The events of the managers' `staff-office` function (closures, and "Uffici e orari"), served
/// by their own tests (office_events.rs, catalogue_events.rs).
pub fn is_office_event(name: &str) -> bool {
    function_of(name) == "staff-office"
}

/// The events of "Uffici e orari" (`staff-office-catalogue*`), served by catalogue_events.rs.
pub fn is_catalogue_event(name: &str) -> bool {
    is_office_event(name) && name.starts_with("staff-office-catalogue")
}

/// The events of the statistics: the managers' figures (`staff-agenda-statistics*`) and the open
/// data (`open-data-*`), served by their own test (statistics_events.rs).
pub fn is_statistics_event(name: &str) -> bool {
    function_of(name) == "open-data" || name.starts_with("staff-agenda-statistics")
}
