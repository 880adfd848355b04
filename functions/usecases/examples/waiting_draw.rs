//! What a freed seat costs when many wait for it (issue 14): with PLACES confirmed places on the
//! waiting list for SPID at ufficio-1, each of 50 kept seats is drawn for and offered
//! (`waiting::seat_freed`, the sender's work for one "seat freed" order: read the places, draw,
//! hand the seat to the offer's hold, mark the place offered, queue its message and the offer's
//! timer), on SQLite and, when `PRENOTA_DYNAMODB_ENDPOINT` is set, on DynamoDB Local.
//! `tests/bench-waiting-draw` starts DynamoDB Local and runs this in release mode; figures in
//! docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::waiting::{FreedBy, MAX_WAITING_PER_CONTACT, Waiting};
use prenota_core::{Catalogue, Clock, ManualClock, OfferingKey, OfficeId, ServiceId, Slot, Token};
use prenota_store::dynamodb::UsageSnapshot;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_store::{CatalogueStore, HoldRequest, NewPlace, Store};
use prenota_usecases::Context;
use prenota_usecases::outbox::SeatFreedOrder;
use prenota_usecases::testing::{bergamo, context, sqlite_app};
use prenota_usecases::waiting::{self, Drawn};

/// Kept seats drawn for, one after the other.
const ROUNDS: usize = 50;

/// Wednesday 9 December 2026, 10:00 in Rome: the places join then.
fn joined_at() -> DateTime<Utc> {
    prenota_core::calendar::ROME
        .with_ymd_and_hms(2026, 12, 9, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// The days the places wait for, Thursday 10 December to Thursday 28 January (SPID at ufficio-1
/// opens three afternoons a week, one desk: about 140 seats).
fn days() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
        NaiveDate::from_ymd_opt(2027, 1, 28).unwrap(),
    )
}

fn offering() -> OfferingKey {
    OfferingKey {
        office: OfficeId::parse("ufficio-1").unwrap(),
        service: ServiceId::parse("spid").unwrap(),
    }
}

/// The first `ROUNDS` seats of SPID at ufficio-1 in the places' days, one per slot.
fn seats(catalogue: &Catalogue) -> (Vec<Slot>, u32) {
    let offering = catalogue.offering(&offering()).expect("SPID at ufficio-1");
    let (from, to) = days();
    let slots: Vec<Slot> = from
        .iter_days()
        .take_while(|day| *day <= to)
        .flat_map(|day| catalogue.slots_on(offering, day))
        .take(ROUNDS)
        .collect();
    assert_eq!(slots.len(), ROUNDS, "enough slots for every round");
    (slots, offering.desks)
}

fn percentile(sorted: &[Elapsed], p: f64) -> Elapsed {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Joins `places` confirmed places, then draws for `ROUNDS` kept seats: each draw's time, and the
/// store's DynamoDB usage over the draws when `usage` reads it.
async fn run<S: Store + ?Sized>(
    name: &str,
    context: &Context,
    clock: &ManualClock,
    store: &S,
    places: usize,
    usage: &dyn Fn() -> Option<UsageSnapshot>,
) {
    let (from, to) = days();
    let started = Instant::now();
    for i in 0..places {
        let contact = Contact::parse(&format!("attesa{i}@example.it")).unwrap();
        let code = Token::generate().unwrap().hash();
        let place = NewPlace {
            code,
            waiting: Waiting {
                service: offering().service,
                offices: vec![offering().office],
                from,
                to,
                joined_at: clock.now(),
                channel: contact.channel(),
            },
            contact_key: contact.key(&context.secrets.hmac),
            contact,
            lang: Lang::It,
            confirm_by: clock.now() + Duration::hours(24),
            keep_until: clock.now() + Duration::days(30),
        };
        store.join_waiting(&place, &[], clock.now()).await.unwrap();
        store
            .confirm_waiting(&code, MAX_WAITING_PER_CONTACT, clock.now())
            .await
            .unwrap();
    }
    let joining = started.elapsed();
    // Freed later than everyone joined: all of them take part in every draw.
    clock.advance(Duration::minutes(5));

    let (slots, desks) = seats(&context.catalogue());
    let before = usage();
    let mut times = Vec::with_capacity(ROUNDS);
    for slot in slots {
        let reservation = Token::generate().unwrap().hash();
        let kept = HoldRequest::one(
            reservation,
            offering(),
            slot,
            desks,
            clock.now() + Duration::minutes(2),
        );
        store.hold(&kept, clock.now()).await.unwrap();
        let order = SeatFreedOrder {
            reservation: reservation.to_hex(),
            freed_at: clock.now(),
            by: FreedBy::Other.as_str().to_owned(),
        };
        let started = Instant::now();
        let drawn = waiting::seat_freed(context, store, &order).await.unwrap();
        times.push(started.elapsed());
        assert!(matches!(drawn, Drawn::Offered(_)), "{drawn:?}");
    }
    times.sort();
    let per_draw = match (before, usage()) {
        (Some(before), Some(after)) => format!(
            ", per draw {:.1} requests, {:.1} read units, {:.1} write units",
            (after.requests - before.requests) as f64 / ROUNDS as f64,
            (after.read_units - before.read_units) / ROUNDS as f64,
            (after.write_units - before.write_units) / ROUNDS as f64,
        ),
        _ => String::new(),
    };
    println!(
        "{name}, {places} waiting (joined and confirmed in {:.1} s): {ROUNDS} draws p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms{per_draw}",
        joining.as_secs_f64(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
    );
}

#[tokio::main]
async fn main() {
    let places: usize = std::env::args()
        .nth(1)
        .map_or(1_000, |n| n.parse().expect("PLACES, a number"));

    let clock = Arc::new(ManualClock::new(joined_at()));
    let folder = tempfile::tempdir().unwrap();
    let (app, _) = sqlite_app(&folder.path().join("p.sqlite3"), bergamo(), clock.clone(), "").await;
    run("SQLite", &app.context, &clock, &*app.store, places, &|| None).await;

    let Ok(endpoint) = local_endpoint() else {
        println!("DynamoDB Local: not measured (PRENOTA_DYNAMODB_ENDPOINT is not set)");
        return;
    };
    let clock = Arc::new(ManualClock::new(joined_at()));
    let store = fresh_local_store(&endpoint, "prenota-draw").await.unwrap();
    let catalogue = bergamo();
    store.put_catalogue(&catalogue).await.unwrap();
    let context = context(catalogue, clock.clone(), "");
    let usage = || Some(store.usage());
    run("DynamoDB Local", &context, &clock, &store, places, &usage).await;
}
