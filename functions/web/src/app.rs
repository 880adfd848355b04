//! The application: what every handler needs, and the one entry point that the Lambdas and the
//! one-machine server call with a plain `http::Request`.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Duration;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use prenota_core::catalogue::Lang;
use prenota_core::checkin::CheckinKey;
use prenota_core::contact::HmacKey;
use prenota_core::{Catalogue, Clock, QuotaPolicy};
use prenota_store::{Store, StoreError};

use crate::problem::{Code, Problem};
use crate::routes::{self, Endpoint, Match};
use crate::{api, links};

/// Requests larger than this are refused before they are read further.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Base of the links in messages, without a trailing slash: `https://prenota.comune.bergamo.it`.
    pub public_url: String,
    pub hold_ttl: Duration,
    pub confirm_ttl: Duration,
    /// Personal data is erased this long after the appointment.
    pub retention: Duration,
    pub quota: QuotaPolicy,
    /// Reminders go out the day before the appointment at this Europe/Rome time.
    pub reminder_time: chrono::NaiveTime,
}

fn default_reminder_time() -> chrono::NaiveTime {
    chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(chrono::NaiveTime::MIN)
}

/// A variable of the environment; set but blank counts as unset.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(String);

/// A duration setting (`90s`, `20m`, `2d`), `default` when unset; zero and garbage are errors that
/// name the variable.
pub fn duration(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: &str,
) -> Result<Duration, SettingsError> {
    let raw = lookup(name).unwrap_or_else(|| default.to_owned());
    let parsed = humantime::parse_duration(raw.trim()).map_err(|_| {
        SettingsError(format!(
            "{name}={raw:?} is not a duration (examples: 90s, 20m, 2d)"
        ))
    })?;
    if parsed.is_zero() {
        return Err(SettingsError(format!("{name}={raw:?} must be longer than zero")));
    }
    Duration::from_std(parsed).map_err(|_| SettingsError(format!("{name}={raw:?} is too long")))
}

impl Settings {
    /// The settings of DESIGN.md's "Configuration" (`PRENOTA_PUBLIC_URL`, `PRENOTA_HOLD_TTL`,
    /// `PRENOTA_CONFIRM_TTL`, `PRENOTA_RETENTION`), the same for the Lambdas and the one-machine
    /// server. `lookup` gives a variable's value, `None` when unset. Without `PRENOTA_PUBLIC_URL`,
    /// `public_url` is empty: the caller decides (the server uses its listen address; a Lambda
    /// has none and refuses to start).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let public_url = lookup("PRENOTA_PUBLIC_URL").unwrap_or_default();
        let public_url = public_url.trim();
        let scheme_ok = public_url.starts_with("http://") || public_url.starts_with("https://");
        if !public_url.is_empty() && !scheme_ok {
            return Err(SettingsError(format!(
                "PRENOTA_PUBLIC_URL={public_url:?} must start with http:// or https://"
            )));
        }
        Ok(Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            hold_ttl: duration(&lookup, "PRENOTA_HOLD_TTL", "20m")?,
            confirm_ttl: duration(&lookup, "PRENOTA_CONFIRM_TTL", "30m")?,
            retention: duration(&lookup, "PRENOTA_RETENTION", "2d")?,
            quota: QuotaPolicy::default(),
            reminder_time: match lookup("PRENOTA_REMINDER_TIME") {
                None => default_reminder_time(),
                Some(raw) => prenota_core::dates::parse_time(raw.trim()).map_err(|_| {
                    SettingsError(format!(
                        "PRENOTA_REMINDER_TIME={raw:?} is not a time of day written HH:MM, like 09:00"
                    ))
                })?,
            },
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: String::new(),
            hold_ttl: Duration::minutes(20),
            confirm_ttl: Duration::minutes(30),
            retention: Duration::days(2),
            quota: QuotaPolicy::default(),
            reminder_time: default_reminder_time(),
        }
    }
}

/// The installation's two secrets (DESIGN.md): never logged.
pub struct Secrets {
    pub hmac: HmacKey,
    pub checkin: CheckinKey,
}

pub struct App {
    pub store: Arc<dyn Store>,
    pub catalogue: Arc<Catalogue>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub secrets: Secrets,
}

/// One request, parsed as far as every handler needs it.
pub struct Incoming<'a> {
    pub method: &'a Method,
    pub params: Vec<(&'static str, &'a str)>,
    pub query: Vec<(String, String)>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The language negotiated from `lang` (query), then `Accept-Language`, else Italian; a JSON
    /// body's `lang` field takes precedence where a handler reads one.
    pub lang: Lang,
}

impl Incoming<'_> {
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value)
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

pub type Answer = Response<Bytes>;

/// The language of a request when it has no valid `lang` field: the `lang` query parameter,
/// else `Accept-Language`, else Italian.
pub fn request_lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| Lang::parse(&value))
        .unwrap_or_else(|| accept_language(headers))
}

/// The language of `Accept-Language`: the first of it/en by preference, else Italian.
pub fn accept_language(headers: &HeaderMap) -> Lang {
    let Some(value) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Lang::It;
    };
    let mut best: Option<(f32, Lang)> = None;
    for part in value.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(lang) = Lang::parse(primary)
            && best.is_none_or(|(q, _)| quality > q)
        {
            best = Some((quality, lang));
        }
    }
    best.map_or(Lang::It, |(_, lang)| lang)
}

pub fn json(status: StatusCode, body: &impl serde::Serialize) -> Answer {
    match serde_json::to_vec(body) {
        Ok(bytes) => respond(status, "application/json", bytes),
        // Only a map with non-text keys fails to serialise; none of the answers has one.
        Err(_) => problem(&Problem::new(Code::InternalError, Lang::It)),
    }
}

pub fn problem(problem: &Problem) -> Answer {
    respond(problem.code.status(), "application/problem+json", problem.body())
}

pub fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Answer {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A store failure as the citizen sees it: the service is briefly unavailable, or a bug.
pub fn store_problem(error: &StoreError, lang: Lang) -> Problem {
    match error {
        StoreError::Unavailable(_) => Problem::new(Code::StoreUnavailable, lang),
        _ => Problem::new(Code::InternalError, lang),
    }
}

impl App {
    /// Every request of every route, from any front: API Gateway through `lambda_http`, or axum.
    /// A request without HTTP, for tools and tests that drive the App directly (benchmarks, the
    /// delivery tests): `body`, when given, is sent as JSON.
    pub async fn call(&self, method: &str, uri: &str, body: Option<&serde_json::Value>) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        let bytes = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Bytes::from(json.to_string())
            }
            None => Bytes::new(),
        };
        match request.body(bytes) {
            Ok(request) => self.handle(request).await,
            // Not even a request (a path with spaces, a bad method): the caller's mistake.
            Err(_) => problem(&Problem::new(Code::InvalidQuery, Lang::It)),
        }
    }

    pub async fn handle(&self, request: Request<Bytes>) -> Answer {
        let (parts, body) = request.into_parts();
        let query: Vec<(String, String)> = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let lang = match query.iter().find(|(k, _)| k == "lang") {
            Some((_, value)) => match Lang::parse(value) {
                Some(lang) => lang,
                None => {
                    return problem(
                        &Problem::new(Code::InvalidLang, accept_language(&parts.headers)).field("lang"),
                    );
                }
            },
            None => accept_language(&parts.headers),
        };
        let path = parts.uri.path();
        let (route, params) = match routes::find(&parts.method, path) {
            Match::Found { route, params } => (route, params),
            Match::WrongMethod(allowed) => {
                let mut answer = problem(&Problem::new(Code::MethodNotAllowed, lang));
                let list = allowed.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
                if let Ok(value) = HeaderValue::from_str(&list) {
                    answer.headers_mut().insert(header::ALLOW, value);
                }
                return answer;
            }
            // A link from a message with something added (a trailing slash from a mail or SMS
            // app, a cut): the citizen gets the page that explains, not JSON.
            Match::NotFound if path.starts_with("/c/") || path.starts_with("/p/") => {
                return links::html(StatusCode::NOT_FOUND, crate::pages::not_found_page(lang));
            }
            Match::NotFound => return problem(&Problem::new(Code::NotFound, lang)),
        };
        if body.len() > MAX_BODY_BYTES {
            return problem(&Problem::new(Code::BodyTooLarge, lang));
        }
        let incoming = Incoming {
            method: &parts.method,
            params,
            query,
            headers: &parts.headers,
            body: &body,
            lang,
        };
        let answer = match route.endpoint {
            Endpoint::Services => api::services(self, &incoming),
            Endpoint::Offices => api::offices(self, &incoming).await,
            Endpoint::Slots => api::slots(self, &incoming).await,
            Endpoint::Hold => api::hold(self, &incoming).await,
            Endpoint::Release => api::release(self, &incoming).await,
            Endpoint::Details => api::details(self, &incoming).await,
            Endpoint::MyBookings => api::my_bookings(self, &incoming).await,
            Endpoint::Feedback => api::feedback(self, &incoming).await,
            Endpoint::ConfirmPage => return links::confirm_page(self, &incoming).await,
            Endpoint::Confirm => return links::confirm(self, &incoming).await,
            Endpoint::BookingPage => return links::booking_page(self, &incoming).await,
            Endpoint::Calendar => return links::calendar(self, &incoming).await,
            Endpoint::Cancel => return links::cancel(self, &incoming).await,
            Endpoint::CancelRedirect => return links::back_to_page(&incoming),
            Endpoint::OpenApi => Ok(respond(StatusCode::OK, "application/json", crate::OPENAPI)),
        };
        answer.unwrap_or_else(|p| problem(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_the_prenota_variables() {
        let vars = [
            ("PRENOTA_PUBLIC_URL", "https://prenota.example/"),
            ("PRENOTA_HOLD_TTL", "90s"),
        ];
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let settings = Settings::from_lookup(lookup).unwrap();
        assert_eq!(settings.public_url, "https://prenota.example");
        assert_eq!(settings.hold_ttl, Duration::seconds(90));
        assert_eq!(settings.confirm_ttl, Duration::minutes(30));
        assert_eq!(Settings::from_lookup(|_| None).unwrap().public_url, "");
        for (name, value) in [
            ("PRENOTA_HOLD_TTL", "soon"),
            ("PRENOTA_RETENTION", "0s"),
            ("PRENOTA_PUBLIC_URL", "ftp://x"),
        ] {
            let error = Settings::from_lookup(|n: &str| (n == name).then(|| value.to_owned())).unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
    }

    #[test]
    fn the_query_lang_wins_when_valid() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de, en-GB;q=0.8, it;q=0.5"),
        );
        assert_eq!(request_lang(None, &headers), Lang::En);
        assert_eq!(request_lang(Some("a=1&lang=it"), &headers), Lang::It);
        assert_eq!(request_lang(Some("lang=xx"), &headers), Lang::En);
        assert_eq!(request_lang(None, &HeaderMap::new()), Lang::It);
    }

    #[test]
    fn accept_language_prefers_the_best_known_language() {
        let mut headers = HeaderMap::new();
        assert_eq!(accept_language(&headers), Lang::It);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE, en-GB;q=0.8, it;q=0.5"),
        );
        assert_eq!(accept_language(&headers), Lang::En);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr, it-IT;q=0.9, en;q=0.8"),
        );
        assert_eq!(accept_language(&headers), Lang::It);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(";;;q=x,,"));
        assert_eq!(accept_language(&headers), Lang::It);
    }
}
