//! The one-machine settings: environment variables with defaults (DESIGN.md, "Configuration").
//! A malformed value stops start-up with a message naming the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context as _, bail};

#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data: PathBuf,
    pub catalogue: PathBuf,
    pub site: PathBuf,
    pub web: prenota_web::Settings,
    pub json_logs: bool,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

fn duration(name: &str, default: &str) -> anyhow::Result<chrono::Duration> {
    let raw = var(name).unwrap_or_else(|| default.to_owned());
    let parsed = humantime::parse_duration(raw.trim())
        .with_context(|| format!("{name}={raw:?} is not a duration (examples: 90s, 20m, 2d)"))?;
    if parsed.is_zero() {
        bail!("{name}={raw:?} must be longer than zero");
    }
    chrono::Duration::from_std(parsed).with_context(|| format!("{name}={raw:?} is too long"))
}

impl Settings {
    pub fn from_environment() -> anyhow::Result<Self> {
        let addr_raw = var("PRENOTA_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let addr: SocketAddr = addr_raw
            .parse()
            .with_context(|| format!("PRENOTA_ADDR={addr_raw:?} is not an address like 127.0.0.1:8080"))?;
        let public_url = var("PRENOTA_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("PRENOTA_PUBLIC_URL={public_url:?} must start with http:// or https://");
        }
        let web = prenota_web::Settings {
            public_url: public_url.trim_end_matches('/').to_owned(),
            hold_ttl: duration("PRENOTA_HOLD_TTL", "20m")?,
            confirm_ttl: duration("PRENOTA_CONFIRM_TTL", "30m")?,
            retention: duration("PRENOTA_RETENTION", "2d")?,
            ..prenota_web::Settings::default()
        };
        Ok(Self {
            addr,
            data: PathBuf::from(var("PRENOTA_DATA").unwrap_or_else(|| "./data".to_owned())),
            catalogue: PathBuf::from(
                var("PRENOTA_CATALOGUE").unwrap_or_else(|| "infra/catalogue/bergamo.toml".to_owned()),
            ),
            site: PathBuf::from(var("PRENOTA_SITE").unwrap_or_else(|| "static-site".to_owned())),
            web,
            json_logs: var("PRENOTA_LOG").is_some_and(|v| v.eq_ignore_ascii_case("json")),
        })
    }
}
