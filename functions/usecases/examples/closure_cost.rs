//! What a closure costs when it hits many bookings (issue 15): BOOKINGS confirmed bookings at
//! ufficio-1, each with its own contact, then a manager closes the office over their days
//! (`closures::close`: read the bookings, compose every "Ufficio chiuso" message, take every seat
//! — displacing the bookings and queueing the messages in the store's change —, refresh the
//! catalogue, log it, keep the earliest seats for the displaced citizens), on SQLite and, when
//! `PRENOTA_DYNAMODB_ENDPOINT` is set, on DynamoDB Local with the requests and capacity units.
//! `tests/bench-closure` starts DynamoDB Local and runs this in release mode; figures in
//! docs/benchmarks.md.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::closure::ClosureForm;
use prenota_core::contact::Contact;
use prenota_core::household::PersonKey;
use prenota_core::staff::{Role, StaffIdentity};
use prenota_core::text::PersonName;
use prenota_core::{Catalogue, ManualClock, OfficeId, Slot, Token};
use prenota_store::dynamodb::UsageSnapshot;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_store::{Attendee, CatalogueStore, DetailsRequest, HoldRequest, MessageKind, Person, Store};
use prenota_usecases::Context;
use prenota_usecases::closures;
use prenota_usecases::testing::{bergamo, context, sqlite_app};

/// Monday 7 December 2026, 10:00 in Rome: the bookings are made and the office closed then.
fn now() -> DateTime<Utc> {
    prenota_core::calendar::ROME
        .with_ymd_and_hms(2026, 12, 7, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The seats of ufficio-1 open online, day after day from Wednesday 9 December, `wanted` of them.
fn seats(catalogue: &Catalogue, wanted: usize) -> Vec<(prenota_core::OfferingKey, Slot, u32)> {
    let office = OfficeId::parse("ufficio-1").unwrap();
    let mut seats = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2026, 12, 9).unwrap();
    while seats.len() < wanted {
        for offering in catalogue.offerings().iter().filter(|o| o.key.office == office) {
            for slot in catalogue.slots_on(offering, day).iter() {
                for _ in 0..offering.desks_online {
                    seats.push((offering.key.clone(), slot.clone(), offering.desks_online));
                }
            }
        }
        day = day.succ_opt().unwrap();
    }
    seats.truncate(wanted);
    seats
}

/// `wanted` confirmed bookings, each with its own e-mail contact: their last day.
async fn book<S: Store + ?Sized>(context: &Context, store: &S, wanted: usize) -> NaiveDate {
    let hmac = &context.secrets.hmac;
    let mut last = now().date_naive();
    for (n, (offering, slot, capacity)) in seats(&context.catalogue(), wanted).into_iter().enumerate() {
        last = last.max(slot.date);
        let hold = Token::generate().unwrap();
        let request = HoldRequest::one(
            hold.hash(),
            offering,
            slot,
            capacity,
            now() + Duration::minutes(20),
        );
        store.hold(&request, now()).await.unwrap();
        let contact = Contact::parse(&format!("cittadino{n}@example.it")).unwrap();
        let (name, surname) = (
            PersonName::parse("Maria").unwrap(),
            PersonName::parse("Rossi").unwrap(),
        );
        let confirm = Token::generate().unwrap();
        let details = DetailsRequest {
            hold: hold.hash(),
            confirm_code: confirm.hash(),
            contact_key: contact.key(hmac),
            people: vec![Attendee {
                key: PersonKey::of(&contact.key(hmac), &name, &surname, hmac),
                person: Person {
                    name,
                    surname,
                    contact,
                    details: None,
                    lang: if n % 5 == 0 { Lang::En } else { Lang::It },
                },
            }],
            confirm_by: now() + Duration::minutes(30),
            quota: context.settings.quota,
            erase_after: now() + Duration::days(60),
            messages: Vec::new(),
        };
        store.submit_details(&details, now()).await.unwrap();
        let page = Token::generate().unwrap();
        store
            .confirm(&confirm.hash(), &[page.hash()], &[], now())
            .await
            .unwrap();
    }
    last
}

async fn run<S: Store + ?Sized>(
    name: &str,
    context: &Context,
    store: &S,
    wanted: usize,
    usage: &dyn Fn() -> Option<UsageSnapshot>,
) {
    let started = Instant::now();
    let last = book(context, store, wanted).await;
    let booking = started.elapsed();
    let manager = StaffIdentity {
        email: "capo@comune.bergamo.it".into(),
        role: Role::Manager,
        offices: vec![OfficeId::parse("ufficio-1").unwrap()],
    };
    let to = last.to_string();
    let form = ClosureForm {
        office: Some("ufficio-1"),
        from: "2026-12-09",
        to: Some(&to),
        hours: None,
        reason_it: "Sciopero del personale",
        reason_en: "Staff strike",
    };
    let before = usage();
    let started = Instant::now();
    let saved = closures::close(context, store, &manager, &form).await.unwrap();
    let saving = started.elapsed();
    assert_eq!(saved.displaced.len(), wanted, "every booking displaced");
    // Each message is written in the transaction that displaces its booking (the stores' tests
    // hold to it); counted here on SQLite, whose pending list is not paged.
    if before.is_none() {
        let queued = store
            .pending_messages(100_000, DateTime::<Utc>::MAX_UTC)
            .await
            .unwrap()
            .iter()
            .filter(|entry| entry.message.kind == MessageKind::Displaced)
            .count();
        assert_eq!(queued, wanted, "every citizen's message queued");
    }
    let cost = match (before, usage()) {
        (Some(before), Some(after)) => format!(
            "; {} requests, {:.0} read units, {:.0} write units",
            after.requests - before.requests,
            after.read_units - before.read_units,
            after.write_units - before.write_units,
        ),
        _ => String::new(),
    };
    println!(
        "{name}: {wanted} bookings (made in {:.1} s) over 2026-12-09..{to}: closure saved, {wanted} displaced and \
         their messages queued in {:.2} s{cost}",
        booking.as_secs_f64(),
        saving.as_secs_f64(),
    );
}

#[tokio::main]
async fn main() {
    let wanted: usize = std::env::args()
        .nth(1)
        .map_or(500, |n| n.parse().expect("BOOKINGS, a number"));

    let clock = Arc::new(ManualClock::new(now()));
    let folder = tempfile::tempdir().unwrap();
    let (app, _) = sqlite_app(&folder.path().join("p.sqlite3"), bergamo(), clock.clone(), "").await;
    run("SQLite", &app.context, &*app.store, wanted, &|| None).await;

    let Ok(endpoint) = local_endpoint() else {
        println!("DynamoDB Local: not measured (PRENOTA_DYNAMODB_ENDPOINT is not set)");
        return;
    };
    let store = fresh_local_store(&endpoint, "prenota-closure").await.unwrap();
    let catalogue = bergamo();
    store.put_catalogue(&catalogue).await.unwrap();
    let context = context(catalogue, Arc::new(ManualClock::new(now())), "");
    let usage = || Some(store.usage());
    run("DynamoDB Local", &context, &store, wanted, &usage).await;
}
