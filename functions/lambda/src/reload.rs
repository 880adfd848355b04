//! What a Lambda reads at init (the catalogue, the two secrets, the public URL) read again while it
//! stays warm, so that a catalogue import, a rotated secret or a new domain reach every function
//! within minutes, with no redeploy and no restart.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

/// How often a warm Lambda reads its configuration again: `PRENOTA_RELOAD_EVERY`, 5 minutes by
/// default. Each reload is one DynamoDB query and three SSM reads, on the request that finds the
/// configuration older than this.
pub fn reload_every(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Duration> {
    let every = prenota_usecases::settings::duration(&lookup, "PRENOTA_RELOAD_EVERY", "5m")?;
    Ok(every.to_std()?)
}

/// A value built at init and built again, on use, once it is older than `every`. A failed rebuild
/// keeps the value in use (a citizen is not refused because SSM hiccupped) and is tried again
/// `every` later, not on each request.
pub struct Reloading<T, B> {
    current: Mutex<(Arc<T>, Instant)>,
    every: Duration,
    build: B,
    /// `Instant::now` in a Lambda; a clock the test moves by hand.
    now: Box<dyn Fn() -> Instant + Send + Sync>,
}

impl<T, B, F> Reloading<T, B>
where
    B: Fn() -> F,
    F: Future<Output = anyhow::Result<T>>,
{
    /// The first build: its error is the init's error.
    pub async fn start(every: Duration, build: B) -> anyhow::Result<Self> {
        Self::start_with_clock(every, build, Box::new(Instant::now)).await
    }

    async fn start_with_clock(
        every: Duration,
        build: B,
        now: Box<dyn Fn() -> Instant + Send + Sync>,
    ) -> anyhow::Result<Self> {
        let first = build().await?;
        Ok(Self {
            current: Mutex::new((Arc::new(first), now())),
            every,
            build,
            now,
        })
    }

    /// The value to use now, rebuilt first when it is due.
    pub async fn current(&self) -> Arc<T> {
        let mut current = self.current.lock().await;
        if (self.now)().duration_since(current.1) >= self.every {
            match (self.build)().await {
                Ok(fresh) => {
                    *current = (Arc::new(fresh), (self.now)());
                    tracing::info!("configuration read again");
                }
                Err(error) => {
                    current.1 = (self.now)();
                    tracing::warn!(error = %format!("{error:#}"), "configuration not read again: the previous one stays");
                }
            }
        }
        Arc::clone(&current.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

    /// A clock that moves only when the test says, and the hand that moves it.
    fn manual_clock() -> (Box<dyn Fn() -> Instant + Send + Sync>, impl Fn(u64)) {
        let start = Instant::now();
        let seconds = Arc::new(AtomicU64::new(0));
        let reading = Arc::clone(&seconds);
        (
            Box::new(move || start + Duration::from_secs(reading.load(Ordering::SeqCst))),
            move |by| {
                seconds.fetch_add(by, Ordering::SeqCst);
            },
        )
    }

    #[test]
    fn the_interval_is_a_setting_with_a_default() {
        assert_eq!(reload_every(|_| None).unwrap(), Duration::from_secs(300));
        let every = reload_every(|name| (name == "PRENOTA_RELOAD_EVERY").then(|| "30s".to_owned()));
        assert_eq!(every.unwrap(), Duration::from_secs(30));
        let error = reload_every(|_| Some("often".to_owned()))
            .unwrap_err()
            .to_string();
        assert!(error.contains("PRENOTA_RELOAD_EVERY"), "{error}");
    }

    #[tokio::test]
    async fn the_value_is_built_again_once_due_and_kept_when_that_fails() {
        // Each build returns its number; build 3 fails.
        let builds = AtomicU32::new(0);
        let build = || {
            let number = builds.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                if number == 3 {
                    anyhow::bail!("SSM is unreachable")
                }
                Ok(number)
            }
        };
        let (clock, advance) = manual_clock();
        let value = Reloading::start_with_clock(Duration::from_secs(300), build, clock)
            .await
            .unwrap();
        assert_eq!(*value.current().await, 1);

        advance(299);
        assert_eq!(*value.current().await, 1, "not due yet");
        advance(1);
        assert_eq!(*value.current().await, 2, "due: built again");

        advance(300);
        assert_eq!(*value.current().await, 2, "the failed build keeps the value");
        assert_eq!(
            *value.current().await,
            2,
            "and is not retried on the next request"
        );
        assert_eq!(builds.load(Ordering::SeqCst), 3);

        advance(300);
        assert_eq!(*value.current().await, 4);
    }

    #[tokio::test]
    async fn a_failed_first_build_is_the_init_error() {
        let error = Reloading::start(Duration::from_secs(300), || async {
            Err::<u32, _>(anyhow::anyhow!("no catalogue in the table"))
        })
        .await
        .err()
        .unwrap();
        assert_eq!(error.to_string(), "no catalogue in the table");
    }
}
