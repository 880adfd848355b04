//! The one-machine settings: environment variables with defaults (docs/design.md, "Configuration").
//! A malformed value stops start-up with a message naming the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

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
}

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
        })
    }
}
