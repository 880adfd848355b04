//! Statistics and open data over HTTP, on the real one-machine server with its development
//! clock: who may read an office's figures (no session, another office, an operator; a
//! cross-origin page cannot read them), what bad input gets, a day at the counter counted as by
//! hand in JSON and CSV, then — the server started again on the next Monday, the day over — the
//! open data of that month: no name, no contact, no code, no count from 1 to 4, in CSV, JSON and
//! DCAT-AP_IT.

mod common;

use common::Server;
use common::staff::{Staff, add_staff, send};
use reqwest::Method;
use serde_json::{Value, json};

/// Friday 4 December 2026, 08:00 in Rome: ufficio-1 opens at 08:30.
const FRIDAY: &str = "2026-12-04T08:00:00+01:00";
const FRIDAY_DATE: &str = "2026-12-04";
const NEXT_MONDAY: &str = "2026-12-07T09:00:00+01:00";

const STATISTICS: &str = "/api/staff/offices/ufficio-1/statistics";
const STATISTICS_CSV: &str = "/api/staff/offices/ufficio-1/statistics.csv";

fn add_everyone(data: &std::path::Path) {
    add_staff(data, "capo1@comune.bergamo.it", "manager", &["ufficio-1"]);
    add_staff(data, "capo2@comune.bergamo.it", "manager", &["ufficio-2"]);
    add_staff(data, "op1@comune.bergamo.it", "operator", &["ufficio-1"]);
    add_staff(data, "admin@comune.bergamo.it", "admin", &[]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_refuse_whoever_may_not_read_them_and_bad_input() {
    let data = tempfile::tempdir().unwrap();
    add_everyone(data.path());
    let server = Server::start_in(data.path(), &[("PRENOTA_DEV_NOW", FRIDAY)]).await;
    for path in [STATISTICS, STATISTICS_CSV] {
        let reply = send(&server, &Method::GET, path, &None, &[]).await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (401, "unauthenticated".into()),
            "{path}"
        );
        for email in ["capo2@comune.bergamo.it", "op1@comune.bergamo.it"] {
            let who = Staff::sign_in(&server, email).await;
            let reply = who.get(path).await;
            assert_eq!(
                (reply.status, reply.problem_code()),
                (403, "forbidden".into()),
                "{email} {path}"
            );
        }
        // A page of another origin may send the request, never read the answer: no CORS header.
        let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
        let headers = [
            ("cookie", manager.cookie.as_str()),
            ("origin", "https://evil.example"),
        ];
        let reply = send(&server, &Method::GET, path, &None, &headers).await;
        assert_eq!(reply.header("access-control-allow-origin"), None, "{path}");
        for email in ["capo1@comune.bergamo.it", "admin@comune.bergamo.it"] {
            let reply = Staff::sign_in(&server, email).await.get(path).await;
            assert_eq!(reply.status, 200, "{email} {path}: {}", reply.text());
        }
    }
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
    for (query, field) in [
        ("from=2026-12-05&to=2026-12-04", "from"),
        ("from=2025-01-01&to=2026-12-04", "to"),
        ("from=venerdì", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-12-4", "from"),
        // Older than the 400 days visits are kept: nothing left to count.
        ("from=2025-09-01&to=2025-09-30", "from"),
    ] {
        for path in [STATISTICS, STATISTICS_CSV] {
            let reply = manager.get(&format!("{path}?{query}")).await;
            let problem = reply.json();
            assert_eq!(
                (reply.status, problem["code"].as_str(), problem["field"].as_str()),
                (422, Some("invalid_period"), Some(field)),
                "{path}?{query}: {problem}"
            );
        }
    }
    let english = manager.get(&format!("{STATISTICS}?from=x&lang=en")).await;
    assert!(
        english.detail().starts_with("Check the period"),
        "{}",
        english.detail()
    );
    let admin = Staff::sign_in(&server, "admin@comune.bergamo.it").await;
    let unknown = admin.get("/api/staff/offices/ufficio-99/statistics").await;
    assert_eq!(
        (unknown.status, unknown.problem_code()),
        (404, "unknown_office".into())
    );
    for month in [
        "2026-13",
        "dicembre",
        "2026-1",
        "2026-12-01",
        "2025-09",
        "1900-01",
    ] {
        let reply = server
            .get(&format!("/api/open-data/appointments.json?month={month}"))
            .await;
        assert_eq!(
            (reply.status, reply.problem_code(), reply.json()["field"].clone()),
            (422, "invalid_period".into(), json!("month")),
            "{month}"
        );
    }
    // The language of a problem comes with ?lang: the only thing CloudFront keys the files on
    // besides the month.
    let english = server
        .get("/api/open-data/appointments.csv?month=2026-13&lang=en")
        .await;
    assert!(
        english.detail().starts_with("Check the period"),
        "{}",
        english.detail()
    );
}

/// Friday at ufficio-1: six anonymous walk-ins and one named for CIE (five checked in, three
/// called and served), and a phone booking for a certificate that nobody comes to.
async fn seed_friday(server: &Server) {
    let operator = Staff::sign_in(server, "op1@comune.bergamo.it").await;
    let walk_ins = "/api/staff/offices/ufficio-1/walk-ins";
    for n in 0..7 {
        let mut body =
            json!({ "service_id": "cie", "date": FRIDAY_DATE, "start": "08:30", "check_in": n < 5 });
        if n == 0 {
            body["name"] = json!("Giuseppe");
            body["surname"] = json!("Verdi");
            body["contact"] = json!("giuseppe.verdi@esempio.it");
        }
        let start = ["08:30", "08:30", "08:30", "08:30", "09:00", "09:00", "09:00"][n];
        body["start"] = json!(start);
        let reply = operator.post(walk_ins, &body).await;
        assert_eq!(reply.status, 201, "{}", reply.text());
    }
    for _ in 0..3 {
        let called = operator
            .post("/api/staff/offices/ufficio-1/calls", &json!({ "desk": "1" }))
            .await;
        assert_eq!(called.status, 200, "{}", called.text());
        let code = called.json()["short_code"].as_str().unwrap().to_owned();
        let served = operator
            .post(
                &format!("/api/staff/bookings/{code}/outcome"),
                &json!({ "outcome": "served" }),
            )
            .await;
        assert_eq!(served.status, 200, "{}", served.text());
    }
    let certificate = operator
        .post(
            walk_ins,
            &json!({ "service_id": "certificati-anagrafici", "date": FRIDAY_DATE, "start": "10:00",
                      "check_in": false, "name": "Maria", "surname": "Rossi",
                      "contact": "maria.rossi@esempio.it" }),
        )
        .await;
    assert_eq!(certificate.status, 201, "{}", certificate.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_is_counted_for_the_manager_and_published_without_small_cells() {
    let data = tempfile::tempdir().unwrap();
    add_everyone(data.path());
    let server = Server::start_in(data.path(), &[("PRENOTA_DEV_NOW", FRIDAY)]).await;
    seed_friday(&server).await;
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
    let reply = manager
        .get(&format!("{STATISTICS}?from={FRIDAY_DATE}&to={FRIDAY_DATE}"))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let stats = reply.json();
    let cie = stats["by_service"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["service_id"] == "cie")
        .cloned()
        .unwrap();
    let counts = |row: &Value| {
        [
            "booked",
            "walk_ins",
            "confirmed",
            "cancelled",
            "checked_in",
            "served",
            "no_shows",
        ]
        .map(|name| row[name].as_u64().unwrap())
    };
    // While Friday runs, the two walk-ins not checked in may still come.
    // Walk-ins are those checked in at once (a ticket S); a phone booking for later is a booking.
    assert_eq!(counts(&cie), [7, 5, 7, 0, 5, 3, 0], "{cie}");
    assert_eq!(cie["wait"]["count"], 3);
    assert!(cie["offered"].as_u64().unwrap() > 0);
    assert_eq!(counts(&stats["by_day"][0]), [8, 5, 8, 0, 5, 3, 0]);
    // The sampler ran at the start: Friday's first free slots are there.
    assert!(stats["by_day"][0]["first_free"]["samples"].as_u64().unwrap() >= 1);
    let text = stats.to_string();
    for personal in ["Giuseppe", "Verdi", "giuseppe.verdi", "maria.rossi", "Rossi"] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }

    let csv = manager
        .get(&format!("{STATISTICS_CSV}?from={FRIDAY_DATE}&to={FRIDAY_DATE}"))
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let csv = csv.text();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("date,office_id,service_id,offered,booked,walk_ins")
    );
    let day_line = lines.next().unwrap();
    assert!(day_line.starts_with("2026-12-04,ufficio-1,,"), "{day_line}");
    let cie_line = csv.lines().find(|line| line.contains(",cie,")).unwrap();
    let cells: Vec<&str> = cie_line.split(',').collect();
    assert_eq!(
        &cells[4..12],
        ["7", "5", "7", "0", "0", "5", "3", "0"],
        "{cie_line}"
    );
    drop(server);

    // Monday: Friday is over. Its open data, for anyone.
    let server = Server::start_in(data.path(), &[("PRENOTA_DEV_NOW", NEXT_MONDAY)]).await;
    let manager = Staff::sign_in(&server, "capo1@comune.bergamo.it").await;
    let over = manager
        .get(&format!("{STATISTICS}?from={FRIDAY_DATE}&to={FRIDAY_DATE}"))
        .await
        .json();
    assert_eq!(
        counts(&over["by_day"][0]),
        [8, 5, 8, 0, 5, 3, 3],
        "now the absent are no-shows"
    );

    let reply = server.get("/api/open-data/appointments.json?month=2026-12").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("cache-control").as_deref(),
        Some("public, max-age=3600")
    );
    let open = reply.json();
    assert_eq!(open["license"], "https://creativecommons.org/licenses/by/4.0/");
    assert_eq!(open["complete"], false);
    let rows = open["rows"].as_array().unwrap();
    assert!(
        rows.iter()
            .all(|row| row["date"].as_str().unwrap() < "2026-12-07"),
        "only days that are over"
    );
    let row = |service: &str| {
        rows.iter()
            .find(|row| {
                row["date"] == FRIDAY_DATE && row["office_id"] == "ufficio-1" && row["service_id"] == service
            })
            .cloned()
            .unwrap()
    };
    // CIE: 7 booked = 5 checked in + 2 no-shows; 2 is suppressed, so is 5, or 7 − 5 would tell.
    let cie = row("cie");
    assert_eq!(
        ["booked", "cancelled", "displaced", "checked_in", "no_shows"].map(|name| cie[name].clone()),
        [json!(7), json!(0), json!(0), Value::Null, Value::Null],
        "{cie}"
    );
    assert_eq!(cie["wait_median_min"], Value::Null, "three waits are too few");
    assert_eq!(
        row("certificati-anagrafici")["booked"],
        Value::Null,
        "one booking is too few"
    );
    for row in rows {
        for (name, value) in row.as_object().unwrap() {
            if let Some(count) = value
                .as_u64()
                .filter(|_| name != "offered" && !name.starts_with("first_free"))
            {
                assert!(count == 0 || count >= 5, "{name} = {count} in {row}");
            }
        }
    }
    let text = open.to_string();
    for personal in ["Giuseppe", "Verdi", "esempio.it", "Rossi", "Maria"] {
        assert!(!text.contains(personal), "{personal} in the open data");
    }
    let csv = server.get("/api/open-data/appointments.csv?month=2026-12").await;
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    let csv = csv.text();
    assert!(csv.starts_with(
        "date,office_id,office_name,service_id,offered,booked,cancelled,displaced,checked_in,no_shows,"
    ));
    assert!(
        csv.lines().any(|line| line.starts_with("2026-12-04,ufficio-1,")
            && line.contains(",cie,")
            && line.contains(",7,0,0,,,")),
        "{csv}"
    );
    // A month that is over is cached longer; one to come has no row.
    let november = server.get("/api/open-data/appointments.json?month=2026-11").await;
    assert_eq!(
        november.header("cache-control").as_deref(),
        Some("public, max-age=86400")
    );
    assert_eq!(november.json()["complete"], true);
    let january = server.get("/api/open-data/appointments.json?month=2027-01").await;
    assert_eq!(january.json()["rows"], json!([]));

    let dcat = server.get("/api/open-data/dcat.jsonld").await;
    assert_eq!(dcat.content_type(), "application/ld+json");
    let dcat = dcat.json();
    assert_eq!(dcat["@type"], "dcatapit:Catalog");
    let dataset = &dcat["dcat:dataset"];
    assert_eq!(dataset["@type"], "dcatapit:Dataset");
    assert_eq!(dataset["dct:identifier"], "prenota-appuntamenti");
    let distributions = dataset["dcat:distribution"].as_array().unwrap();
    assert_eq!(distributions.len(), 2);
    for distribution in distributions {
        assert_eq!(
            distribution["dct:license"]["@id"],
            "https://creativecommons.org/licenses/by/4.0/"
        );
        let url = distribution["dcat:downloadURL"]["@id"].as_str().unwrap();
        let path = url
            .split_once("/api/")
            .map(|(_, rest)| format!("/api/{rest}"))
            .unwrap();
        assert_eq!(server.get(&path).await.status, 200, "{url}");
    }
}
