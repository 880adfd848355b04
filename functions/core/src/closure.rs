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

/// One slot a closure covers, and the seats it has: every desk, online or not. A change of the
/// catalogue that leaves a slot fewer desks closes only the seats from `first_seat` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedSlot {
    pub offering: OfferingKey,
    pub slot: Slot,
    pub desks: u32,
    /// The seats below stay open (0 for a closure: every seat closes). The bookings on the slot
    /// beyond this many are displaced, the latest made first.
    pub first_seat: u32,
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
        // A closure of one day has no `to`: its day is `from`.
        let last_day = if form.to.is_some() { "to" } else { "from" };
        if let Ok(checked) = &closure {
            if checked.to < today {
                issues.push(issue(item, last_day, "is in the past"));
            }
            if (checked.to - today).num_days() > MAX_DAYS_AHEAD {
                issues.push(issue(
                    item,
                    last_day,
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
        // The offerings of the closed office (offices): no slot of another is generated.
        let closed_offerings = self.offerings().iter().filter(|offering| {
            closure
                .office
                .as_ref()
                .is_none_or(|office| office == &offering.key.office)
        });
        for offering in closed_offerings {
            let mut date = closure.from;
            while date <= last {
                for slot in self.slots_on(offering, date).iter() {
                    if closure.covers(&offering.key.office, date, slot.start, slot.end) && slot.ends_at > now
                    {
                        closed.push(ClosedSlot {
                            offering: offering.key.clone(),
                            slot: slot.clone(),
                            desks: offering.desks,
                            first_seat: 0,
                        });
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::testing::TestCatalogue;

    fn catalogue() -> Catalogue {
        TestCatalogue::store_invariants().build()
    }

    /// Thursday 26 November 2026, 10:00 in Rome.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
    }

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn strike() -> ClosureForm<'static> {
        ClosureForm {
            office: Some("u1"),
            from: "2026-11-30",
            to: None,
            hours: Some("09:00-10:00"),
            reason_it: "Sciopero",
            reason_en: "Strike",
        }
    }

    #[test]
    fn a_closure_is_checked_by_the_catalogues_rules() {
        let today = monday() - chrono::Duration::days(4);
        let checked = StaffClosure::check(&catalogue(), &strike(), today).unwrap();
        assert_eq!((checked.closure.from, checked.closure.to), (monday(), monday()));
        assert_eq!(checked.reason.en, "Strike");
        for (form, field) in [
            (
                ClosureForm {
                    office: Some("u9"),
                    ..strike()
                },
                "office",
            ),
            (
                ClosureForm {
                    to: Some("2026-11-29"),
                    ..strike()
                },
                "to",
            ),
            (
                ClosureForm {
                    hours: Some("10-9"),
                    ..strike()
                },
                "hours",
            ),
            (
                ClosureForm {
                    reason_it: "",
                    ..strike()
                },
                "reason",
            ),
            (
                ClosureForm {
                    reason_en: " ",
                    ..strike()
                },
                "reason.en",
            ),
        ] {
            let issues = StaffClosure::check(&catalogue(), &form, today).unwrap_err();
            assert_eq!(issues[0].field, field, "{form:?}: {issues:?}");
            assert!(issues.iter().all(|issue| issue.item == "closure"));
        }
        let past =
            StaffClosure::check(&catalogue(), &strike(), monday() + chrono::Duration::days(1)).unwrap_err();
        assert_eq!(
            (past[0].field.as_str(), past[0].problem.as_str()),
            ("from", "is in the past")
        );
        let days = ClosureForm {
            to: Some("2026-11-30"),
            ..strike()
        };
        let past =
            StaffClosure::check(&catalogue(), &days, monday() + chrono::Duration::days(1)).unwrap_err();
        assert_eq!(past[0].field, "to");
    }

    #[test]
    fn a_closure_takes_every_desk_of_the_slots_it_overlaps() {
        let catalogue = catalogue();
        let checked = StaffClosure::check(
            &catalogue,
            &ClosureForm {
                hours: Some("09:10-10:00"),
                ..strike()
            },
            monday(),
        )
        .unwrap();
        let slots = catalogue.slots_closed_by(&checked.closure, monday(), now());
        // 09:00 overlaps 09:10-10:00 too: four slots of each service.
        assert_eq!(slots.len(), 8);
        let desks: u32 = slots.iter().map(|slot| slot.desks).sum();
        assert_eq!(desks, 4 * 3 + 4);
        assert_ne!(slots[0].seat_hold("a", 0), slots[0].seat_hold("a", 1));
        assert_ne!(slots[0].seat_hold("a", 0), slots[0].seat_hold("b", 0));
        // Nothing past `until`, nothing already over.
        assert!(
            catalogue
                .slots_closed_by(&checked.closure, monday() - chrono::Duration::days(1), now())
                .is_empty()
        );
        let later = Utc.with_ymd_and_hms(2026, 11, 30, 8, 40, 0).unwrap();
        assert_eq!(
            catalogue.slots_closed_by(&checked.closure, monday(), later).len(),
            2 * 2
        );

        let closed = catalogue.with_closures([&checked.closure]);
        let offering = closed.offerings()[0].clone();
        let starts: Vec<String> = closed
            .slots_on(&offering, monday())
            .iter()
            .map(|slot| slot.start.format("%H:%M").to_string())
            .collect();
        assert_eq!(starts.first().map(String::as_str), Some("10:00"), "{starts:?}");
    }

    #[test]
    fn the_catalogue_file_is_exported_with_staff_closures() {
        let catalogue = catalogue();
        let checked = StaffClosure::check(&catalogue, &strike(), monday()).unwrap();
        let text = catalogue.to_toml_with([(&checked.closure, &checked.reason)]);
        assert!(text.contains("reason_en = \"Strike\""), "{text}");
        let back = Catalogue::from_toml("export.toml", &text).unwrap();
        assert_eq!(back.closures(), std::slice::from_ref(&checked.closure));
        assert_eq!(back.offerings(), catalogue.offerings());
        assert_eq!(back.to_toml_with([]), text, "exported again, the same file");
    }
}
