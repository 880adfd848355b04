//! "Avvisami se si libera un posto" over HTTP against the one-machine server, its own sender
//! drawing: a citizen joins (the same 202 as anyone), confirms on `/w/` (a GET changes nothing;
//! the pages carry the links' security headers), a cancelled seat is offered to them and kept from
//! everyone else, the offer's link opens the held seat (`GET /api/holds/{id}`) and its details
//! book it, once; then the citizen leaves the list.

mod common;

use common::{Server, Slot, confirmed_booking, first_slot, reply_recipient};
use serde_json::json;

const WAITING: &str = "attesa@example.it";
const HOLDER: &str = "titolare@example.it";

/// The page headers of `/c/`, `/p/` and `/w/`: a strict CSP, no referrer (the code is in the URL).
fn assert_link_page(reply: &common::Reply, what: &str) {
    assert!(reply.is_html(), "{what}: {}", reply.content_type());
    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: CSP {csp}");
    assert_eq!(
        reply.header("referrer-policy").as_deref(),
        Some("no-referrer"),
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_seat_is_offered_to_the_confirmed_place_and_booked_through_its_link() {
    let server = Server::start().await;
    let slot: Slot = first_slot(&server, "cie", "ufficio-1").await;

    // Joining answers the same as for any contact, and nothing is drawn for a place not confirmed.
    let join = json!({
        "service_id": "cie",
        "office_ids": ["ufficio-1"],
        "from": slot.date,
        "to": slot.date,
        "contact": WAITING,
        "accept_terms": true,
        "lang": "it",
    });
    let joined = server.post_json("/api/waiting-list", &join).await;
    assert_eq!(joined.status, 202, "{}", joined.text());
    let mut stranger = join.clone();
    stranger["contact"] = json!("nessuno@example.it");
    let other = server.post_json("/api/waiting-list", &stranger).await;
    assert_eq!((other.status, other.text()), (202, joined.text()));

    let request = server.message("waiting-confirm", &reply_recipient(WAITING)).await;
    let place = request.link_path("/w/").expect("a /w/ link");
    let shown = server.get(&place).await;
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert_link_page(&shown, "GET /w/");
    assert!(shown.text().contains(&format!("action=\"{place}\"")));
    assert_eq!(
        server.get(&place).await.text(),
        shown.text(),
        "a GET changed the place"
    );
    let confirmed = server.post_form(&place, "lang=it").await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    assert_link_page(&confirmed, "POST /w/");
    assert!(confirmed.text().contains("Iscrizione confermata"));

    // Someone else's booking on the day, cancelled: kept from the public, offered to the place.
    let page = confirmed_booking(&server, &slot, HOLDER).await;
    let free_before = server.free_starts("cie", "ufficio-1", &slot.date).await;
    let cancelled = server
        .post_form(&format!("{page}/cancel"), "confirm=yes&lang=it")
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    let offer = server.message("waiting-offer", &reply_recipient(WAITING)).await;
    let link = offer
        .links
        .iter()
        .find(|link| link.contains("#offerta="))
        .expect("the offer's link");
    let hold_id = &link[link.find("#offerta=").unwrap() + "#offerta=".len()..];
    assert_eq!(
        server.free_starts("cie", "ufficio-1", &slot.date).await,
        free_before,
        "the offered seat is nobody else's"
    );

    let held = server.get(&format!("/api/holds/{hold_id}")).await;
    assert_eq!(held.status, 200, "{}", held.text());
    let held = held.json();
    assert_eq!(held["service_id"], "cie");
    assert_eq!(held["office_id"], "ufficio-1");
    assert_eq!(held["seats"][0]["date"], json!(slot.date));
    assert_eq!(held["seats"][0]["start"], json!(slot.start));
    let sent = server.details(hold_id, WAITING).await;
    assert_eq!(sent.status, 202, "{}", sent.text());
    let used = server.get(&format!("/api/holds/{hold_id}")).await;
    assert_eq!(
        (used.status, used.problem_code()),
        (409, "already_submitted".to_owned())
    );
    server
        .message("confirmation-request", &reply_recipient(WAITING))
        .await;

    // Leaving: the page says so, and again changes nothing.
    let left = server.post_form(&format!("{place}/leave"), "lang=it").await;
    assert_eq!(left.status, 200, "{}", left.text());
    assert_link_page(&left, "POST /w/…/leave");
    let again = server.post_form(&format!("{place}/leave"), "lang=it").await;
    assert_eq!(again.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_refuses_days_it_cannot_wait_for_with_their_code() {
    let server = Server::start().await;
    let slot = first_slot(&server, "cie", "ufficio-1").await;
    let ask = |from: &str, to: &str, offices: serde_json::Value| {
        json!({
            "service_id": "cie",
            "office_ids": offices,
            "from": from,
            "to": to,
            "contact": WAITING,
            "accept_terms": true,
        })
    };
    for (body, status, code) in [
        (
            ask(&slot.date, "2020-01-01", json!(["ufficio-1"])),
            422,
            "invalid_days",
        ),
        (
            ask(&slot.date, "2099-01-01", json!(["ufficio-1"])),
            422,
            "invalid_days",
        ),
        (
            ask(&slot.date, "31/12", json!(["ufficio-1"])),
            422,
            "invalid_date",
        ),
        (ask(&slot.date, &slot.date, json!([])), 422, "invalid_field"),
        (
            ask(&slot.date, &slot.date, json!(["nessun-ufficio"])),
            404,
            "not_offered",
        ),
    ] {
        let reply = server.post_json("/api/waiting-list", &body).await;
        assert_eq!(
            (reply.status, reply.problem_code()),
            (status, code.to_owned()),
            "{body}: {}",
            reply.text()
        );
    }
    assert!(
        server.outbox().await.iter().all(|m| m.kind != "waiting-confirm"),
        "a refused request sends nothing"
    );
}
