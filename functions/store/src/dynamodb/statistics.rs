//! Statistics on DynamoDB, with no Scan: a range of days is one Query per day of the office's
//! agenda partition (`AGENDA#office#date`, which every confirmation, move, walk-in and closure
//! already keeps, visits included) and one BatchGetItem of its booking items (state and service;
//! never the person items). The first free slot's samples are items of the office's `STATS#`
//! partition, one Query for a range.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use futures::{StreamExt, TryStreamExt};
use prenota_core::dates::parse_date;
use prenota_core::statistics::{BookingFacts, FreeSlotSample};
use prenota_core::{OfficeId, ServiceId};

use super::DynamoStore;
use super::items::{optional_number, text};
use super::keys::{Item, agenda_pk, booking_key, epoch_seconds, free_sample_sk, key, n, s, statistics_pk};
use super::sdk_unavailable;
use crate::stored::{corrupt, stored_booking_id, stored_facts};
use crate::{SAMPLES_KEPT, StatisticsStore, StoreResult};

/// Days read at once.
const DAYS_IN_FLIGHT: usize = 8;

impl DynamoStore {
    async fn facts_of_day(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<BookingFacts>> {
        let agenda = self.query_partition(&agenda_pk(office, date), false).await?;
        let keys = agenda
            .iter()
            .map(|item| Ok(booking_key(&stored_booking_id(text(item, "booking")?)?)))
            .collect::<StoreResult<Vec<Item>>>()?;
        let bookings: HashMap<String, Item> = self
            .batch_get(keys, false)
            .await?
            .into_iter()
            .map(|item| Ok((text(&item, "id")?.to_owned(), item)))
            .collect::<StoreResult<_>>()?;
        agenda
            .iter()
            .filter_map(|visit| {
                // A booking item gone with its TTL leaves nothing to count.
                let booking = bookings.get(text(visit, "booking").ok()?)?;
                Some(stored_facts(booking, visit, now))
            })
            .collect()
    }
}

#[async_trait]
impl StatisticsStore for DynamoStore {
    async fn booking_facts(
        &self,
        office: &OfficeId,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<BookingFacts>> {
        let days: Vec<Vec<BookingFacts>> =
            futures::stream::iter(from.iter_days().take_while(|day| *day <= to))
                .map(|date| self.facts_of_day(office, date, now))
                .buffered(DAYS_IN_FLIGHT)
                .try_collect()
                .await?;
        Ok(days.into_iter().flatten().collect())
    }

    async fn record_free_slot_sample(&self, sample: &FreeSlotSample, _now: DateTime<Utc>) -> StoreResult<()> {
        let mut item = key(
            statistics_pk(&sample.office),
            &free_sample_sk(sample.date, sample.hour, &sample.service),
        );
        item.insert("service".into(), s(sample.service.as_str()));
        item.insert("date".into(), s(prenota_core::dates::format_date(sample.date)));
        item.insert("hour".into(), n(i64::from(sample.hour)));
        if let Some(days) = sample.days {
            item.insert("days".into(), n(i64::from(days)));
        }
        let gone = (sample.date + SAMPLES_KEPT).and_time(NaiveTime::MIN).and_utc();
        item.insert("ttl".into(), n(epoch_seconds(gone)));
        self.send(self.put_item(item)).await.map_err(sdk_unavailable)?;
        Ok(())
    }

    async fn free_slot_samples(
        &self,
        office: &OfficeId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<FreeSlotSample>> {
        let query = self
            .query()
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", s(statistics_pk(office)))
            .expression_attribute_values(
                ":from",
                s(format!("FREE#{}", prenota_core::dates::format_date(from))),
            )
            // `~` sorts after every character of an hour and a service id.
            .expression_attribute_values(
                ":to",
                s(format!("FREE#{}#~", prenota_core::dates::format_date(to))),
            );
        self.query_all(query)
            .await?
            .iter()
            .map(|item| {
                let (service, date) = (text(item, "service")?, text(item, "date")?);
                let hour = optional_number(item, "hour")?.unwrap_or(-1);
                Ok(FreeSlotSample {
                    office: office.clone(),
                    service: ServiceId::parse(service).map_err(|_| corrupt("service", service))?,
                    date: parse_date(date).map_err(|_| corrupt("date", date))?,
                    hour: u32::try_from(hour).map_err(|_| corrupt("hour", &hour.to_string()))?,
                    days: optional_number(item, "days")?
                        .map(|days| u32::try_from(days).map_err(|_| corrupt("days", &days.to_string())))
                        .transpose()?,
                })
            })
            .collect()
    }
}
