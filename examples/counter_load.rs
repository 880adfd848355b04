//! Load of the counter on the one-machine server: `tests/bench-counter` starts a release server
//! and runs this with its URL and a signed-in operator's cookie. It books `BOOKINGS` walk-ins
//! (not checked in) to have citizens to check in, then sends check-ins and calls at a fixed rate
//! (open loop: a request leaves on time whether or not the previous ones have answered, so a slow
//! server cannot slow the load down and hide its own latency), and prints the latencies.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BOOKINGS: usize = 2_000;
const RATE_PER_SECOND: u64 = 200;
const SECONDS: u64 = 20;

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Client {
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("origin", &self.base)
            .json(&body)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(base), Some(cookie)) = (args.next(), args.next()) else {
        panic!("usage: counter_load BASE_URL COOKIE");
    };
    let client = std::sync::Arc::new(Client {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .unwrap(),
        base,
        cookie,
    });

    // Citizens to check in: walk-ins booked for today, not yet arrived, 16 at a time.
    let started = Instant::now();
    let mut codes = Vec::with_capacity(BOOKINGS);
    for chunk in 0..BOOKINGS / 16 {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .post(
                            "/api/staff/offices/u1/walk-ins",
                            json!({ "service_id": "s", "check_in": false }),
                        )
                        .await
                })
            })
            .collect();
        for task in tasks {
            let (status, body) = task.await.unwrap();
            assert_eq!(status, 201, "walk-in {chunk}: {body}");
            codes.push(body["short_code"].as_str().unwrap().to_owned());
        }
    }
    println!(
        "setup: {} bookings in {:.1} s",
        codes.len(),
        started.elapsed().as_secs_f64()
    );

    // The load: every 1/RATE s one request, check-ins and calls in turn.
    let total = (RATE_PER_SECOND * SECONDS) as usize;
    let interval = Duration::from_micros(1_000_000 / RATE_PER_SECOND);
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::with_capacity(total);
    let start = Instant::now();
    for n in 0..total {
        ticker.tick().await;
        let client = client.clone();
        let code = codes[n / 2 % codes.len()].clone();
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let (kind, (status, _)) = if n % 2 == 0 {
                (
                    "check-in",
                    client
                        .post(
                            "/api/staff/check-ins",
                            json!({ "office_id": "u1", "short_code": code }),
                        )
                        .await,
                )
            } else {
                (
                    "call",
                    client
                        .post(
                            "/api/staff/offices/u1/calls",
                            json!({ "desk": format!("{}", n % 20) }),
                        )
                        .await,
                )
            };
            (kind, status, sent.elapsed())
        }));
    }
    let mut latencies: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut failures = 0;
    for task in tasks {
        let (kind, status, took) = task.await.unwrap();
        if !(200..300).contains(&status) {
            failures += 1;
        }
        latencies.entry(kind).or_default().push(took);
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "load: {total} requests in {elapsed:.1} s ({:.0}/s offered {RATE_PER_SECOND}/s), {failures} not 2xx",
        total as f64 / elapsed
    );
    for (kind, mut times) in latencies {
        times.sort();
        println!(
            "{kind}: n={} p50={:.1} ms p99={:.1} ms max={:.1} ms",
            times.len(),
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            times.last().unwrap().as_secs_f64() * 1e3
        );
    }
}
