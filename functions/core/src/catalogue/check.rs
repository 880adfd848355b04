//! Checking a catalogue as a whole: the file's shape as it is read (`Raw…`), and every rule an
//! office, service, offering and closure must follow, each problem named by item and field.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::*;

// ---- the file's shape ------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCatalogue {
    city: RawCity,
    pub(super) offices: Vec<RawOffice>,
    pub(super) services: Vec<RawService>,
    pub(super) offerings: Vec<RawOffering>,
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
pub struct RawOffice {
    pub(super) id: String,
    name: String,
    address: String,
    lat: f64,
    lon: f64,
    /// What citizens with a disability should know (step-free entrance, lift, hearing loop…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    accessibility: Option<Localized>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub(super) id: String,
    name: Localized,
    summary: Localized,
    #[serde(default)]
    synonyms: Vec<String>,
    terms: Localized,
    access_rules: Localized,
    what_to_bring: LocalizedList,
    /// Whether citizens are asked some days before "Confermi che verrai?" (default: no).
    #[serde(default)]
    reconfirm: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOffering {
    pub(super) office: String,
    pub(super) service: String,
    slot_minutes: u32,
    desks: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    desks_online: Option<u32>,
    #[serde(default)]
    earliest_working_days: Option<u32>,
    #[serde(default)]
    latest_days: Option<u32>,
    hours: BTreeMap<String, Vec<String>>,
    /// Weekly hours that replace `hours` from a date on, in date order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    hours_from: Vec<RawDatedHours>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDatedHours {
    from: String,
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
    /// The reason in English, when it differs (closures saved by staff have both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason_en: Option<String>,
}

impl RawCatalogue {
    /// This file's shape with `extra` closures appended, each with its English reason.
    pub(super) fn with_closures<'a>(
        &self,
        extra: impl IntoIterator<Item = (&'a Closure, &'a Localized)>,
    ) -> Self {
        let mut raw = self.clone();
        raw.closures
            .extend(extra.into_iter().map(|(closure, reason)| RawClosure {
                office: closure.office.as_ref().map(|office| office.to_string()),
                from: crate::dates::format_date(closure.from),
                to: Some(crate::dates::format_date(closure.to)),
                hours: closure.hours.map(|hours| {
                    format!(
                        "{}-{}",
                        crate::dates::format_time(hours.start),
                        crate::dates::format_time(hours.end)
                    )
                }),
                reason: reason.it.clone(),
                reason_en: Some(reason.en.clone()),
            }));
        raw
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

/// Checks `raw`, read from `file`, as a whole: every problem is reported, not the first.
pub(super) fn check(file: &str, raw: RawCatalogue) -> Result<Catalogue, CatalogueError> {
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
    Ok(Catalogue {
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
        if let Some(notes) = &office.accessibility {
            issues.localized(&item, "accessibility", notes, MAX_TEXT_CHARS);
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
                accessibility: office.accessibility.clone(),
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
                reconfirm: service.reconfirm,
            }),
        }
    }
    services
}

/// Hours that apply from a date: dates in order, each set checked like `hours`. A set may close
/// every day (the offering pauses from that date).
fn check_dated_hours(
    raw: &[RawDatedHours],
    item: &str,
    slot_minutes: u32,
    issues: &mut Issues,
) -> Vec<(NaiveDate, WeeklyHours)> {
    let mut dated: Vec<(NaiveDate, WeeklyHours)> = Vec::new();
    for (index, set) in raw.iter().enumerate() {
        let prefix = format!("hours_from[{}]", index + 1);
        let hours = check_hours(&set.hours, item, &format!("{prefix}.hours"), slot_minutes, issues);
        match parse_date(&set.from) {
            Err(e) => issues.add(item, format!("{prefix}.from"), e.to_string()),
            Ok(from) if dated.last().is_some_and(|(before, _)| *before >= from) => {
                issues.add(item, format!("{prefix}.from"), "is not after the date before it")
            }
            Ok(from) => dated.push((from, hours)),
        }
    }
    dated
}

fn check_hours(
    raw: &BTreeMap<String, Vec<String>>,
    item: &str,
    prefix: &str,
    slot_minutes: u32,
    issues: &mut Issues,
) -> WeeklyHours {
    let mut hours = WeeklyHours::default();
    for (day, ranges) in raw {
        let field = format!("{prefix}.{day}");
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
        let key = offering_key(offering, &item, offices, services, issues);
        let (earliest_working_days, latest_days) = check_sizes(offering, &item, issues);
        let hours = check_hours(&offering.hours, &item, "hours", offering.slot_minutes, issues);
        if hours.0.iter().all(Vec::is_empty) {
            issues.add(&item, "hours", "the offering is never open");
        }
        let hours_from = check_dated_hours(&offering.hours_from, &item, offering.slot_minutes, issues);
        if let Some(key) = key {
            if !seen.insert(key.clone()) {
                issues.add(&item, "office", "this office already offers this service above");
            }
            offerings.push(Offering {
                key,
                slot_minutes: offering.slot_minutes,
                desks: offering.desks,
                desks_online: offering.desks_online.unwrap_or(offering.desks),
                hours,
                hours_from,
                earliest_working_days,
                latest_days,
            });
        }
    }
    offerings
}

/// The office and service an offering names, when both are of this catalogue.
fn offering_key(
    offering: &RawOffering,
    item: &str,
    offices: &HashSet<&OfficeId>,
    services: &HashSet<&ServiceId>,
    issues: &mut Issues,
) -> Option<OfferingKey> {
    let office = OfficeId::parse(&offering.office)
        .ok()
        .filter(|id| offices.contains(id));
    if office.is_none() {
        issues.add(
            item,
            "office",
            format!("{:?} is not an office of this catalogue", offering.office),
        );
    }
    let service = ServiceId::parse(&offering.service)
        .ok()
        .filter(|id| services.contains(id));
    if service.is_none() {
        issues.add(
            item,
            "service",
            format!("{:?} is not a service of this catalogue", offering.service),
        );
    }
    Some(OfferingKey {
        office: office?,
        service: service?,
    })
}

/// The slot length, the desks and the booking window: each within its bounds. Answers the window
/// (earliest working days, latest days), defaults filled in.
fn check_sizes(offering: &RawOffering, item: &str, issues: &mut Issues) -> (u32, u32) {
    if !SLOT_MINUTES.contains(&offering.slot_minutes) {
        issues.add(
            item,
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
            item,
            "desks",
            format!("must be between {} and {}", DESKS.start(), DESKS.end()),
        );
    }
    if offering
        .desks_online
        .is_some_and(|online| online > offering.desks)
    {
        issues.add(
            item,
            "desks_online",
            "is more than desks: only some of the desks can be kept from online booking",
        );
    }
    let latest_days = offering.latest_days.unwrap_or(DEFAULT_LATEST_DAYS);
    if !(1..=MAX_LATEST_DAYS).contains(&latest_days) {
        issues.add(
            item,
            "latest_days",
            format!("must be between 1 and {MAX_LATEST_DAYS}"),
        );
    }
    let earliest_working_days = offering
        .earliest_working_days
        .unwrap_or(DEFAULT_EARLIEST_WORKING_DAYS);
    if earliest_working_days > latest_days {
        issues.add(
            item,
            "earliest_working_days",
            "is after latest_days: nothing could ever be booked",
        );
    }
    (earliest_working_days, latest_days)
}

/// One closure saved by staff, checked by the rules of the catalogue file's `[[closures]]`.
pub(crate) fn check_one_closure(
    catalogue: &super::Catalogue,
    office: Option<&str>,
    from: &str,
    to: Option<&str>,
    hours: Option<&str>,
    reason: &str,
) -> Result<Closure, Vec<CatalogueIssue>> {
    let offices: HashSet<&OfficeId> = catalogue.offices().iter().map(|office| &office.id).collect();
    let raw = RawClosure {
        office: office.map(str::to_owned),
        from: from.to_owned(),
        to: to.map(str::to_owned),
        hours: hours.map(str::to_owned),
        reason: reason.to_owned(),
        reason_en: None,
    };
    let mut issues = Issues(Vec::new());
    let mut closures = check_closures(std::slice::from_ref(&raw), &offices, &mut issues);
    match (closures.pop(), issues.0.is_empty()) {
        (Some(closure), true) => Ok(closure),
        _ => Err(issues.0),
    }
}

fn check_closures(raw: &[RawClosure], offices: &HashSet<&OfficeId>, issues: &mut Issues) -> Vec<Closure> {
    let mut closures = Vec::new();
    for (index, closure) in raw.iter().enumerate() {
        let item = format!("closure #{} ({})", index + 1, closure.from);
        issues.text(&item, "reason", &closure.reason, MAX_NAME_CHARS * 2);
        if let Some(reason_en) = &closure.reason_en {
            issues.text(&item, "reason_en", reason_en, MAX_NAME_CHARS * 2);
        }
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
