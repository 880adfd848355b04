//! DynamoDB requests and capacity units of the counter's steps, measured with
//! `ReturnConsumedCapacity` on DynamoDB Local: `tests/bench-counter-cost` (starts DynamoDB Local
//! and runs this example). Ten citizens booked for the office's day; the agenda,
//! a check-in (and its repeat), a call, an outcome and the display, each as the use case runs it.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::checkin::CheckinKey;
use prenota_core::contact::HmacKey;
use prenota_core::counter::{CounterEvent, Desk};
use prenota_core::staff::{Role, StaffIdentity};
use prenota_core::{Catalogue, ManualClock, OfferingKey, OfficeId, ServiceId};
use prenota_store::dynamodb::UsageSnapshot;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_store::{CatalogueStore, Person};
use prenota_usecases::counter::{self, CheckInBy};
use prenota_usecases::walk_in::{self, WalkIn};
use prenota_usecases::{App, Context, Secrets, Settings};

fn used(before: UsageSnapshot, after: UsageSnapshot) -> String {
    format!(
        "{} | {:.1} | {:.1}",
        after.requests - before.requests,
        after.read_units - before.read_units,
        after.write_units - before.write_units
    )
}

#[tokio::main]
async fn main() {
    let endpoint = local_endpoint().unwrap_or_else(|missing| panic!("{missing}"));
    let store = fresh_local_store(&endpoint, "prenota-counter-cost")
        .await
        .unwrap();
    let catalogue = Catalogue::from_toml(
        "bergamo.toml",
        include_str!("../../../infra/catalogue/bergamo.toml"),
    )
    .unwrap();
    store.put_catalogue(&catalogue).await.unwrap();
    // Monday 7 December 2026, 08:00 in Rome.
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 12, 7, 7, 0, 0).unwrap(),
    ));
    let app = App {
        // Cognito keeps the staff accounts on AWS.
        accounts: None,
        store: Arc::new(store.clone()),
        context: Context {
            catalogue: catalogue.into(),
            clock: clock.clone(),
            settings: Settings::default(),
            secrets: Secrets {
                hmac: HmacKey::generate().unwrap(),
                checkin: CheckinKey::generate().unwrap(),
            },
            pressure: Default::default(),
        },
    };
    let office = OfficeId::parse("ufficio-1").unwrap();
    let clerk = StaffIdentity {
        email: "op@comune.bergamo.it".into(),
        role: Role::Operator,
        offices: vec![office.clone()],
    };
    let cie = ServiceId::parse("cie").unwrap();
    assert!(
        app.context
            .catalogue()
            .offering(&OfferingKey {
                office: office.clone(),
                service: cie.clone()
            })
            .is_some()
    );
    // Ten citizens at 08:30 and later, booked by phone with their contact (not yet arrived).
    let mut codes = Vec::new();
    for n in 0..10 {
        let person = Person {
            name: prenota_core::text::PersonName::parse("Maria").unwrap(),
            surname: prenota_core::text::PersonName::parse("Rossi").unwrap(),
            contact: prenota_core::Contact::parse(&format!("citizen{n}@esempio.it")).unwrap(),
            details: None,
            lang: Lang::It,
        };
        let request = WalkIn {
            service: cie.clone(),
            date: Some(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()),
            start: None,
            person: Some(person),
            check_in: false,
        };
        let entry = walk_in::walk_in(&app.context, &*app.store, &clerk, &office, request)
            .await
            .unwrap();
        codes.push(entry.booking.short_code.unwrap());
    }
    clock.set(Utc.with_ymd_and_hms(2026, 12, 7, 7, 40, 0).unwrap());
    println!(
        "| step (10 bookings in the office's day) | requests | read units | write units |\n| --- | --- | --- | --- |"
    );

    let before = store.usage();
    let (_, agenda) = counter::agenda(&app.context, &*app.store, &clerk, &office, None)
        .await
        .unwrap();
    assert_eq!(agenda.len(), 10);
    println!("| agenda of the day | {} |", used(before, store.usage()));

    // The same check-in twice: the second is a repeat that gives the same ticket.
    for step in ["check-in", "check-in again (the same ticket)"] {
        let before = store.usage();
        counter::check_in(
            &app.context,
            &*app.store,
            &clerk,
            &office,
            CheckInBy::ShortCode(codes[0].clone()),
        )
        .await
        .unwrap();
        println!("| {step} | {} |", used(before, store.usage()));
    }

    let before = store.usage();
    let called = counter::call_next(
        &app.context,
        &*app.store,
        &clerk,
        &office,
        &Desk::parse("3").unwrap(),
    )
    .await
    .unwrap();
    assert!(called.is_some());
    println!("| call next | {} |", used(before, store.usage()));

    let before = store.usage();
    counter::step(
        &app.context,
        &*app.store,
        &clerk,
        &codes[0],
        CounterEvent::Served,
        None,
    )
    .await
    .unwrap();
    println!("| outcome: served | {} |", used(before, store.usage()));

    let before = store.usage();
    counter::display(&app.context, &*app.store, &office)
        .await
        .unwrap();
    println!(
        "| display (eventually consistent) | {} |",
        used(before, store.usage())
    );
}
