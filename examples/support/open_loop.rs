//! The open loop the load examples share: a request leaves every 1/rate s whether or not the
//! previous ones have answered (so a slow server cannot slow the load down and hide its own
//! latency); each answer's kind, status and latency are gathered and printed as p50/p99/max.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Sends `request(n)` for n in 0..rate×seconds at `rate` a second; each answers its kind and
/// HTTP status. Prints the throughput, the answers not 2xx and each kind's latencies.
pub async fn run<F, Fut>(rate: u64, seconds: u64, request: F)
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = (&'static str, u16)> + Send + 'static,
{
    let total = (rate * seconds) as usize;
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::with_capacity(total);
    let start = Instant::now();
    for n in 0..total {
        ticker.tick().await;
        let answer = request(n);
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let (kind, status) = answer.await;
            (kind, status, sent.elapsed())
        }));
    }
    let mut latencies: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for task in tasks {
        let (kind, status, took) = task.await.unwrap();
        *statuses.entry(status).or_default() += 1;
        latencies.entry(kind).or_default().push(took);
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "load: {total} requests in {elapsed:.1} s ({:.0}/s offered {rate}/s), statuses {statuses:?}",
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
