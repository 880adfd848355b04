//! Closures saved by staff in the browser ("Chiusure"): what one is, how it is checked (by the
//! catalogue file's own rules for `[[closures]]`), which seats it takes, and the catalogue with it.
//!
//! A closure takes every seat of the slots it covers — free ones, and those of the bookings it
//! displaces — so no hold can land on a closed counter whatever catalogue a racing request read.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::catalogue::{Catalogue, CatalogueIssue, Closure, Localized, MAX_NAME_CHARS, OfferingKey};
use crate::slot::Slot;
use crate::token::TokenHash;

/// How far ahead a closure may be saved: a year, like the longest booking window.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// A closure as staff save it: the catalogue's closure, with the reason citizens read in each
/// language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffClosure {
    pub closure: Closure,
    pub reason: Localized,
}

/// One slot a closure covers, and the seats it has: every desk, online or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedSlot {
    pub offering: OfferingKey,
    pub slot: Slot,
    pub desks: u32,
}

impl ClosedSlot {
    /// The hold a closure puts on seat `seat` of this slot: derived from the closure's id, so a
    /// closure saved again (a retry) takes the same seats and no more.
    pub fn seat_hold(&self, closure_id: &str, seat: u32) -> TokenHash {
        TokenHash::of(
            format!(
                "closure\0{closure_id}\0{}\0{}\0{}\0{}\0{seat}",
                self.offering.office, self.offering.service, self.slot.date, self.slot.start
            )
            .as_bytes(),
        )
    }
}

/// What a manager typed, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct ClosureForm<'a> {
    /// `None`: every office (an administrator's closure).
    pub office: Option<&'a str>,
    pub from: &'a str,
    pub to: Option<&'a str>,
    /// `HH:MM-HH:MM`; `None`: the whole day.
    pub hours: Option<&'a str>,
    pub reason_it: &'a str,
    pub reason_en: &'a str,
}

impl StaffClosure {
    /// Checks a closure against `catalogue` as the catalogue file's closures are checked, and
    /// refuses a closure wholly in the past or more than [`MAX_DAYS_AHEAD`] ahead.
    pub fn check(
        catalogue: &Catalogue,
        form: &ClosureForm<'_>,
        today: NaiveDate,
    ) -> Result<Self, Vec<CatalogueIssue>> {
        let mut closure = crate::catalogue::check_one_closure(
            catalogue,
            form.office,
            form.from,
            form.to,
            form.hours,
            form.reason_it,
        );
        let item = "closure";
        let mut issues = Vec::new();
        let reason_en = form.reason_en.trim();
        if reason_en.is_empty() {
            issues.push(issue(item, "reason.en", "is empty"));
        } else if reason_en.chars().count() > MAX_NAME_CHARS * 2 {
            issues.push(issue(
                item,
                "reason.en",
                format!("is longer than {} characters", MAX_NAME_CHARS * 2),
            ));
        }
        if let Ok(checked) = &closure {
            if checked.to < today {
                issues.push(issue(item, "to", "is in the past"));
            }
            if (checked.to - today).num_days() > MAX_DAYS_AHEAD {
                issues.push(issue(
                    item,
                    "to",
                    format!("is more than {MAX_DAYS_AHEAD} days ahead"),
                ));
            }
        }
        if let Err(found) = &mut closure {
            found.iter_mut().for_each(|found| found.item = item.into());
            issues.splice(0..0, found.drain(..));
        }
        match closure {
            Ok(closure) if issues.is_empty() => Ok(Self {
                reason: Localized {
                    it: closure.reason.clone(),
                    en: reason_en.to_owned(),
                },
                closure,
            }),
            _ => Err(issues),
        }
    }
}

fn issue(item: &str, field: &str, problem: impl Into<String>) -> CatalogueIssue {
    CatalogueIssue {
        item: item.into(),
        field: field.into(),
        problem: problem.into(),
    }
}

impl Catalogue {
    /// The slots of this catalogue (without `closure`) that `closure` covers and that have not
    /// ended at `now`, on days up to `until`: the seats a closure must take. Whole days and ranges
    /// follow the catalogue's own rule (a slot overlapping the closed hours is closed).
    pub fn slots_closed_by(
        &self,
        closure: &Closure,
        until: NaiveDate,
        now: DateTime<Utc>,
    ) -> Vec<ClosedSlot> {
        let mut closed = Vec::new();
        let last = closure.to.min(until);
        for offering in self.offerings() {
            let mut date = closure.from;
            while date <= last {
                if closure.applies(&offering.key.office, date) {
                    for slot in self.slots_on(offering, date).iter() {
                        let covered = closure
                            .hours
                            .is_none_or(|hours| hours.overlaps(slot.start, slot.end));
                        if covered && slot.ends_at > now {
                            closed.push(ClosedSlot {
                                offering: offering.key.clone(),
                                slot: slot.clone(),
                                desks: offering.desks,
                            });
                        }
                    }
                }
                date = date
                    .succ_opt()
                    .expect("dates of a checked closure are far from the end of time");
            }
        }
        closed
    }

    /// The last day any offering may be booked at `now`, plus one: a request that read the
    /// catalogue just before midnight may still hold a seat on the day the window opens next.
    pub fn last_bookable_day(&self, now: DateTime<Utc>) -> NaiveDate {
        self.offerings()
            .iter()
            .map(|offering| self.booking_window(offering, now).1)
            .max()
            .map_or(crate::calendar::local(now).date(), |day| {
                day.succ_opt().unwrap_or(day)
            })
    }
}
