//! The rating a citizen gives the service on the last step ("Quanto è stato facile usare questo
//! servizio?"): anonymous, a grade from 1 to 5 and an optional reason.

use crate::catalogue::Lang;
use crate::text::{FreeTextError, free_text};

pub const MAX_REASON_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the rating must be a whole number from 1 to 5")]
pub struct RatingError;

/// How easy the service was, from 1 (very hard) to 5 (very easy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    pub fn new(value: i64) -> Result<Self, RatingError> {
        u8::try_from(value)
            .ok()
            .filter(|v| (1..=5).contains(v))
            .map(Self)
            .ok_or(RatingError)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Why the citizen gave that rating, in their words (or the option they picked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackReason(String);

impl FeedbackReason {
    /// Blank is no reason: `Ok(None)`.
    pub fn parse(raw: &str) -> Result<Option<Self>, FreeTextError> {
        Ok(free_text(raw, MAX_REASON_CHARS)?.map(Self))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One rating: nothing in it says who gave it, nor which booking it followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub rating: Rating,
    pub reason: Option<FeedbackReason>,
    pub lang: Lang,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_one_to_five() {
        assert_eq!(Rating::new(1).map(Rating::get), Ok(1));
        assert_eq!(Rating::new(5).map(Rating::get), Ok(5));
        for bad in [0, 6, -1, 256 + 3, i64::MAX] {
            assert_eq!(Rating::new(bad), Err(RatingError), "{bad}");
        }
    }

    #[test]
    fn reasons_are_short_plain_text() {
        assert_eq!(FeedbackReason::parse("   "), Ok(None));
        assert_eq!(
            FeedbackReason::parse(" Troppi passaggi \n")
                .unwrap()
                .unwrap()
                .as_str(),
            "Troppi passaggi"
        );
        assert_eq!(
            FeedbackReason::parse(&"a".repeat(201)),
            Err(FreeTextError::TooLong(MAX_REASON_CHARS))
        );
        assert_eq!(
            FeedbackReason::parse("a\u{0}b"),
            Err(FreeTextError::ControlCharacter)
        );
    }
}
