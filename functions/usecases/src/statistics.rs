//! "Statistiche": the figures of an office's days for its managers (and administrators), the
//! hourly sample of how far away each service's first free slot is, and the open data the city
//! publishes from the same figures.
//!
//! Nothing is counted ahead: each request reads the bookings' facts of its days (the counter's
//! agenda, which every change already keeps per office and day) and counts them with
//! `core::statistics`. The one figure that cannot be read afterwards, the first free slot at each
//! hour, is written by the sampler ([`sample_first_free`]), run every hour.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use futures::{StreamExt, TryStreamExt};
use prenota_core::OfficeId;
use prenota_core::calendar::local;
use prenota_core::staff::{StaffAction, StaffIdentity};
use prenota_core::statistics::{self, FreeSlotSample, OfficeDays, OpenRow};
use prenota_store::{Availability, FeedbackStore, StatisticsStore};

use crate::counter::{CounterRefusal, allow, today};
use crate::{Context, Failure};

/// Days of ratings read at once.
const DAYS_IN_FLIGHT: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum StatisticsError {
    #[error("not allowed to see this office's statistics")]
    Forbidden,
    #[error("no office has this id")]
    UnknownOffice,
    /// `field` names what is wrong: `from` after `to`, or more than a year between them.
    #[error("the period is not valid")]
    InvalidPeriod { field: &'static str },
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<prenota_store::StoreError> for StatisticsError {
    fn from(error: prenota_store::StoreError) -> Self {
        Self::Failed(error.into())
    }
}

impl From<CounterRefusal> for StatisticsError {
    fn from(refusal: CounterRefusal) -> Self {
        match refusal {
            CounterRefusal::UnknownOffice => Self::UnknownOffice,
            CounterRefusal::Failed(failure) => Self::Failed(failure),
            _ => Self::Forbidden,
        }
    }
}

/// The store traits statistics read.
pub trait StatisticsStores: StatisticsStore + FeedbackStore {}
impl<T: StatisticsStore + FeedbackStore + ?Sized> StatisticsStores for T {}

/// The ratings of the last step on one day: they are anonymous and carry no office (by design),
/// so they are the whole service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayRatings {
    /// How many gave each grade, 1 to 5.
    pub by_grade: [u32; 5],
}

impl DayRatings {
    pub fn count(&self) -> u32 {
        self.by_grade.iter().sum()
    }

    /// The mean grade in hundredths (e.g. 425 for 4.25); `None` without ratings.
    pub fn mean_hundredths(&self) -> Option<u32> {
        let weighted: u32 = self
            .by_grade
            .iter()
            .zip(1..)
            .map(|(count, grade)| count * grade)
            .sum();
        let count = self.count();
        (count > 0).then(|| (weighted * 100 + count / 2) / count)
    }
}

/// An office's statistics over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeStatistics {
    pub office: OfficeId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: OfficeDays,
    pub ratings: BTreeMap<NaiveDate, DayRatings>,
}

/// The period asked for, checked; without one, the last 30 days to today.
pub fn period(
    context: &Context,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDate), StatisticsError> {
    let (_, today) = today(context);
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - Duration::days(29));
    if from > to {
        return Err(StatisticsError::InvalidPeriod { field: "from" });
    }
    if (to - from).num_days() >= statistics::MAX_DAYS {
        return Err(StatisticsError::InvalidPeriod { field: "to" });
    }
    kept(today, from, "from")?;
    Ok((from, to))
}

/// The figures of `office` from `from` to `to` (see [`period`]), for its managers and the
/// administrators.
pub async fn office(
    context: &Context,
    store: &(impl StatisticsStores + ?Sized),
    identity: &StaffIdentity,
    office: &OfficeId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<OfficeStatistics, StatisticsError> {
    allow(identity, StaffAction::ReadStatistics, office, context)?;
    let (from, to) = period(context, from, to)?;
    let (now, today) = today(context);
    let facts = store.booking_facts(office, from, to, now).await?;
    let samples = store.free_slot_samples(office, from, to).await?;
    let offered = context.catalogue().seats_offered(office, from, to);
    let ratings: Vec<(NaiveDate, DayRatings)> = futures::stream::iter(days(from, to))
        .map(|day| async move {
            let mut ratings = DayRatings::default();
            for entry in store.feedback_of_day(day, now).await? {
                ratings.by_grade[usize::from(entry.feedback.rating.get() - 1)] += 1;
            }
            Ok::<_, StatisticsError>((day, ratings))
        })
        .buffered(DAYS_IN_FLIGHT)
        .try_collect()
        .await?;
    Ok(OfficeStatistics {
        office: office.clone(),
        from,
        to,
        figures: statistics::figures(&facts, &offered, &samples, today),
        ratings: ratings
            .into_iter()
            .filter(|(_, ratings)| ratings.count() > 0)
            .collect(),
    })
}

/// Nothing older than the visits and samples are kept is left to count: a period starting
/// earlier is refused rather than answered with zeros.
fn kept(today: NaiveDate, from: NaiveDate, field: &'static str) -> Result<(), StatisticsError> {
    if from < today - prenota_store::SAMPLES_KEPT {
        return Err(StatisticsError::InvalidPeriod { field });
    }
    Ok(())
}

fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |day| *day <= to)
}

/// Samples, for every offering of the catalogue in use, how many days away its first free slot
/// is now, and keeps it under the current hour (Europe/Rome; a second run in the hour replaces
/// the first). Answers how many were kept.
pub async fn sample_first_free<S>(context: &Context, store: &S) -> Result<usize, Failure>
where
    S: Availability + StatisticsStore + ?Sized,
{
    let catalogue = context.catalogue();
    let (now, today) = today(context);
    let hour = local(now).hour();
    let mut kept = 0;
    for offering in catalogue.offerings() {
        let first = store.first_free_slot(&catalogue, offering, today, now).await?;
        let sample = FreeSlotSample {
            office: offering.key.office.clone(),
            service: offering.key.service.clone(),
            date: today,
            hour,
            days: first.and_then(|free| u32::try_from((free.slot.date - today).num_days()).ok()),
        };
        store.record_free_slot_sample(&sample, now).await?;
        kept += 1;
    }
    Ok(kept)
}

/// The open data of a month: one row per day that is over, office and service with anything
/// to count, small counts suppressed (`OpenRow`). Without a month, the current one (its days so
/// far). A month after the current one has no row; one older than the data kept is refused.
pub async fn open_data(
    context: &Context,
    store: &(impl StatisticsStore + ?Sized),
    month: Option<NaiveDate>,
) -> Result<OpenMonth, StatisticsError> {
    let (now, today) = today(context);
    let first = month.unwrap_or(today).with_day(1).unwrap_or(today);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(first);
    // A month whose every day is older than what is kept has nothing left to publish.
    kept(today, last, "month")?;
    let yesterday = today.pred_opt().unwrap_or(today);
    let catalogue = context.catalogue();
    let mut rows = Vec::new();
    if first <= yesterday {
        let to = last.min(yesterday);
        for office in catalogue.offices() {
            let facts = store.booking_facts(&office.id, first, to, now).await?;
            let samples = store.free_slot_samples(&office.id, first, to).await?;
            let offered = catalogue.seats_offered(&office.id, first, to);
            let figures = statistics::figures(&facts, &offered, &samples, today);
            rows.extend(
                figures.by_service.iter().map(|((date, service), day)| {
                    OpenRow::of(*date, office.id.clone(), service.clone(), day)
                }),
            );
        }
    }
    rows.sort_by(|a, b| (a.date, &a.office, &a.service).cmp(&(b.date, &b.office, &b.service)));
    Ok(OpenMonth {
        month: first,
        complete: last < today,
        rows,
    })
}

/// A month of open data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenMonth {
    /// Its first day.
    pub month: NaiveDate,
    /// Every day of it is over: it will not change.
    pub complete: bool,
    pub rows: Vec<OpenRow>,
}
