//! How busy the hold step is: the holds asked for in the last minute, counted in the process.
//! Past a threshold, a hold needs a proof of work (`crate::challenge`).

use std::collections::VecDeque;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Holds of the last minute, counted as they are asked for.
#[derive(Debug, Default)]
pub struct Pressure {
    recent: Mutex<VecDeque<DateTime<Utc>>>,
}

impl Pressure {
    /// Counts a hold asked for at `now`; says whether the holds of the minute before it were more
    /// than `threshold` (then this one needs a proof).
    pub fn count(&self, now: DateTime<Utc>, threshold: u32) -> bool {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        while recent.front().is_some_and(|at| *at <= now - Duration::minutes(1)) {
            recent.pop_front();
        }
        let high = recent.len() >= threshold as usize;
        // Enough to know the pressure is high: more would only cost memory.
        if recent.len() <= threshold as usize {
            recent.push_back(now);
        }
        high
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
    }

    #[test]
    fn pressure_is_the_holds_of_the_last_minute() {
        let pressure = Pressure::default();
        for second in 0..3 {
            assert!(!pressure.count(now() + Duration::seconds(second), 3));
        }
        assert!(
            pressure.count(now() + Duration::seconds(10), 3),
            "the fourth in a minute"
        );
        assert!(
            !pressure.count(now() + Duration::seconds(75), 3),
            "a minute later"
        );
        assert!(pressure.count(now(), 0), "a threshold of 0: always");
    }
}
