//! Free text the citizen types: names, the optional details of a booking, short reasons.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

pub const MAX_NAME_CHARS: usize = 60;
/// The most combining marks one letter of a name may carry once composed (NFC): real
/// orthographies stack two or three (Yoruba "ọ̀", Hebrew points, Thai vowel and tone); more is
/// "Zalgo" text.
const MAX_MARKS_PER_LETTER: usize = 3;
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
    #[error("the name looks like a web address or a domain (a dot followed by letters, as in esempio.it)")]
    WebAddress,
}

/// A first name or surname: letters (with their accents), spaces, apostrophes, hyphens and dots,
/// in Unicode NFC, trimmed, with runs of white space folded to one space ("D'Angelo",
/// "De  Rossi" → "De Rossi", "Müller-Lüdenscheidt", "J.R.").
///
/// Names go out in the official e-mail ("Gentile …,"), so nothing a mail program would turn into a
/// link may be in one: a dot may end an initial or an abbreviation ("J.R.", "G. Rossi", "St. John")
/// but not be followed by two letters, as in a domain ("evil.com", "www.comune", "esempio.it");
/// `@`, `:` and `/` are not name characters at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let name = Self::from_stored(raw)?;
        if looks_like_a_domain(&name.0) {
            return Err(NameError::WebAddress);
        }
        Ok(name)
    }

    /// A name read back from a store: checked as [`PersonName::parse`] does, but for the refusal
    /// of web addresses, which came later — a booking made before it ("St.John") must still show.
    pub fn from_stored(raw: &str) -> Result<Self, NameError> {
        // Composed first: a decomposed "José" (e + U+0301) is the same name as "José", and is
        // stored and shown composed.
        let composed: String = raw.nfc().collect();
        let folded = composed.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(NameError::Empty);
        }
        if folded.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        check_name_characters(&folded)?;
        if !folded.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetter);
        }
        Ok(Self(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Letters, spaces, apostrophes, hyphens and dots; a combining mark only on a letter, at most
/// [`MAX_MARKS_PER_LETTER`] on one (the accents NFC cannot compose: "ọ̀", Devanagari's virama,
/// Thai tone marks).
fn check_name_characters(name: &str) -> Result<(), NameError> {
    let mut marks_allowed = 0;
    for c in name.chars() {
        if is_combining_mark(c) && !c.is_alphabetic() {
            if marks_allowed == 0 {
                return Err(NameError::BadCharacter(c));
            }
            marks_allowed -= 1;
        } else if c.is_alphabetic() {
            marks_allowed = MAX_MARKS_PER_LETTER;
        } else if matches!(c, ' ' | '\'' | '’' | '-' | '.') {
            marks_allowed = 0;
        } else {
            return Err(NameError::BadCharacter(c));
        }
    }
    Ok(())
}

/// Whether a dot is followed by two letters (accents aside), as in a domain: "evil.com",
/// "www.comune", "comune.it". Initials and abbreviations ("J.R.", "G. Rossi") are not.
fn looks_like_a_domain(name: &str) -> bool {
    let mut chars = name
        .chars()
        .filter(|c| !is_combining_mark(*c) || c.is_alphabetic());
    while chars.by_ref().any(|c| c == '.') {
        let mut after = chars.clone();
        if after.next().is_some_and(char::is_alphabetic) && after.next().is_some_and(char::is_alphabetic) {
            return true;
        }
    }
    false
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

    #[test]
    fn a_name_stored_before_domains_were_refused_still_reads_back() {
        assert_eq!(PersonName::parse("St.John"), Err(NameError::WebAddress));
        assert_eq!(PersonName::from_stored("St.John").unwrap().as_str(), "St.John");
        assert_eq!(PersonName::from_stored(""), Err(NameError::Empty));
    }

    use unicode_normalization::UnicodeNormalization as _;

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
    fn names_are_composed_before_they_are_checked() {
        // Measured: a decomposed "José" (e + combining acute) was refused.
        let decomposed = "Jose\u{301}";
        let name = PersonName::parse(decomposed).unwrap();
        assert_eq!(name.as_str(), "Jos\u{e9}");
        assert_eq!(name, PersonName::parse("José").unwrap());
        // 60 letters once composed, though 120 characters as typed.
        assert!(PersonName::parse(&"a\u{300}".repeat(60)).is_ok());
        assert_eq!(PersonName::parse(&"a\u{300}".repeat(61)), Err(NameError::TooLong));
    }

    #[test]
    fn italian_and_foreign_names_are_kept() {
        for name in [
            "D'Angelo",
            "Dell'Acqua",
            "Dell’Acqua",
            "Anna-Maria",
            "Nguyễn",
            "Søren",
            "Zoë",
            "O'Brien",
            "J.R.",
            "J. R.",
            "Maria G.",
            "St. John",
            "Jr.",
            "Παπαδόπουλος",
            "Иванова",
            "李",
            "Ọ\u{300}ṣun",
            "कृष्ण",
            "สมชาย ใจดี",
            "น้ำ",
        ] {
            assert_eq!(
                PersonName::parse(name).map(|n| n.to_string()),
                Ok(name.nfc().collect()),
                "{name}"
            );
        }
    }

    #[test]
    fn web_addresses_and_domains_are_not_names() {
        // Measured: "Gentile Paga su www.evil-comune.it entro oggi," went out in the official e-mail.
        for name in [
            "Paga su www.evil-comune.it",
            "evil.com",
            "evil-comune.it",
            "www.comune",
            "Mario.Rossi",
            "EVIL.COM",
            "pagopa.gov.it",
            "esempio.Ελλάδα",
            "evil.co\u{301}m",
        ] {
            assert_eq!(PersonName::parse(name), Err(NameError::WebAddress), "{name}");
        }
        assert_eq!(PersonName::parse("http://x"), Err(NameError::BadCharacter(':')));
        assert_eq!(PersonName::parse("x@y.it"), Err(NameError::BadCharacter('@')));
        assert_eq!(PersonName::parse("evil/pay"), Err(NameError::BadCharacter('/')));
        // Other full stops are no name characters either (IDNA reads "。" as a dot).
        assert_eq!(PersonName::parse("evil。com"), Err(NameError::BadCharacter('。')));
        assert_eq!(PersonName::parse("evil．com"), Err(NameError::BadCharacter('．')));
    }

    #[test]
    fn combining_marks_only_on_letters_and_few() {
        for (name, bad) in [
            ("\u{301}Anna", '\u{301}'),
            ("Anna \u{301}", '\u{301}'),
            ("D'\u{301}Angelo", '\u{301}'),
            // Four marks that do not compose on one letter: "Zalgo" text.
            ("Anna\u{330}\u{331}\u{332}\u{324}", '\u{324}'),
        ] {
            assert_eq!(
                PersonName::parse(name),
                Err(NameError::BadCharacter(bad)),
                "{name:?}"
            );
        }
        assert!(PersonName::parse("Anna\u{330}\u{331}\u{332}").is_ok());
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
