//! DynamoDB requests and capacity units of one completed booking, step by step, measured with
//! `ReturnConsumedCapacity` on DynamoDB Local: `tests/bench-booking-cost` (starts DynamoDB Local
//! and runs this example in release mode, for one person and for a household of four — the
//! argument PEOPLE, 1 by default).

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use prenota_core::checkin::CheckinKey;
use prenota_core::contact::HmacKey;
use prenota_core::{Catalogue, ManualClock};
use prenota_notify::message::Message;
use prenota_store::dynamodb::UsageSnapshot;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_store::{CatalogueStore, OutboxStore};
use prenota_usecases::{App, Context, Secrets, Settings};
use serde_json::Value;

async fn call(app: &App, method: &str, uri: &str, body: Option<Value>) -> (u16, String) {
    let answer = prenota_web::call(app, method, uri, body.as_ref()).await;
    (
        answer.status().as_u16(),
        String::from_utf8_lossy(answer.body()).into_owned(),
    )
}

fn delta(before: UsageSnapshot, after: UsageSnapshot) -> UsageSnapshot {
    UsageSnapshot {
        requests: after.requests - before.requests,
        read_units: after.read_units - before.read_units,
        write_units: after.write_units - before.write_units,
    }
}

fn link(message: &Message, path: &str) -> String {
    let text = match message {
        Message::Email(email) => &email.text,
        Message::Sms(sms) => &sms.text,
    };
    let start = text.find(path).expect("the message carries the link");
    text[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::main]
async fn main() {
    let people: u32 = std::env::args()
        .nth(1)
        .map_or(1, |n| n.parse().expect("PEOPLE, a number"));
    let endpoint = local_endpoint().unwrap_or_else(|missing| panic!("{missing}"));
    let store = fresh_local_store(&endpoint, "prenota-cost").await.unwrap();
    let text = include_str!("../../../infra/catalogue/bergamo.toml");
    let catalogue = Catalogue::from_toml("bergamo.toml", text).unwrap();
    store.put_catalogue(&catalogue).await.unwrap();
    let app = App {
        // Cognito keeps the staff accounts on AWS.
        accounts: None,
        store: Arc::new(store.clone()),
        context: Context {
            catalogue: catalogue.into(),
            clock: Arc::new(ManualClock::new(
                Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
            )),
            settings: Settings {
                public_url: String::new(),
                ..Settings::default()
            },
            secrets: Secrets {
                hmac: HmacKey::generate().unwrap(),
                checkin: CheckinKey::generate().unwrap(),
            },
            pressure: Default::default(),
        },
    };

    let mut total = UsageSnapshot::default();
    let mut step = |name: &str, before: UsageSnapshot, status: u16| {
        let used = delta(before, store.usage());
        total.requests += used.requests;
        total.read_units += used.read_units;
        total.write_units += used.write_units;
        println!(
            "| {name} | {status} | {} | {:.1} | {:.1} |",
            used.requests, used.read_units, used.write_units
        );
    };
    println!("| step | status | requests | read units | write units |\n| --- | --- | --- | --- | --- |");

    let before = store.usage();
    let (status, _) = call(&app, "GET", "/api/services?q=carta+identita", None).await;
    step("GET /api/services?q=…", before, status);

    let before = store.usage();
    let (status, _) = call(&app, "GET", "/api/services/cie/offices", None).await;
    step("GET offices of CIE (2 offices)", before, status);

    let before = store.usage();
    let slots = format!("/api/services/cie/offices/ufficio-1/slots?people={people}");
    let (status, body) = call(&app, "GET", &slots, None).await;
    step("GET slots (first day, 60-day free-day list)", before, status);
    let slots: Value = serde_json::from_str(&body).unwrap();
    let (date, start) = (
        slots["date"].as_str().unwrap().to_owned(),
        slots["slots"][0]["start"].as_str().unwrap().to_owned(),
    );

    let before = store.usage();
    let hold = serde_json::json!({
        "service_id": "cie", "office_id": "ufficio-1", "date": date, "start": start, "people": people
    });
    let (status, body) = call(&app, "POST", "/api/holds", Some(hold)).await;
    step("POST /api/holds", before, status);
    let hold_id = serde_json::from_str::<Value>(&body).unwrap()["hold_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let before = store.usage();
    let names: Vec<Value> = ["Maria", "Luca", "Anna", "Paolo"]
        .iter()
        .cycle()
        .take(people as usize)
        .map(|name| serde_json::json!({ "name": name, "surname": "Rossi" }))
        .collect();
    let details = serde_json::json!({ "people": names, "contact": "maria@esempio.it", "accept_terms": true });
    let (status, _) = call(
        &app,
        "POST",
        &format!("/api/holds/{hold_id}/booking"),
        Some(details),
    )
    .await;
    step("POST details", before, status);

    let pending = store
        .pending_messages(10, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap();
    let message: Message = serde_json::from_str(&pending[0].message.payload).unwrap();
    let confirm = link(&message, "/c/");

    let before = store.usage();
    let (status, _) = call(&app, "GET", &confirm, None).await;
    step("GET /c/{code}", before, status);

    let before = store.usage();
    let (status, _) = call(&app, "POST", &confirm, None).await;
    step("POST /c/{code} (confirm)", before, status);

    let pending = store
        .pending_messages(10, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap();
    let confirmed = pending
        .iter()
        .find(|e| e.message.kind == prenota_store::MessageKind::BookingConfirmed)
        .expect("the booking message");
    let page = link(&serde_json::from_str(&confirmed.message.payload).unwrap(), "/p/");
    let before = store.usage();
    let (status, _) = call(&app, "GET", &page, None).await;
    step("GET /p/{code}", before, status);

    println!(
        "| **one completed booking for {people}** | | **{}** | **{:.1}** | **{:.1}** |",
        total.requests, total.read_units, total.write_units
    );
}
