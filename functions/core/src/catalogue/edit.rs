//! Changes staff make to the catalogue in the browser ("Uffici e orari"): one office, one service
//! or one offering at a time, in the catalogue file's own shape, checked with the whole catalogue
//! by the rules the file is checked by. Each change answers its inverse, so that it can be undone,
//! and the seats it takes from booked citizens (fewer hours, fewer desks, a longer slot).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::check::{RawOffering, RawOffice, RawService};
use super::*;
use crate::closure::ClosedSlot;

/// One change to the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CatalogueEdit {
    /// An office's name, address, position and accessibility notes; its id names it.
    Office(RawOffice),
    /// A service's texts in both languages, terms, access rules, what to bring; its id names it.
    Service(RawService),
    /// An offering added or changed: slot length, desks, desks kept from online booking, booking
    /// window, weekly hours and the hours that apply from a date. Office and service name it.
    Offering(RawOffering),
    /// An offering no longer offered.
    RemoveOffering { office: String, service: String },
}

/// What a change is about, for lists and the audit: `("office", "ufficio-1")`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditTarget {
    pub kind: &'static str,
    pub office: Option<String>,
    pub service: Option<String>,
}

impl CatalogueEdit {
    /// A change as the browser sends it (`{"office": {…}}`…); what is wrong named like the file's
    /// problems.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, Vec<CatalogueIssue>> {
        serde_json::from_value(value.clone()).map_err(|error| {
            vec![CatalogueIssue {
                item: "change".into(),
                field: String::new(),
                problem: error.to_string(),
            }]
        })
    }

    pub fn target(&self) -> EditTarget {
        let (kind, office, service) = match self {
            Self::Office(office) => ("office", Some(office.id.clone()), None),
            Self::Service(service) => ("service", None, Some(service.id.clone())),
            Self::Offering(offering) => (
                "offering",
                Some(offering.office.clone()),
                Some(offering.service.clone()),
            ),
            Self::RemoveOffering { office, service } => {
                ("remove-offering", Some(office.clone()), Some(service.clone()))
            }
        };
        EditTarget {
            kind,
            office,
            service,
        }
    }

    /// The offices a change touches in `catalogue`: whoever makes it must manage each. A
    /// service's texts are every office's that offers it. Ids that are no office's are left out
    /// (the change is then refused by the rules, or needs an administrator).
    pub fn offices(&self, catalogue: &Catalogue) -> Vec<OfficeId> {
        match self {
            Self::Service(service) => ServiceId::parse(&service.id)
                .map(|id| {
                    catalogue
                        .offerings_of(&id)
                        .map(|offering| offering.key.office.clone())
                        .collect()
                })
                .unwrap_or_default(),
            _ => self
                .target()
                .office
                .and_then(|office| OfficeId::parse(&office).ok())
                .filter(|office| catalogue.office(office).is_some())
                .into_iter()
                .collect(),
        }
    }
}

/// The parts of a catalogue staff edit, each in the shape a change sends back.
#[derive(Debug, Clone, Default)]
pub struct EditableParts {
    pub offices: Vec<(OfficeId, serde_json::Value)>,
    pub services: Vec<(ServiceId, serde_json::Value)>,
    pub offerings: Vec<(OfferingKey, serde_json::Value)>,
}

impl Catalogue {
    /// Offices, services and offerings as the file has them (the raw form a change replaces),
    /// each with its id. The catalogue was checked: every id parses.
    pub fn editable_parts(&self) -> EditableParts {
        fn as_json(raw: &impl Serialize) -> serde_json::Value {
            serde_json::to_value(raw).expect("the raw catalogue is plain data")
        }
        EditableParts {
            offices: (self.raw.offices.iter())
                .filter_map(|raw| Some((OfficeId::parse(&raw.id).ok()?, as_json(raw))))
                .collect(),
            services: (self.raw.services.iter())
                .filter_map(|raw| Some((ServiceId::parse(&raw.id).ok()?, as_json(raw))))
                .collect(),
            offerings: (self.raw.offerings.iter())
                .filter_map(|raw| {
                    let key = OfferingKey {
                        office: OfficeId::parse(&raw.office).ok()?,
                        service: ServiceId::parse(&raw.service).ok()?,
                    };
                    Some((key, as_json(raw)))
                })
                .collect(),
        }
    }
}

fn not_found(kind: &str, id: &str) -> Vec<CatalogueIssue> {
    vec![CatalogueIssue {
        item: "change".into(),
        field: "id".into(),
        problem: format!("{id:?} is not {kind} of this catalogue"),
    }]
}

/// Puts `new` in place of the item `is_it` picks, giving back the one it replaced.
fn replace_known<T: Clone>(items: &mut [T], is_it: impl Fn(&T) -> bool, new: &T) -> Option<T> {
    let found = items.iter_mut().find(|known| is_it(known))?;
    Some(std::mem::replace(found, new.clone()))
}

impl Catalogue {
    /// This catalogue with `edit` made, checked as a whole, and the change that undoes it.
    pub fn edited(&self, edit: &CatalogueEdit) -> Result<(Catalogue, CatalogueEdit), Vec<CatalogueIssue>> {
        let mut raw = self.raw.clone();
        let inverse = match edit {
            CatalogueEdit::Office(office) => CatalogueEdit::Office(
                replace_known(&mut raw.offices, |known| known.id == office.id, office)
                    .ok_or_else(|| not_found("an office", &office.id))?,
            ),
            CatalogueEdit::Service(service) => CatalogueEdit::Service(
                replace_known(&mut raw.services, |known| known.id == service.id, service)
                    .ok_or_else(|| not_found("a service", &service.id))?,
            ),
            CatalogueEdit::Offering(offering) => {
                let same = |known: &&mut RawOffering| {
                    known.office == offering.office && known.service == offering.service
                };
                match raw.offerings.iter_mut().find(same) {
                    Some(found) => CatalogueEdit::Offering(std::mem::replace(found, offering.clone())),
                    None => {
                        raw.offerings.push(offering.clone());
                        CatalogueEdit::RemoveOffering {
                            office: offering.office.clone(),
                            service: offering.service.clone(),
                        }
                    }
                }
            }
            CatalogueEdit::RemoveOffering { office, service } => {
                let index = raw
                    .offerings
                    .iter()
                    .position(|known| &known.office == office && &known.service == service)
                    .ok_or_else(|| not_found("an offering", &format!("{office} × {service}")))?;
                CatalogueEdit::Offering(raw.offerings.remove(index))
            }
        };
        let catalogue = check::check("change", raw).map_err(|error| error.issues)?;
        Ok((catalogue, inverse))
    }

    /// The seats of this catalogue that `new` no longer offers, on slots not ended at `now` up to
    /// the last bookable day: every seat of a slot `new` does not have (hours cut, slot length
    /// changed, offering removed), the seats beyond `new`'s desks of one it has with fewer. What
    /// a change must take from booked citizens before it is saved.
    pub fn seats_lost_to(&self, new: &Catalogue, now: DateTime<Utc>) -> Vec<ClosedSlot> {
        let today = crate::calendar::local(now).date();
        let last = self.last_bookable_day(now);
        let mut lost = Vec::new();
        for offering in &self.offerings {
            let kept = new.offering(&offering.key);
            if kept == Some(offering) {
                continue;
            }
            let mut date = today;
            while date <= last {
                let now_offered = kept.map(|kept| new.slots_on(kept, date)).unwrap_or_default();
                for slot in self.slots_on(offering, date) {
                    if slot.ends_at <= now {
                        continue;
                    }
                    let same = now_offered
                        .iter()
                        .any(|offered| offered.start == slot.start && offered.end == slot.end);
                    let first_seat = match kept {
                        Some(kept) if same && kept.desks < offering.desks => kept.desks,
                        Some(_) if same => continue,
                        _ => 0,
                    };
                    lost.push(ClosedSlot {
                        offering: offering.key.clone(),
                        slot,
                        desks: offering.desks,
                        first_seat,
                    });
                }
                date = date
                    .succ_opt()
                    .expect("bookable days are far from the end of time");
            }
        }
        lost
    }
}

#[cfg(test)]
mod tests;
