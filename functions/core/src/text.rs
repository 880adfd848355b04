//! Free text the citizen types: names, the optional details of a booking, short reasons.

use std::fmt;

use serde::{Deserialize, Serialize};

pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_DETAILS_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
    #[error("the name contains {0:?}, which a name cannot contain")]
    BadCharacter(char),
    #[error("the name has no letter")]
    NoLetter,
}

/// A first name or surname: letters, spaces, apostrophes, hyphens and dots, trimmed, with runs of
/// white space folded to one space ("D'Angelo", "De  Rossi" → "De Rossi", "Müller-Lüdenscheidt").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(NameError::Empty);
        }
        if folded.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        if let Some(bad) = folded
            .chars()
            .find(|c| !(c.is_alphabetic() || matches!(c, ' ' | '\'' | '’' | '-' | '.')))
        {
            return Err(NameError::BadCharacter(bad));
        }
        if !folded.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetter);
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Details> for String {
    fn from(details: Details) -> String {
        details.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = NameError;
    fn try_from(raw: String) -> Result<Self, NameError> {
        Self::parse(&raw)
    }
}

impl From<PersonName> for String {
    fn from(name: PersonName) -> String {
        name.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FreeTextError {
    #[error("the text is longer than {0} characters")]
    TooLong(usize),
    #[error("the text contains a control character")]
    ControlCharacter,
}

/// A short text typed in a box: trimmed, at most `max_chars`, line breaks and tabs allowed but no
/// other control character. Blank is nothing: `Ok(None)`.
pub fn free_text(raw: &str, max_chars: usize) -> Result<Option<String>, FreeTextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > max_chars {
        return Err(FreeTextError::TooLong(max_chars));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FreeTextError::ControlCharacter);
    }
    Ok(Some(trimmed.to_owned()))
}

/// What the citizen wants the counter to know, at most 200 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct Details(String);

impl Details {
    /// Blank details are no details: `Ok(None)`.
    pub fn parse(raw: &str) -> Result<Option<Self>, FreeTextError> {
        Ok(free_text(raw, MAX_DETAILS_CHARS)?.map(Self))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_folded_and_checked() {
        assert_eq!(
            PersonName::parse("  Maria   Grazia ").unwrap().as_str(),
            "Maria Grazia"
        );
        assert!(PersonName::parse("D'Angelo").is_ok());
        assert!(PersonName::parse("Müller-Lüdenscheidt").is_ok());
        assert_eq!(PersonName::parse("   "), Err(NameError::Empty));
        assert_eq!(PersonName::parse("Mario2"), Err(NameError::BadCharacter('2')));
        assert_eq!(PersonName::parse("<b>"), Err(NameError::BadCharacter('<')));
        assert_eq!(PersonName::parse("-'."), Err(NameError::NoLetter));
        assert_eq!(PersonName::parse(&"a".repeat(61)), Err(NameError::TooLong));
        assert!(PersonName::parse(&"à".repeat(60)).is_ok());
    }

    #[test]
    fn details_are_at_most_200_characters() {
        assert_eq!(Details::parse("  "), Ok(None));
        assert!(Details::parse(&"è".repeat(200)).unwrap().is_some());
        assert_eq!(
            Details::parse(&"è".repeat(201)),
            Err(FreeTextError::TooLong(MAX_DETAILS_CHARS))
        );
        assert_eq!(Details::parse("a\u{0}b"), Err(FreeTextError::ControlCharacter));
        assert_eq!(
            Details::parse("prima riga\nseconda").unwrap().unwrap().as_str(),
            "prima riga\nseconda"
        );
    }
}
