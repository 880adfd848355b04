//! The catalogue: offices, services, who offers what and when, and the days the offices close.
//!
//! It is read from a TOML file (`infra/catalogue/bergamo.toml`) and checked as a whole: an invalid
//! catalogue is refused with every problem listed by file, item and field, so a city IT engineer
//! fixes them in one go. Stores keep the same raw form as JSON and check it again when reading.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, MonthDay};
use crate::dates::{parse_date, parse_time};
use crate::ids::{OfficeId, ServiceId};

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

// ---- the file's shape ------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    city: RawCity,
    offices: Vec<RawOffice>,
    services: Vec<RawService>,
    offerings: Vec<RawOffering>,
    #[serde(default)]
    closures: Vec<RawClosure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCity {
    name: String,
    #[serde(default)]
    patron_day: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    id: String,
    name: String,
    address: String,
    lat: f64,
    lon: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: String,
    name: Localized,
    summary: Localized,
    #[serde(default)]
    synonyms: Vec<String>,
    terms: Localized,
    access_rules: Localized,
    what_to_bring: LocalizedList,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffering {
    office: String,
    service: String,
    slot_minutes: u32,
    desks: u32,
    #[serde(default)]
    earliest_working_days: Option<u32>,
    #[serde(default)]
    latest_days: Option<u32>,
    hours: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClosure {
    #[serde(default)]
    office: Option<String>,
    from: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    hours: Option<String>,
    reason: String,
}

// ---- the checked catalogue ---------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Office {
    pub id: OfficeId,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
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
    /// Citizens served in the same slot: the slot's capacity.
    pub desks: u32,
    pub hours: WeeklyHours,
    /// 1 = the next working day is the first bookable one; 0 = today, for slots not yet started.
    pub earliest_working_days: u32,
    /// The last bookable day is today + `latest_days`.
    pub latest_days: u32,
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
    std::collections::HashMap<NaiveDate, std::sync::Arc<[crate::slots::Slot]>>,
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

struct Issues(Vec<CatalogueIssue>);

impl Issues {
    fn add(&mut self, item: impl Into<String>, field: impl Into<String>, problem: impl Into<String>) {
        self.0.push(CatalogueIssue {
            item: item.into(),
            field: field.into(),
            problem: problem.into(),
        });
    }

    fn text(&mut self, item: &str, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(item, field, "is empty");
        } else if value.chars().count() > max {
            self.add(item, field, format!("is longer than {max} characters"));
        }
    }

    fn localized(&mut self, item: &str, field: &str, value: &Localized, max: usize) {
        self.text(item, &format!("{field}.it"), &value.it, max);
        self.text(item, &format!("{field}.en"), &value.en, max);
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

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.raw).expect("the raw catalogue is plain data")
    }

    fn check(file: &str, raw: RawCatalogue) -> Result<Self, CatalogueError> {
        let mut issues = Issues(Vec::new());
        issues.text("city", "name", &raw.city.name, MAX_NAME_CHARS);
        let patron_day = raw.city.patron_day.as_deref().and_then(|day| {
            MonthDay::parse(day)
                .map_err(|e| issues.add("city", "patron_day", e.to_string()))
                .ok()
        });

        let offices = check_offices(&raw.offices, &mut issues);
        let services = check_services(&raw.services, &mut issues);
        let office_ids: HashSet<&OfficeId> = offices.iter().map(|o| &o.id).collect();
        let service_ids: HashSet<&ServiceId> = services.iter().map(|s| &s.id).collect();
        let offerings = check_offerings(&raw.offerings, &office_ids, &service_ids, &mut issues);
        for office in &offices {
            if !offerings.iter().any(|o| o.key.office == office.id) {
                issues.add(
                    format!("office {}", office.id),
                    "id",
                    "no offering names this office",
                );
            }
        }
        for service in &services {
            if !offerings.iter().any(|o| o.key.service == service.id) {
                issues.add(
                    format!("service {}", service.id),
                    "id",
                    "no office offers this service",
                );
            }
        }
        let closures = check_closures(&raw.closures, &office_ids, &mut issues);

        if !issues.0.is_empty() {
            return Err(CatalogueError {
                file: file.to_owned(),
                issues: issues.0,
            });
        }
        Ok(Self {
            city_name: raw.city.name.trim().to_owned(),
            calendar: Calendar::new(patron_day),
            offices,
            services,
            offerings,
            closures,
            raw,
            generated: SlotMemo::default(),
        })
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

fn check_offices(raw: &[RawOffice], issues: &mut Issues) -> Vec<Office> {
    if raw.is_empty() {
        issues.add("offices", "", "the catalogue has no office");
    }
    let mut seen = HashSet::new();
    let mut offices = Vec::new();
    for (index, office) in raw.iter().enumerate() {
        let item = format!("office #{} ({})", index + 1, office.id);
        issues.text(&item, "name", &office.name, MAX_NAME_CHARS);
        issues.text(&item, "address", &office.address, MAX_NAME_CHARS * 2);
        if !(-90.0..=90.0).contains(&office.lat) {
            issues.add(&item, "lat", "must be between -90 and 90");
        }
        if !(-180.0..=180.0).contains(&office.lon) {
            issues.add(&item, "lon", "must be between -180 and 180");
        }
        match OfficeId::parse(&office.id) {
            Err(e) => issues.add(&item, "id", e.to_string()),
            Ok(id) if !seen.insert(id.clone()) => issues.add(&item, "id", "another office has this id"),
            Ok(id) => offices.push(Office {
                id,
                name: office.name.trim().to_owned(),
                address: office.address.trim().to_owned(),
                lat: office.lat,
                lon: office.lon,
            }),
        }
    }
    offices
}

fn check_services(raw: &[RawService], issues: &mut Issues) -> Vec<Service> {
    if raw.is_empty() {
        issues.add("services", "", "the catalogue has no service");
    }
    let mut seen = HashSet::new();
    let mut services = Vec::new();
    for (index, service) in raw.iter().enumerate() {
        let item = format!("service #{} ({})", index + 1, service.id);
        issues.localized(&item, "name", &service.name, MAX_NAME_CHARS);
        issues.localized(&item, "summary", &service.summary, MAX_TEXT_CHARS);
        issues.localized(&item, "terms", &service.terms, MAX_TEXT_CHARS);
        issues.localized(&item, "access_rules", &service.access_rules, MAX_TEXT_CHARS);
        let bring = &service.what_to_bring;
        if bring.it.len() != bring.en.len() {
            issues.add(
                &item,
                "what_to_bring",
                "the Italian and English lists differ in length",
            );
        }
        for (lang, list) in [("it", &bring.it), ("en", &bring.en)] {
            for (position, entry) in list.iter().enumerate() {
                issues.text(
                    &item,
                    &format!("what_to_bring.{lang}[{}]", position + 1),
                    entry,
                    MAX_TEXT_CHARS,
                );
            }
        }
        for (position, synonym) in service.synonyms.iter().enumerate() {
            issues.text(
                &item,
                &format!("synonyms[{}]", position + 1),
                synonym,
                MAX_NAME_CHARS,
            );
        }
        match ServiceId::parse(&service.id) {
            Err(e) => issues.add(&item, "id", e.to_string()),
            Ok(id) if !seen.insert(id.clone()) => issues.add(&item, "id", "another service has this id"),
            Ok(id) => services.push(Service {
                id,
                name: service.name.clone(),
                summary: service.summary.clone(),
                synonyms: service.synonyms.clone(),
                terms: service.terms.clone(),
                access_rules: service.access_rules.clone(),
                what_to_bring: service.what_to_bring.clone(),
            }),
        }
    }
    services
}

fn check_hours(
    raw: &BTreeMap<String, Vec<String>>,
    item: &str,
    slot_minutes: u32,
    issues: &mut Issues,
) -> WeeklyHours {
    let mut hours = WeeklyHours::default();
    for (day, ranges) in raw {
        let field = format!("hours.{day}");
        let Some(index) = WEEKDAYS.iter().position(|name| name == day) else {
            issues.add(
                item,
                &field,
                "is not a weekday: use mon, tue, wed, thu, fri, sat, sun",
            );
            continue;
        };
        let mut previous_end: Option<NaiveTime> = None;
        for range in ranges {
            match TimeRange::parse(range) {
                Err(problem) => issues.add(item, &field, problem),
                Ok(parsed) => {
                    if previous_end.is_some_and(|end| parsed.start < end) {
                        issues.add(
                            item,
                            &field,
                            format!("{range:?} overlaps or precedes the range before it"),
                        );
                    }
                    if (parsed.end - parsed.start).num_minutes() < i64::from(slot_minutes) {
                        issues.add(item, &field, format!("{range:?} is shorter than one slot"));
                    }
                    previous_end = Some(parsed.end);
                    hours.0[index].push(parsed);
                }
            }
        }
    }
    hours
}

fn check_offerings(
    raw: &[RawOffering],
    offices: &HashSet<&OfficeId>,
    services: &HashSet<&ServiceId>,
    issues: &mut Issues,
) -> Vec<Offering> {
    let mut seen = HashSet::new();
    let mut offerings = Vec::new();
    for (index, offering) in raw.iter().enumerate() {
        let item = format!(
            "offering #{} ({} × {})",
            index + 1,
            offering.office,
            offering.service
        );
        let office = OfficeId::parse(&offering.office)
            .ok()
            .filter(|id| offices.contains(id));
        if office.is_none() {
            issues.add(
                &item,
                "office",
                format!("{:?} is not an office of this catalogue", offering.office),
            );
        }
        let service = ServiceId::parse(&offering.service)
            .ok()
            .filter(|id| services.contains(id));
        if service.is_none() {
            issues.add(
                &item,
                "service",
                format!("{:?} is not a service of this catalogue", offering.service),
            );
        }
        if !SLOT_MINUTES.contains(&offering.slot_minutes) {
            issues.add(
                &item,
                "slot_minutes",
                format!(
                    "must be between {} and {}",
                    SLOT_MINUTES.start(),
                    SLOT_MINUTES.end()
                ),
            );
        }
        if !DESKS.contains(&offering.desks) {
            issues.add(
                &item,
                "desks",
                format!("must be between {} and {}", DESKS.start(), DESKS.end()),
            );
        }
        let latest_days = offering.latest_days.unwrap_or(DEFAULT_LATEST_DAYS);
        if !(1..=MAX_LATEST_DAYS).contains(&latest_days) {
            issues.add(
                &item,
                "latest_days",
                format!("must be between 1 and {MAX_LATEST_DAYS}"),
            );
        }
        let earliest_working_days = offering
            .earliest_working_days
            .unwrap_or(DEFAULT_EARLIEST_WORKING_DAYS);
        if earliest_working_days > latest_days {
            issues.add(
                &item,
                "earliest_working_days",
                "is after latest_days: nothing could ever be booked",
            );
        }
        let hours = check_hours(&offering.hours, &item, offering.slot_minutes, issues);
        if hours.0.iter().all(Vec::is_empty) {
            issues.add(&item, "hours", "the offering is never open");
        }
        if let (Some(office), Some(service)) = (office, service) {
            let key = OfferingKey { office, service };
            if !seen.insert(key.clone()) {
                issues.add(&item, "office", "this office already offers this service above");
            }
            offerings.push(Offering {
                key,
                slot_minutes: offering.slot_minutes,
                desks: offering.desks,
                hours,
                earliest_working_days,
                latest_days,
            });
        }
    }
    offerings
}

fn check_closures(raw: &[RawClosure], offices: &HashSet<&OfficeId>, issues: &mut Issues) -> Vec<Closure> {
    let mut closures = Vec::new();
    for (index, closure) in raw.iter().enumerate() {
        let item = format!("closure #{} ({})", index + 1, closure.from);
        issues.text(&item, "reason", &closure.reason, MAX_NAME_CHARS * 2);
        let office = match closure.office.as_deref() {
            None => Some(None),
            Some(raw_id) => match OfficeId::parse(raw_id).ok().filter(|id| offices.contains(id)) {
                Some(id) => Some(Some(id)),
                None => {
                    issues.add(
                        &item,
                        "office",
                        format!("{raw_id:?} is not an office of this catalogue"),
                    );
                    None
                }
            },
        };
        let from = parse_date(&closure.from)
            .map_err(|e| issues.add(&item, "from", e.to_string()))
            .ok();
        let to = match closure.to.as_deref() {
            None => from,
            Some(raw_to) => parse_date(raw_to)
                .map_err(|e| issues.add(&item, "to", e.to_string()))
                .ok(),
        };
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            issues.add(&item, "to", "is before from");
        }
        let hours = match closure.hours.as_deref() {
            None => Some(None),
            Some(range) => TimeRange::parse(range)
                .map(Some)
                .map_err(|p| issues.add(&item, "hours", p))
                .ok(),
        };
        if let (Some(office), Some(from), Some(to), Some(hours)) = (office, from, to, hours) {
            closures.push(Closure {
                office,
                from,
                to,
                hours,
                reason: closure.reason.trim().to_owned(),
            });
        }
    }
    closures
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SMALL: &str = r#"
[city]
name = "Comune di Prova"
patron_day = "08-26"

[[offices]]
id = "ufficio-1"
name = "Ufficio 1"
address = "Via Roma 1"
lat = 45.69
lon = 9.67

[[services]]
id = "cie"
name = { it = "Carta d'identità elettronica (CIE)", en = "Electronic identity card" }
summary = { it = "Rilascio della CIE", en = "Issue of the CIE" }
synonyms = ["carta d'identità", "documento"]
terms = { it = "Una persona", en = "One person" }
access_rules = { it = "Mostrare il QR", en = "Show the QR" }
what_to_bring = { it = ["Foto"], en = ["Photo"] }

[[offerings]]
office = "ufficio-1"
service = "cie"
slot_minutes = 30
desks = 2
[offerings.hours]
mon = ["08:30-12:30", "14:00-16:00"]
"#;

    #[test]
    fn reads_a_valid_catalogue_and_round_trips_through_json() {
        let catalogue = Catalogue::from_toml("small.toml", SMALL).unwrap();
        assert_eq!(catalogue.offerings().len(), 1);
        assert_eq!(catalogue.offerings()[0].latest_days, DEFAULT_LATEST_DAYS);
        let again = Catalogue::from_json("store", &catalogue.to_json()).unwrap();
        assert_eq!(again, catalogue);
    }

    #[test]
    fn names_file_item_and_field_of_each_problem() {
        let broken = SMALL
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
        let broken = SMALL.replace("service = \"cie\"", "service = \"spid\"");
        let text = Catalogue::from_toml("x.toml", &broken).unwrap_err().to_string();
        assert!(text.contains("\"spid\" is not a service"), "{text}");
        assert!(text.contains("no office offers this service"), "{text}");

        let unknown = SMALL.replace("desks = 2", "desks = 2\nseats = 4");
        let error = Catalogue::from_toml("x.toml", &unknown).unwrap_err();
        assert!(error.to_string().contains("unknown field `seats`"), "{error}");
        assert!(error.issues[0].field.starts_with("line "), "{error:?}");
    }

    #[test]
    fn closures_are_checked() {
        let with_closure = format!(
            "{SMALL}\n[[closures]]\noffice = \"ufficio-9\"\nfrom = \"2026-12-24\"\nto = \"2026-12-23\"\nhours = \"18:00-12:00\"\nreason = \"x\"\n"
        );
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
