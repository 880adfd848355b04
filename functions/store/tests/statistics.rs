//! Statistics read the same on every store: a seeded day at the counter gives each booking's
//! facts (what became of it, the counter's times, never who), which `core::statistics` counts to
//! the figures worked out by hand below; holds, unconfirmed requests, other offices and other days
//! stay out. The first free slot's samples are replaced within their hour and read by range.

mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::counter::{CounterEvent, CounterRules, Desk, TicketSeries, VisitState};
use prenota_core::statistics::{FreeSlotSample, Spread, figures};
use prenota_core::{OfficeId, ServiceId, ShortCode, Token};
use prenota_store::{Booking, StatisticsStore, Store};
use support::{details_request, dynamo_store, hold_request, monday, now, sqlite_store};

fn u1() -> OfficeId {
    OfficeId::parse("u1").unwrap()
}

fn service(id: &str) -> ServiceId {
    ServiceId::parse(id).unwrap()
}

/// Monday 30 November 2026 at `hh:mm` in Rome (UTC+1).
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, hour - 1, minute, 0).unwrap()
}

async fn confirmed<S: Store>(store: &S, service: &str, start: &str, n: usize) -> (Booking, Token) {
    let (hold, request) = hold_request(service, monday(), start, now());
    store.hold(&request, now()).await.unwrap();
    let (confirm, details) = details_request(hold.hash(), &format!("citizen{n}@esempio.it"), now());
    store.submit_details(&details, now()).await.unwrap();
    let page = Token::generate().unwrap();
    let booking = store
        .confirm(&confirm.hash(), &[page.hash()], &[], now())
        .await
        .unwrap()
        .booking;
    (booking, page)
}

fn code(booking: &Booking) -> ShortCode {
    booking.short_code.clone().unwrap()
}

/// The day worked out by hand:
/// - A (cie 09:00): in 08:50, called 09:02, served 09:14 — waited 12 min, served in 12;
/// - B (spid 09:00): in 08:40, called 09:00, served 09:20 — waited 20, served in 20;
/// - C (cie 09:15): in 09:05, called 09:25, did not answer (no-show 09:30) — waited 20;
/// - D (cie 09:30): never came; E (cie 09:45): marked not come at 10:00;
/// - F (spid 09:15): cancelled; G (cie 10:00): never confirmed; H (cie 10:15): only held;
/// - I (cie 09:00, another day) and a booking at another office are not Monday's at u1.
async fn seeded_day<S: Store>(store: &S) {
    let rules = CounterRules::default();
    let (a, _) = confirmed(store, "cie", "09:00", 1).await;
    let (b, _) = confirmed(store, "spid", "09:00", 2).await;
    let (c, _) = confirmed(store, "cie", "09:15", 3).await;
    confirmed(store, "cie", "09:30", 4).await;
    let (e, _) = confirmed(store, "cie", "09:45", 5).await;
    let (_, f_page) = confirmed(store, "spid", "09:15", 6).await;
    store.cancel(&f_page.hash(), None, &[], now()).await.unwrap();
    let (g, request) = hold_request("cie", monday(), "10:00", now());
    store.hold(&request, now()).await.unwrap();
    let (_, details) = details_request(g.hash(), "citizen7@esempio.it", now());
    store.submit_details(&details, now()).await.unwrap();
    let (_, held) = hold_request("cie", monday(), "10:15", now());
    store.hold(&held, now()).await.unwrap();
    let (other_day, request) = hold_request("cie", monday() + Duration::days(1), "09:00", now());
    store.hold(&request, now()).await.unwrap();
    let (confirm, details) = details_request(other_day.hash(), "citizen8@esempio.it", now());
    store.submit_details(&details, now()).await.unwrap();
    store
        .confirm(&confirm.hash(), &[Token::generate().unwrap().hash()], &[], now())
        .await
        .unwrap();

    for (booking, arrived) in [(&b, at(8, 40)), (&a, at(8, 50)), (&c, at(9, 5))] {
        store
            .check_in(&code(booking), TicketSeries::Booked, &rules, arrived)
            .await
            .unwrap();
    }
    let desk = Desk::parse("1").unwrap();
    let call = async |when| {
        store
            .call_next(&u1(), monday(), &desk, when)
            .await
            .unwrap()
            .map(|entry| entry.booking.id)
    };
    assert_eq!(call(at(9, 0)).await, Some(b.id.clone()));
    assert_eq!(call(at(9, 2)).await, Some(a.id.clone()));
    assert_eq!(call(at(9, 25)).await, Some(c.id.clone()));
    for (booking, event, when) in [
        (&b, CounterEvent::Served, at(9, 20)),
        (&a, CounterEvent::Served, at(9, 14)),
        (&c, CounterEvent::NoShow, at(9, 30)),
        (&e, CounterEvent::NoShow, at(10, 0)),
    ] {
        store
            .counter_step(&code(booking), event, None, &rules, when)
            .await
            .unwrap();
    }
}

async fn a_day_is_counted_as_by_hand<S: Store>(store: &S) {
    seeded_day(store).await;
    let read_at = at(18, 0) + Duration::days(1);
    let facts = store
        .booking_facts(&u1(), monday(), monday(), read_at)
        .await
        .unwrap();
    assert_eq!(facts.len(), 6, "{facts:#?}");
    assert!(
        facts
            .iter()
            .all(|fact| fact.date == monday() && fact.office == u1())
    );
    let states: BTreeMap<&str, usize> = facts.iter().fold(BTreeMap::new(), |mut states, fact| {
        *states.entry(fact.state.as_str()).or_default() += 1;
        states
    });
    assert_eq!(
        states,
        BTreeMap::from([
            (VisitState::Confirmed.as_str(), 1),
            (VisitState::Served.as_str(), 2),
            (VisitState::NoShow.as_str(), 2),
            (VisitState::Cancelled.as_str(), 1),
        ])
    );

    let tuesday = monday() + Duration::days(1);
    let over = figures(&facts, &BTreeMap::new(), &[], tuesday);
    let minutes = |m: u32| Some(m * 60);
    let cie = &over.by_service[&(monday(), service("cie"))];
    assert_eq!(
        [
            cie.booked,
            cie.confirmed,
            cie.cancelled,
            cie.checked_in,
            cie.served,
            cie.no_shows
        ],
        [4, 4, 0, 2, 1, 2]
    );
    assert_eq!(
        cie.wait,
        Spread {
            count: 2,
            median: minutes(12),
            p90: minutes(20)
        }
    );
    assert_eq!(
        cie.service_time,
        Spread {
            count: 1,
            median: minutes(12),
            p90: minutes(12)
        }
    );
    let spid = &over.by_service[&(monday(), service("spid"))];
    assert_eq!(
        [
            spid.booked,
            spid.confirmed,
            spid.cancelled,
            spid.checked_in,
            spid.served,
            spid.no_shows
        ],
        [2, 1, 1, 1, 1, 0]
    );
    let day = &over.by_day[&monday()];
    assert_eq!(
        [
            day.booked,
            day.confirmed,
            day.cancelled,
            day.checked_in,
            day.served,
            day.no_shows
        ],
        [6, 5, 1, 3, 2, 2]
    );
    assert_eq!(
        day.wait,
        Spread {
            count: 3,
            median: minutes(20),
            p90: minutes(20)
        }
    );
    assert_eq!(
        day.service_time,
        Spread {
            count: 2,
            median: minutes(12),
            p90: minutes(20)
        }
    );
    // While Monday runs, D may still come: only E, marked, is a no-show.
    let running = figures(&facts, &BTreeMap::new(), &[], monday());
    assert_eq!(running.by_day[&monday()].no_shows, 1);

    // Other days and offices are not read.
    let sunday = monday() - Duration::days(1);
    assert!(
        store
            .booking_facts(&u1(), sunday, sunday, read_at)
            .await
            .unwrap()
            .is_empty()
    );
    let other = OfficeId::parse("u2").unwrap();
    assert!(
        store
            .booking_facts(&other, monday(), monday(), read_at)
            .await
            .unwrap()
            .is_empty()
    );
    let week = store
        .booking_facts(&u1(), sunday, monday() + Duration::days(6), read_at)
        .await
        .unwrap();
    assert_eq!(week.len(), 7, "Monday's six and Tuesday's one");
}

fn sample(office: &str, service: &str, date: NaiveDate, hour: u32, days: Option<u32>) -> FreeSlotSample {
    FreeSlotSample {
        office: OfficeId::parse(office).unwrap(),
        service: ServiceId::parse(service).unwrap(),
        date,
        hour,
        days,
    }
}

async fn samples_are_kept_per_hour_and_read_by_range<S: StatisticsStore>(store: &S) {
    let tuesday = monday() + Duration::days(1);
    for kept in [
        sample("u1", "cie", monday(), 9, Some(2)),
        sample("u1", "cie", monday(), 9, Some(3)), // the same hour again: replaces
        sample("u1", "cie", monday(), 10, None),
        sample("u1", "spid", monday(), 9, Some(0)),
        sample("u1", "cie", tuesday, 0, Some(1)),
        sample("u2", "cie", monday(), 9, Some(5)),
    ] {
        store.record_free_slot_sample(&kept, at(12, 0)).await.unwrap();
    }
    let mut read = store.free_slot_samples(&u1(), monday(), monday()).await.unwrap();
    read.sort_by_key(|s| (s.hour, s.service.to_string()));
    assert_eq!(
        read,
        vec![
            sample("u1", "cie", monday(), 9, Some(3)),
            sample("u1", "spid", monday(), 9, Some(0)),
            sample("u1", "cie", monday(), 10, None),
        ]
    );
    assert_eq!(
        store
            .free_slot_samples(&u1(), monday(), tuesday)
            .await
            .unwrap()
            .len(),
        4
    );
    assert!(
        store
            .free_slot_samples(&u1(), tuesday + Duration::days(1), tuesday + Duration::days(9))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn sqlite_counts_a_day_as_by_hand() {
    a_day_is_counted_as_by_hand(&*sqlite_store().await).await;
}

#[tokio::test]
async fn dynamodb_counts_a_day_as_by_hand() {
    a_day_is_counted_as_by_hand(&*dynamo_store().await).await;
}

#[tokio::test]
async fn sqlite_keeps_free_slot_samples() {
    samples_are_kept_per_hour_and_read_by_range(&*sqlite_store().await).await;
}

#[tokio::test]
async fn dynamodb_keeps_free_slot_samples() {
    samples_are_kept_per_hour_and_read_by_range(&*dynamo_store().await).await;
}
