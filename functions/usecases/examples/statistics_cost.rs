//! What the statistics page costs (issue 15): ufficio-1 over 90 days (2 September to 30
//! November 2026), PER_DAY bookings a working day spread over its offerings, four in five checked
//! in, called and served, the rest not come, and the first free slot sampled every hour of every
//! day for every offering; then `statistics::office` for the 90 days, as the managers' page asks
//! it, on SQLite and, when `PRENOTA_DYNAMODB_ENDPOINT` is set, on DynamoDB Local with the requests
//! and capacity units. `tests/bench-statistics` starts DynamoDB Local and runs this in release
//! mode; figures in docs/benchmarks.md.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::counter::{CounterEvent, CounterRules, Desk, TicketSeries};
use prenota_core::household::PersonKey;
use prenota_core::staff::{Role, StaffIdentity};
use prenota_core::statistics::FreeSlotSample;
use prenota_core::text::PersonName;
use prenota_core::{ManualClock, OfficeId, Token};
use prenota_store::dynamodb::UsageSnapshot;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_store::{Attendee, CatalogueStore, DetailsRequest, HoldRequest, Person, Store};
use prenota_usecases::Context;
use prenota_usecases::statistics;
use prenota_usecases::testing::{bergamo, context, sqlite_app};

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 2).unwrap()
}

fn last_day() -> NaiveDate {
    first_day() + Duration::days(89)
}

/// Tuesday 1 December 2026, 10:00 in Rome: the page is asked then.
fn asked_at() -> DateTime<Utc> {
    prenota_core::calendar::ROME
        .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn office() -> OfficeId {
    OfficeId::parse("ufficio-1").unwrap()
}

/// Books, checks in and serves `per_day` citizens a day; answers how many bookings were made.
async fn seed<S: Store + ?Sized>(context: &Context, store: &S, per_day: usize) -> usize {
    let catalogue = context.catalogue();
    let hmac = &context.secrets.hmac;
    let rules = CounterRules::default();
    let desk = Desk::parse("1").unwrap();
    let mut made = 0;
    let offerings: Vec<_> = catalogue
        .offerings()
        .iter()
        .filter(|o| o.key.office == office())
        .collect();
    for date in first_day().iter_days().take_while(|d| *d <= last_day()) {
        let booked_at = prenota_core::calendar::ROME
            .from_local_datetime(&(date - Duration::days(7)).and_hms_opt(10, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        let mut seats = Vec::new();
        for offering in &offerings {
            for slot in catalogue.slots_on(offering, date).iter() {
                for _ in 0..offering.desks_online {
                    seats.push((offering.key.clone(), slot.clone(), offering.desks_online));
                }
            }
        }
        // Spread over the day, not the first seats only.
        let step = (seats.len() / per_day.max(1)).max(1);
        for (n, (key, slot, capacity)) in seats.into_iter().step_by(step).take(per_day).enumerate() {
            let hold = Token::generate().unwrap();
            let request = HoldRequest::one(
                hold.hash(),
                key,
                slot.clone(),
                capacity,
                booked_at + Duration::minutes(20),
            );
            store.hold(&request, booked_at).await.unwrap();
            let contact = Contact::parse(&format!("cittadino{made}@example.it")).unwrap();
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
                        lang: Lang::It,
                    },
                }],
                confirm_by: booked_at + Duration::minutes(30),
                quota: context.settings.quota,
                erase_after: booked_at + Duration::days(60),
                messages: Vec::new(),
            };
            store.submit_details(&details, booked_at).await.unwrap();
            let booking = store
                .confirm(
                    &confirm.hash(),
                    &[Token::generate().unwrap().hash()],
                    &[],
                    booked_at,
                )
                .await
                .unwrap()
                .booking;
            made += 1;
            if n % 5 == 4 {
                continue; // not come
            }
            let code = booking.short_code.clone().unwrap();
            let starts = booking.starts_at;
            store
                .check_in(
                    &code,
                    TicketSeries::Booked,
                    &rules,
                    starts - Duration::minutes(10),
                )
                .await
                .unwrap();
            if let Some(called) = store.call_next(&office(), date, &desk, starts).await.unwrap() {
                let code = called.booking.short_code.unwrap();
                store
                    .counter_step(
                        &code,
                        CounterEvent::Served,
                        None,
                        &rules,
                        starts + Duration::minutes(8),
                    )
                    .await
                    .unwrap();
            }
        }
        for offering in &offerings {
            for hour in 0..24 {
                let sample = FreeSlotSample {
                    office: office(),
                    service: offering.key.service.clone(),
                    date,
                    hour,
                    days: Some(hour % 7),
                };
                store.record_free_slot_sample(&sample, booked_at).await.unwrap();
            }
        }
    }
    made
}

async fn run<S: Store + ?Sized>(
    name: &str,
    context: &Context,
    store: &S,
    per_day: usize,
    usage: &dyn Fn() -> Option<UsageSnapshot>,
) {
    let started = Instant::now();
    let made = seed(context, store, per_day).await;
    let seeding = started.elapsed();
    let manager = StaffIdentity {
        email: "capo@comune.bergamo.it".into(),
        role: Role::Manager,
        offices: vec![office()],
    };
    let mut times = Vec::new();
    let mut cost = String::new();
    for round in 0..5 {
        let before = usage();
        let started = Instant::now();
        let stats = statistics::office(
            context,
            store,
            &manager,
            &office(),
            Some(first_day()),
            Some(last_day()),
        )
        .await
        .unwrap();
        times.push(started.elapsed().as_secs_f64());
        let booked: u32 = stats.figures.by_day.values().map(|day| day.booked).sum();
        assert_eq!(booked as usize, made, "every booking counted");
        if round == 0
            && let (Some(before), Some(after)) = (before, usage())
        {
            cost = format!(
                "; {} requests, {:.0} read units",
                after.requests - before.requests,
                after.read_units - before.read_units,
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{name}: ufficio-1, 90 days, {made} bookings (seeded in {:.0} s): statistics answered in {:.3} s \
         (median of 5; fastest {:.3} s, slowest {:.3} s){cost}",
        seeding.as_secs_f64(),
        times[2],
        times[0],
        times[4],
    );
}

#[tokio::main]
async fn main() {
    let per_day: usize = std::env::args()
        .nth(1)
        .map_or(60, |n| n.parse().expect("PER_DAY, a number"));

    let clock = Arc::new(ManualClock::new(asked_at()));
    let folder = tempfile::tempdir().unwrap();
    let (app, _) = sqlite_app(&folder.path().join("p.sqlite3"), bergamo(), clock.clone(), "").await;
    run("SQLite", &app.context, &*app.store, per_day, &|| None).await;

    let Ok(endpoint) = local_endpoint() else {
        println!("DynamoDB Local: not measured (PRENOTA_DYNAMODB_ENDPOINT is not set)");
        return;
    };
    let store = fresh_local_store(&endpoint, "prenota-statistics").await.unwrap();
    let catalogue = bergamo();
    store.put_catalogue(&catalogue).await.unwrap();
    let context = context(catalogue, Arc::new(ManualClock::new(asked_at())), "");
    let usage = || Some(store.usage());
    run("DynamoDB Local", &context, &store, per_day, &usage).await;
}
