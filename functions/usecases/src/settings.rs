//! The installation's settings and secrets, the same for the Lambdas and the one-machine server
//! (docs/design.md, "Configuration").

use chrono::Duration;
use prenota_core::QuotaPolicy;
use prenota_core::checkin::CheckinKey;
use prenota_core::contact::{HmacKey, SmsDestinations};
use prenota_core::counter::CounterRules;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Base of the links in messages, without a trailing slash: `https://prenota.comune.bergamo.it`.
    pub public_url: String,
    pub hold_ttl: Duration,
    pub confirm_ttl: Duration,
    /// Personal data is erased this long after the appointment.
    pub retention: Duration,
    /// The quotas (docs/design.md, "Quotas"): people per household booking
    /// (`PRENOTA_HOUSEHOLD_MAX`, default 4, at most 10) and active bookings per contact
    /// (`PRENOTA_ACTIVE_PER_CONTACT`, default 8); per person, 3 active and 1 per service and day.
    pub quota: QuotaPolicy,
    /// Reminders go out the day before the appointment at this Europe/Rome time.
    pub reminder_time: chrono::NaiveTime,
    /// Messages a contact may be sent per hour that no booking of theirs causes ("my bookings"
    /// lists, notices that a quota stopped a booking): however many requests ask.
    pub messages_per_contact_hour: u32,
    /// The countries whose mobiles get SMS (`PRENOTA_SMS_COUNTRIES`, calling codes, default `39`):
    /// every SMS is paid for, and numbers of far or international networks are how SMS pumping
    /// makes money.
    pub sms_destinations: SmsDestinations,
    /// Past this many holds a minute, a hold needs a proof of work (`PRENOTA_CHALLENGE_ABOVE`;
    /// 0: always; `off`: never).
    pub challenge_above: u32,
    /// The largest number a browser may have to try to solve a challenge
    /// (`PRENOTA_CHALLENGE_WORK`): its mean work is half that many SHA-256 hashes.
    pub challenge_work: u64,
    /// When check-in opens and closes, and when a citizen may be marked as not come
    /// (`PRENOTA_CHECKIN_EARLY`, `PRENOTA_CHECKIN_LATE`, `PRENOTA_NO_SHOW_AFTER`).
    pub counter_rules: CounterRules,
    /// How long the audit log keeps an entry (`PRENOTA_AUDIT_RETENTION`, the city's rule).
    pub audit_retention: Duration,
    /// Personal data is shown on the agenda for today and this many working days after
    /// (`PRENOTA_AGENDA_DAYS`).
    pub agenda_days: u32,
    /// How staff sign in: a password on one machine, Cognito's hosted login on AWS.
    pub staff_sign_in: StaffSignIn,
    /// A booking can be moved until this long before it starts (`PRENOTA_MOVE_UNTIL`, default
    /// 2 h): the office has planned its day by then, and a seat freed later would go unused.
    pub move_until: Duration,
    /// For a service that asks "Confermi che verrai?" (the catalogue's `reconfirm`), how many days
    /// before the appointment the question goes out, at the reminder time (`PRENOTA_RECONFIRM_DAYS`,
    /// default 3); the answer is due by the day-before reminder.
    pub reconfirm_days: u32,
}

/// How the counter page signs staff in (`GET /api/staff/config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffSignIn {
    /// Accounts in the store, e-mail and password (one machine).
    Password,
    /// Cognito's hosted login, authorization code with PKCE (`PRENOTA_COGNITO_DOMAIN`, the
    /// hosted login's base URL, and `PRENOTA_COGNITO_CLIENT_ID`).
    Cognito { domain: String, client_id: String },
}

/// The default of [`Settings::reconfirm_days`]: asked on Monday for a Thursday, answered by
/// Wednesday.
pub const RECONFIRM_DAYS: u32 = 3;

/// The default of [`Settings::agenda_days`]: today and the next two working days.
pub const AGENDA_DAYS: u32 = 2;

/// The default of [`Settings::challenge_above`]: a city's busiest minute is a few dozen holds.
pub const CHALLENGE_ABOVE: u32 = 120;
/// The default of [`Settings::challenge_work`]: about a third of a second on a cheap phone, a
/// seventh on a laptop (docs/benchmarks.md, "Proof of work").
pub const CHALLENGE_WORK: u64 = 15_000;

/// The default of [`Settings::messages_per_contact_hour`]: a citizen who lost the link asks once
/// or twice; a flood is cut at three.
pub const MESSAGES_PER_CONTACT_HOUR: u32 = 3;

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

/// A whole-number setting, `default` when unset; garbage is an error that names the variable.
fn whole_number<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, SettingsError> {
    match lookup(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|_| SettingsError(format!("{name}={raw:?} is not a whole number"))),
    }
}

impl Settings {
    /// The settings of docs/design.md's "Configuration" (`PRENOTA_PUBLIC_URL`, `PRENOTA_HOLD_TTL`,
    /// `PRENOTA_CONFIRM_TTL`, `PRENOTA_RETENTION`, `PRENOTA_REMINDER_TIME`), the same for the
    /// Lambdas and the one-machine server. `lookup` gives a variable's value, `None` when unset.
    /// Without `PRENOTA_PUBLIC_URL`, `public_url` is empty: the caller decides (the server uses
    /// its listen address; a Lambda has none and refuses to start).
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
            quota: QuotaPolicy {
                max_people: whole_number(&lookup, "PRENOTA_HOUSEHOLD_MAX", prenota_core::quota::MAX_PEOPLE)?
                    .clamp(1, 10),
                max_active_per_contact: whole_number(
                    &lookup,
                    "PRENOTA_ACTIVE_PER_CONTACT",
                    QuotaPolicy::default().max_active_per_contact,
                )?
                .max(1),
                ..QuotaPolicy::default()
            },
            reminder_time: match lookup("PRENOTA_REMINDER_TIME") {
                None => default_reminder_time(),
                Some(raw) => prenota_core::dates::parse_time(raw.trim()).map_err(|_| {
                    SettingsError(format!(
                        "PRENOTA_REMINDER_TIME={raw:?} is not a time of day written HH:MM, like 09:00"
                    ))
                })?,
            },
            sms_destinations: match lookup("PRENOTA_SMS_COUNTRIES") {
                None => SmsDestinations::default(),
                Some(raw) => SmsDestinations::parse(&raw).map_err(|error| {
                    SettingsError(format!(
                        "PRENOTA_SMS_COUNTRIES={raw:?}: {error} (calling codes, like 39 or 39,41)"
                    ))
                })?,
            },
            challenge_above: match lookup("PRENOTA_CHALLENGE_ABOVE").as_deref().map(str::trim) {
                // For load tests and benchmarks, which hold thousands a second on purpose.
                Some("off") => u32::MAX,
                _ => whole_number(&lookup, "PRENOTA_CHALLENGE_ABOVE", CHALLENGE_ABOVE)?,
            },
            challenge_work: whole_number(&lookup, "PRENOTA_CHALLENGE_WORK", CHALLENGE_WORK)?
                .clamp(1_000, 1_000_000),
            messages_per_contact_hour: whole_number(
                &lookup,
                "PRENOTA_MESSAGES_PER_CONTACT_HOUR",
                MESSAGES_PER_CONTACT_HOUR,
            )?,
            counter_rules: CounterRules {
                early: duration(&lookup, "PRENOTA_CHECKIN_EARLY", "60m")?,
                late: duration(&lookup, "PRENOTA_CHECKIN_LATE", "15m")?,
                no_show_after: duration(&lookup, "PRENOTA_NO_SHOW_AFTER", "10m")?,
            },
            audit_retention: duration(&lookup, "PRENOTA_AUDIT_RETENTION", "365d")?,
            agenda_days: whole_number(&lookup, "PRENOTA_AGENDA_DAYS", AGENDA_DAYS)?.min(30),
            move_until: duration(&lookup, "PRENOTA_MOVE_UNTIL", "2h")?,
            reconfirm_days: whole_number(&lookup, "PRENOTA_RECONFIRM_DAYS", RECONFIRM_DAYS)?.clamp(2, 30),
            staff_sign_in: match (
                lookup("PRENOTA_COGNITO_DOMAIN"),
                lookup("PRENOTA_COGNITO_CLIENT_ID"),
            ) {
                (Some(domain), Some(client_id)) => StaffSignIn::Cognito {
                    domain: domain.trim().trim_end_matches('/').to_owned(),
                    client_id: client_id.trim().to_owned(),
                },
                (None, None) => StaffSignIn::Password,
                _ => {
                    return Err(SettingsError(
                        "PRENOTA_COGNITO_DOMAIN and PRENOTA_COGNITO_CLIENT_ID go together: set both or neither"
                            .into(),
                    ));
                }
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
            messages_per_contact_hour: MESSAGES_PER_CONTACT_HOUR,
            sms_destinations: SmsDestinations::default(),
            challenge_above: CHALLENGE_ABOVE,
            challenge_work: CHALLENGE_WORK,
            counter_rules: CounterRules::default(),
            audit_retention: prenota_core::audit::DEFAULT_RETENTION,
            agenda_days: AGENDA_DAYS,
            staff_sign_in: StaffSignIn::Password,
            move_until: Duration::hours(2),
            reconfirm_days: RECONFIRM_DAYS,
        }
    }
}

/// The installation's two secrets (docs/design.md, "Secrets"): never logged.
pub struct Secrets {
    /// Keys the contact hashes of the quotas and derives booking-page codes.
    pub hmac: HmacKey,
    /// Signs the check-in tokens of the QR codes.
    pub checkin: CheckinKey,
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
}
