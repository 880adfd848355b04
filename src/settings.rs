//! The one-machine settings: environment variables with defaults (docs/design.md, "Configuration").
//! A malformed value stops start-up with a message naming the variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use prenota_usecases::settings::env_var as var;

#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data: PathBuf,
    pub catalogue: PathBuf,
    pub site: PathBuf,
    /// Its `public_url` is empty when PRENOTA_PUBLIC_URL is unset: links then name the address
    /// the server actually listens on.
    pub web: prenota_usecases::Settings,
    pub json_logs: bool,
    /// E-mail by SMTP when PRENOTA_SMTP_URL is set; else the local outbox.
    pub smtp: Option<SmtpSettings>,
    /// How long a client may take, and how many may be connected at once.
    pub connections: ConnectionSettings,
    /// SMS sent per hour across the service at most (`PRENOTA_SMS_PER_HOUR`).
    pub sms_per_hour: u32,
    /// Development only: the server's clock starts at this instant (`PRENOTA_DEV_NOW`).
    pub dev_now: Option<chrono::DateTime<chrono::Utc>>,
    /// The per-client limits (`PRENOTA_LIMITS`, `PRENOTA_TRUSTED_PROXIES`).
    pub limits: prenota_web::LimitSettings,
}

/// The limits every connection of the one-machine server lives under (`server.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// PRENOTA_HEADER_TIMEOUT: from when the server is ready for a request (the connection just
    /// opened, or the previous answer handed over) to the end of its headers. It closes slow
    /// senders (slowloris) and idle keep-alive connections alike.
    pub header_timeout: Duration,
    /// PRENOTA_SEND_TIMEOUT: a connection on which nothing moves for this long while no handler
    /// runs (a client that stopped reading its answer) is dropped.
    pub send_timeout: Duration,
    /// PRENOTA_REQUEST_TIMEOUT: from the end of the headers to the answer's headers, reading the
    /// body included; past it the client gets 503.
    pub request_timeout: Duration,
    /// PRENOTA_MAX_CONNECTIONS: connections open at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

impl ConnectionSettings {
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let duration = |name: &str, default: Duration| -> anyhow::Result<Duration> {
            let default = format!("{}s", default.as_secs());
            Ok(prenota_usecases::settings::duration(&lookup, name, &default)?.to_std()?)
        };
        let defaults = Self::default();
        let max_connections = match lookup("PRENOTA_MAX_CONNECTIONS") {
            None => defaults.max_connections,
            Some(raw) => raw
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_CONNECTIONS_CEILING).contains(n))
                .with_context(|| {
                    format!(
                        "PRENOTA_MAX_CONNECTIONS={raw:?} is not a whole number from 1 to \
                         {MAX_CONNECTIONS_CEILING} (like 1024)"
                    )
                })?,
        };
        Ok(Self {
            header_timeout: duration("PRENOTA_HEADER_TIMEOUT", defaults.header_timeout)?,
            send_timeout: duration("PRENOTA_SEND_TIMEOUT", defaults.send_timeout)?,
            request_timeout: duration("PRENOTA_REQUEST_TIMEOUT", defaults.request_timeout)?,
            max_connections,
        })
    }
}

/// More connections than a process may hold files for would only trade the cap for "too many
/// open files".
const MAX_CONNECTIONS_CEILING: usize = 1 << 20;

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub url: String,
    /// The `From` of every e-mail (PRENOTA_MAIL_FROM).
    pub from: String,
}

impl Settings {
    pub fn from_environment() -> anyhow::Result<Self> {
        let addr_raw = var("PRENOTA_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let addr: SocketAddr = addr_raw
            .parse()
            .with_context(|| format!("PRENOTA_ADDR={addr_raw:?} is not an address like 127.0.0.1:8080"))?;
        let web = prenota_usecases::Settings::from_lookup(var)?;
        let smtp = match var("PRENOTA_SMTP_URL") {
            None => None,
            Some(url) => Some(SmtpSettings {
                url,
                from: var("PRENOTA_MAIL_FROM").context(
                    "PRENOTA_SMTP_URL is set but PRENOTA_MAIL_FROM is not: set it to the sender of the \
                     e-mails, for example \"Prenota Bergamo <prenota@comune.bergamo.it>\"",
                )?,
            }),
        };
        Ok(Self {
            addr,
            data: PathBuf::from(var("PRENOTA_DATA").unwrap_or_else(|| "./data".to_owned())),
            catalogue: PathBuf::from(
                var("PRENOTA_CATALOGUE").unwrap_or_else(|| "infra/catalogue/bergamo.toml".to_owned()),
            ),
            site: PathBuf::from(var("PRENOTA_SITE").unwrap_or_else(|| "static-site/dist".to_owned())),
            web,
            json_logs: var("PRENOTA_LOG").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            smtp,
            connections: ConnectionSettings::from_lookup(var)?,
            limits: prenota_web::LimitSettings::from_lookup(var).map_err(anyhow::Error::msg)?,
            sms_per_hour: prenota_delivery::sms_per_hour_setting(var).map_err(anyhow::Error::msg)?,
            dev_now: match var("PRENOTA_DEV_NOW") {
                None => None,
                Some(raw) => Some(
                    chrono::DateTime::parse_from_rfc3339(raw.trim())
                        .with_context(|| {
                            format!(
                                "PRENOTA_DEV_NOW={raw:?} is not an instant like 2026-12-07T08:30:00+01:00"
                            )
                        })?
                        .with_timezone(&chrono::Utc),
                ),
            },
        })
    }

    /// `/outbox` shows every message with its recipient and its links: it is served only to this
    /// machine (a loopback address) and only while messages go nowhere else (no SMTP).
    pub fn outbox_page(&self) -> bool {
        self.addr.ip().is_loopback() && self.smtp.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connections(pairs: &[(&str, &str)]) -> anyhow::Result<ConnectionSettings> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ConnectionSettings::from_lookup(move |name| {
            pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn connection_settings_have_defaults_and_name_the_variable_when_malformed() {
        assert_eq!(connections(&[]).unwrap(), ConnectionSettings::default());
        let set = connections(&[
            ("PRENOTA_HEADER_TIMEOUT", "500ms"),
            ("PRENOTA_SEND_TIMEOUT", "2s"),
            ("PRENOTA_REQUEST_TIMEOUT", "1m"),
            ("PRENOTA_MAX_CONNECTIONS", "64"),
        ])
        .unwrap();
        assert_eq!(set.header_timeout, Duration::from_millis(500));
        assert_eq!(set.send_timeout, Duration::from_secs(2));
        assert_eq!(set.request_timeout, Duration::from_secs(60));
        assert_eq!(set.max_connections, 64);
        for (name, value) in [
            ("PRENOTA_HEADER_TIMEOUT", "soon"),
            ("PRENOTA_SEND_TIMEOUT", "-1s"),
            ("PRENOTA_REQUEST_TIMEOUT", "0s"),
            ("PRENOTA_MAX_CONNECTIONS", "0"),
            ("PRENOTA_MAX_CONNECTIONS", "lots"),
        ] {
            let error = connections(&[(name, value)]).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }
}
