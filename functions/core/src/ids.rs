//! Identifiers of catalogue items. They end up in URLs and in store keys (joined with `#`),
//! so their alphabet is closed: lowercase ASCII letters, digits and `-`.

use std::fmt;

use serde::{Deserialize, Serialize};

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

macro_rules! catalogue_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                check_id(raw).map(|()| Self(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                check_id(&raw).map(|()| Self(raw))
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

catalogue_id!(
    /// An office ("sede"), e.g. `ufficio-3`.
    OfficeId
);
catalogue_id!(
    /// A service ("prestazione"), e.g. `cie`.
    ServiceId
);

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
}
