//! What statistics read: each booking's facts on an office's agenda over a range of days (no
//! personal data is read), and the hourly samples of the first free slot, which only the sampler
//! writes. Both adapters answer a range with few requests: SQLite one indexed query, DynamoDB one
//! Query of each day's agenda partition and a BatchGetItem of its bookings; never a Scan.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::OfficeId;
use prenota_core::statistics::{BookingFacts, FreeSlotSample};

use crate::StoreResult;

/// How long the samples of the first free slot are kept: the statistics of a year, as visits.
pub const SAMPLES_KEPT: chrono::Duration = chrono::Duration::days(400);

#[async_trait]
pub trait StatisticsStore: Send + Sync {
    /// The facts of every booking the counter's agenda of `office` holds from `from` to `to`
    /// (confirmed ones and what became of them), in no particular order.
    async fn booking_facts(
        &self,
        office: &OfficeId,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<BookingFacts>>;

    /// Keeps one sample; a second of the same office, service, day and hour replaces it.
    async fn record_free_slot_sample(&self, sample: &FreeSlotSample, now: DateTime<Utc>) -> StoreResult<()>;

    /// The samples of `office` from `from` to `to`.
    async fn free_slot_samples(
        &self,
        office: &OfficeId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<FreeSlotSample>>;
}
