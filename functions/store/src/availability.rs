//! Availability for the wizard, the same on every store: the domain generates the slots, the store
//! counts taken seats, and only days that have slots are asked about.

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use prenota_core::slots::{FreeSlot, free_slots};
use prenota_core::{Catalogue, Offering};

use crate::{SeatStore, StoreResult};

#[async_trait]
pub trait Availability: SeatStore {
    /// The free slots of one day, in time order.
    async fn day_availability(
        &self,
        catalogue: &Catalogue,
        offering: &Offering,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<FreeSlot>> {
        let slots = catalogue.bookable_slots(offering, date, now);
        if slots.is_empty() {
            return Ok(Vec::new());
        }
        let taken = self.taken_seats(&offering.key, &[date], now).await?;
        Ok(free_slots(
            slots,
            &taken.get(&date).cloned().unwrap_or_default(),
            offering.desks_online,
        ))
    }

    /// The earliest free slot from `from` to the end of the booking window.
    async fn first_free_slot(
        &self,
        catalogue: &Catalogue,
        offering: &Offering,
        from: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<FreeSlot>> {
        let mut found = None;
        self.scan_days(catalogue, offering, from, now, &mut |free| {
            found = free.into_iter().next();
            found.is_none()
        })
        .await?;
        Ok(found)
    }

    /// Every day from `from` to the end of the window with at least one free slot. Asks the
    /// store about all the window's days with slots at once (one SQLite query; parallel DynamoDB
    /// Queries) and builds no slot list.
    async fn days_with_free_slots(
        &self,
        catalogue: &Catalogue,
        offering: &Offering,
        from: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<NaiveDate>> {
        let window = catalogue.booking_window(offering, now);
        let mut dates = Vec::new();
        let mut day = from.max(window.0);
        while day <= window.1 {
            if catalogue.has_free_slot(offering, window, day, now, None) {
                dates.push(day);
            }
            day += Duration::days(1);
        }
        if dates.is_empty() {
            return Ok(dates);
        }
        let taken = self.taken_seats(&offering.key, &dates, now).await?;
        dates.retain(|date| {
            let seats = taken.get(date).map(|seats| &**seats);
            catalogue.has_free_slot(offering, window, *date, now, seats)
        });
        Ok(dates)
    }

    /// Walks the bookable days in order, as many at a time as the store likes to be asked about
    /// ([`SeatStore::days_per_query`]), handing each day's free slots to `visit` until it returns
    /// false.
    async fn scan_days(
        &self,
        catalogue: &Catalogue,
        offering: &Offering,
        from: NaiveDate,
        now: DateTime<Utc>,
        visit: &mut (dyn FnMut(Vec<FreeSlot>) -> bool + Send),
    ) -> StoreResult<()> {
        let window = catalogue.booking_window(offering, now);
        let (first, last) = window;
        let mut day = from.max(first);
        let mut pending: Vec<(NaiveDate, Vec<prenota_core::Slot>)> = Vec::new();
        while day <= last || !pending.is_empty() {
            if day <= last {
                let slots = catalogue.bookable_slots_within(offering, window, day, now);
                if !slots.is_empty() {
                    pending.push((day, slots));
                }
                day += Duration::days(1);
                if pending.len() < self.days_per_query() && day <= last {
                    continue;
                }
            }
            let dates: Vec<NaiveDate> = pending.iter().map(|(date, _)| *date).collect();
            let taken = if dates.is_empty() {
                Default::default()
            } else {
                self.taken_seats(&offering.key, &dates, now).await?
            };
            for (date, slots) in pending.drain(..) {
                let free = free_slots(
                    slots,
                    &taken.get(&date).cloned().unwrap_or_default(),
                    offering.desks_online,
                );
                if !free.is_empty() && !visit(free) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

impl<T: SeatStore + ?Sized> Availability for T {}
