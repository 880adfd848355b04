//! Identifiers of catalogue items, and of bookings. They end up in URLs and in store keys (joined
//! with `#`), so their alphabet is closed: lowercase ASCII letters, digits and `-` for catalogue
//! items, lowercase hex digits for bookings.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::token::TokenHash;

pub const MAX_ID_LEN: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("the id is empty")]
    Empty,
    #[error("the id is longer than {MAX_ID_LEN} characters")]
    TooLong,
    #[error("the id has {found:?} at position {position}: only a-z, 0-9 and '-' are allowed")]
    BadCharacter { found: char, position: usize },
    #[error("the id must start with a letter or a digit")]
    BadStart,
}

fn check_id(raw: &str) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty);
    }
    if raw.len() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    if let Some((position, found)) = raw
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(IdError::BadCharacter { found, position });
    }
    if raw.starts_with('-') {
        return Err(IdError::BadStart);
    }
    Ok(())
}

/// A string id checked by `$check` (which fails with `$error`): parsed, shown and (de)serialized
/// as the plain string.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $check:ident, $error:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, $error> {
                $check(raw).map(|()| Self(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(raw: String) -> Result<Self, $error> {
                $check(&raw).map(|()| Self(raw))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

macro_rules! catalogue_id {
    ($(#[$doc:meta])* $name:ident) => {
        string_id!($(#[$doc])* $name, check_id, IdError);
    };
}

catalogue_id!(
    /// An office ("sede"), e.g. `ufficio-3`.
    OfficeId
);
catalogue_id!(
    /// A service ("prestazione"), e.g. `cie`.
    ServiceId
);

/// How many characters a booking id has: the 32 bytes of a SHA-256 in hex.
pub const BOOKING_ID_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingIdError {
    #[error("a booking id has {BOOKING_ID_LEN} characters")]
    Length,
    #[error("the booking id has {found:?} at position {position}: only 0-9 and a-f are allowed")]
    BadCharacter { found: char, position: usize },
}

fn check_booking_id(raw: &str) -> Result<(), BookingIdError> {
    if let Some((position, found)) = raw
        .chars()
        .enumerate()
        .find(|(_, c)| !matches!(c, '0'..='9' | 'a'..='f'))
    {
        return Err(BookingIdError::BadCharacter { found, position });
    }
    if raw.len() != BOOKING_ID_LEN {
        return Err(BookingIdError::Length);
    }
    Ok(())
}

string_id!(
    /// A booking's internal id: the lowercase hex SHA-256 of the hold token that started it
    /// ([`TokenHash::to_hex`]), so the token itself is never stored. It names the booking in store
    /// keys, in the reminder's schedule and outbox id (`reminder-<id>`), never in a citizen's link.
    /// [`BookingId::parse`] accepts exactly what [`BookingId::of_hold`] writes: 64 lowercase hex
    /// digits.
    BookingId,
    check_booking_id,
    BookingIdError
);

impl BookingId {
    /// The id of the booking that the hold with this hash started.
    pub fn of_hold(hold: &TokenHash) -> Self {
        Self(hold.to_hex())
    }

    /// The hash of the hold token: the inverse of [`BookingId::of_hold`].
    pub fn hold(&self) -> TokenHash {
        TokenHash::from_hex(&self.0).expect("a booking id is 64 hex digits, checked when it was made")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_slugs() {
        assert_eq!(OfficeId::parse("ufficio-3").unwrap().as_str(), "ufficio-3");
        assert!(ServiceId::parse("cie").is_ok());
    }

    #[test]
    fn refuses_each_way_of_being_wrong() {
        assert_eq!(OfficeId::parse(""), Err(IdError::Empty));
        assert_eq!(OfficeId::parse(&"a".repeat(41)), Err(IdError::TooLong));
        assert_eq!(
            OfficeId::parse("Ufficio"),
            Err(IdError::BadCharacter {
                found: 'U',
                position: 0
            })
        );
        assert_eq!(
            OfficeId::parse("a#b"),
            Err(IdError::BadCharacter {
                found: '#',
                position: 1
            })
        );
        assert_eq!(OfficeId::parse("-a"), Err(IdError::BadStart));
    }

    #[test]
    fn a_booking_id_is_the_hex_hash_of_its_hold_and_back() {
        let hold = crate::Token::generate().unwrap().hash();
        let id = BookingId::of_hold(&hold);
        assert_eq!(id.as_str(), hold.to_hex());
        assert_eq!(id.to_string(), hold.to_hex());
        assert_eq!(id.hold(), hold);
        assert_eq!(BookingId::parse(id.as_str()), Ok(id.clone()));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{}\"", hold.to_hex()));
        assert_eq!(serde_json::from_str::<BookingId>(&json).unwrap(), id);
    }

    #[test]
    fn a_booking_id_is_only_what_of_hold_writes() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(BookingId::parse(&hex).is_ok());
        assert_eq!(BookingId::parse(""), Err(BookingIdError::Length));
        assert_eq!(BookingId::parse(&hex[..63]), Err(BookingIdError::Length));
        assert_eq!(BookingId::parse(&format!("{hex}0")), Err(BookingIdError::Length));
        assert_eq!(
            BookingId::parse(&hex.to_uppercase()),
            Err(BookingIdError::BadCharacter {
                found: 'A',
                position: 10
            })
        );
        assert_eq!(
            BookingId::parse("no-such-booking"),
            Err(BookingIdError::BadCharacter {
                found: 'n',
                position: 0
            })
        );
        assert!(serde_json::from_str::<BookingId>("\"reminder-1\"").is_err());
    }
}
