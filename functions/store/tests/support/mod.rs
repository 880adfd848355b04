//! What the store tests share: a small catalogue, fixed instants, and one fresh store per test on
//! SQLite (a temporary file) and on DynamoDB Local (a table of its own).

#![allow(dead_code)]

/// One test per store for each scenario: `scenario: sqlite_test, dynamodb_test;`.
#[allow(unused_macros)]
macro_rules! on_both_stores {
    ($($scenario:ident: $sqlite:ident, $dynamodb:ident;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $sqlite() {
            $scenario($crate::support::sqlite_store().await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $dynamodb() {
            $scenario($crate::support::dynamo_store().await).await;
        }
    )*};
}

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::{Contact, HmacKey};
use prenota_core::household::PersonKey;
use prenota_core::text::PersonName;
use prenota_core::{
    BookingId, Catalogue, OfferingKey, OfficeId, QuotaPolicy, ServiceId, Slot, Token, TokenHash,
};
use prenota_store::dynamodb::DynamoStore;
use prenota_store::sqlite::SqliteStore;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_store::{
    Attendee, DetailsRequest, HoldRequest, MessageChannel, MessageId, MessageKind, OutboxMessage, Person,
    Store,
};

pub const HOLD_TTL: Duration = Duration::minutes(20);
pub const CONFIRM_TTL: Duration = Duration::minutes(30);

pub fn catalogue() -> Catalogue {
    prenota_core::testing::TestCatalogue::store_invariants().build()
}

/// Thursday 26 November 2026, 10:00 in Rome.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

/// Monday 30 November 2026: inside the booking window.
pub fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

pub fn offering(service: &str) -> OfferingKey {
    OfferingKey {
        office: OfficeId::parse("u1").unwrap(),
        service: ServiceId::parse(service).unwrap(),
    }
}

pub fn time(raw: &str) -> NaiveTime {
    prenota_core::dates::parse_time(raw).unwrap()
}

pub fn slot(service: &str, date: NaiveDate, start: &str) -> Slot {
    let catalogue = catalogue();
    let offering = catalogue.offering(&offering(service)).unwrap();
    catalogue
        .bookable_slot(offering, date, time(start), now())
        .expect("a bookable test slot")
}

pub fn hold_request(service: &str, date: NaiveDate, start: &str, at: DateTime<Utc>) -> (Token, HoldRequest) {
    let token = Token::generate().unwrap();
    let catalogue = catalogue();
    let capacity = catalogue.offering(&offering(service)).unwrap().desks;
    let request = HoldRequest {
        hold: token.hash(),
        offering: offering(service),
        seats: vec![slot(service, date, start)],
        capacity,
        expires_at: at + HOLD_TTL,
    };
    (token, request)
}

pub fn secret() -> HmacKey {
    HmacKey::from_bytes([42; 32])
}

pub fn details_request(hold: TokenHash, contact: &str, at: DateTime<Utc>) -> (Token, DetailsRequest) {
    household_details(hold, contact, &["Maria Rossi"], at)
}

/// One person of `contact`, "Name Surname".
pub fn attendee(full_name: &str, contact: &Contact) -> Attendee {
    let (name, surname) = full_name.split_once(' ').expect("a name and a surname");
    let (name, surname) = (
        PersonName::parse(name).unwrap(),
        PersonName::parse(surname).unwrap(),
    );
    Attendee {
        key: PersonKey::of(&contact.key(&secret()), &name, &surname, &secret()),
        person: Person {
            name,
            surname,
            contact: contact.clone(),
            details: None,
            lang: Lang::It,
        },
    }
}

/// The details of a hold for `people` ("Name Surname" each, in the hold's order) with one contact.
pub fn household_details(
    hold: TokenHash,
    contact: &str,
    people: &[&str],
    at: DateTime<Utc>,
) -> (Token, DetailsRequest) {
    let confirm = Token::generate().unwrap();
    let contact = Contact::parse(contact).unwrap();
    let request = DetailsRequest {
        hold,
        confirm_code: confirm.hash(),
        contact_key: contact.key(&secret()),
        people: people.iter().map(|name| attendee(name, &contact)).collect(),
        confirm_by: at + CONFIRM_TTL,
        quota: QuotaPolicy::default(),
        erase_after: Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap(),
        messages: Vec::new(),
    };
    (confirm, request)
}

/// A confirmed booking of `service` at `start` on `date` for `contact`: its id and page code.
pub async fn book_confirmed<S: Store + ?Sized>(
    store: &S,
    service: &str,
    date: NaiveDate,
    start: &str,
    contact: &str,
) -> (BookingId, Token) {
    let (hold, request) = hold_request(service, date, start, now());
    store.hold(&request, now()).await.unwrap();
    let (confirm, details) = details_request(hold.hash(), contact, now());
    store.submit_details(&details, now()).await.unwrap();
    let page = Token::generate().unwrap();
    store
        .confirm(&confirm.hash(), &[page.hash()], &[], now())
        .await
        .unwrap();
    (BookingId::of_hold(&hold.hash()), page)
}

pub async fn sqlite_store() -> Arc<SqliteStore> {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(&folder.path().join("prenota.sqlite3")).expect("the SQLite store opens");
    // The folder lives as long as the test process; each test has its own.
    std::mem::forget(folder);
    Arc::new(store)
}

pub async fn dynamo_store() -> Arc<DynamoStore> {
    let endpoint = local_endpoint().unwrap_or_else(|missing| panic!("{missing}"));
    let store = fresh_local_store(&endpoint, "prenota-test")
        .await
        .expect("DynamoDB Local creates the table");
    Arc::new(store)
}

pub fn message(kind: MessageKind) -> OutboxMessage {
    OutboxMessage {
        id: MessageId::new(Token::generate().unwrap().encode()),
        kind,
        channel: MessageChannel::Email,
        recipient: "maria@esempio.it".to_owned(),
        payload: format!("{{\"kind\":\"{kind}\"}}"),
        created_at: now(),
    }
}

/// What to tell each pending or confirmed booking of `found` when a closure or a change takes its
/// seat: a page code and a message.
pub fn displacements(
    found: &[prenota_store::Booking],
) -> std::collections::HashMap<BookingId, prenota_store::Displacement> {
    found
        .iter()
        .filter(|booking| {
            matches!(
                booking.state,
                prenota_core::BookingState::Pending | prenota_core::BookingState::Confirmed
            )
        })
        .map(|booking| {
            let displacement = prenota_store::Displacement {
                page_code: Token::generate().unwrap().hash(),
                messages: vec![message(MessageKind::Displaced)],
            };
            (booking.id.clone(), displacement)
        })
        .collect()
}
