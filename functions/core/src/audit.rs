//! What the audit log records of staff actions: who, when, what, in which office, on which
//! booking. Never a citizen's name, contact or details: the short code leads to the booking for
//! those allowed to see it.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::counter::CounterEvent;
use crate::ids::OfficeId;
use crate::token::ShortCode;

/// A staff action worth recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditAction {
    SignIn,
    SignOut,
    /// The account was locked after repeated failed sign-ins.
    Locked,
    PasswordSet,
    Counter(CounterEvent),
    WalkIn,
    /// A closure saved: its bookings displaced, its seats taken.
    ClosureSaved,
    /// A closure undone: its free seats back to everyone.
    ClosureReopened,
    /// An office, service or offering changed (or a change undone), with the bookings it displaced.
    CatalogueChanged,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignOut => "sign-out",
            Self::Locked => "locked",
            Self::PasswordSet => "password-set",
            Self::Counter(event) => event.as_str(),
            Self::WalkIn => "walk-in",
            Self::ClosureSaved => "closure-saved",
            Self::ClosureReopened => "closure-reopened",
            Self::CatalogueChanged => "catalogue-changed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        use CounterEvent as E;
        let fixed = [
            Self::SignIn,
            Self::SignOut,
            Self::Locked,
            Self::PasswordSet,
            Self::WalkIn,
            Self::ClosureSaved,
            Self::ClosureReopened,
            Self::CatalogueChanged,
            Self::Counter(E::CheckIn),
            Self::Counter(E::Call),
            Self::Counter(E::Recall),
            Self::Counter(E::PutBack),
            Self::Counter(E::Served),
            Self::Counter(E::NoShow),
        ];
        fixed.into_iter().find(|action| action.as_str() == raw)
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The staff e-mail.
    pub actor: String,
    pub action: AuditAction,
    /// `None` for actions of no office (signing in).
    pub office: Option<OfficeId>,
    pub short_code: Option<ShortCode>,
}

/// How long entries are kept unless the city sets otherwise (`PRENOTA_AUDIT_RETENTION`).
pub const DEFAULT_RETENTION: Duration = Duration::days(365);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_keep_their_stored_names() {
        for raw in [
            "sign-in",
            "sign-out",
            "locked",
            "password-set",
            "walk-in",
            "closure-saved",
            "closure-reopened",
            "check-in",
            "call",
            "recall",
            "put-back",
            "served",
            "no-show",
        ] {
            assert_eq!(AuditAction::parse(raw).map(AuditAction::as_str), Some(raw));
        }
        assert_eq!(AuditAction::parse("delete-everything"), None);
    }
}
