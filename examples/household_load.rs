//! Household holds on the one-machine server: `tests/bench-household` starts a release server
//! (50 desks, 5-minute slots) and runs this with its URL. It sends `POST /api/holds` for `PEOPLE`
//! (a family of four, and one for comparison) at 500 requests/s for 10 s (`support/open_loop.rs`), each at another time of the next
//! weeks (so that every hold finds its four seats), and prints the latencies.

#[path = "support/open_loop.rs"]
mod open_loop;

use std::sync::Arc;

use serde_json::{Value, json};

const RATE_PER_SECOND: u64 = 500;
const SECONDS: u64 = 10;

/// Free times of the booking window, as the server lists them (no holiday, no weekend): up to
/// `count`, each used again when there are fewer (50 desks seat twelve households a time).
async fn times(http: &reqwest::Client, base: &str, count: usize) -> Vec<(String, String)> {
    let slots = format!("{base}/api/services/s/offices/u1/slots");
    let get = |url: String| async move { http.get(url).send().await.unwrap().json::<Value>().await.unwrap() };
    let days = get(slots.clone()).await["days"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut times = Vec::with_capacity(count);
    for day in days {
        let day = day.as_str().unwrap().to_owned();
        for slot in get(format!("{slots}?date={day}")).await["slots"]
            .as_array()
            .unwrap()
        {
            times.push((day.clone(), slot["start"].as_str().unwrap().to_owned()));
        }
        if times.len() >= count {
            return times;
        }
    }
    assert!(!times.is_empty(), "the booking window has free times");
    times
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(base), Some(people)) = (args.next(), args.next()) else {
        panic!("usage: household_load BASE_URL PEOPLE");
    };
    let people: u32 = people.parse().expect("PEOPLE, a number");
    let kind: &'static str = if people == 1 {
        "hold of 1"
    } else {
        "household hold"
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let total = (RATE_PER_SECOND * SECONDS) as usize;
    let times = Arc::new(times(&http, &base, total).await);
    open_loop::run(RATE_PER_SECOND, SECONDS, |n| {
        let (http, base, times) = (http.clone(), base.clone(), times.clone());
        async move {
            let (date, start) = &times[n % times.len()];
            let body = json!({ "service_id": "s", "office_id": "u1", "date": date, "start": start, "people": people });
            let response = http
                .post(format!("{base}/api/holds"))
                .json(&body)
                .send()
                .await
                .expect("the server answers");
            (kind, response.status().as_u16())
        }
    })
    .await;
}
