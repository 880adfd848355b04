//! The catalogue: offices, services, who offers what and when, and the days the offices close.
//!
//! It is read from a TOML file (`infra/catalogue/bergamo.toml`) and checked as a whole: an invalid
//! catalogue is refused with every problem listed by file, item and field, so a city IT engineer
//! fixes them in one go. Stores keep the same raw form as JSON and check it again when reading.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, MonthDay};
use crate::dates::{parse_date, parse_time};
use crate::ids::{OfficeId, ServiceId};

mod check;
mod edit;

pub use edit::{CatalogueEdit, EditTarget, EditableParts};

pub(crate) use check::check_one_closure;

use check::RawCatalogue;

pub const DEFAULT_EARLIEST_WORKING_DAYS: u32 = 1;
pub const DEFAULT_LATEST_DAYS: u32 = 60;
pub const MAX_LATEST_DAYS: u32 = 366;
pub const MAX_TEXT_CHARS: usize = 4000;
pub const MAX_NAME_CHARS: usize = 120;
const SLOT_MINUTES: std::ops::RangeInclusive<u32> = 5..=240;
const DESKS: std::ops::RangeInclusive<u32> = 1..=50;
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::It => "it",
            Self::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "it" => Some(Self::It),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub it: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::It => &self.it,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalizedList {
    pub it: Vec<String>,
    pub en: Vec<String>,
}

impl LocalizedList {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::It => &self.it,
            Lang::En => &self.en,
        }
    }
}

// ---- the checked catalogue ---------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Office {
    pub id: OfficeId,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    /// Notes for citizens with a disability, in both languages; `None`: none given.
    pub accessibility: Option<Localized>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub id: ServiceId,
    pub name: Localized,
    pub summary: Localized,
    pub synonyms: Vec<String>,
    pub terms: Localized,
    pub access_rules: Localized,
    pub what_to_bring: LocalizedList,
    /// Citizens are asked some days before the visit to confirm they will come; without an answer
    /// by the day before, the booking is released (reconfirm-or-release).
    pub reconfirm: bool,
}

/// A range of wall-clock time in a day, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl TimeRange {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (start, end) = raw
            .split_once('-')
            .ok_or_else(|| format!("{raw:?} is not HH:MM-HH:MM"))?;
        let start = parse_time(start.trim()).map_err(|e| format!("{raw:?}: {e}"))?;
        let end = parse_time(end.trim()).map_err(|e| format!("{raw:?}: {e}"))?;
        if start >= end {
            return Err(format!("{raw:?} ends before it starts"));
        }
        Ok(Self { start, end })
    }

    pub fn overlaps(&self, start: NaiveTime, end: NaiveTime) -> bool {
        self.start < end && start < self.end
    }
}

/// Opening hours per weekday, Monday first; several ranges a day, in order, not overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct WeeklyHours([Vec<TimeRange>; 7]);

impl WeeklyHours {
    pub fn on(&self, date: NaiveDate) -> &[TimeRange] {
        &self.0[date.weekday().num_days_from_monday() as usize]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OfferingKey {
    pub office: OfficeId,
    pub service: ServiceId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offering {
    pub key: OfferingKey,
    pub slot_minutes: u32,
    /// Citizens served in the same slot: the slot's capacity at the counter.
    pub desks: u32,
    /// Of those, the seats citizens may book online (`desks_online`, default all); the others
    /// are kept for walk-ins and phone bookings made by staff.
    pub desks_online: u32,
    /// The weekly hours, until the first of `hours_from` applies.
    pub hours: WeeklyHours,
    /// Weekly hours that replace `hours` from a date on (dates in order): a change of hours saved
    /// ahead does not touch the weeks before it.
    pub hours_from: Vec<(NaiveDate, WeeklyHours)>,
    /// 1 = the next working day is the first bookable one; 0 = today, for slots not yet started.
    pub earliest_working_days: u32,
    /// The last bookable day is today + `latest_days`.
    pub latest_days: u32,
}

impl Offering {
    /// The opening hours of `date`: those of the last `hours_from` date on or before it.
    pub fn hours_on(&self, date: NaiveDate) -> &[TimeRange] {
        self.hours_from
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map_or(&self.hours, |(_, hours)| hours)
            .on(date)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Closure {
    /// `None`: every office.
    pub office: Option<OfficeId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `None`: the whole day.
    pub hours: Option<TimeRange>,
    pub reason: String,
}

impl Closure {
    pub fn applies(&self, office: &OfficeId, date: NaiveDate) -> bool {
        self.office.as_ref().is_none_or(|closed| closed == office) && self.from <= date && date <= self.to
    }

    /// Whether the time from `start` to `end` of `date` at `office` is closed: a slot that
    /// overlaps the closed hours is closed.
    pub fn covers(&self, office: &OfficeId, date: NaiveDate, start: NaiveTime, end: NaiveTime) -> bool {
        self.applies(office, date) && self.hours.is_none_or(|hours| hours.overlaps(start, end))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    pub city_name: String,
    pub calendar: Calendar,
    offices: Vec<Office>,
    services: Vec<Service>,
    offerings: Vec<Offering>,
    closures: Vec<Closure>,
    raw: RawCatalogue,
    /// Slots already generated: a catalogue never changes once checked, and every availability
    /// question walks the same days again.
    pub(crate) generated: SlotMemo,
}

/// Generated slots by offering and date. Not part of a catalogue's identity: equal catalogues
/// may have remembered different days, and a clone starts empty.
/// Read-mostly, so behind a read-write lock; keyed by offering first so a lookup borrows the key
/// instead of cloning it.
#[derive(Default)]
pub(crate) struct SlotMemo(pub(crate) std::sync::RwLock<GeneratedDays>);

pub(crate) type GeneratedDays = std::collections::HashMap<
    OfferingKey,
    std::collections::HashMap<NaiveDate, std::sync::Arc<[crate::slot::Slot]>>,
>;

impl Clone for SlotMemo {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for SlotMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for SlotMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SlotMemo(..)")
    }
}

/// One thing wrong in a catalogue: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueIssue {
    pub item: String,
    pub field: String,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CatalogueError {
    pub file: String,
    pub issues: Vec<CatalogueIssue>,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the catalogue is not valid", self.file)?;
        for issue in &self.issues {
            write!(
                f,
                "\n  {}: {}: {}: {}",
                self.file, issue.item, issue.field, issue.problem
            )?;
        }
        Ok(())
    }
}

impl Catalogue {
    /// Reads a catalogue file's text; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, CatalogueError> {
        let raw: RawCatalogue = toml::from_str(text).map_err(|error| CatalogueError {
            file: file.to_owned(),
            issues: vec![CatalogueIssue {
                item: "file".into(),
                field: error
                    .span()
                    .map(|span| format!("line {}", line_of(text, span.start)))
                    .unwrap_or_default(),
                problem: error.message().to_owned(),
            }],
        })?;
        Self::check(file, raw)
    }

    /// Reads the JSON form that stores keep (see [`Catalogue::to_json`]).
    pub fn from_json(source: &str, json: &str) -> Result<Self, CatalogueError> {
        let raw: RawCatalogue = serde_json::from_str(json).map_err(|error| CatalogueError {
            file: source.to_owned(),
            issues: vec![CatalogueIssue {
                item: "file".into(),
                field: String::new(),
                problem: error.to_string(),
            }],
        })?;
        Self::check(source, raw)
    }

    /// The catalogue file (TOML) of this catalogue with `extra` closures, each with its reason in
    /// both languages: what `prenota catalogue export` writes, so that the file stays the import
    /// and export format of what staff changed.
    pub fn to_toml_with<'a>(&self, extra: impl IntoIterator<Item = (&'a Closure, &'a Localized)>) -> String {
        toml::to_string(&self.raw.with_closures(extra)).expect("the raw catalogue is plain data")
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.raw).expect("the raw catalogue is plain data")
    }

    fn check(file: &str, raw: RawCatalogue) -> Result<Self, CatalogueError> {
        check::check(file, raw)
    }

    pub fn offices(&self) -> &[Office] {
        &self.offices
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn offerings(&self) -> &[Offering] {
        &self.offerings
    }

    pub fn closures(&self) -> &[Closure] {
        &self.closures
    }

    /// This catalogue with staff's closures too (see [`crate::closure`]): their slots are no
    /// longer generated.
    pub fn with_closures<'a>(&self, extra: impl IntoIterator<Item = &'a Closure>) -> Self {
        let mut catalogue = self.clone();
        catalogue.closures.extend(extra.into_iter().cloned());
        catalogue
    }

    pub fn office(&self, id: &OfficeId) -> Option<&Office> {
        self.offices.iter().find(|office| &office.id == id)
    }

    pub fn service(&self, id: &ServiceId) -> Option<&Service> {
        self.services.iter().find(|service| &service.id == id)
    }

    pub fn offering(&self, key: &OfferingKey) -> Option<&Offering> {
        self.offerings.iter().find(|offering| &offering.key == key)
    }

    pub fn offerings_of(&self, service: &ServiceId) -> impl Iterator<Item = &Offering> {
        self.offerings
            .iter()
            .filter(move |offering| &offering.key.service == service)
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |before| before.matches('\n').count()) + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestCatalogue, TestClosure, TestOffering, TestOffice, TestService};

    /// One office offering one service, with every text of a service filled in, so a round trip
    /// carries each field; the checks' tests break its text with string replacements.
    fn small() -> TestCatalogue {
        TestCatalogue::new()
            .offices([TestOffice::new("ufficio-1")])
            .service(
                TestService::new("cie")
                    .named("Carta d'identità elettronica (CIE)", "Electronic identity card")
                    .summary("Rilascio della CIE", "Issue of the CIE")
                    .synonyms(["carta d'identità", "documento"])
                    .terms("Una persona", "One person")
                    .access_rules("Mostrare il QR", "Show the QR")
                    .what_to_bring(["Foto"], ["Photo"]),
            )
            .offering(
                TestOffering::new("ufficio-1", "cie")
                    .slot_minutes(30)
                    .desks(2)
                    .hours("mon", ["08:30-12:30", "14:00-16:00"]),
            )
    }

    #[test]
    fn reads_a_valid_catalogue_and_round_trips_through_json() {
        let catalogue = small().build();
        assert_eq!(catalogue.offerings().len(), 1);
        assert_eq!(catalogue.offerings()[0].latest_days, DEFAULT_LATEST_DAYS);
        let again = Catalogue::from_json("store", &catalogue.to_json()).unwrap();
        assert_eq!(again, catalogue);
    }

    #[test]
    fn names_file_item_and_field_of_each_problem() {
        let broken = small()
            .to_toml()
            .replace("slot_minutes = 30", "slot_minutes = 3")
            .replace("lat = 45.69", "lat = 145.69")
            .replace("\"14:00-16:00\"", "\"12:00-16:00\"")
            .replace("en = \"One person\"", "en = \" \"");
        let error = Catalogue::from_toml("bergamo.toml", &broken).unwrap_err();
        let text = error.to_string();
        assert_eq!(error.file, "bergamo.toml");
        assert!(text.contains("office #1 (ufficio-1): lat"), "{text}");
        assert!(
            text.contains("offering #1 (ufficio-1 × cie): slot_minutes"),
            "{text}"
        );
        assert!(
            text.contains("offering #1 (ufficio-1 × cie): hours.mon: \"12:00-16:00\" overlaps"),
            "{text}"
        );
        assert!(text.contains("service #1 (cie): terms.en: is empty"), "{text}");
    }

    #[test]
    fn refuses_unknown_references_and_fields() {
        let broken = small()
            .to_toml()
            .replace("service = \"cie\"", "service = \"spid\"");
        let text = Catalogue::from_toml("x.toml", &broken).unwrap_err().to_string();
        assert!(text.contains("\"spid\" is not a service"), "{text}");
        assert!(text.contains("no office offers this service"), "{text}");

        let unknown = small().to_toml().replace("desks = 2", "desks = 2\nseats = 4");
        let error = Catalogue::from_toml("x.toml", &unknown).unwrap_err();
        assert!(error.to_string().contains("unknown field `seats`"), "{error}");
        assert!(error.issues[0].field.starts_with("line "), "{error:?}");
    }

    #[test]
    fn closures_are_checked() {
        let with_closure = small()
            .closure(
                TestClosure::on("2026-12-24")
                    .office("ufficio-9")
                    .until("2026-12-23")
                    .hours("18:00-12:00"),
            )
            .to_toml();
        let text = Catalogue::from_toml("x.toml", &with_closure)
            .unwrap_err()
            .to_string();
        assert!(text.contains("closure #1 (2026-12-24): office"), "{text}");
        assert!(
            text.contains("closure #1 (2026-12-24): to: is before from"),
            "{text}"
        );
        assert!(text.contains("closure #1 (2026-12-24): hours"), "{text}");
    }
}
