//! "Statistiche" as JSON and CSV for an office's managers, and the open data every visitor may
//! download (CSV, JSON, and their DCAT-AP_IT description). Each handler parses, calls one use
//! case of `usecases::statistics` and renders; what is counted and suppressed is decided there
//! and in `core::statistics`.

use chrono::NaiveDate;
use http::StatusCode;
use http::header::{self, HeaderValue};
use prenota_core::dates::{format_date, parse_date};
use prenota_core::staff::StaffIdentity;
use prenota_core::statistics::{Figures, OpenRow, Spread};
use prenota_core::{Catalogue, OfficeId, ServiceId};
use prenota_store::Store;
use prenota_usecases::statistics::{self, DayRatings, OfficeStatistics, OpenMonth, StatisticsError};
use prenota_usecases::{Context, Failure};
use serde_json::{Value, json};

use super::Handled;
use crate::answer::{Answer, json, respond};
use crate::problem::{Code, Problem};
use crate::request::Incoming;

/// The licence of the open data.
pub const LICENCE: &str = "https://creativecommons.org/licenses/by/4.0/";

impl From<StatisticsError> for Problem {
    fn from(error: StatisticsError) -> Self {
        match error {
            StatisticsError::Forbidden => Self::new(Code::Forbidden),
            StatisticsError::UnknownOffice => Self::new(Code::UnknownOffice),
            StatisticsError::InvalidPeriod { field } => Self::new(Code::InvalidPeriod).field(field),
            StatisticsError::Failed(failure) => failure.into(),
        }
    }
}

fn office_param(incoming: &Incoming<'_>) -> Result<OfficeId, Problem> {
    OfficeId::parse(incoming.param("office_id")).map_err(|_| Problem::new(Code::UnknownOffice))
}

fn date_query(incoming: &Incoming<'_>, name: &'static str) -> Result<Option<NaiveDate>, Problem> {
    incoming
        .query(name)
        .map(|raw| parse_date(raw).map_err(|_| Problem::new(Code::InvalidPeriod).field(name)))
        .transpose()
}

async fn office_statistics(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
) -> Result<OfficeStatistics, Problem> {
    let office = office_param(incoming)?;
    let (from, to) = (date_query(incoming, "from")?, date_query(incoming, "to")?);
    Ok(statistics::office(context, store, identity, &office, from, to).await?)
}

fn spread_json(spread: &Spread) -> Value {
    json!({ "count": spread.count, "median_s": spread.median, "p90_s": spread.p90 })
}

fn figures_json(figures: &Figures) -> serde_json::Map<String, Value> {
    let free = &figures.first_free;
    let value = json!({
        "offered": figures.offered,
        "booked": figures.booked,
        "walk_ins": figures.walk_ins,
        "confirmed": figures.confirmed,
        "cancelled": figures.cancelled,
        "displaced": figures.displaced,
        "checked_in": figures.checked_in,
        "served": figures.served,
        "no_shows": figures.no_shows,
        "wait": spread_json(&figures.wait),
        "service_time": spread_json(&figures.service_time),
        "first_free": {
            "samples": free.samples,
            "full": free.full,
            "median_days": free.median_days,
            "max_days": free.max_days,
        },
    });
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn ratings_json(date: NaiveDate, ratings: &DayRatings) -> Value {
    json!({
        "date": format_date(date),
        "count": ratings.count(),
        "mean": ratings.mean_hundredths().map(|mean| f64::from(mean) / 100.0),
        "by_grade": ratings.by_grade,
    })
}

/// `GET /api/staff/offices/{office_id}/statistics?from=&to=`.
pub async fn office(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
) -> Handled {
    let stats = office_statistics(context, store, identity, incoming).await?;
    let day_row = |date: &NaiveDate, service: Option<&ServiceId>, figures: &Figures| {
        let mut row = figures_json(figures);
        row.insert("date".into(), json!(format_date(*date)));
        if let Some(service) = service {
            row.insert("service_id".into(), json!(service.as_str()));
        }
        Value::Object(row)
    };
    let by_day: Vec<Value> = stats
        .figures
        .by_day
        .iter()
        .map(|(date, figures)| day_row(date, None, figures))
        .collect();
    let by_service: Vec<Value> = stats
        .figures
        .by_service
        .iter()
        .map(|((date, service), figures)| day_row(date, Some(service), figures))
        .collect();
    let ratings: Vec<Value> = stats
        .ratings
        .iter()
        .map(|(date, ratings)| ratings_json(*date, ratings))
        .collect();
    Ok(json(
        StatusCode::OK,
        &json!({
            "office_id": stats.office.as_str(),
            "from": format_date(stats.from),
            "to": format_date(stats.to),
            "by_day": by_day,
            "by_service": by_service,
            "ratings": ratings,
        }),
    ))
}

/// CSV text of `header` and `rows` (the `csv` crate quotes what needs it).
fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<String, Problem> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |error: &dyn std::fmt::Display| Problem::from(Failure::Internal(error.to_string()));
    writer.write_record(header).map_err(|e| internal(&e))?;
    for row in rows {
        writer.write_record(&row).map_err(|e| internal(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| internal(&e))?;
    String::from_utf8(bytes).map_err(|e| internal(&e))
}

fn cell(value: Option<u32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_answer(text: String, file_name: &str) -> Answer {
    let mut answer = respond(StatusCode::OK, "text/csv; charset=utf-8", text);
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        answer.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    answer
}

const OFFICE_CSV_HEADER: [&str; 22] = [
    "date",
    "office_id",
    "service_id",
    "offered",
    "booked",
    "walk_ins",
    "confirmed",
    "cancelled",
    "displaced",
    "checked_in",
    "served",
    "no_shows",
    "wait_count",
    "wait_median_s",
    "wait_p90_s",
    "service_count",
    "service_median_s",
    "service_p90_s",
    "first_free_samples",
    "first_free_full",
    "first_free_median_days",
    "first_free_max_days",
];

/// `GET /api/staff/offices/{office_id}/statistics.csv?from=&to=`: a row per day and service, and
/// one per day for all services (an empty `service_id`).
pub async fn office_csv(
    context: &Context,
    store: &dyn Store,
    identity: &StaffIdentity,
    incoming: &Incoming<'_>,
) -> Handled {
    let stats = office_statistics(context, store, identity, incoming).await?;
    let office = stats.office.as_str();
    let row = |date: &NaiveDate, service: &str, f: &Figures| {
        let counts = [
            f.offered,
            f.booked,
            f.walk_ins,
            f.confirmed,
            f.cancelled,
            f.displaced,
            f.checked_in,
            f.served,
            f.no_shows,
        ];
        let mut row = vec![format_date(*date), office.to_owned(), service.to_owned()];
        row.extend(counts.iter().map(u32::to_string));
        for spread in [&f.wait, &f.service_time] {
            row.extend([spread.count.to_string(), cell(spread.median), cell(spread.p90)]);
        }
        let free = &f.first_free;
        row.extend([
            free.samples.to_string(),
            free.full.to_string(),
            cell(free.median_days),
            cell(free.max_days),
        ]);
        row
    };
    let mut rows = Vec::new();
    // Both maps are in day order: each day's total, then its services.
    let mut services = stats.figures.by_service.iter().peekable();
    for (date, figures) in &stats.figures.by_day {
        rows.push(row(date, "", figures));
        while let Some(((_, service), figures)) = services.next_if(|((day, _), _)| day == date) {
            rows.push(row(date, service.as_str(), figures));
        }
    }
    let text = csv_text(&OFFICE_CSV_HEADER, rows)?;
    let name = format!(
        "prenota-{office}-{}-{}.csv",
        format_date(stats.from),
        format_date(stats.to)
    );
    Ok(csv_answer(text, &name))
}

/// The month of `?month=YYYY-MM`, if given.
fn month_query(incoming: &Incoming<'_>) -> Result<Option<NaiveDate>, Problem> {
    incoming
        .query("month")
        .map(|raw| {
            parse_date(&format!("{raw}-01"))
                .ok()
                .filter(|_| raw.len() == 7)
                .ok_or_else(|| Problem::new(Code::InvalidPeriod).field("month"))
        })
        .transpose()
}

/// A month that is over never changes: a day in caches; the current one, an hour.
fn cached(mut answer: Answer, month: &OpenMonth) -> Answer {
    let age = if month.complete {
        "public, max-age=86400"
    } else {
        "public, max-age=3600"
    };
    answer
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(age));
    answer
}

fn month_name(month: &OpenMonth) -> String {
    month.month.format("%Y-%m").to_string()
}

const OPEN_CSV_HEADER: [&str; 13] = [
    "date",
    "office_id",
    "office_name",
    "service_id",
    "offered",
    "booked",
    "cancelled",
    "displaced",
    "checked_in",
    "no_shows",
    "wait_median_min",
    "wait_p90_min",
    "first_free_median_days",
];

/// One open-data row, its fields named as the CSV's columns; a suppressed count is `null`.
fn open_row(catalogue: &Catalogue, row: &OpenRow) -> serde_json::Map<String, Value> {
    let office_name = catalogue
        .office(&row.office)
        .map_or("", |office| office.name.as_str());
    match json!({
        "date": format_date(row.date),
        "office_id": row.office.as_str(),
        "office_name": office_name,
        "service_id": row.service.as_str(),
        "offered": row.offered,
        "booked": row.booked,
        "cancelled": row.cancelled,
        "displaced": row.displaced,
        "checked_in": row.checked_in,
        "no_shows": row.no_shows,
        "wait_median_min": row.wait_median_min,
        "wait_p90_min": row.wait_p90_min,
        "first_free_median_days": row.first_free_median_days,
    }) {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// The CSV cells of an open-data row, in the header's order: `null` is an empty cell.
fn open_cells(row: &serde_json::Map<String, Value>) -> Vec<String> {
    OPEN_CSV_HEADER
        .iter()
        .map(|name| match row.get(*name) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        })
        .collect()
}

/// `GET /api/open-data/appointments.csv?month=YYYY-MM`.
pub async fn open_csv(context: &Context, store: &dyn Store, incoming: &Incoming<'_>) -> Handled {
    let month = statistics::open_data(context, store, month_query(incoming)?).await?;
    let catalogue = context.catalogue();
    let text = csv_text(
        &OPEN_CSV_HEADER,
        month
            .rows
            .iter()
            .map(|row| open_cells(&open_row(&catalogue, row))),
    )?;
    let name = format!("prenota-appuntamenti-{}.csv", month_name(&month));
    Ok(cached(csv_answer(text, &name), &month))
}

/// `GET /api/open-data/appointments.json?month=YYYY-MM`: the same rows as the CSV, suppressed
/// counts as `null`.
pub async fn open_json(context: &Context, store: &dyn Store, incoming: &Incoming<'_>) -> Handled {
    let month = statistics::open_data(context, store, month_query(incoming)?).await?;
    let catalogue = context.catalogue();
    let rows: Vec<Value> = month
        .rows
        .iter()
        .map(|row| Value::Object(open_row(&catalogue, row)))
        .collect();
    let answer = json(
        StatusCode::OK,
        &json!({
            "month": month_name(&month),
            "complete": month.complete,
            "license": LICENCE,
            "publisher": context.catalogue().city_name,
            "rows": rows,
        }),
    );
    Ok(cached(answer, &month))
}

/// `GET /api/open-data/dcat.jsonld`: the dataset described in DCAT-AP_IT (JSON-LD), with the
/// current month's distributions and the URL template of the others.
pub fn dcat(context: &Context) -> Handled {
    let base = context.settings.public_url.trim_end_matches('/');
    let city = &context.catalogue().city_name;
    let today = format_date(prenota_core::calendar::local(context.clock.now()).date());
    let distribution = |format: &str, media: &str| {
        json!({
            "@id": format!("{base}/api/open-data/appointments.{format}"),
            "@type": "dcatapit:Distribution",
            "dct:title": format!("Appuntamenti agli sportelli, mese corrente ({})", format.to_uppercase()),
            "dcat:accessURL": { "@id": format!("{base}/open-data/") },
            "dcat:downloadURL": { "@id": format!("{base}/api/open-data/appointments.{format}") },
            "dcat:mediaType": media,
            "dct:format": { "@id": format!("http://publications.europa.eu/resource/authority/file-type/{}", format.to_uppercase()) },
            "dct:license": { "@id": LICENCE, "@type": "dcatapit:LicenseDocument", "dct:type": { "@id": "http://purl.org/adms/licencetype/Attribution" }, "foaf:name": "CC BY 4.0" },
        })
    };
    let publisher = json!({
        "@type": ["dcatapit:Agent", "foaf:Agent"],
        "foaf:name": city,
    });
    let body = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
        },
        "@id": format!("{base}/api/open-data/dcat.jsonld"),
        "@type": "dcatapit:Catalog",
        "dct:title": format!("{city} — Prenota, dati aperti"),
        "dct:description": "I dati aperti del sistema di prenotazione degli sportelli.",
        "dct:publisher": publisher,
        "dct:modified": today,
        "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ITA" },
        "foaf:homepage": { "@id": format!("{base}/open-data/") },
        "dcat:dataset": {
            "@id": format!("{base}/api/open-data/appointments.json"),
            "@type": "dcatapit:Dataset",
            "dct:identifier": "prenota-appuntamenti",
            "dct:title": "Appuntamenti agli sportelli: prenotazioni, assenze, attese e primo posto libero",
            "dct:description": "Per giorno, sede e servizio: posti offerti, prenotazioni, disdette, spostamenti per chiusura, presenze, assenze, attesa in sede (mediana e 90° percentile, minuti) e giorni al primo posto libero (mediana dei campioni orari). Conteggi da 1 a 4 non pubblicati. Un file per mese: ?month=AAAA-MM.",
            "dct:modified": today,
            "dct:issued": "2026-12-01",
            "dct:publisher": publisher,
            "dct:rightsHolder": { "@type": ["dcatapit:Agent", "foaf:Agent"], "foaf:name": city },
            "dcat:theme": { "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE" },
            "dct:accrualPeriodicity": { "@id": "http://publications.europa.eu/resource/authority/frequency/DAILY" },
            "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/ITA" },
            "dcat:keyword": ["appuntamenti", "sportelli", "tempi di attesa", "prenotazioni"],
            "dcat:contactPoint": { "@type": ["dcatapit:Organization", "vcard:Kind"], "vcard:fn": city, "vcard:hasURL": { "@id": format!("{base}/") } },
            "dcat:landingPage": { "@id": format!("{base}/open-data/") },
            "dcat:distribution": [distribution("csv", "text/csv"), distribution("json", "application/json")],
        },
    });
    let mut answer = respond(StatusCode::OK, "application/ld+json", body.to_string());
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(answer)
}
