//! Statistics as use cases on a real SQLite store and a manual clock: who may read an office's
//! figures, the period's rules, the hourly sample of the first free slot (what a citizen would
//! be offered, one sample per offering and hour), the seats offered and the ratings in the
//! figures, and the open data's month.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use prenota_core::ManualClock;
use prenota_core::catalogue::Lang;
use prenota_core::feedback::{Feedback, Rating};
use prenota_core::staff::Role;
use prenota_store::FeedbackEntry;
use prenota_usecases::statistics::{self, StatisticsError};
use prenota_usecases::testing::{bergamo_app, staff, ufficio};
use prenota_usecases::{App, browse};

/// Monday 30 November 2026, 07:10 in Rome (06:10 UTC): before the offices open.
fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 6, 10, 0).unwrap()
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

async fn app(clock: &Arc<ManualClock>) -> (App, tempfile::TempDir) {
    bergamo_app(clock.clone()).await
}

#[tokio::test]
async fn only_the_offices_managers_and_admins_read_its_figures_for_a_year_at_most() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    for who in [staff(Role::Operator, 1), staff(Role::Manager, 2)] {
        let refused = statistics::office(context, store, &who, &ufficio(1), None, None).await;
        assert!(
            matches!(refused, Err(StatisticsError::Forbidden)),
            "{who:?}: {refused:?}"
        );
    }
    let admin = staff(Role::Admin, 2);
    let unknown = statistics::office(context, store, &admin, &ufficio(99), None, None).await;
    assert!(
        matches!(unknown, Err(StatisticsError::UnknownOffice)),
        "{unknown:?}"
    );
    let manager = staff(Role::Manager, 1);
    let read = statistics::office(context, store, &manager, &ufficio(1), None, None)
        .await
        .unwrap();
    assert_eq!((read.from, read.to), (monday() - Duration::days(29), monday()));
    for (from, to, field) in [
        (monday(), monday() - Duration::days(1), "from"),
        (monday() - Duration::days(366), monday(), "to"),
        (
            monday() - Duration::days(401),
            monday() - Duration::days(380),
            "from",
        ),
    ] {
        let refused = statistics::office(context, store, &admin, &ufficio(1), Some(from), Some(to)).await;
        assert!(
            matches!(refused, Err(StatisticsError::InvalidPeriod { field: f }) if f == field),
            "{from}..{to}: {refused:?}"
        );
    }
    let year = statistics::office(
        context,
        store,
        &admin,
        &ufficio(1),
        Some(monday() - Duration::days(365)),
        Some(monday()),
    )
    .await;
    assert!(year.is_ok(), "366 days are allowed");
}

#[tokio::test]
async fn the_sampler_keeps_what_a_citizen_is_offered_once_an_hour() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let catalogue = context.catalogue();
    let kept = statistics::sample_first_free(context, store).await.unwrap();
    assert_eq!(kept, catalogue.offerings().len());
    // Again in the same hour: replaced, not added.
    clock.advance(Duration::minutes(40));
    statistics::sample_first_free(context, store).await.unwrap();
    for office in catalogue.offices() {
        let samples = store
            .free_slot_samples(&office.id, monday(), monday())
            .await
            .unwrap();
        let offerings: Vec<_> = catalogue
            .offerings()
            .iter()
            .filter(|offering| offering.key.office == office.id)
            .collect();
        assert_eq!(samples.len(), offerings.len(), "{}", office.id);
        for sample in samples {
            assert_eq!((sample.date, sample.hour), (monday(), 7));
            let service = browse::service(&catalogue, &sample.service).unwrap();
            let offered = browse::offices(context, &catalogue, store, service, None)
                .await
                .unwrap();
            let first = offered
                .iter()
                .find(|choice| choice.office.id == office.id)
                .and_then(|choice| choice.first_slot.as_ref())
                .map(|free| u32::try_from((free.slot.date - monday()).num_days()).unwrap());
            assert_eq!(sample.days, first, "{} {}", office.id, sample.service);
        }
    }
    clock.advance(Duration::hours(1));
    statistics::sample_first_free(context, store).await.unwrap();
    let manager = staff(Role::Manager, 1);
    let read = statistics::office(
        context,
        store,
        &manager,
        &ufficio(1),
        Some(monday()),
        Some(monday()),
    )
    .await
    .unwrap();
    let day = &read.figures.by_day[&monday()];
    let offerings = catalogue
        .offerings()
        .iter()
        .filter(|o| o.key.office == ufficio(1))
        .count();
    assert_eq!(
        day.first_free.samples as usize,
        2 * offerings,
        "two hours of samples"
    );
    // Seats offered: every offering of the office open on Monday, slots × desks open online.
    let expected: u32 = catalogue
        .offerings()
        .iter()
        .filter(|o| o.key.office == ufficio(1))
        .map(|o| catalogue.slots_on(o, monday()).len() as u32 * o.desks_online)
        .sum();
    assert!(expected > 0);
    assert_eq!(day.offered, expected);
}

#[tokio::test]
async fn ratings_are_counted_per_day_and_open_data_covers_the_days_that_are_over() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    for (n, grade) in [5, 4, 4, 1].into_iter().enumerate() {
        let entry = FeedbackEntry {
            id: format!("rating-{n}"),
            day: monday(),
            feedback: Feedback {
                rating: Rating::new(grade).unwrap(),
                reason: None,
                lang: Lang::It,
            },
        };
        store.record_feedback(&entry).await.unwrap();
    }
    let manager = staff(Role::Manager, 1);
    let read = statistics::office(
        context,
        store,
        &manager,
        &ufficio(1),
        Some(monday()),
        Some(monday()),
    )
    .await
    .unwrap();
    let ratings = read.ratings[&monday()];
    assert_eq!(
        (ratings.by_grade, ratings.count(), ratings.mean_hundredths()),
        ([1, 0, 0, 2, 1], 4, Some(350))
    );

    // Monday is today: the month's open data has no row yet, November's is complete.
    let month = statistics::open_data(context, store, None).await.unwrap();
    assert_eq!(
        (month.month, month.complete),
        (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), false)
    );
    assert!(month.rows.iter().all(|row| row.date < monday()));
    assert!(
        month
            .rows
            .iter()
            .any(|row| row.date == monday() - Duration::days(3)),
        "Friday's offered seats"
    );
    clock.advance(Duration::days(1));
    let december = statistics::open_data(context, store, None).await.unwrap();
    assert_eq!(december.month, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    assert!(december.rows.is_empty(), "1 December is not over");
    let past = statistics::open_data(context, store, Some(monday()))
        .await
        .unwrap();
    assert!(past.complete);
    assert!(past.rows.iter().any(|row| row.date == monday()));
    let gone = statistics::open_data(context, store, NaiveDate::from_ymd_opt(2025, 9, 1)).await;
    assert!(
        matches!(gone, Err(StatisticsError::InvalidPeriod { field: "month" })),
        "{gone:?}"
    );
}
