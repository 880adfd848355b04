//! Bad input of any shape gets a 4xx with a clear message, never a 5xx or a partial write: a table
//! of bad requests against the real server, each followed by a check that the store is unchanged
//! (the reference slot's answer is the same and `/outbox` has no new message). Also the language of
//! problem details.

mod common;

use common::{Reply, Server, Slot, first_slot};
use reqwest::Method;
use serde_json::json;

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
/// A well-formed code that no hold or link has.
const UNKNOWN: &str = "AAAAAAAAAAAAAAAAAAAAAA";

/// What a bad request must get: a status and either a problem+json `code` or the HTML 404 page.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Problem(u16, &'static str),
    /// 405 `method_not_allowed` with an `Allow` header listing these methods.
    NotAllowed(&'static str),
    HtmlPage(u16),
}

struct Case {
    method: Method,
    path: String,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
    expect: Expect,
}

fn case(
    method: Method,
    path: impl Into<String>,
    content_type: Option<&'static str>,
    body: Option<String>,
    expect: Expect,
) -> Case {
    Case {
        method,
        path: path.into(),
        content_type,
        body: body.map(String::into_bytes),
        expect,
    }
}

fn get(path: impl Into<String>, expect: Expect) -> Case {
    case(Method::GET, path, None, None, expect)
}

fn post(path: impl Into<String>, body: impl Into<String>, expect: Expect) -> Case {
    case(Method::POST, path, JSON, Some(body.into()), expect)
}

fn hold_body(
    reference: &Slot,
    change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) -> String {
    let mut body = serde_json::Map::new();
    body.insert("service_id".into(), json!(reference.service));
    body.insert("office_id".into(), json!(reference.office));
    body.insert("date".into(), json!(reference.date));
    body.insert("start".into(), json!(reference.start));
    change(&mut body);
    serde_json::Value::Object(body).to_string()
}

fn details_body(change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let mut body = serde_json::Map::new();
    body.insert("name".into(), json!("Maria"));
    body.insert("surname".into(), json!("Rossi"));
    body.insert("contact".into(), json!("maria.rossi@example.com"));
    body.insert("accept_terms".into(), json!(true));
    change(&mut body);
    serde_json::Value::Object(body).to_string()
}

/// The table. `reference` is a free slot of a one-desk offering; `hold` is a live hold on another
/// slot, for the details step.
fn cases(reference: &Slot, hold: &str) -> Vec<Case> {
    use Expect::{HtmlPage, NotAllowed, Problem};
    let r = reference;
    let slots = format!("/api/services/{}/offices/{}/slots", r.service, r.office);
    let offices = format!("/api/services/{}/offices", r.service);
    let details = format!("/api/holds/{hold}/booking");
    let long_q = "a".repeat(101);
    vec![
        // Services, offices, slots.
        get(format!("/api/services?q={long_q}"), Problem(400, "invalid_query")),
        get("/api/services?lang=de", Problem(422, "invalid_lang")),
        get(
            "/api/services/passaporto/offices",
            Problem(404, "unknown_service"),
        ),
        get(
            format!("{offices}?lat=91&lon=9.67"),
            Problem(400, "invalid_position"),
        ),
        get(
            format!("{offices}?lat=45.69&lon=181"),
            Problem(400, "invalid_position"),
        ),
        get(
            format!("{offices}?lat=abc&lon=9.67"),
            Problem(400, "invalid_position"),
        ),
        get(format!("{offices}?lat=45.69"), Problem(400, "invalid_position")),
        get(
            format!("{offices}?lat=NaN&lon=9.67"),
            Problem(400, "invalid_position"),
        ),
        get(
            "/api/services/cie/offices/ufficio-9/slots",
            Problem(404, "unknown_office"),
        ),
        get(
            "/api/services/nope/offices/ufficio-1/slots",
            Problem(404, "unknown_service"),
        ),
        get(
            "/api/services/cie/offices/ufficio-2/slots",
            Problem(404, "not_offered"),
        ),
        get(format!("{slots}?date=2026-02-30"), Problem(422, "invalid_date")),
        get(format!("{slots}?date=27-11-2026"), Problem(422, "invalid_date")),
        get(
            format!("{slots}?date=2020-01-02"),
            Problem(422, "date_outside_window"),
        ),
        get(
            format!("{slots}?date=2099-12-31"),
            Problem(422, "date_outside_window"),
        ),
        // Hold: bodies.
        post("/api/holds", "{\"service_id\":", Problem(400, "malformed_json")),
        post("/api/holds", "[]", Problem(400, "malformed_json")),
        post("/api/holds", "\"cie\"", Problem(400, "malformed_json")),
        post("/api/holds", "", Problem(400, "malformed_json")),
        post("/api/holds", "\u{feff}{}", Problem(400, "malformed_json")),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("people".into(), json!(0));
            }),
            Problem(422, "invalid_people"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("people".into(), json!(5));
            }),
            Problem(422, "invalid_people"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("people".into(), json!(-1));
            }),
            Problem(422, "invalid_people"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("people".into(), json!("2"));
            }),
            Problem(422, "invalid_people"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("people".into(), json!(1.5));
            }),
            Problem(422, "invalid_people"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("date".into(), json!(20261127));
            }),
            Problem(422, "invalid_date"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("start".into(), json!(9));
            }),
            Problem(422, "invalid_time"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.remove("service_id");
            }),
            Problem(422, "invalid_field"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.remove("office_id");
            }),
            Problem(422, "invalid_field"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.remove("date");
            }),
            Problem(422, "invalid_date"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.remove("start");
            }),
            Problem(422, "invalid_time"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("service_id".into(), json!("passaporto"));
            }),
            Problem(404, "unknown_service"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("office_id".into(), json!("ufficio-9"));
            }),
            Problem(404, "unknown_office"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("service_id".into(), json!("cie"));
                b.insert("office_id".into(), json!("ufficio-2"));
            }),
            Problem(404, "not_offered"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("date".into(), json!("2020-01-02"));
            }),
            Problem(422, "date_outside_window"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("date".into(), json!("2099-12-31"));
            }),
            Problem(422, "date_outside_window"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("date".into(), json!("2026-02-30"));
            }),
            Problem(422, "invalid_date"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("start".into(), json!("25:00"));
            }),
            Problem(422, "invalid_time"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("start".into(), json!("9:00"));
            }),
            Problem(422, "invalid_time"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("start".into(), json!("09:07"));
            }),
            Problem(422, "no_such_slot"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("lang".into(), json!("de"));
            }),
            Problem(422, "invalid_lang"),
        ),
        post(
            "/api/holds",
            hold_body(r, |b| {
                b.insert("padding".into(), json!("x".repeat(17 * 1024)));
            }),
            Problem(413, "body_too_large"),
        ),
        case(
            Method::POST,
            "/api/holds",
            Some("text/plain"),
            Some(hold_body(r, |_| {})),
            Problem(415, "unsupported_media_type"),
        ),
        case(
            Method::POST,
            "/api/holds",
            None,
            Some(hold_body(r, |_| {})),
            Problem(415, "unsupported_media_type"),
        ),
        case(
            Method::POST,
            "/api/holds",
            FORM,
            Some(format!(
                "service_id={}&office_id={}&date={}&start={}",
                r.service, r.office, r.date, r.start
            )),
            Problem(415, "unsupported_media_type"),
        ),
        get("/api/holds", NotAllowed("POST")),
        case(Method::PUT, "/api/services", None, None, NotAllowed("GET")),
        // Release.
        case(
            Method::DELETE,
            "/api/holds/..%2Fx",
            None,
            None,
            Problem(404, "hold_not_found"),
        ),
        case(
            Method::DELETE,
            format!("/api/holds/{UNKNOWN}"),
            None,
            None,
            Problem(404, "hold_not_found"),
        ),
        // Details.
        post(
            "/api/holds/..%2Fx/booking",
            details_body(|_| {}),
            Problem(404, "hold_not_found"),
        ),
        post(
            format!("/api/holds/{UNKNOWN}A/booking"),
            details_body(|_| {}),
            Problem(404, "hold_not_found"),
        ),
        post(
            "/api/holds/%00/booking",
            details_body(|_| {}),
            Problem(404, "hold_not_found"),
        ),
        // 22 characters whose last one carries bits that no 128-bit code has.
        post(
            "/api/holds/AAAAAAAAAAAAAAAAAAAAAB/booking",
            details_body(|_| {}),
            Problem(404, "hold_not_found"),
        ),
        post(
            format!("/api/holds/{UNKNOWN}/booking"),
            details_body(|_| {}),
            Problem(404, "hold_not_found"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("people".into(), json!("Maria Rossi"));
            }),
            Problem(422, "people_mismatch"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("people".into(), json!([]));
            }),
            Problem(422, "people_mismatch"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert(
                    "people".into(),
                    json!([{"name": "Maria", "surname": "Rossi"}, {"name": "Luca", "surname": "Rossi"}]),
                );
            }),
            Problem(422, "people_mismatch"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("people".into(), json!([{"name": "Maria"}]));
            }),
            Problem(422, "invalid_surname"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("people".into(), json!([{"name": "", "surname": "Rossi"}]));
            }),
            Problem(422, "invalid_name"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("people".into(), json!([{"name": "Maria", "surname": "Rossi"}, {"name": "Maria", "surname": "Rossi"}, {"name": "Maria", "surname": "Rossi"}, {"name": "Maria", "surname": "Rossi"}, {"name": "Maria", "surname": "Rossi"}]));
            }),
            Problem(422, "people_mismatch"),
        ),
        post(&details, "{", Problem(400, "malformed_json")),
        post(&details, "null", Problem(400, "malformed_json")),
        post(
            &details,
            details_body(|b| {
                b.insert("name".into(), json!(""));
            }),
            Problem(422, "invalid_name"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("name".into(), json!("M4ria"));
            }),
            Problem(422, "invalid_name"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("name".into(), json!(7));
            }),
            Problem(422, "invalid_name"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("name".into(), json!("M".repeat(61)));
            }),
            Problem(422, "invalid_name"),
        ),
        post(
            &details,
            details_body(|b| {
                b.remove("surname");
            }),
            Problem(422, "invalid_surname"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("surname".into(), json!("<script>"));
            }),
            Problem(422, "invalid_surname"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("contact".into(), json!("035 399111"));
            }),
            Problem(422, "invalid_contact"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("contact".into(), json!("maria@"));
            }),
            Problem(422, "invalid_contact"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("contact".into(), json!(3331234567_u64));
            }),
            Problem(422, "invalid_contact"),
        ),
        post(
            &details,
            details_body(|b| {
                b.remove("contact");
            }),
            Problem(422, "invalid_contact"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("details".into(), json!("x".repeat(201)));
            }),
            Problem(422, "invalid_details"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("details".into(), json!(["a"]));
            }),
            Problem(422, "invalid_details"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("accept_terms".into(), json!(false));
            }),
            Problem(422, "terms_not_accepted"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("accept_terms".into(), json!("true"));
            }),
            Problem(422, "terms_not_accepted"),
        ),
        post(
            &details,
            details_body(|b| {
                b.remove("accept_terms");
            }),
            Problem(422, "terms_not_accepted"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("lang".into(), json!("de"));
            }),
            Problem(422, "invalid_lang"),
        ),
        case(
            Method::POST,
            format!("{details}?lang=de"),
            JSON,
            Some(details_body(|_| {})),
            Problem(422, "invalid_lang"),
        ),
        case(
            Method::POST,
            details.clone(),
            Some("text/html"),
            Some(details_body(|_| {})),
            Problem(415, "unsupported_media_type"),
        ),
        post(
            &details,
            details_body(|b| {
                b.insert("padding".into(), json!("x".repeat(17 * 1024)));
            }),
            Problem(413, "body_too_large"),
        ),
        get(&details, NotAllowed("POST")),
        // My bookings.
        post(
            "/api/my-bookings",
            json!({ "contact": "035 399111", "accept_terms": true }).to_string(),
            Problem(422, "invalid_contact"),
        ),
        post(
            "/api/my-bookings",
            json!({ "contact": "maria.rossi@example.com" }).to_string(),
            Problem(422, "terms_not_accepted"),
        ),
        post(
            "/api/my-bookings",
            json!({ "accept_terms": true }).to_string(),
            Problem(422, "invalid_contact"),
        ),
        post(
            "/api/my-bookings",
            json!({ "contact": "maria.rossi@example.com", "accept_terms": true, "lang": "de" }).to_string(),
            Problem(422, "invalid_lang"),
        ),
        case(
            Method::POST,
            "/api/my-bookings",
            FORM,
            Some("contact=maria.rossi%40example.com&accept_terms=true".to_owned()),
            Problem(415, "unsupported_media_type"),
        ),
        get("/api/my-bookings", NotAllowed("POST")),
        // The rating.
        post("/api/feedback", "{}", Problem(422, "invalid_rating")),
        post(
            "/api/feedback",
            json!({ "rating": 0 }).to_string(),
            Problem(422, "invalid_rating"),
        ),
        post(
            "/api/feedback",
            json!({ "rating": 6 }).to_string(),
            Problem(422, "invalid_rating"),
        ),
        post(
            "/api/feedback",
            json!({ "rating": 4.5 }).to_string(),
            Problem(422, "invalid_rating"),
        ),
        post(
            "/api/feedback",
            json!({ "rating": "5" }).to_string(),
            Problem(422, "invalid_rating"),
        ),
        post(
            "/api/feedback",
            json!({ "rating": 5, "reason": "x".repeat(201) }).to_string(),
            Problem(422, "invalid_reason"),
        ),
        post(
            "/api/feedback",
            json!({ "rating": 5, "reason": "a\u{7}b" }).to_string(),
            Problem(422, "invalid_reason"),
        ),
        post(
            "/api/feedback",
            json!({ "rating": 5, "reason": ["troppo lento"] }).to_string(),
            Problem(422, "invalid_reason"),
        ),
        post(
            "/api/feedback",
            json!({ "rating": 5, "lang": "fr" }).to_string(),
            Problem(422, "invalid_lang"),
        ),
        post("/api/feedback", "[5]", Problem(400, "malformed_json")),
        case(
            Method::POST,
            "/api/feedback",
            FORM,
            Some("rating=5".to_owned()),
            Problem(415, "unsupported_media_type"),
        ),
        get("/api/feedback", NotAllowed("POST")),
        // The one machine's health check is read-only, like every GET address.
        post("/api/health", "{}", NotAllowed("GET")),
        case(Method::DELETE, "/api/health", None, None, NotAllowed("GET")),
        // Unknown paths.
        get("/api/nope", Problem(404, "not_found")),
        get(format!("{slots}/extra"), Problem(404, "not_found")),
        get("/api/services/cie/offices/", Problem(404, "not_found")),
        // Links: bad codes get the HTML 404 page.
        get("/c/abc", HtmlPage(404)),
        get(format!("/c/{UNKNOWN}"), HtmlPage(404)),
        get("/c/%00", HtmlPage(404)),
        case(
            Method::POST,
            format!("/c/{UNKNOWN}"),
            FORM,
            Some(String::new()),
            HtmlPage(404),
        ),
        case(
            Method::POST,
            "/c/..%2Fx",
            FORM,
            Some(String::new()),
            HtmlPage(404),
        ),
        get("/p/abc", HtmlPage(404)),
        get(format!("/p/{UNKNOWN}"), HtmlPage(404)),
        get(format!("/p/{UNKNOWN}/calendar.ics"), HtmlPage(404)),
        case(
            Method::POST,
            format!("/p/{UNKNOWN}/cancel"),
            FORM,
            Some("confirm=yes".to_owned()),
            HtmlPage(404),
        ),
        case(
            Method::POST,
            "/p/abc/cancel",
            FORM,
            Some("confirm=yes".to_owned()),
            HtmlPage(404),
        ),
        case(
            Method::POST,
            format!("/p/{UNKNOWN}/reconfirm"),
            FORM,
            Some(String::new()),
            HtmlPage(404),
        ),
        case(
            Method::POST,
            "/p/abc/reconfirm",
            FORM,
            Some(String::new()),
            HtmlPage(404),
        ),
        case(Method::DELETE, "/c/abc", None, None, NotAllowed("GET, POST")),
        get("/p/abc/cancel", HtmlPage(404)),
        case(
            Method::DELETE,
            "/p/abc/cancel",
            None,
            None,
            NotAllowed("GET, POST"),
        ),
    ]
}

/// What must not change: the reference slot's answer and the number of outbox messages.
async fn snapshot(server: &Server, reference: &Slot) -> (serde_json::Value, serde_json::Value, usize) {
    (
        server
            .slots(&reference.service, &reference.office, Some(&reference.date))
            .await,
        server.slots(&reference.service, &reference.office, None).await,
        server.outbox().await.len(),
    )
}

fn check(case: &Case, reply: &Reply) -> Result<(), String> {
    let what = format!("{} {}", case.method, case.path);
    if !(400..500).contains(&reply.status) {
        return Err(format!(
            "{what}: status {} is not 4xx: {}",
            reply.status,
            reply.text()
        ));
    }
    let problem = |status: u16, code: &str| -> Result<(), String> {
        if reply.status != status {
            return Err(format!(
                "{what}: status {} instead of {status}: {}",
                reply.status,
                reply.text()
            ));
        }
        if !reply.content_type().starts_with("application/problem+json") {
            return Err(format!("{what}: content type {:?}", reply.content_type()));
        }
        let body: serde_json::Value =
            serde_json::from_slice(&reply.body).map_err(|e| format!("{what}: not JSON: {e}"))?;
        if body["code"] != code {
            return Err(format!("{what}: code {} instead of {code}", body["code"]));
        }
        if body["detail"].as_str().is_none_or(|d| d.trim().is_empty()) {
            return Err(format!("{what}: empty detail: {body}"));
        }
        if body["status"] != status {
            return Err(format!("{what}: body status {}", body["status"]));
        }
        Ok(())
    };
    match case.expect {
        Expect::Problem(status, code) => problem(status, code),
        Expect::NotAllowed(allow) => {
            problem(405, "method_not_allowed")?;
            // The methods of the `Allow` header, in any order.
            let methods = |list: &str| {
                let mut methods: Vec<String> = list.split(',').map(|m| m.trim().to_owned()).collect();
                methods.sort();
                methods
            };
            match reply.header("allow") {
                Some(header) if methods(&header) == methods(allow) => Ok(()),
                other => Err(format!("{what}: Allow {other:?} instead of {allow:?}")),
            }
        }
        Expect::HtmlPage(status) => {
            if reply.status != status {
                return Err(format!("{what}: status {} instead of {status}", reply.status));
            }
            if !reply.is_html() || !reply.text().contains("<html") {
                return Err(format!("{what}: not an HTML page: {}", reply.content_type()));
            }
            Ok(())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_request_gets_its_4xx_and_changes_nothing() {
    let server = Server::start().await;
    // A one-desk offering: its slots answer shows whether its only seat is taken.
    assert_eq!(common::desks("spid", "ufficio-1"), 1);
    let reference = first_slot(&server, "spid", "ufficio-1").await;
    let free = server
        .free_starts(&reference.service, &reference.office, &reference.date)
        .await;
    let other_start = free
        .get(1)
        .expect("a second free slot on the reference day")
        .clone();
    let other = Slot {
        start: other_start,
        ..reference.clone()
    };
    let hold = server.hold_ok(&other).await;

    let table = cases(&reference, &hold);
    assert!(table.len() >= 45, "{} cases", table.len());
    let baseline = snapshot(&server, &reference).await;
    let mut failures = Vec::new();
    for case in &table {
        let reply = server
            .request(
                case.method.clone(),
                &case.path,
                &[],
                case.content_type,
                case.body.clone(),
            )
            .await;
        if let Err(failure) = check(case, &reply) {
            failures.push(failure);
        }
        let now = snapshot(&server, &reference).await;
        if now != baseline {
            failures.push(format!(
                "{} {}: the store changed: slots {} / {}, outbox {} -> {} messages",
                case.method, case.path, now.0, now.1, baseline.2, now.2
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}\nserver stderr:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n"),
        server.stderr()
    );

    // Nothing was written: the hold still takes valid details, and the reference slot's one seat
    // is free (one hold succeeds, the next is refused).
    let reply = server.details(&hold, "maria.rossi@example.com").await;
    assert_eq!(reply.status, 202, "{}", reply.text());
    server.hold_ok(&reference).await;
    let reply = server
        .hold(
            &reference.service,
            &reference.office,
            &reference.date,
            &reference.start,
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problem_details_follow_the_request_language() {
    let server = Server::start().await;
    let path = "/api/services/passaporto/offices";
    let ask = |path: &'static str, headers: &'static [(&'static str, &'static str)]| {
        let server = &server;
        async move { server.request(Method::GET, path, headers, None, None).await }
    };

    let italian = ask(path, &[]).await;
    assert_eq!(italian.problem_code(), "unknown_service");
    assert_eq!(italian.detail(), "Servizio non trovato.");

    let english = ask(path, &[("accept-language", "en")]).await;
    assert_eq!(english.problem_code(), "unknown_service");
    assert_eq!(english.detail(), "No such service.");

    let preferred = ask(path, &[("accept-language", "de-DE, en-GB;q=0.8, it;q=0.5")]).await;
    assert_eq!(preferred.detail(), "No such service.");

    // The query's `lang` wins over Accept-Language.
    let query = ask(
        "/api/services/passaporto/offices?lang=it",
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(query.problem_code(), "unknown_service");
    assert_eq!(query.detail(), "Servizio non trovato.");
    let query = ask("/api/services/passaporto/offices?lang=en", &[]).await;
    assert_eq!(query.detail(), "No such service.");

    // A body's `lang` wins too; an invalid `lang` is told in the negotiated language.
    let body =
        |lang: &str| json!({ "contact": "035 399111", "accept_terms": true, "lang": lang }).to_string();
    let reply = server
        .request(
            Method::POST,
            "/api/my-bookings",
            &[("accept-language", "en")],
            JSON,
            Some(body("it").into_bytes()),
        )
        .await;
    assert_eq!(reply.problem_code(), "invalid_contact");
    assert!(reply.detail().contains("fisso"), "{}", reply.detail());
    let reply = server
        .request(
            Method::POST,
            "/api/my-bookings",
            &[],
            JSON,
            Some(body("en").into_bytes()),
        )
        .await;
    assert!(reply.detail().contains("landline"), "{}", reply.detail());
    let reply = server
        .request(
            Method::GET,
            "/api/services?lang=de",
            &[("accept-language", "en")],
            None,
            None,
        )
        .await;
    assert_eq!(reply.problem_code(), "invalid_lang");
    assert_eq!(reply.detail(), "The language must be it or en.");

    // Pages follow Accept-Language too.
    let page = ask("/c/abc", &[("accept-language", "en")]).await;
    assert!(
        page.is_html() && page.text().contains("lang=\"en\""),
        "{}",
        page.text()
    );
    assert!(page.text().contains("This link is not valid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_with_a_trailing_slash_gets_the_html_page() {
    let server = Server::start().await;
    for path in [
        format!("/c/{UNKNOWN}/"),
        format!("/p/{UNKNOWN}/"),
        format!("/w/{UNKNOWN}/"),
        format!("/w/{UNKNOWN}"),
        "/c/abc/def".to_owned(),
    ] {
        let reply = server.get(&path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            reply.is_html(),
            "{path}: {} {}",
            reply.content_type(),
            reply.text()
        );
    }
}
