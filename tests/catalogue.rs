//! "Uffici e orari" over HTTP, on the real one-machine server: who may use the five routes (no
//! session, another office, an operator, cross-origin), what bad input gets (a 4xx with a stable
//! code, nothing saved), and a change that lasts: saved, seen by citizens, kept over a restart,
//! then undone.

mod common;

use common::Server;
use common::staff::{Staff, add_staff, send};
use reqwest::Method;
use serde_json::{Value, json};

const FRIDAY: &str = "2026-12-04T10:00:00+01:00";

async fn server_with_staff(data: &std::path::Path) -> Server {
    add_staff(data, "capo1@comune.bergamo.it", "manager", &["ufficio-1"]);
    add_staff(data, "capo2@comune.bergamo.it", "manager", &["ufficio-2"]);
    add_staff(data, "op1@comune.bergamo.it", "operator", &["ufficio-1"]);
    Server::start_in(data, &[("PRENOTA_DEV_NOW", FRIDAY)]).await
}

/// Ufficio 1 as the catalogue has it, renamed.
async fn renamed_office(manager: &Staff<'_>, name: &str) -> (u64, Value) {
    let view = manager.get("/api/staff/catalogue").await;
    assert_eq!(view.status, 200, "{}", view.text());
    let view = view.json();
    let mut office = view["offices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|office| office["id"] == "ufficio-1")
        .unwrap()
        .clone();
    assert_eq!(office["may_edit"], true);
    office.as_object_mut().unwrap().remove("may_edit");
    office["name"] = json!(name);
    (view["version"].as_u64().unwrap(), json!({ "office": office }))
}

fn routes(version: u64, change: &Value) -> Vec<(Method, &'static str, Option<Value>)> {
    let body = json!({ "version": version, "change": change });
    vec![
        (Method::GET, "/api/staff/catalogue", None),
        (Method::GET, "/api/staff/catalogue/changes", None),
        (Method::POST, "/api/staff/catalogue/preview", Some(body.clone())),
        (Method::POST, "/api/staff/catalogue/changes", Some(body)),
        (
            Method::POST,
            "/api/staff/catalogue/changes/0123456789abcdef0123456789abcdef/undo",
            Some(json!({ "version": version })),
        ),
    ]
}

async fn version(manager: &Staff<'_>) -> u64 {
    manager.get("/api/staff/catalogue").await.json()["version"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_catalogue_route_refuses_whoever_may_not_use_it_and_bad_input() {
    let data = tempfile::tempdir().unwrap();
    let server = server_with_staff(data.path()).await;
    let base = server.base.clone();
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
    let (before, change) = renamed_office(&manager, "Sportello Centro").await;

    for (method, path, body) in routes(before, &change) {
        let reply = send(&server, &method, path, &body, &[("origin", &base)]).await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (401, "unauthenticated".into()),
            "{method} {path}"
        );
    }
    // An operator: nothing. Another office's manager: their own parts only, not this office.
    let operator = Staff::sign_in(&server, "op1@comune.bergamo.it").await;
    for (method, path, body) in routes(before, &change) {
        let headers = [("cookie", operator.cookie.as_str()), ("origin", base.as_str())];
        let reply = send(&server, &method, path, &body, &headers).await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (403, "forbidden".into()),
            "{method} {path}"
        );
    }
    let other = Staff::sign_in(&server, "capo2@comune.bergamo.it").await;
    let theirs = other.get("/api/staff/catalogue").await.json();
    assert!(
        theirs["offices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|office| office["id"] == "ufficio-2"),
        "{theirs}"
    );
    for path in ["/api/staff/catalogue/preview", "/api/staff/catalogue/changes"] {
        let reply = other
            .post(path, &json!({ "version": before, "change": change }))
            .await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (403, "forbidden".into()),
            "{path}"
        );
    }
    // Cross-origin, even for the office's manager.
    for origin in [Some("https://evil.example"), None] {
        let mut headers = vec![("cookie", manager.cookie.as_str())];
        headers.extend(origin.map(|origin| ("origin", origin)));
        let body = Some(json!({ "version": before, "change": change }));
        let reply = send(
            &server,
            &Method::POST,
            "/api/staff/catalogue/changes",
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

    // Bad input: a stable code and the field; nothing saved.
    let mut missing_name = change.clone();
    missing_name["office"].as_object_mut().unwrap().remove("name");
    let mut far_away = change.clone();
    far_away["office"]["lat"] = json!(123.0);
    for (body, code, field) in [
        (json!({ "change": change }), "invalid_catalogue_change", "version"),
        (
            json!({ "version": "1", "change": change }),
            "invalid_catalogue_change",
            "version",
        ),
        (
            json!({ "version": -1, "change": change }),
            "invalid_catalogue_change",
            "version",
        ),
        (json!({ "version": before }), "invalid_catalogue_change", "change"),
        (
            json!({ "version": before, "change": {"nope": {}} }),
            "invalid_catalogue_change",
            "change",
        ),
        (
            json!({ "version": before, "change": "ufficio-1" }),
            "invalid_catalogue_change",
            "change",
        ),
        (
            json!({ "version": before, "change": missing_name }),
            "invalid_catalogue_change",
            "change",
        ),
        (
            json!({ "version": before, "change": far_away }),
            "invalid_catalogue_change",
            "change",
        ),
        (
            json!({ "version": before + 7, "change": change }),
            "catalogue_changed",
            "version",
        ),
    ] {
        for path in ["/api/staff/catalogue/preview", "/api/staff/catalogue/changes"] {
            let reply = manager.post(path, &body).await;
            let problem = reply.json();
            assert!(
                reply.status == 422 || reply.status == 409,
                "{path} {body}: {problem}"
            );
            assert_eq!(
                (problem["code"].as_str(), problem["field"].as_str()),
                (Some(code), Some(field)),
                "{path} {body}: {problem}"
            );
        }
    }
    let reason = json!({ "version": before, "change": change, "reason_it": 3 });
    let reply = manager.post("/api/staff/catalogue/changes", &reason).await;
    assert_eq!(
        (reply.status, reply.problem_code()),
        (422, "reason_required".into())
    );
    let far = manager
        .post(
            "/api/staff/catalogue/changes",
            &json!({ "version": before, "change": far_away }),
        )
        .await
        .json();
    assert!(
        far["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|issue| issue["field"] == "lat"),
        "every issue by field: {far}"
    );
    for (content_type, bytes, status) in [
        ("application/json", b"{not json".to_vec(), 400),
        ("application/x-www-form-urlencoded", b"version=1".to_vec(), 415),
    ] {
        let reply = server
            .request(
                Method::POST,
                "/api/staff/catalogue/changes",
                &[("cookie", &manager.cookie), ("origin", &base)],
                Some(content_type),
                Some(bytes),
            )
            .await;
        assert_eq!(reply.status, status, "{content_type}: {}", reply.text());
    }
    for id in ["nope", "0123456789abcdef0123456789abcdef", "..%2F..%2Fetc"] {
        let reply = manager
            .post(
                &format!("/api/staff/catalogue/changes/{id}/undo"),
                &json!({ "version": before }),
            )
            .await;
        assert_eq!(reply.status, 404, "{id}: {}", reply.text());
    }
    assert_eq!(version(&manager).await, before, "nothing saved");
    let history = manager.get("/api/staff/catalogue/changes").await.json();
    assert_eq!(history["changes"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_change_reaches_citizens_outlives_a_restart_and_is_undone() {
    let data = tempfile::tempdir().unwrap();
    let server = server_with_staff(data.path()).await;
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
    let (before, mut change) = renamed_office(&manager, "Sportello Centro").await;
    change["office"]["accessibility"] = json!({"it": "Ingresso senza gradini", "en": "Step-free entrance"});

    let preview = manager
        .post(
            "/api/staff/catalogue/preview",
            &json!({ "version": before, "change": change }),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    assert_eq!(preview.json()["displaced"], 0);
    let saved = manager
        .post(
            "/api/staff/catalogue/changes",
            &json!({ "version": before, "change": change }),
        )
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text());
    let saved = saved.json();
    assert_eq!(saved["version"], before + 1);
    let change_id = saved["change"]["id"].as_str().unwrap().to_owned();
    assert_eq!(saved["change"]["by"], "capo1@comune.bergamo.it");

    let citizens_see = |server: &Server| {
        let server_url = server.url("/api/services/cie/offices?lang=en");
        let client = server.client.clone();
        async move {
            let offices: Value = client.get(server_url).send().await.unwrap().json().await.unwrap();
            offices["offices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|office| office["id"] == "ufficio-1")
                .cloned()
                .unwrap()
        }
    };
    let office = citizens_see(&server).await;
    assert_eq!(
        (office["name"].as_str(), office["accessibility"].as_str()),
        (Some("Sportello Centro"), Some("Step-free entrance"))
    );

    // A restart keeps the change (the catalogue file did not change).
    drop(manager);
    drop(server);
    let server = Server::start_in(data.path(), &[("PRENOTA_DEV_NOW", FRIDAY)]).await;
    assert_eq!(citizens_see(&server).await["name"], "Sportello Centro");
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
    let history = manager.get("/api/staff/catalogue/changes").await.json();
    assert_eq!(history["changes"][0]["id"], change_id.as_str(), "{history}");
    assert_eq!(history["changes"][0]["edit"], change);
    let audit = manager.get("/api/staff/offices/ufficio-1/audit").await;
    assert!(audit.text().contains("catalogue-changed"), "{}", audit.text());

    // Undone: the old name again, and the undo in the history.
    let undone = manager
        .post(
            &format!("/api/staff/catalogue/changes/{change_id}/undo"),
            &json!({ "version": before + 1 }),
        )
        .await;
    assert_eq!(undone.status, 201, "{}", undone.text());
    assert_eq!(undone.json()["change"]["undoes"], change_id.as_str());
    assert_ne!(citizens_see(&server).await["name"], "Sportello Centro");
    assert_eq!(version(&manager).await, before + 2);
}
