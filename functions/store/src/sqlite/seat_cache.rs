//! The exact cache of seat counts per day that availability answers are read from.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prenota_core::OfferingKey;

use crate::{StoreResult, TakenSeats};

/// What a count of some days found: per day, the active seats per start time and the earliest
/// deadline among the counted holds and pending bookings. Days without active seats are absent.
pub(super) type CountedDays = BTreeMap<NaiveDate, (BTreeMap<NaiveTime, u32>, Option<DateTime<Utc>>)>;

/// Seat counts of recently asked days. An entry is exact while nothing is written to its day and no
/// hold or pending booking it counted reaches its deadline: the one-machine server is the only
/// writer of its file, and every write that frees or takes a seat forgets the day. Holds are always
/// counted in SQL, so the cache only ever speeds up what the citizen is shown.
#[derive(Default)]
pub(super) struct SeatCache {
    /// By offering first, so a lookup borrows the key instead of cloning it.
    days: Mutex<HashMap<OfferingKey, HashMap<NaiveDate, CachedDay>>>,
    /// Held while counting what the cache missed: after a burst of writes, the readers that all
    /// missed at once wait for one count instead of each running the same one.
    counting: tokio::sync::Mutex<()>,
    /// Bumped by every forgetting, so a count read before a write is never cached after it.
    writes: AtomicU64,
}

struct CachedDay {
    taken: TakenSeats,
    /// When it was counted: a clock that goes back (tests) is not answered from the future.
    counted_at: DateTime<Utc>,
    /// The earliest deadline among the counted holds and pending bookings.
    valid_until: Option<DateTime<Utc>>,
}

/// Past this many days of one offering the cache starts again (days long gone are never asked
/// about again).
const MAX_CACHED_DAYS: usize = 4_000;

type CachedDays = HashMap<OfferingKey, HashMap<NaiveDate, CachedDay>>;

impl SeatCache {
    /// The seats taken on each of `dates` (days with none left out): what the cache knows, and
    /// what `count` counts of the days it does not, which it then remembers.
    pub(super) async fn taken_seats<F, Counted>(
        &self,
        offering: &OfferingKey,
        dates: &[NaiveDate],
        now: DateTime<Utc>,
        count: F,
    ) -> StoreResult<BTreeMap<NaiveDate, TakenSeats>>
    where
        F: FnOnce(&[NaiveDate]) -> Counted,
        Counted: Future<Output = StoreResult<CountedDays>>,
    {
        let (taken, missing) = self.get(offering, dates, now);
        if missing.is_empty() {
            return Ok(taken);
        }
        let _counting = self.counting.lock().await;
        // Another reader may have counted these days while this one waited.
        let version = self.writes.load(Ordering::SeqCst);
        let (mut taken, missing) = self.get(offering, dates, now);
        if missing.is_empty() {
            return Ok(taken);
        }
        let mut counted = count(&missing).await?;
        let counted: Vec<(NaiveDate, CachedDay)> = missing
            .into_iter()
            .map(|date| {
                let (seats, valid_until) = counted.remove(&date).unwrap_or_default();
                let day = CachedDay {
                    taken: TakenSeats::new(seats),
                    counted_at: now,
                    valid_until,
                };
                if !day.taken.is_empty() {
                    taken.insert(date, TakenSeats::clone(&day.taken));
                }
                (date, day)
            })
            .collect();
        self.put(offering, counted, version);
        Ok(taken)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CachedDays> {
        self.days.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The seats taken on each of `dates` that the cache still knows (days with none left out),
    /// and the dates it does not.
    fn get(
        &self,
        offering: &OfferingKey,
        dates: &[NaiveDate],
        now: DateTime<Utc>,
    ) -> (BTreeMap<NaiveDate, TakenSeats>, Vec<NaiveDate>) {
        let cached = self.lock();
        let days = cached.get(offering);
        let mut taken = BTreeMap::new();
        let mut missing = Vec::new();
        for &date in dates {
            let known = days
                .and_then(|days| days.get(&date))
                .filter(|day| day.counted_at <= now && day.valid_until.is_none_or(|until| now < until));
            match known {
                Some(day) if day.taken.is_empty() => {}
                Some(day) => {
                    taken.insert(date, TakenSeats::clone(&day.taken));
                }
                None => missing.push(date),
            }
        }
        (taken, missing)
    }

    fn put(&self, offering: &OfferingKey, counted: Vec<(NaiveDate, CachedDay)>, version: u64) {
        let mut cached = self.lock();
        if self.writes.load(Ordering::SeqCst) != version {
            return;
        }
        let days = match cached.get_mut(offering) {
            Some(days) => days,
            None => cached.entry(offering.clone()).or_default(),
        };
        if days.len() + counted.len() > MAX_CACHED_DAYS {
            days.clear();
        }
        days.extend(counted);
    }

    /// Forgets a day whose seats a write took or freed.
    pub(super) fn forget(&self, offering: &OfferingKey, date: NaiveDate) {
        let mut cached = self.lock();
        self.writes.fetch_add(1, Ordering::SeqCst);
        if let Some(days) = cached.get_mut(offering) {
            days.remove(&date);
        }
    }
}
