//! Which slots an offering has on a day, which of them can be booked now, and which are free.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::calendar::{LocalDay, local};
use crate::catalogue::{Catalogue, Offering};
pub use crate::slot::Slot;

/// A slot with seats left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FreeSlot {
    pub slot: Slot,
    pub free_seats: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("this office has no slot for this service at that date and time")]
    NoSuchSlot,
    #[error("that date cannot be booked now: the booking window is {first} to {last}")]
    OutsideWindow { first: NaiveDate, last: NaiveDate },
    #[error("that slot has already started")]
    Started,
}

impl Catalogue {
    /// Every slot the offering has on `date`, whatever the booking window: none on holidays and
    /// whole-day closures, none overlapping a part-day closure, none in the hour that DST skips.
    pub fn slots_on(&self, offering: &Offering, date: NaiveDate) -> Vec<Slot> {
        self.slots_of_day(offering, date).to_vec()
    }

    /// [`Catalogue::slots_on`], generated once per offering and day.
    fn slots_of_day(&self, offering: &Offering, date: NaiveDate) -> Arc<[Slot]> {
        /// Days remembered per offering before starting again (more than ten years of days).
        const MAX_DAYS: usize = 4_000;
        let memo = &self.generated.0;
        let remembered = memo
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&offering.key)
            .and_then(|days| days.get(&date).cloned());
        if let Some(slots) = remembered {
            return slots;
        }
        let slots: Arc<[Slot]> = self.generate_slots(offering, date).into();
        let mut memo = memo.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let days = memo.entry(offering.key.clone()).or_default();
        if days.len() >= MAX_DAYS {
            days.clear();
        }
        days.insert(date, Arc::clone(&slots));
        slots
    }

    fn generate_slots(&self, offering: &Offering, date: NaiveDate) -> Vec<Slot> {
        if self.calendar.is_holiday(date) {
            return Vec::new();
        }
        let closures: Vec<_> = self
            .closures()
            .iter()
            .filter(|closure| closure.applies(&offering.key.office, date))
            .collect();
        if closures.iter().any(|closure| closure.hours.is_none()) {
            return Vec::new();
        }
        let length = Duration::minutes(i64::from(offering.slot_minutes));
        let day = LocalDay::new(date);
        let mut slots = Vec::new();
        for range in offering.hours_on(date) {
            let mut start = range.start;
            loop {
                let (end, wrapped) = start.overflowing_add_signed(length);
                if wrapped != 0 || end > range.end {
                    break;
                }
                let closed = closures
                    .iter()
                    .any(|closure| closure.hours.is_some_and(|hours| hours.overlaps(start, end)));
                if !closed && let (Some(starts_at), Some(ends_at)) = (day.instant(start), day.instant(end)) {
                    slots.push(Slot {
                        date,
                        start,
                        end,
                        starts_at,
                        ends_at,
                    });
                }
                start = end;
            }
        }
        slots
    }

    /// The first and last dates the offering's booking window allows at `now`.
    pub fn booking_window(&self, offering: &Offering, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let today = local(now).date();
        let first = self
            .calendar
            .working_days_after(today, offering.earliest_working_days);
        let last = today
            .checked_add_signed(Duration::days(i64::from(offering.latest_days)))
            .unwrap_or(NaiveDate::MAX);
        (first, last)
    }

    /// The slots of `date` a citizen can book at `now`: inside the window and not yet started.
    pub fn bookable_slots(&self, offering: &Offering, date: NaiveDate, now: DateTime<Utc>) -> Vec<Slot> {
        self.bookable_slots_within(offering, self.booking_window(offering, now), date, now)
    }

    /// [`Catalogue::bookable_slots`] with the window of `now` already worked out, for callers that
    /// walk every day of it.
    pub fn bookable_slots_within(
        &self,
        offering: &Offering,
        (first, last): (NaiveDate, NaiveDate),
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Vec<Slot> {
        if date < first || date > last {
            return Vec::new();
        }
        self.slots_of_day(offering, date)
            .iter()
            .filter(|slot| slot.starts_at > now)
            .cloned()
            .collect()
    }

    /// Does `date` have a bookable slot with a seat left, given the seats `taken` per start time?
    /// The same answer as `free_slots(bookable_slots(..))` being non-empty, without building them.
    /// `window` is [`Catalogue::booking_window`] at `now`, worked out once by the caller.
    pub fn has_free_slot(
        &self,
        offering: &Offering,
        (first, last): (NaiveDate, NaiveDate),
        date: NaiveDate,
        now: DateTime<Utc>,
        taken: Option<&BTreeMap<NaiveTime, u32>>,
    ) -> bool {
        if date < first || date > last {
            return false;
        }
        self.slots_of_day(offering, date).iter().any(|slot| {
            let used = taken.and_then(|t| t.get(&slot.start)).copied().unwrap_or(0);
            slot.starts_at > now && used < offering.desks_online
        })
    }

    /// The bookable slot that starts at `start` on `date`, or why there is none.
    pub fn bookable_slot(
        &self,
        offering: &Offering,
        date: NaiveDate,
        start: NaiveTime,
        now: DateTime<Utc>,
    ) -> Result<Slot, SlotError> {
        let slot = self
            .slots_of_day(offering, date)
            .iter()
            .find(|slot| slot.start == start)
            .cloned()
            .ok_or(SlotError::NoSuchSlot)?;
        let (first, last) = self.booking_window(offering, now);
        if date < first || date > last {
            return Err(SlotError::OutsideWindow { first, last });
        }
        if slot.starts_at <= now {
            return Err(SlotError::Started);
        }
        Ok(slot)
    }
}

/// Availability = generated slots minus active seats. `taken` counts active seats per start time.
pub fn free_slots(slots: Vec<Slot>, taken: &BTreeMap<NaiveTime, u32>, capacity: u32) -> Vec<FreeSlot> {
    slots
        .into_iter()
        .filter_map(|slot| {
            let used = taken.get(&slot.start).copied().unwrap_or(0);
            let free_seats = capacity.saturating_sub(used);
            (free_seats > 0).then_some(FreeSlot { slot, free_seats })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::catalogue::OfferingKey;
    use crate::ids::{OfficeId, ServiceId};
    use crate::testing::{TestCatalogue, TestClosure, TestOffering, TestService};

    /// Monday mornings and afternoons, and a Sunday night across both DST changes.
    fn catalogue() -> TestCatalogue {
        TestCatalogue::new()
            .service(TestService::new("cie").named("CIE", "CIE"))
            .offering(
                TestOffering::new("u1", "cie")
                    .slot_minutes(30)
                    .desks(2)
                    .hours("mon", ["08:30-10:00", "14:00-15:10"])
                    .hours("sun", ["01:00-04:00"]),
            )
    }

    fn key() -> OfferingKey {
        OfferingKey {
            office: OfficeId::parse("u1").unwrap(),
            service: ServiceId::parse("cie").unwrap(),
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn starts(slots: &[Slot]) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.start.format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn slots_fill_each_range_without_spilling() {
        let c = catalogue().build();
        let offering = c.offering(&key()).unwrap();
        let slots = c.slots_on(offering, d(2026, 11, 30));
        assert_eq!(starts(&slots), ["08:30", "09:00", "09:30", "14:00", "14:30"]);
        assert_eq!(
            slots[0].starts_at,
            Utc.with_ymd_and_hms(2026, 11, 30, 7, 30, 0).unwrap()
        );
        assert!(
            c.slots_on(offering, d(2026, 12, 1)).is_empty(),
            "closed on Tuesdays"
        );
    }

    #[test]
    fn holidays_and_closures_have_no_slots() {
        let c = catalogue()
            .closure(TestClosure::on("2026-11-23").hours("09:15-14:00"))
            .closure(
                TestClosure::on("2026-11-16")
                    .office("u1")
                    .until("2026-11-16")
                    .reason("y"),
            )
            .build();
        let offering = c.offering(&key()).unwrap();
        assert!(c.slots_on(offering, d(2026, 4, 6)).is_empty(), "Easter Monday");
        assert!(
            c.slots_on(offering, d(2026, 11, 16)).is_empty(),
            "whole-day closure"
        );
        assert_eq!(
            starts(&c.slots_on(offering, d(2026, 11, 23))),
            ["08:30", "14:00", "14:30"]
        );
    }

    #[test]
    fn dst_days_keep_wall_clock_slots() {
        let c = catalogue().build();
        let offering = c.offering(&key()).unwrap();
        // 29 March 2026: 02:00–03:00 does not exist.
        let spring = c.slots_on(offering, d(2026, 3, 29));
        assert_eq!(starts(&spring), ["01:00", "03:00", "03:30"]);
        assert_eq!(
            spring[1].starts_at,
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()
        );
        // 25 October 2026: 02:00–03:00 happens twice; slots are named once, at the first.
        let autumn = c.slots_on(offering, d(2026, 10, 25));
        assert_eq!(
            starts(&autumn),
            ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
        );
        assert_eq!(
            autumn[2].starts_at,
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_window_starts_at_the_next_working_day() {
        let c = catalogue().build();
        let offering = c.offering(&key()).unwrap();
        // Friday 27 November 2026, 10:00 in Rome: Monday 30 is the first bookable day.
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        assert_eq!(c.booking_window(offering, now), (d(2026, 11, 30), d(2027, 1, 26)));
        assert_eq!(
            c.bookable_slot(
                offering,
                d(2026, 11, 23),
                NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
                now
            ),
            Err(SlotError::OutsideWindow {
                first: d(2026, 11, 30),
                last: d(2027, 1, 26)
            })
        );
        assert_eq!(
            c.bookable_slot(
                offering,
                d(2026, 11, 30),
                NaiveTime::from_hms_opt(8, 45, 0).unwrap(),
                now
            ),
            Err(SlotError::NoSuchSlot)
        );
        assert!(
            c.bookable_slot(
                offering,
                d(2026, 11, 30),
                NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn has_free_slot_agrees_with_the_free_slot_list() {
        let c = catalogue().build();
        let offering = c.offering(&key()).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        let full: BTreeMap<NaiveTime, u32> = c
            .slots_on(offering, d(2026, 11, 30))
            .iter()
            .map(|s| (s.start, 2))
            .collect();
        let one_free: BTreeMap<NaiveTime, u32> = full.iter().skip(1).map(|(t, n)| (*t, *n)).collect();
        for date in [d(2026, 11, 23), d(2026, 11, 30), d(2026, 12, 1), d(2027, 3, 1)] {
            for taken in [None, Some(&full), Some(&one_free)] {
                let listed = !free_slots(
                    c.bookable_slots(offering, date, now),
                    taken.unwrap_or(&BTreeMap::new()),
                    offering.desks_online,
                )
                .is_empty();
                assert_eq!(
                    c.has_free_slot(offering, c.booking_window(offering, now), date, now, taken),
                    listed,
                    "{date} {taken:?}"
                );
            }
        }
    }

    #[test]
    fn free_slots_subtract_taken_seats() {
        let c = catalogue().build();
        let offering = c.offering(&key()).unwrap();
        let slots = c.slots_on(offering, d(2026, 11, 30));
        let taken = BTreeMap::from([
            (NaiveTime::from_hms_opt(8, 30, 0).unwrap(), 2),
            (NaiveTime::from_hms_opt(9, 0, 0).unwrap(), 1),
            (NaiveTime::from_hms_opt(9, 30, 0).unwrap(), 5),
        ]);
        let free = free_slots(slots, &taken, offering.desks_online);
        assert_eq!(
            free.iter()
                .map(|f| (f.slot.start.format("%H:%M").to_string(), f.free_seats))
                .collect::<Vec<_>>(),
            [
                ("09:00".to_string(), 1),
                ("14:00".to_string(), 2),
                ("14:30".to_string(), 2)
            ]
        );
    }
}
