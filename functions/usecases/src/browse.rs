//! The first three steps of the wizard, which read and change nothing: find a service ("Scegli
//! servizio"), the offices that offer it with their first free slot ("Scegli sede", "Primo slot
//! disponibile"), and the free slots of a day ("Scegli orario").

use chrono::NaiveDate;
use prenota_core::catalogue::{Offering, Office, Service};
use prenota_core::geo::Position;
use prenota_core::household::plan_seats_among;
use prenota_core::slots::FreeSlot;
use prenota_core::{Catalogue, OfferingKey, OfficeId, ServiceId};
use prenota_store::{Availability, SeatStore};

use crate::{Context, Failure};

/// What the catalogue does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotInCatalogue {
    #[error("no such service")]
    Service,
    #[error("no such office")]
    Office,
    #[error("this office does not offer this service")]
    NotOffered,
}

#[derive(Debug, thiserror::Error)]
pub enum BrowseError {
    #[error(transparent)]
    NotInCatalogue(#[from] NotInCatalogue),
    /// A day before the booking window opens or after it closes.
    #[error("this date cannot be booked now")]
    OutsideWindow,
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<prenota_store::StoreError> for BrowseError {
    fn from(error: prenota_store::StoreError) -> Self {
        Self::Failed(error.into())
    }
}

pub fn service<'a>(catalogue: &'a Catalogue, id: &ServiceId) -> Result<&'a Service, NotInCatalogue> {
    catalogue.service(id).ok_or(NotInCatalogue::Service)
}

/// The offering of `service` at `office`, each looked up in that order.
pub fn offering<'a>(
    catalogue: &'a Catalogue,
    service: &ServiceId,
    office: &OfficeId,
) -> Result<&'a Offering, NotInCatalogue> {
    let service = self::service(catalogue, service)?;
    let office = catalogue.office(office).ok_or(NotInCatalogue::Office)?;
    catalogue
        .offering(&OfferingKey {
            office: office.id.clone(),
            service: service.id.clone(),
        })
        .ok_or(NotInCatalogue::NotOffered)
}

/// A service as the list shows it.
pub struct ServiceSummary<'a> {
    pub service: &'a Service,
    /// Its shortest slot among the offices.
    pub duration_minutes: Option<u32>,
}

pub fn summary<'a>(catalogue: &'a Catalogue, service: &'a Service) -> ServiceSummary<'a> {
    ServiceSummary {
        service,
        duration_minutes: catalogue.offerings_of(&service.id).map(|o| o.slot_minutes).min(),
    }
}

/// The services whose names, synonyms or summaries match `query` (all of them for an empty one).
pub fn search<'a>(catalogue: &'a Catalogue, query: &str) -> Vec<ServiceSummary<'a>> {
    prenota_core::search::search(catalogue, query)
        .into_iter()
        .map(|service| summary(catalogue, service))
        .collect()
}

/// An office that offers the service, as "Scegli sede" shows it.
pub struct OfficeChoice<'a> {
    pub office: &'a Office,
    pub first_slot: Option<FreeSlot>,
    /// From the citizen's position, when given.
    pub distance_m: Option<u32>,
}

/// The offices of `catalogue` (the context's, held by the caller) that offer `service`: by first
/// free slot (none last), then by distance (unknown last), then by name.
pub async fn offices<'a>(
    context: &Context,
    catalogue: &'a Catalogue,
    seats: &dyn SeatStore,
    service: &'a Service,
    here: Option<Position>,
) -> Result<Vec<OfficeChoice<'a>>, BrowseError> {
    let now = context.clock.now();
    let today = prenota_core::calendar::local(now).date();
    let mut choices = Vec::new();
    for offering in catalogue.offerings_of(&service.id) {
        let Some(office) = catalogue.office(&offering.key.office) else {
            continue;
        };
        let first_slot = seats.first_free_slot(catalogue, offering, today, now).await?;
        let distance_m = here.and_then(|here| {
            Position::new(office.lat, office.lon)
                .ok()
                .map(|there| here.distance_m(&there))
        });
        choices.push(OfficeChoice {
            office,
            first_slot,
            distance_m,
        });
    }
    choices.sort_by(|a, b| {
        let slot_key = |choice: &OfficeChoice<'_>| choice.first_slot.as_ref().map(|f| f.slot.starts_at);
        match (slot_key(a), slot_key(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(
            a.distance_m
                .unwrap_or(u32::MAX)
                .cmp(&b.distance_m.unwrap_or(u32::MAX)),
        )
        .then(a.office.name.cmp(&b.office.name))
    });
    Ok(choices)
}

/// One day of an offering as "Scegli orario" shows it.
pub struct Day {
    /// The day asked for, else the first with a free slot; `None` when nothing is free.
    pub date: Option<NaiveDate>,
    /// Its free slots, in time order.
    pub free: Vec<FreeSlot>,
    /// Every day of the booking window with a free slot.
    pub days: Vec<NaiveDate>,
}

impl Day {
    /// The day for a household of `people`: only the slots from which all of them can be seated
    /// ([`prenota_core::household`]'s rule). The days stay those with any free slot: telling
    /// which days fit a household would read every day of the window.
    pub fn for_people(self, people: u32) -> Self {
        if people <= 1 {
            return self;
        }
        let fits: Vec<FreeSlot> = self
            .free
            .iter()
            .filter(|free| plan_seats_among(&self.free, free.slot.start, people).is_some())
            .cloned()
            .collect();
        Self { free: fits, ..self }
    }
}

/// The free slots of `date` (else of the first day with one) and the days with free slots.
pub async fn day(
    context: &Context,
    seats: &dyn SeatStore,
    offering: &Offering,
    date: Option<NaiveDate>,
) -> Result<Day, BrowseError> {
    let catalogue = &context.catalogue();
    let now = context.clock.now();
    let (first, last) = catalogue.booking_window(offering, now);
    let days = seats
        .days_with_free_slots(catalogue, offering, first, now)
        .await?;
    if date.is_some_and(|date| date < first || date > last) {
        return Err(BrowseError::OutsideWindow);
    }
    let date = date.or_else(|| days.first().copied());
    let free = match date {
        Some(date) => seats.day_availability(catalogue, offering, date, now).await?,
        None => Vec::new(),
    };
    Ok(Day { date, free, days })
}
