//! The office's staff: who they are, what each role may do, and the rules of signing in (password
//! length, slowing down and locking after failures, session lifetimes). Accounts are stored on one
//! machine; on AWS the identity comes from Cognito's claims. Either way the same
//! [`StaffIdentity`] decides what a request may do.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::contact::Email;
use crate::ids::OfficeId;

/// What a member of staff is. Ordered: each role has the rights of those before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Works at the counters of the offices assigned to them.
    Operator,
    /// Operator rights plus the office's audit log, settings and statistics.
    Manager,
    /// Every office, the staff accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Operator, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A staff account's e-mail: a valid address, trimmed and lower-cased whole, so that one person
/// has one account however they type it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct StaffEmail(String);

impl StaffEmail {
    pub fn parse(raw: &str) -> Result<Self, StaffError> {
        let email = Email::parse(&raw.trim().to_lowercase()).map_err(|_| StaffError::BadEmail)?;
        Ok(Self(email.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StaffEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    #[error("not an e-mail address")]
    BadEmail,
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("a password has at most {MAX_PASSWORD_CHARS} characters")]
    LongPassword,
}

/// The fewest characters a password may have (as the issue and AgID's guidance ask).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most: hashing is costly, so a megabyte "password" is refused before it reaches Argon2.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A password someone chose, checked for length (characters, not bytes). Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, StaffError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(StaffError::WeakPassword);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(StaffError::LongPassword);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// Who is asking, once signed in: from a session on one machine, from the verified token's
/// claims on AWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffIdentity {
    pub email: String,
    pub role: Role,
    /// The offices assigned; an admin works in every office whatever this says.
    pub offices: Vec<OfficeId>,
}

/// What a staff request wants to do, for [`StaffIdentity::may`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// The agenda, check-in, calls, outcomes, walk-ins of an office.
    Counter,
    /// The office's audit log.
    ReadAudit,
    /// The office's settings: closures (and, with them, the bookings they displace).
    ManageOffice,
    /// The office's statistics (counts and times; no citizen in them).
    ReadStatistics,
}

impl StaffIdentity {
    pub fn works_at(&self, office: &OfficeId) -> bool {
        self.role == Role::Admin || self.offices.contains(office)
    }

    /// Whether this person may do `action` in `office`.
    /// Whether this person may do `action` in every office at once (a closure of all offices):
    /// administrators only.
    pub fn may_everywhere(&self, action: StaffAction) -> bool {
        self.role == Role::Admin && self.role_allows(action)
    }

    pub fn may(&self, action: StaffAction, office: &OfficeId) -> bool {
        self.role_allows(action) && self.works_at(office)
    }

    fn role_allows(&self, action: StaffAction) -> bool {
        match action {
            StaffAction::Counter => true,
            StaffAction::ReadAudit | StaffAction::ManageOffice | StaffAction::ReadStatistics => {
                self.role >= Role::Manager
            }
        }
    }
}

/// Failed sign-ins in a row under which nothing slows down (typing mistakes).
pub const FREE_FAILURES: u32 = 3;
/// Failed sign-ins in a row after which the account is locked for [`LOCK_FOR`].
pub const LOCK_AFTER: u32 = 10;
pub const LOCK_FOR: Duration = Duration::minutes(15);

/// How long after the last of `failures` failed sign-ins in a row the next attempt is heard:
/// nothing for the first few, then 1, 2, 4… seconds, then the lock. The same for an e-mail that
/// has no account, so that the answer tells nobody whether it has one.
pub fn sign_in_wait(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        Duration::zero()
    } else if failures >= LOCK_AFTER {
        LOCK_FOR
    } else {
        Duration::seconds(1 << (failures - FREE_FAILURES))
    }
}

/// Failed sign-ins recorded for one e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignInFailures {
    pub count: u32,
    pub last: Option<DateTime<Utc>>,
}

impl SignInFailures {
    /// When the next attempt may be made, if not now.
    pub fn retry_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let at = self.last? + sign_in_wait(self.count);
        (at > now).then_some(at)
    }
}

/// A session ends after this long without a request…
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// …and this long after signing in, whatever happens.
pub const SESSION_MAX: Duration = Duration::hours(10);
/// A session's last use is written at most this often (not on every request).
pub const SESSION_TOUCH_EVERY: Duration = Duration::minutes(1);
/// A password link (`prenota staff add` without a password) is good this long, once.
pub const PASSWORD_LINK_VALID: Duration = Duration::hours(24);

/// A signed-in session's times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

impl SessionTimes {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.last_seen + SESSION_IDLE && now < self.created_at + SESSION_MAX
    }

    /// Whether a request at `now` should write the session's last use.
    pub fn needs_touch(&self, now: DateTime<Utc>) -> bool {
        now >= self.last_seen + SESSION_TOUCH_EVERY
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn office(id: &str) -> OfficeId {
        OfficeId::parse(id).unwrap()
    }

    #[test]
    fn roles_grow_in_rights() {
        let operator = StaffIdentity {
            email: "op@comune.it".into(),
            role: Role::Operator,
            offices: vec![office("ufficio-1")],
        };
        assert!(operator.may(StaffAction::Counter, &office("ufficio-1")));
        assert!(!operator.may(StaffAction::Counter, &office("ufficio-2")));
        assert!(!operator.may(StaffAction::ReadAudit, &office("ufficio-1")));
        let manager = StaffIdentity {
            role: Role::Manager,
            ..operator.clone()
        };
        assert!(manager.may(StaffAction::ReadAudit, &office("ufficio-1")));
        assert!(!manager.may(StaffAction::ReadAudit, &office("ufficio-2")));
        let admin = StaffIdentity {
            role: Role::Admin,
            offices: vec![],
            ..operator
        };
        assert!(admin.may(StaffAction::ReadAudit, &office("ufficio-9")));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
    }

    #[test]
    fn emails_are_one_account_however_typed() {
        assert_eq!(
            StaffEmail::parse("  Mario.Rossi@Comune.Bergamo.IT ")
                .unwrap()
                .as_str(),
            "mario.rossi@comune.bergamo.it"
        );
        assert_eq!(StaffEmail::parse("mario"), Err(StaffError::BadEmail));
    }

    #[test]
    fn passwords_have_twelve_characters_or_more() {
        assert_eq!(NewPassword::parse("short"), Err(StaffError::WeakPassword));
        assert_eq!(NewPassword::parse("àèìòùàèìòùà"), Err(StaffError::WeakPassword));
        assert!(NewPassword::parse("àèìòùàèìòùàè").is_ok());
        assert_eq!(
            NewPassword::parse(&"x".repeat(257)),
            Err(StaffError::LongPassword)
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("secret-secret").unwrap()),
            "NewPassword(..)"
        );
    }

    #[test]
    fn failures_slow_down_then_lock() {
        assert_eq!(sign_in_wait(0), Duration::zero());
        assert_eq!(sign_in_wait(2), Duration::zero());
        assert_eq!(sign_in_wait(3), Duration::seconds(1));
        assert_eq!(sign_in_wait(9), Duration::seconds(64));
        assert_eq!(sign_in_wait(10), LOCK_FOR);
        assert_eq!(sign_in_wait(1000), LOCK_FOR);
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
        let failures = SignInFailures {
            count: 10,
            last: Some(at),
        };
        assert_eq!(failures.retry_at(at), Some(at + LOCK_FOR));
        assert_eq!(failures.retry_at(at + LOCK_FOR), None);
        assert_eq!(SignInFailures::default().retry_at(at), None);
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let at = Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap();
        let session = SessionTimes {
            created_at: at,
            last_seen: at,
        };
        assert!(session.is_live(at + Duration::minutes(29)));
        assert!(!session.is_live(at + SESSION_IDLE));
        let busy = SessionTimes {
            created_at: at,
            last_seen: at + Duration::hours(9) + Duration::minutes(59),
        };
        assert!(busy.is_live(at + Duration::hours(9) + Duration::minutes(59)));
        assert!(!busy.is_live(at + SESSION_MAX));
        assert!(!session.needs_touch(at + Duration::seconds(59)));
        assert!(session.needs_touch(at + Duration::seconds(60)));
    }
}
