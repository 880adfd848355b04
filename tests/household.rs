//! "Aggiungi un'altra persona" over HTTP against the one-machine server: the rules stated before
//! the details step, the slots that fit a household, a hold of three seats, the details of three
//! people, one message each way, the confirmation page and the booking pages that list everyone;
//! and each refusal with its code and field.

mod common;

use common::{Server, hrefs};
use serde_json::{Value, json};

const CONTACT: &str = "famiglia@example.it";

/// The first free start of the third day with free times, for `people`.
async fn a_time_for(server: &Server, people: u32) -> (String, String) {
    let days = server.slots("cie", "ufficio-1", None).await["days"].clone();
    let day = days[2].as_str().expect("a third day with free times").to_owned();
    let reply = server
        .get(&format!(
            "/api/services/cie/offices/ufficio-1/slots?date={day}&people={people}"
        ))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let start = reply.json()["slots"][0]["start"]
        .as_str()
        .expect("a time for the household")
        .to_owned();
    (day, start)
}

fn hold_body(date: &str, start: &str, people: Value) -> Value {
    json!({ "service_id": "cie", "office_id": "ufficio-1", "date": date, "start": start, "people": people })
}

fn details_body(people: Value) -> Value {
    json!({ "people": people, "contact": CONTACT, "accept_terms": true })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_of_three_books_in_one_flow() {
    let server = Server::start().await;
    let services = server.get("/api/services").await.json();
    assert_eq!(
        services["rules"],
        json!({ "people_max": 4, "active_per_person": 3, "active_per_contact": 8, "per_service_day": 1 }),
        "the rules are stated before the details step"
    );

    let (date, start) = a_time_for(&server, 3).await;
    let held = server
        .post_json("/api/holds", &hold_body(&date, &start, json!(3)))
        .await;
    assert_eq!(held.status, 201, "{}", held.text());
    let held = held.json();
    let seats = held["seats"].as_array().expect("seats");
    assert_eq!(seats.len(), 3);
    assert_eq!(seats[0]["start"], json!(start));
    let hold_id = held["hold_id"].as_str().unwrap();
    let path = format!("/api/holds/{hold_id}/booking");

    // Two names for three seats, or a bad surname: refused, with the field.
    let two = server
        .post_json(
            &path,
            &details_body(
                json!([{"name": "Maria", "surname": "Rossi"}, {"name": "Luca", "surname": "Rossi"}]),
            ),
        )
        .await;
    assert_eq!(
        (two.status, two.problem_code()),
        (422, "people_mismatch".to_owned())
    );
    let bad = server
        .post_json(
            &path,
            &details_body(json!([
                {"name": "Maria", "surname": "Rossi"},
                {"name": "Luca", "surname": "www.esempio.it"},
                {"name": "Anna", "surname": "Rossi"}
            ])),
        )
        .await;
    assert_eq!(
        (bad.status, bad.problem_code()),
        (422, "invalid_surname".to_owned())
    );
    assert_eq!(bad.json()["field"], json!("people[1].surname"));
    assert!(
        server.outbox().await.is_empty(),
        "nothing sent for refused details"
    );

    let names = ["Maria Rossi", "Luca Rossi", "Anna Rossi"];
    let people: Vec<Value> = names
        .iter()
        .map(|full| {
            let (name, surname) = full.split_once(' ').unwrap();
            json!({ "name": name, "surname": surname })
        })
        .collect();
    let sent = server.post_json(&path, &details_body(json!(people))).await;
    assert_eq!(sent.status, 202, "{}", sent.text());
    assert_eq!(sent.json()["people"], json!(3));

    let request = server.message("confirmation-request", CONTACT).await;
    for name in names {
        assert!(request.text.contains(name), "{name} in {}", request.text);
    }
    let confirm = request.link_path("/c/").expect("one confirmation link");
    let page = server.get(&confirm).await.text();
    for name in names {
        assert!(page.contains(name), "the confirmation page lists {name}");
    }
    let confirmed = server.post_form(&confirm, "").await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let message = server.message("booking-confirmed", CONTACT).await;
    let outbox = server.outbox().await;
    assert_eq!(
        outbox.iter().filter(|m| m.kind == "booking-confirmed").count(),
        1,
        "one message for the household"
    );
    let pages: Vec<String> = message
        .links
        .iter()
        .filter_map(|link| {
            link.split_once("/p/")
                .map(|(_, code)| format!("/p/{}", code.split('?').next().unwrap()))
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(pages.len(), 3, "a page for each person: {:?}", message.links);
    for page in &pages {
        let html = server.get(page).await.text();
        for name in names {
            assert!(html.contains(name), "{page} lists {name}");
        }
        let others: Vec<String> = hrefs(&html)
            .into_iter()
            .filter(|href| href.contains("/p/"))
            .collect();
        assert!(others.len() >= 3, "{page} links every person's page: {others:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn households_beyond_the_rules_are_refused_with_their_code() {
    let server = Server::start().await;
    let (date, start) = a_time_for(&server, 1).await;
    for people in [json!(0), json!(5), json!(-1), json!("due"), json!(2.5)] {
        let reply = server
            .post_json("/api/holds", &hold_body(&date, &start, people.clone()))
            .await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (422, "invalid_people".to_owned()),
            "people {people}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["field"], json!("people"));
    }
    for people in ["0", "5", "x"] {
        let reply = server
            .get(&format!(
                "/api/services/cie/offices/ufficio-1/slots?date={date}&people={people}"
            ))
            .await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (422, "invalid_people".to_owned())
        );
    }
    // The last time of a day, for more people than it and the times after it seat.
    let slots = server
        .get(&format!("/api/services/cie/offices/ufficio-1/slots?date={date}"))
        .await
        .json();
    let last = slots["slots"].as_array().unwrap().last().unwrap()["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let desks = common::desks("cie", "ufficio-1");
    for _ in 1..desks {
        let one = server
            .post_json("/api/holds", &hold_body(&date, &last, json!(1)))
            .await;
        assert_eq!(one.status, 201);
    }
    let two = server
        .post_json("/api/holds", &hold_body(&date, &last, json!(2)))
        .await;
    assert_eq!(
        (two.status, two.problem_code()),
        (409, "not_enough_seats".to_owned()),
        "{}",
        two.text()
    );
    assert!(
        two.detail().contains("Non ci sono abbastanza posti"),
        "{}",
        two.detail()
    );
}
