//! Per-client limits on the one-machine server, tried as an attacker and as a family would: one
//! client cannot hold the calendar, a household that books three people and goes back twice never
//! notices, and behind a trusted proxy each client counts on its own.

mod common;

use common::{Server, first_slot};
use serde_json::{Value, json};

/// Free CIE slots of Ufficio 1, day after day, at most `count`.
async fn free_slots(server: &Server, count: usize) -> Vec<(String, String)> {
    let days = server.slots("cie", "ufficio-1", None).await["days"].clone();
    let mut slots = Vec::new();
    for day in days.as_array().unwrap() {
        let day = day.as_str().unwrap();
        for start in server.free_starts("cie", "ufficio-1", day).await {
            slots.push((day.to_owned(), start));
            if slots.len() == count {
                return slots;
            }
        }
    }
    slots
}

fn hold_body(date: &str, start: &str) -> Value {
    json!({ "service_id": "cie", "office_id": "ufficio-1", "date": date, "start": start })
}

#[tokio::test]
async fn one_client_cannot_hold_the_calendar() {
    let server = Server::start_with(&[("PRENOTA_LIMITS", "on")]).await;
    let slots = free_slots(&server, 100).await;
    let (mut held, mut refused) = (0, 0);
    for attempt in 0..500 {
        let (date, start) = &slots[attempt % slots.len()];
        let reply = server.post_json("/api/holds", &hold_body(date, start)).await;
        match reply.status {
            201 => held += 1,
            409 => {}
            429 => {
                refused += 1;
                assert_eq!(reply.problem_code(), "too_many_requests");
                let wait: u64 = reply
                    .header("retry-after")
                    .expect("a 429 says when to come back")
                    .parse()
                    .unwrap();
                assert!(wait >= 1, "Retry-After {wait}");
            }
            other => panic!("attempt {attempt}: {other} {}", reply.text()),
        }
    }
    assert!(held <= 5, "{held} places held by one client");
    assert!(refused >= 490, "{refused} refused");
    // The calendar is still there for everybody else.
    assert!(
        !server
            .free_starts("cie", "ufficio-1", &slots[10].0)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_household_of_three_that_goes_back_twice_never_notices() {
    let server = Server::start_with(&[("PRENOTA_LIMITS", "on")]).await;
    let contacts = ["mamma@example.it", "papa@example.it", "figlia@example.it"];
    for (person, contact) in contacts.iter().enumerate() {
        // Looking around: a few days and offices.
        for _ in 0..5 {
            assert_eq!(server.get("/api/services/cie/offices").await.status, 200);
            server.slots("cie", "ufficio-1", None).await;
        }
        let slot = first_slot(&server, "cie", "ufficio-1").await;
        if person > 0 {
            // Picked a time, then "INDIETRO", then another.
            let hold_id = server.hold_ok(&slot).await;
            assert_eq!(server.delete(&format!("/api/holds/{hold_id}")).await.status, 204);
        }
        let hold_id = server.hold_ok(&slot).await;
        let reply = server.details(&hold_id, contact).await;
        assert_eq!(reply.status, 202, "{}", reply.text());
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_counts_on_its_own() {
    let server =
        Server::start_with(&[("PRENOTA_LIMITS", "on"), ("PRENOTA_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let slots = free_slots(&server, 12).await;
    let hold_from = async |client: &str, slot: &(String, String)| {
        let body = hold_body(&slot.0, &slot.1).to_string().into_bytes();
        let headers = [("x-forwarded-for", client)];
        server
            .request(
                reqwest::Method::POST,
                "/api/holds",
                &headers,
                Some("application/json"),
                Some(body),
            )
            .await
            .status
    };
    for slot in &slots[..5] {
        assert_eq!(hold_from("198.51.100.1", slot).await, 201);
    }
    assert_eq!(
        hold_from("198.51.100.1", &slots[5]).await,
        429,
        "the sixth running hold of one client"
    );
    assert_eq!(
        hold_from("198.51.100.2", &slots[6]).await,
        201,
        "another client behind the same proxy"
    );
}

#[tokio::test]
async fn a_flood_of_my_bookings_requests_sends_a_contact_at_most_a_few_messages() {
    // Limits off: the flood comes from many addresses; what stops it is the contact's allowance.
    let server = Server::start().await;
    for n in 0..3_000 {
        // `victim+N@…` is the same mailbox for quotas and limits.
        let contact = if n % 2 == 0 {
            "victim@example.it".to_owned()
        } else {
            format!("victim+{n}@example.it")
        };
        let reply = server
            .post_json(
                "/api/my-bookings",
                &json!({ "contact": contact, "accept_terms": true }),
            )
            .await;
        assert_eq!(reply.status, 202, "the answer never changes: {}", reply.text());
    }
    let queued = server
        .outbox()
        .await
        .iter()
        .filter(|message| message.kind == "bookings-list-request")
        .count();
    assert_eq!(queued, 3, "3,000 requests, 3 messages in the hour");
}

#[tokio::test]
async fn numbers_that_pump_sms_are_refused() {
    let server = Server::start().await;
    let slot = first_slot(&server, "cie", "ufficio-1").await;
    let hold_id = server.hold_ok(&slot).await;
    for number in [
        "+882 1234 5678",
        "+999999999999999",
        "+252 61 1234567",
        "+1 202 555 0143",
        "035 399111",
    ] {
        let reply = server.details(&hold_id, number).await;
        assert_eq!(reply.status, 422, "{number}: {}", reply.text());
        assert_eq!(reply.problem_code(), "invalid_contact", "{number}");
    }
    assert_eq!(server.details(&hold_id, "333 123 4567").await.status, 202);
}
