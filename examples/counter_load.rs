//! Load of the counter on the one-machine server: `tests/bench-counter` starts a release server
//! and runs this with its URL and a signed-in operator's cookie. It books `BOOKINGS` walk-ins
//! (not checked in) to have citizens to check in, then sends check-ins and calls at a fixed rate
//! (`support/open_loop.rs`), and prints the latencies.

#[path = "support/open_loop.rs"]
mod open_loop;

use std::time::Instant;

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

    // The load: check-ins and calls in turn.
    open_loop::run(RATE_PER_SECOND, SECONDS, |n| {
        let client = client.clone();
        let code = codes[n / 2 % codes.len()].clone();
        async move {
            if n % 2 == 0 {
                let body = json!({ "office_id": "u1", "short_code": code });
                ("check-in", client.post("/api/staff/check-ins", body).await.0)
            } else {
                let body = json!({ "desk": format!("{}", n % 20) });
                ("call", client.post("/api/staff/offices/u1/calls", body).await.0)
            }
        }
    })
    .await;
}
