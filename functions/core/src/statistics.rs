//! The figures an office is run by, per day and service: seats offered, bookings and what became
//! of them, the wait at the office and the time at the desk, how far away the first free slot
//! was. Only arithmetic here: the stores hand over each booking's facts (never a name, a contact
//! or a code) and the hourly samples of the first free slot; the same functions make the
//! managers' page and, with small counts suppressed, the open data.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::Catalogue;
use crate::counter::VisitState;
use crate::{OfficeId, ServiceId};

/// The most days one statistics request covers.
pub const MAX_DAYS: i64 = 366;

/// Open data publishes no count under this, nor a time measured on fewer citizens.
pub const SMALLEST_PUBLISHED: u32 = 5;

/// What statistics know of one booking on the counter's agenda: its day, service and where it
/// ended, with the counter's times. Nothing that identifies the citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingFacts {
    pub date: NaiveDate,
    pub office: OfficeId,
    pub service: ServiceId,
    /// As the agenda shows it (`Cancelled`, `Displaced`, `Confirmed` with no visit yet, or the
    /// visit's state).
    pub state: VisitState,
    pub walk_in: bool,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub called_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One hourly look at how far away the first free slot of a service at an office was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeSlotSample {
    pub office: OfficeId,
    pub service: ServiceId,
    /// The day of the sample (Europe/Rome) and its hour, 0–23.
    pub date: NaiveDate,
    pub hour: u32,
    /// Days from the sample's day to the first free slot's (0: today); `None` when the whole
    /// booking window was full.
    pub days: Option<u32>,
}

/// Median and 90th percentile of a set of durations, by nearest rank (a value that was
/// measured, never an interpolation), in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    pub count: u32,
    pub median: Option<u32>,
    pub p90: Option<u32>,
}

impl Spread {
    pub fn of(mut values: Vec<u32>) -> Self {
        values.sort_unstable();
        Self {
            count: u32::try_from(values.len()).unwrap_or(u32::MAX),
            median: nearest_rank(&values, 50),
            p90: nearest_rank(&values, 90),
        }
    }
}

/// The `percent`th percentile of sorted `values` by nearest rank: the smallest value with at
/// least `percent` % of the values at or below it.
fn nearest_rank(sorted: &[u32], percent: usize) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The hourly samples of a day: how many, the median of the days found and the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FirstFree {
    pub samples: u32,
    /// Samples that found no free slot in the booking window.
    pub full: u32,
    pub median_days: Option<u32>,
    pub max_days: Option<u32>,
}

/// The figures of one office, service and day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// Seats the catalogue offered online (slots × desks open to online booking).
    pub offered: u32,
    /// Bookings for the day that were confirmed, online or at the counter, whatever became of
    /// them (a moved booking counts on its new day only; a request never confirmed is not one:
    /// its seat went back to everyone).
    pub booked: u32,
    /// Of `booked`, citizens who came without an appointment: booked at the counter and checked in
    /// at once (a ticket of the walk-in series). A phone booking for later is a booking.
    pub walk_ins: u32,
    /// Of `booked`, cancelled by the citizen (or for want of reconfirmation).
    pub cancelled: u32,
    /// Of `booked`, on a counter a closure shut and not moved since.
    pub displaced: u32,
    /// Of `booked`, still expected: neither cancelled nor displaced.
    pub confirmed: u32,
    pub checked_in: u32,
    pub served: u32,
    /// Confirmed bookings whose citizen never checked in: marked "non presentato", or, once the
    /// day is over, never seen.
    pub no_shows: u32,
    /// Check-in to first call.
    pub wait: Spread,
    /// Call to "servito".
    pub service_time: Spread,
    pub first_free: FirstFree,
}

/// The figures of an office's days, per day and service (only days and services with something
/// to count), and the same per day for all its services.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfficeDays {
    pub by_service: BTreeMap<(NaiveDate, ServiceId), Figures>,
    pub by_day: BTreeMap<NaiveDate, Figures>,
}

impl Catalogue {
    /// The seats offered online at `office` from `from` to `to`, per day and service: each
    /// offering's slots of the day (holidays and closures taken out) times its desks open to
    /// online booking. Days with no slot are left out.
    pub fn seats_offered(
        &self,
        office: &OfficeId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> BTreeMap<(NaiveDate, ServiceId), u32> {
        let mut offered = BTreeMap::new();
        for offering in self.offerings().iter().filter(|o| &o.key.office == office) {
            for date in from.iter_days().take_while(|date| *date <= to) {
                let slots = u32::try_from(self.slots_on(offering, date).len()).unwrap_or(u32::MAX);
                if slots > 0 {
                    offered.insert(
                        (date, offering.key.service.clone()),
                        slots.saturating_mul(offering.desks_online),
                    );
                }
            }
        }
        offered
    }
}

/// Counts `bookings`, `offered` seats and `samples` into figures. `today` (Europe/Rome) decides
/// which days are over: before it, a booking nobody checked in is a no-show.
pub fn figures(
    bookings: &[BookingFacts],
    offered: &BTreeMap<(NaiveDate, ServiceId), u32>,
    samples: &[FreeSlotSample],
    today: NaiveDate,
) -> OfficeDays {
    let mut tally: BTreeMap<(NaiveDate, ServiceId), Tally> = BTreeMap::new();
    for (key, seats) in offered {
        tally.entry(key.clone()).or_default().figures.offered += seats;
    }
    for booking in bookings {
        tally
            .entry((booking.date, booking.service.clone()))
            .or_default()
            .count(booking, booking.date < today);
    }
    for sample in samples {
        tally
            .entry((sample.date, sample.service.clone()))
            .or_default()
            .free_days
            .push(sample.days);
    }
    let mut days: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    for ((date, _), one) in &tally {
        days.entry(*date).or_default().add(one);
    }
    OfficeDays {
        by_service: tally.into_iter().map(|(key, one)| (key, one.finish())).collect(),
        by_day: days.into_iter().map(|(key, one)| (key, one.finish())).collect(),
    }
}

#[derive(Default, Clone)]
struct Tally {
    figures: Figures,
    waits: Vec<u32>,
    service_times: Vec<u32>,
    free_days: Vec<Option<u32>>,
}

impl Tally {
    fn count(&mut self, booking: &BookingFacts, day_over: bool) {
        let figures = &mut self.figures;
        figures.booked += 1;
        figures.walk_ins += u32::from(booking.walk_in);
        match booking.state {
            VisitState::Cancelled => figures.cancelled += 1,
            VisitState::Displaced => figures.displaced += 1,
            state => {
                figures.confirmed += 1;
                if booking.checked_in_at.is_some() {
                    figures.checked_in += 1;
                } else if state == VisitState::NoShow || day_over {
                    figures.no_shows += 1;
                }
                if state == VisitState::Served {
                    figures.served += 1;
                    if let Some(seconds) = seconds_between(booking.called_at, booking.finished_at) {
                        self.service_times.push(seconds);
                    }
                }
                if let Some(seconds) = seconds_between(booking.checked_in_at, booking.called_at) {
                    self.waits.push(seconds);
                }
            }
        }
    }

    fn add(&mut self, other: &Tally) {
        let (to, from) = (&mut self.figures, &other.figures);
        to.offered += from.offered;
        to.booked += from.booked;
        to.walk_ins += from.walk_ins;
        to.cancelled += from.cancelled;
        to.displaced += from.displaced;
        to.confirmed += from.confirmed;
        to.checked_in += from.checked_in;
        to.served += from.served;
        to.no_shows += from.no_shows;
        self.waits.extend_from_slice(&other.waits);
        self.service_times.extend_from_slice(&other.service_times);
        self.free_days.extend_from_slice(&other.free_days);
    }

    fn finish(self) -> Figures {
        let found: Vec<u32> = self.free_days.iter().flatten().copied().collect();
        let free = Spread::of(found.clone());
        Figures {
            wait: Spread::of(self.waits),
            service_time: Spread::of(self.service_times),
            first_free: FirstFree {
                samples: u32::try_from(self.free_days.len()).unwrap_or(u32::MAX),
                full: u32::try_from(self.free_days.len() - found.len()).unwrap_or(u32::MAX),
                median_days: free.median,
                max_days: found.iter().max().copied(),
            },
            ..self.figures
        }
    }
}

/// Whole seconds from `from` to `to`, when both are known and in that order.
fn seconds_between(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Option<u32> {
    let seconds = (to? - from?).num_seconds();
    u32::try_from(seconds).ok()
}

/// One row of the open data: a day that is over, an office, a service. Counts under
/// [`SMALLEST_PUBLISHED`] (but zero) are `None`, and so is a second count of the row whenever one
/// alone would be: `booked = cancelled + displaced + checked_in + no_shows` (for a day that is
/// over), so a single suppressed term could be found by subtraction. No total across services or
/// offices is published, so no other sum gives one away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRow {
    pub date: NaiveDate,
    pub office: OfficeId,
    pub service: ServiceId,
    pub offered: u32,
    pub booked: Option<u32>,
    pub cancelled: Option<u32>,
    pub displaced: Option<u32>,
    pub checked_in: Option<u32>,
    pub no_shows: Option<u32>,
    /// Minutes, rounded; only when measured on at least [`SMALLEST_PUBLISHED`] citizens.
    pub wait_median_min: Option<u32>,
    pub wait_p90_min: Option<u32>,
    pub first_free_median_days: Option<u32>,
}

impl OpenRow {
    pub fn of(date: NaiveDate, office: OfficeId, service: ServiceId, figures: &Figures) -> Self {
        // A zero tells of nobody: it is published.
        let shown = |count: u32| count == 0 || count >= SMALLEST_PUBLISHED;
        let booked = shown(figures.booked).then_some(figures.booked);
        let mut terms = [
            figures.cancelled,
            figures.displaced,
            figures.checked_in,
            figures.no_shows,
        ]
        .map(|count| (count, shown(count)));
        // With `booked` shown, one suppressed term alone is `booked` minus the others: the
        // smallest other term that is not zero goes too. (With `booked` at 5 or more and the
        // others shown, one of them is not zero.)
        if booked.is_some()
            && terms.iter().filter(|(_, shown)| !shown).count() == 1
            && let Some(next) = terms
                .iter_mut()
                .filter(|(count, shown)| *shown && *count > 0)
                .min_by_key(|(count, _)| *count)
        {
            next.1 = false;
        }
        let term = |index: usize| {
            let (count, shown) = terms[index];
            shown.then_some(count)
        };
        let minutes = |seconds: Option<u32>, spread: &Spread| {
            (spread.count >= SMALLEST_PUBLISHED)
                .then_some(seconds)
                .flatten()
                .map(|s| (s + 30) / 60)
        };
        Self {
            date,
            office,
            service,
            offered: figures.offered,
            booked,
            cancelled: term(0),
            displaced: term(1),
            checked_in: term(2),
            no_shows: term(3),
            wait_median_min: minutes(figures.wait.median, &figures.wait),
            wait_p90_min: minutes(figures.wait.p90, &figures.wait),
            first_free_median_days: figures.first_free.median_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn at(minute: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap() + chrono::Duration::minutes(minute.into()))
    }

    fn booking(state: VisitState, times: [Option<u32>; 3]) -> BookingFacts {
        BookingFacts {
            date: day(2),
            office: OfficeId::parse("ufficio-1").unwrap(),
            service: ServiceId::parse("cie").unwrap(),
            state,
            walk_in: false,
            checked_in_at: times[0].and_then(at),
            called_at: times[1].and_then(at),
            finished_at: times[2].and_then(at),
        }
    }

    #[test]
    fn percentiles_are_measured_values_by_nearest_rank() {
        assert_eq!(Spread::of(vec![]), Spread::default());
        assert_eq!(
            Spread::of(vec![7]),
            Spread {
                count: 1,
                median: Some(7),
                p90: Some(7)
            }
        );
        // 1..=10: the 5th value is the median, the 9th the 90th percentile.
        assert_eq!(
            Spread::of((1..=10).rev().collect()),
            Spread {
                count: 10,
                median: Some(5),
                p90: Some(9)
            }
        );
        assert_eq!(Spread::of(vec![4, 1]).median, Some(1));
    }

    #[test]
    fn a_day_is_counted_by_what_became_of_each_booking() {
        let bookings = vec![
            booking(VisitState::Served, [Some(0), Some(10), Some(25)]),
            booking(VisitState::Served, [Some(5), Some(35), Some(40)]),
            booking(VisitState::NoShow, [Some(1), Some(2), Some(3)]), // came, missed the call
            booking(VisitState::NoShow, [None, None, Some(50)]),      // marked not come
            booking(VisitState::Confirmed, [None, None, None]),       // never seen
            booking(VisitState::Cancelled, [None, None, None]),
            booking(VisitState::Displaced, [None, None, None]),
            BookingFacts {
                walk_in: true,
                ..booking(VisitState::CheckedIn, [Some(60), None, None])
            },
        ];
        let service = ServiceId::parse("cie").unwrap();
        let offered = BTreeMap::from([((day(2), service.clone()), 20)]);
        let samples = [Some(3), None, Some(1), Some(2)].map(|days| FreeSlotSample {
            office: OfficeId::parse("ufficio-1").unwrap(),
            service: service.clone(),
            date: day(2),
            hour: 9,
            days,
        });
        let over = figures(&bookings, &offered, &samples, day(3));
        let figures = &over.by_service[&(day(2), service.clone())];
        assert_eq!(
            (
                figures.offered,
                figures.booked,
                figures.walk_ins,
                figures.cancelled,
                figures.displaced
            ),
            (20, 8, 1, 1, 1)
        );
        assert_eq!(
            (
                figures.confirmed,
                figures.checked_in,
                figures.served,
                figures.no_shows
            ),
            (6, 4, 2, 2)
        );
        // Waits of 10, 30 and 1 minutes; services of 15 and 5.
        assert_eq!(
            figures.wait,
            Spread {
                count: 3,
                median: Some(600),
                p90: Some(1800)
            }
        );
        assert_eq!(
            figures.service_time,
            Spread {
                count: 2,
                median: Some(300),
                p90: Some(900)
            }
        );
        assert_eq!(
            figures.first_free,
            FirstFree {
                samples: 4,
                full: 1,
                median_days: Some(2),
                max_days: Some(3)
            }
        );
        assert_eq!(over.by_day[&day(2)], *figures);
        // While the day runs, a booking not seen yet is not a no-show.
        let running = figures_of(&bookings, &offered, day(2));
        assert_eq!(running.no_shows, 1);
    }

    fn figures_of(
        bookings: &[BookingFacts],
        offered: &BTreeMap<(NaiveDate, ServiceId), u32>,
        today: NaiveDate,
    ) -> Figures {
        figures(bookings, offered, &[], today).by_day[&day(2)].clone()
    }

    fn open(booked: u32, terms: [u32; 4], waits: u32) -> OpenRow {
        let figures = Figures {
            booked,
            cancelled: terms[0],
            displaced: terms[1],
            checked_in: terms[2],
            no_shows: terms[3],
            wait: Spread {
                count: waits,
                median: Some(400),
                p90: Some(1000),
            },
            ..Figures::default()
        };
        OpenRow::of(
            day(2),
            OfficeId::parse("ufficio-1").unwrap(),
            ServiceId::parse("cie").unwrap(),
            &figures,
        )
    }

    fn counts(row: &OpenRow) -> [Option<u32>; 5] {
        [
            row.booked,
            row.cancelled,
            row.displaced,
            row.checked_in,
            row.no_shows,
        ]
    }

    #[test]
    fn open_data_has_no_small_cell_and_none_found_by_subtraction() {
        // Everything large or zero: all published, times in minutes.
        let row = open(30, [5, 0, 20, 5], 20);
        assert_eq!(counts(&row), [Some(30), Some(5), Some(0), Some(20), Some(5)]);
        assert_eq!((row.wait_median_min, row.wait_p90_min), (Some(7), Some(17)));
        // One small term: it and the smallest other non-zero term go.
        assert_eq!(
            counts(&open(30, [2, 0, 20, 8], 20)),
            [Some(30), None, Some(0), Some(20), None]
        );
        // Two small terms: their sum is all one learns.
        assert_eq!(
            counts(&open(30, [2, 0, 25, 3], 20)),
            [Some(30), None, Some(0), Some(25), None]
        );
        // A small day: every count but the zeros goes; a time on fewer than 5 citizens too.
        let row = open(4, [1, 0, 3, 0], 3);
        assert_eq!(counts(&row), [None, None, Some(0), None, Some(0)]);
        assert_eq!((row.wait_median_min, row.wait_p90_min), (None, None));
        for booked in 0..30 {
            for cancelled in 0..=booked {
                for displaced in 0..=booked - cancelled {
                    for checked_in in 0..=booked - cancelled - displaced {
                        let no_shows = booked - cancelled - displaced - checked_in;
                        let row = open(booked, [cancelled, displaced, checked_in, no_shows], 0);
                        let published = counts(&row);
                        assert!(
                            published
                                .iter()
                                .flatten()
                                .all(|&c| c == 0 || c >= SMALLEST_PUBLISHED),
                            "{published:?}"
                        );
                        if row.booked.is_some() {
                            let hidden = published[1..].iter().filter(|c| c.is_none()).count();
                            assert_ne!(hidden, 1, "{published:?}");
                        }
                    }
                }
            }
        }
    }
}
