//! What a proof of work costs the server (issue 12): issuing a challenge, and checking a solution
//! (SHA-256 and HMAC, then spending it in the store), per request. `cargo run --release -p
//! prenota-usecases --example challenge_cost`; figures in docs/benchmarks.md.

use std::sync::Arc;
use std::time::Instant;

use prenota_core::SystemClock;
use prenota_usecases::challenge::{self, Challenge};
use prenota_usecases::testing::{bergamo, solve, sqlite_app};

const COUNT: usize = 2_000;

#[tokio::main]
async fn main() {
    let folder = tempfile::tempdir().unwrap();
    let (app, _) = sqlite_app(
        &folder.path().join("p.sqlite3"),
        bergamo(),
        Arc::new(SystemClock),
        "",
    )
    .await;
    let context = &app.context;

    let started = Instant::now();
    let challenges: Vec<Challenge> = (0..COUNT).map(|_| challenge::issue(context).unwrap()).collect();
    let issue = started.elapsed() / COUNT as u32;

    let started = Instant::now();
    let solutions: Vec<String> = challenges.iter().map(solve).collect();
    let solve_time = started.elapsed() / COUNT as u32;

    let started = Instant::now();
    for solution in &solutions {
        challenge::check(context, &*app.store, Some(solution))
            .await
            .unwrap();
    }
    let check = started.elapsed() / COUNT as u32;
    println!(
        "| work (maxnumber) | issue a challenge | check and spend a solution (SQLite) | solve in Rust, one core |"
    );
    println!("| --- | --- | --- | --- |");
    println!(
        "| {} | {:.1} µs | {:.1} µs | {:.1} ms |",
        context.settings.challenge_work,
        issue.as_secs_f64() * 1e6,
        check.as_secs_f64() * 1e6,
        solve_time.as_secs_f64() * 1e3
    );
}
