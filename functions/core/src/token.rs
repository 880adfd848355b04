//! Secrets handed to the citizen (hold ids, link codes) and the short code read aloud at the counter.
//!
//! A [`Token`] is 128 random bits from the operating system's CSPRNG, written as 22 characters of
//! unpadded base64url. Stores keep only its [`TokenHash`] (SHA-256), so a leaked table opens nothing.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

pub const TOKEN_BYTES: usize = 16;
pub const TOKEN_CHARS: usize = 22;

/// The short code's alphabet: digits and capitals without the look-alikes 0/O and 1/I/L.
pub const SHORT_CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const SHORT_CODE_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the operating system's random source failed")]
    RandomSource,
    #[error("the code must be {TOKEN_CHARS} characters long")]
    Length,
    #[error("the code contains characters that no code has")]
    Alphabet,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Token([u8; TOKEN_BYTES]);

impl Token {
    pub fn generate() -> Result<Self, TokenError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|_| TokenError::RandomSource)?;
        Ok(Self(bytes))
    }

    pub fn parse(raw: &str) -> Result<Self, TokenError> {
        if raw.len() != TOKEN_CHARS {
            return Err(TokenError::Length);
        }
        let decoded = URL_SAFE_NO_PAD.decode(raw).map_err(|_| TokenError::Alphabet)?;
        let bytes: [u8; TOKEN_BYTES] = decoded.try_into().map_err(|_| TokenError::Length)?;
        // Only the canonical spelling is accepted, so one token has one string.
        let token = Self(bytes);
        if token.encode() != raw {
            return Err(TokenError::Alphabet);
        }
        Ok(token)
    }

    pub(crate) fn from_bytes(bytes: [u8; TOKEN_BYTES]) -> Self {
        Self(bytes)
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0).into())
    }
}

/// Tokens never reach logs by accident.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

/// SHA-256 of a token: the only form in which a store keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The SHA-256 of any bytes that, like a token, are kept only as their hash (a spent proof
    /// of work).
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The hold hash of a household's seat `seat`: the hold's own hash for the first person, a
    /// hash derived from it for the others, so that one hold token names every seat it took and
    /// each seat its own booking.
    pub fn household_seat(&self, seat: u32) -> Self {
        if seat == 0 {
            return *self;
        }
        let mut bytes = self.0.to_vec();
        bytes.extend_from_slice(b"household seat");
        bytes.extend_from_slice(&seat.to_be_bytes());
        Self::of(&bytes)
    }

    pub fn from_hex(raw: &str) -> Result<Self, TokenError> {
        let bytes = hex::decode(raw).map_err(|_| TokenError::Alphabet)?;
        bytes.try_into().map(Self).map_err(|_| TokenError::Length)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..8])
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShortCodeError {
    #[error("the short code has {SHORT_CODE_LEN} characters")]
    Length,
    #[error("the short code contains {0:?}, which no short code has")]
    BadCharacter(char),
}

/// 8 characters for reading aloud at the counter, e.g. `K7MX-4QPR` (the dash is only for display).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShortCode(String);

impl ShortCode {
    pub fn generate() -> Result<Self, TokenError> {
        let alphabet_len = SHORT_CODE_ALPHABET.len();
        // Rejection sampling keeps every character equally likely: bytes from 248 = 8 × 31 up are dropped.
        let limit = 256 / alphabet_len * alphabet_len;
        let mut code = String::with_capacity(SHORT_CODE_LEN);
        while code.len() < SHORT_CODE_LEN {
            let mut buffer = [0u8; 16];
            getrandom::fill(&mut buffer).map_err(|_| TokenError::RandomSource)?;
            for byte in buffer {
                if usize::from(byte) < limit && code.len() < SHORT_CODE_LEN {
                    code.push(SHORT_CODE_ALPHABET[usize::from(byte) % alphabet_len] as char);
                }
            }
        }
        Ok(Self(code))
    }

    /// Accepts what a clerk types: any case, with spaces or dashes.
    pub fn parse(raw: &str) -> Result<Self, ShortCodeError> {
        let mut code = String::with_capacity(SHORT_CODE_LEN);
        for c in raw.chars().filter(|c| !matches!(c, ' ' | '-')) {
            let upper = c.to_ascii_uppercase();
            if !upper.is_ascii() || !SHORT_CODE_ALPHABET.contains(&(upper as u8)) {
                return Err(ShortCodeError::BadCharacter(c));
            }
            code.push(upper);
        }
        if code.len() != SHORT_CODE_LEN {
            return Err(ShortCodeError::Length);
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `K7MX-4QPR`: two groups of four, easier to read aloud.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn tokens_round_trip_and_are_hashed() {
        let token = Token::generate().unwrap();
        let text = token.encode();
        assert_eq!(text.len(), TOKEN_CHARS);
        assert_eq!(Token::parse(&text).unwrap(), token);
        assert_eq!(token.hash(), Token::parse(&text).unwrap().hash());
        assert_eq!(TokenHash::from_hex(&token.hash().to_hex()).unwrap(), token.hash());
        assert!(!format!("{token:?}").contains(&text));
    }

    #[test]
    fn tokens_differ() {
        let seen: HashSet<String> = (0..1000).map(|_| Token::generate().unwrap().encode()).collect();
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert_eq!(Token::parse(""), Err(TokenError::Length));
        assert_eq!(Token::parse(&"a".repeat(23)), Err(TokenError::Length));
        assert_eq!(Token::parse(&"*".repeat(22)), Err(TokenError::Alphabet));
        // 22 base64 characters carry 132 bits: a non-zero tail is not the canonical spelling.
        assert_eq!(Token::parse("AAAAAAAAAAAAAAAAAAAAAB"), Err(TokenError::Alphabet));
    }

    #[test]
    fn short_codes_avoid_look_alikes() {
        for _ in 0..500 {
            let code = ShortCode::generate().unwrap();
            assert_eq!(code.as_str().len(), SHORT_CODE_LEN);
            assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L']));
            assert_eq!(ShortCode::parse(&code.display().to_lowercase()).unwrap(), code);
        }
        assert_eq!(ShortCode::parse("ABCD-EFG"), Err(ShortCodeError::Length));
        assert_eq!(
            ShortCode::parse("ABCD-EFG0"),
            Err(ShortCodeError::BadCharacter('0'))
        );
        assert_eq!(
            ShortCode::parse("ABCD-EFGè"),
            Err(ShortCodeError::BadCharacter('è'))
        );
    }
}
