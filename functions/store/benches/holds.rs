//! Store benchmarks (`tests/bench`, or `cargo bench -p prenota-store --bench holds` with
//! PRENOTA_DYNAMODB_ENDPOINT set to a DynamoDB Local): figures go to docs/benchmarks.md.
//!
//! 1. 10,000 concurrent hold attempts on 1,000 slots of capacity 1, on SQLite and DynamoDB Local:
//!    exactly 1,000 must win.
//! 2. SQLite alone: holds per second and latency percentiles.
//! 3. Day availability, first free slot and the 60-day free-day list of one offering: time on
//!    SQLite; requests and read units on DynamoDB Local.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use prenota_core::{Catalogue, Offering, Slot, Token};
use prenota_store::dynamodb::DynamoStore;
use prenota_store::sqlite::SqliteStore;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_store::{Availability, HoldRequest, SeatStore, StoreError};
use tokio::sync::Semaphore;

/// Requests in flight at once against DynamoDB Local (a Java process on the same 2 cores).
const DYNAMODB_IN_FLIGHT: usize = 64;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn slots(catalogue: &Catalogue, offering: &Offering, count: usize) -> Vec<Slot> {
    let mut slots = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    while slots.len() < count {
        slots.extend(catalogue.bookable_slots(offering, day, now()));
        day += Duration::days(1);
    }
    slots.truncate(count);
    slots
}

fn request(offering: &Offering, slot: &Slot, capacity: u32) -> HoldRequest {
    HoldRequest {
        hold: Token::generate().unwrap().hash(),
        offering: offering.key.clone(),
        seats: vec![slot.clone()],
        capacity,
        expires_at: now() + Duration::minutes(20),
    }
}

/// Every attempt at once (bounded by `in_flight`); returns (holds won, elapsed, latencies).
async fn run_holds<S: SeatStore + 'static>(
    store: Arc<S>,
    requests: Vec<HoldRequest>,
    in_flight: usize,
) -> (usize, StdDuration, Vec<StdDuration>) {
    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for request in requests {
        let store = Arc::clone(&store);
        let gate = Arc::clone(&gate);
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            let begun = Instant::now();
            let result = store.hold(&request, now()).await;
            (result, begun.elapsed())
        });
    }
    let mut won = 0;
    let mut latencies = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (result, latency) = joined.unwrap();
        latencies.push(latency);
        match result {
            Ok(()) => won += 1,
            Err(StoreError::SlotTaken) => {}
            Err(other) => panic!("hold failed: {other}"),
        }
    }
    (won, started.elapsed(), latencies)
}

fn percentile(sorted: &[StdDuration], p: f64) -> StdDuration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn contended_requests(offering: &Offering, slots: &[Slot]) -> Vec<HoldRequest> {
    // 10 attempts per slot, interleaved so racers on one slot arrive together.
    (0..10)
        .flat_map(|_| slots.iter().map(|slot| request(offering, slot, 1)))
        .collect()
}

async fn contended<S: SeatStore + 'static>(
    name: &str,
    store: Arc<S>,
    offering: &Offering,
    slots: &[Slot],
    in_flight: usize,
) {
    let (won, elapsed, _) = run_holds(store, contended_requests(offering, slots), in_flight).await;
    assert_eq!(won, slots.len(), "{name}: exactly one hold per slot");
    println!(
        "{name}: 10,000 hold attempts on 1,000 slots of capacity 1 ({in_flight} in flight): {won} holds in {:.2} s ({:.0} attempts/s)",
        elapsed.as_secs_f64(),
        10_000.0 / elapsed.as_secs_f64()
    );
}

/// The availability questions the figures are about.
#[derive(Clone, Copy)]
enum Question {
    Day,
    FirstFreeSlot,
    FreeDays,
}

impl Question {
    const ALL: [Self; 3] = [Self::Day, Self::FirstFreeSlot, Self::FreeDays];

    fn label(self) -> &'static str {
        match self {
            Self::Day => "day availability",
            Self::FirstFreeSlot => "first free slot (after the first 1,000 slots are held)",
            Self::FreeDays => "free days over the 60-day window",
        }
    }

    /// Asks `store` the question about `offering`.
    async fn ask<S: SeatStore>(self, store: &S, catalogue: &Catalogue, offering: &Offering) {
        let day = NaiveDate::from_ymd_opt(2026, 12, 14).unwrap();
        let first = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let found = match self {
            Self::Day => store
                .day_availability(catalogue, offering, day, now())
                .await
                .map(|_| ()),
            Self::FirstFreeSlot => store
                .first_free_slot(catalogue, offering, first, now())
                .await
                .map(|_| ()),
            Self::FreeDays => store
                .days_with_free_slots(catalogue, offering, first, now())
                .await
                .map(|_| ()),
        };
        found.unwrap();
    }
}

async fn availability_figures<S: SeatStore + 'static>(store: &S, catalogue: &Catalogue, offering: &Offering) {
    let rounds = 200;
    for question in Question::ALL {
        let started = Instant::now();
        for _ in 0..rounds {
            question.ask(store, catalogue, offering).await;
        }
        println!(
            "  {}: {:.3} ms",
            question.label(),
            started.elapsed().as_secs_f64() * 1000.0 / rounds as f64
        );
    }
}

async fn dynamodb_usage(store: &DynamoStore, catalogue: &Catalogue, offering: &Offering) {
    for question in Question::ALL {
        let before = store.usage();
        question.ask(store, catalogue, offering).await;
        let after = store.usage();
        println!(
            "  {}: {} requests, {:.1} read units",
            question.label(),
            after.requests - before.requests,
            after.read_units - before.read_units
        );
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let catalogue = prenota_core::testing::TestCatalogue::benchmark().build();
    let offering = catalogue.offerings()[0].clone();
    let thousand = slots(&catalogue, &offering, 1_000);

    let folder = tempfile::tempdir().unwrap();
    let sqlite = Arc::new(SqliteStore::open(&folder.path().join("bench.sqlite3")).unwrap());
    contended("SQLite", Arc::clone(&sqlite), &offering, &thousand, 10_000).await;
    availability_figures(&*sqlite, &catalogue, &offering).await;

    // Throughput: 20,000 holds on 2,400 slots of capacity 10, with 8 and with 32 callers at once.
    let many = slots(&catalogue, &offering, 2_400);
    for callers in [8, 32] {
        let path = folder.path().join(format!("throughput-{callers}.sqlite3"));
        let fresh = Arc::new(SqliteStore::open(&path).unwrap());
        let requests: Vec<HoldRequest> = (0..20_000)
            .map(|i| request(&offering, &many[i % many.len()], 10))
            .collect();
        let (won, elapsed, mut latencies) = run_holds(fresh, requests, callers).await;
        latencies.sort();
        println!(
            "SQLite alone, {callers} callers: {won} holds in {:.2} s = {:.0} holds/s; \
             latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            elapsed.as_secs_f64(),
            won as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            latencies.last().unwrap().as_secs_f64() * 1000.0,
        );
    }

    match local_endpoint() {
        Err(missing) => println!("DynamoDB Local: skipped ({missing})"),
        Ok(endpoint) => {
            let dynamo = Arc::new(fresh_local_store(&endpoint, "prenota-bench").await.unwrap());
            contended(
                "DynamoDB Local",
                Arc::clone(&dynamo),
                &offering,
                &thousand,
                DYNAMODB_IN_FLIGHT,
            )
            .await;
            let usage = dynamo.usage();
            println!(
                "  {} requests, {:.0} write units for the 10,000 attempts",
                usage.requests, usage.write_units
            );
            availability_figures(&*dynamo, &catalogue, &offering).await;
            dynamodb_usage(&dynamo, &catalogue, &offering).await;
        }
    }
}
