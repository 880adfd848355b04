//! One appointment slot: a value of its own, so that the catalogue can remember the slots it
//! generated without depending on how they are generated (`slots`).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

/// One appointment slot of an offering: a wall-clock range on a date, and the instants it spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}
