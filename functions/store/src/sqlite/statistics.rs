//! Statistics on one machine: a booking's facts are its row with its visit, read for a range of
//! days in one query on the `bookings_by_office_day` index; the first free slot's samples are a
//! table of their own, kept [`SAMPLES_KEPT`].

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::dates::{format_date, parse_date};
use prenota_core::statistics::{BookingFacts, FreeSlotSample};
use prenota_core::{OfficeId, ServiceId};
use rusqlite::{named_params, params};

use super::SqliteStore;
use super::connection::{query_all, run};
use super::counter::{AT_THE_COUNTER, VISIT_COLUMNS};
use crate::stored::{corrupt, stored_facts};
use crate::{SAMPLES_KEPT, StatisticsStore, StoreResult};

pub(super) const STATISTICS_SCHEMA: &str = "
CREATE INDEX IF NOT EXISTS bookings_by_office_day ON bookings (office, date) WHERE short_code IS NOT NULL;
CREATE TABLE IF NOT EXISTS free_slot_samples (
    office TEXT NOT NULL,
    service TEXT NOT NULL,
    date TEXT NOT NULL,                  -- the sample's day, YYYY-MM-DD, Europe/Rome
    hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    days INTEGER,                        -- to the first free slot; NULL: the window was full
    PRIMARY KEY (office, date, hour, service)
);
";

#[async_trait]
impl StatisticsStore for SqliteStore {
    async fn booking_facts(
        &self,
        office: &OfficeId,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<BookingFacts>> {
        let (office, from, to) = (office.to_string(), format_date(from), format_date(to));
        self.read(move |c| {
            let sql = format!(
                "SELECT b.office, b.service, b.date, b.state, {VISIT_COLUMNS} FROM bookings b \
                 LEFT JOIN visits v ON v.booking_id = b.id \
                 WHERE b.office = :office AND b.date BETWEEN :from AND :to AND b.short_code IS NOT NULL \
                 AND {AT_THE_COUNTER}"
            );
            query_all(
                c,
                &sql,
                named_params! { ":office": office, ":from": from, ":to": to },
                |row| stored_facts(row, row, now),
            )
        })
        .await
    }

    async fn record_free_slot_sample(&self, sample: &FreeSlotSample, now: DateTime<Utc>) -> StoreResult<()> {
        let sample = sample.clone();
        let forget_before = format_date((now - SAMPLES_KEPT).date_naive());
        self.write(move |tx| {
            run(
                tx,
                "INSERT INTO free_slot_samples (office, service, date, hour, days) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (office, date, hour, service) DO UPDATE SET days = excluded.days",
                params![
                    sample.office.as_str(),
                    sample.service.as_str(),
                    format_date(sample.date),
                    sample.hour,
                    sample.days
                ],
            )?;
            run(
                tx,
                "DELETE FROM free_slot_samples WHERE date < ?1",
                params![forget_before],
            )?;
            Ok(())
        })
        .await
    }

    async fn free_slot_samples(
        &self,
        office: &OfficeId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<FreeSlotSample>> {
        let (office, from, to) = (office.clone(), format_date(from), format_date(to));
        self.read(move |c| {
            query_all(
                c,
                "SELECT service, date, hour, days FROM free_slot_samples
                 WHERE office = ?1 AND date BETWEEN ?2 AND ?3 ORDER BY date, hour, service",
                params![office.as_str(), from, to],
                |row| {
                    let service: String = row.get(0)?;
                    let date: String = row.get(1)?;
                    Ok(FreeSlotSample {
                        office: office.clone(),
                        service: ServiceId::parse(&service).map_err(|_| corrupt("service", &service))?,
                        date: parse_date(&date).map_err(|_| corrupt("date", &date))?,
                        hour: row.get(2)?,
                        days: row.get(3)?,
                    })
                },
            )
        })
        .await
    }
}
