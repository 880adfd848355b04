//! The check-in token printed as the booking's QR code.
//!
//! It is not the citizen's private link: it only says "booking `short_code` at `office` on `date` at
//! `start`", signed with the city's Ed25519 key. The counter verifies it offline with the public key,
//! and a photo of it can neither open nor cancel the booking.
//!
//! Text form (QR-friendly, ASCII only): `PRN1.<payload>.<signature>`, both parts unpadded base64url;
//! the payload is `SHORTCODE|office|YYYY-MM-DD|HH:MM` and the signature covers `PRN1.<payload>`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{NaiveDate, NaiveTime};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::ids::OfficeId;
use crate::token::{ShortCode, TokenError};

/// The version tag every check-in token starts with.
pub const PREFIX: &str = "PRN1";
/// No genuine token is longer (an office id has at most 40 characters); longer input is refused
/// before any decoding.
pub const MAX_TOKEN_LEN: usize = 256;

const DATE_FORMAT: &str = "%Y-%m-%d";
const TIME_FORMAT: &str = "%H:%M";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckinError {
    #[error("this is not a Prenota check-in code")]
    Malformed,
    #[error("the check-in code's signature is not valid: the code was altered or not issued here")]
    BadSignature,
    #[error("the check-in code is signed but its content is not valid ({0})")]
    BadPayload(&'static str),
    #[error("the check-in public key is not a valid Ed25519 key")]
    BadKey,
}

/// The secret signing key. Its `Debug` prints nothing secret; the bytes are wiped on drop.
#[derive(Clone)]
pub struct CheckinKey(SigningKey);

impl CheckinKey {
    /// A new key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, TokenError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| TokenError::RandomSource)?;
        let key = Self::from_bytes(seed);
        seed.fill(0);
        Ok(key)
    }

    /// The key from its stored 32-byte seed.
    pub fn from_bytes(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }

    /// The 32-byte seed, for storing the key (file mode 0600, or a SecureString).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn verifier(&self) -> CheckinVerifier {
        CheckinVerifier(self.0.verifying_key())
    }
}

impl fmt::Debug for CheckinKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CheckinKey(..)")
    }
}

/// The public key the counters verify with.
#[derive(Clone, PartialEq, Eq)]
pub struct CheckinVerifier(VerifyingKey);

impl CheckinVerifier {
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Accepts exactly 32 bytes that encode a valid, non-weak Ed25519 point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CheckinError> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| CheckinError::BadKey)?;
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| CheckinError::BadKey)?;
        if key.is_weak() {
            return Err(CheckinError::BadKey);
        }
        Ok(Self(key))
    }

    /// Standard (padded) base64 of the 32 bytes, as published to the counters.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }
}

impl fmt::Debug for CheckinVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckinVerifier({})", self.to_base64())
    }
}

/// What a check-in token asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinClaims {
    pub short_code: ShortCode,
    pub office: OfficeId,
    pub date: NaiveDate,
    pub start: NaiveTime,
}

impl CheckinClaims {
    fn payload(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.short_code.as_str(),
            self.office.as_str(),
            self.date.format(DATE_FORMAT),
            self.start.format(TIME_FORMAT)
        )
    }

    /// Only the canonical spelling is accepted, so that one booking has one token.
    fn parse_payload(text: &str) -> Result<Self, CheckinError> {
        let mut fields = text.split('|');
        let (Some(code), Some(office), Some(date), Some(start), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(CheckinError::BadPayload("it must have four fields"));
        };
        let short_code = ShortCode::parse(code)
            .ok()
            .filter(|parsed| parsed.as_str() == code)
            .ok_or(CheckinError::BadPayload("short code"))?;
        let office = OfficeId::parse(office).map_err(|_| CheckinError::BadPayload("office"))?;
        let date = NaiveDate::parse_from_str(date, DATE_FORMAT)
            .ok()
            .filter(|parsed| parsed.format(DATE_FORMAT).to_string() == date)
            .ok_or(CheckinError::BadPayload("date"))?;
        let start = NaiveTime::parse_from_str(start, TIME_FORMAT)
            .ok()
            .filter(|parsed| parsed.format(TIME_FORMAT).to_string() == start)
            .ok_or(CheckinError::BadPayload("start time"))?;
        Ok(Self {
            short_code,
            office,
            date,
            start,
        })
    }
}

/// `PRN1.<payload>.<signature>`: about 180 ASCII characters, for a QR code.
pub fn sign(key: &CheckinKey, claims: &CheckinClaims) -> String {
    let signed = format!("{PREFIX}.{}", URL_SAFE_NO_PAD.encode(claims.payload()));
    let signature = key.0.sign(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// Checks the signature first, then reads the claims. Never panics, whatever the input.
pub fn verify(verifier: &CheckinVerifier, token: &str) -> Result<CheckinClaims, CheckinError> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_LEN {
        return Err(CheckinError::Malformed);
    }
    let (signed, signature) = token.rsplit_once('.').ok_or(CheckinError::Malformed)?;
    let (prefix, payload) = signed.split_once('.').ok_or(CheckinError::Malformed)?;
    if prefix != PREFIX || payload.is_empty() {
        return Err(CheckinError::Malformed);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| CheckinError::Malformed)?;
    let signature = Signature::from_slice(&signature).map_err(|_| CheckinError::Malformed)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| CheckinError::Malformed)?;
    verifier
        .0
        .verify_strict(signed.as_bytes(), &signature)
        .map_err(|_| CheckinError::BadSignature)?;
    let payload = String::from_utf8(payload).map_err(|_| CheckinError::BadPayload("not UTF-8"))?;
    CheckinClaims::parse_payload(&payload)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn claims() -> CheckinClaims {
        CheckinClaims {
            short_code: ShortCode::parse("K7MX4QPR").unwrap(),
            office: OfficeId::parse("ufficio-3").unwrap(),
            date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            start: NaiveTime::from_hms_opt(9, 15, 0).unwrap(),
        }
    }

    fn key() -> CheckinKey {
        CheckinKey::from_bytes([7u8; 32])
    }

    /// Re-signs an arbitrary payload with `key`, to reach the checks that come after the signature.
    fn forge(key: &CheckinKey, payload: &[u8]) -> String {
        let signed = format!("{PREFIX}.{}", URL_SAFE_NO_PAD.encode(payload));
        let signature = key.0.sign(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    #[test]
    fn round_trip() {
        let key = CheckinKey::generate().unwrap();
        let token = sign(&key, &claims());
        assert!(token.starts_with("PRN1."));
        assert!(token.len() <= MAX_TOKEN_LEN);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        );
        assert_eq!(verify(&key.verifier(), &token), Ok(claims()));
        // Ed25519 is deterministic: one booking, one token.
        assert_eq!(sign(&key, &claims()), token);
    }

    #[test]
    fn keys_round_trip_through_bytes() {
        let key = CheckinKey::generate().unwrap();
        let again = CheckinKey::from_bytes(key.to_bytes());
        assert!(again.verifier() == key.verifier());
        let verifier = CheckinVerifier::from_bytes(&key.verifier().to_bytes()).unwrap();
        assert!(verifier == key.verifier());
        assert_eq!(
            STANDARD.decode(verifier.to_base64()).unwrap(),
            verifier.to_bytes()
        );
        assert_eq!(CheckinVerifier::from_bytes(&[1u8; 31]), Err(CheckinError::BadKey));
        // The identity point is a weak key.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(CheckinVerifier::from_bytes(&identity), Err(CheckinError::BadKey));
    }

    #[test]
    fn debug_hides_the_secret() {
        let key = key();
        let printed = format!("{key:?}");
        assert_eq!(printed, "CheckinKey(..)");
        assert!(!printed.contains(&hex::encode(key.to_bytes())));
    }

    #[test]
    fn tampered_payload_is_rejected() {
        let key = key();
        let token = sign(&key, &claims());
        let (_, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let mut other = claims();
        other.start = NaiveTime::from_hms_opt(9, 30, 0).unwrap();
        let payload = URL_SAFE_NO_PAD.encode(other.payload());
        let tampered = format!("{PREFIX}.{payload}.{signature}");
        assert_eq!(
            verify(&key.verifier(), &tampered),
            Err(CheckinError::BadSignature)
        );
    }

    #[test]
    fn tampered_signature_is_rejected() {
        let key = key();
        let token = sign(&key, &claims());
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
        bytes[10] ^= 0x01;
        let tampered = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(
            verify(&key.verifier(), &tampered),
            Err(CheckinError::BadSignature)
        );
        let truncated = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&bytes[..63]));
        assert_eq!(verify(&key.verifier(), &truncated), Err(CheckinError::Malformed));
    }

    #[test]
    fn another_key_is_rejected() {
        let token = sign(&key(), &claims());
        let other = CheckinKey::from_bytes([8u8; 32]);
        assert_eq!(verify(&other.verifier(), &token), Err(CheckinError::BadSignature));
    }

    #[test]
    fn malformed_tokens_are_rejected() {
        let verifier = key().verifier();
        for bad in [
            "",
            ".",
            "..",
            "PRN1",
            "PRN1..",
            "PRN2.AAAA.AAAA",
            "PRN1.***.AAAA",
            "PRN1.QUJD.***",
        ] {
            assert_eq!(verify(&verifier, bad), Err(CheckinError::Malformed), "{bad:?}");
        }
        let token = sign(&key(), &claims());
        assert_eq!(
            verify(&verifier, &format!("{token}{}", "A".repeat(MAX_TOKEN_LEN))),
            Err(CheckinError::Malformed)
        );
        // Surrounding whitespace (a scanner's newline) is tolerated.
        assert_eq!(verify(&verifier, &format!(" {token}\n")), Ok(claims()));
    }

    #[test]
    fn signed_but_invalid_payloads_are_rejected() {
        let key = key();
        let verifier = key.verifier();
        for (payload, field) in [
            (&b"K7MX4QPR|ufficio-3|2026-12-01"[..], "it must have four fields"),
            (
                b"K7MX4QPR|ufficio-3|2026-12-01|09:15|x",
                "it must have four fields",
            ),
            (b"k7mx4qpr|ufficio-3|2026-12-01|09:15", "short code"),
            (b"K7MX-4QPR|ufficio-3|2026-12-01|09:15", "short code"),
            (b"K7MX4QPR|Ufficio 3|2026-12-01|09:15", "office"),
            (b"K7MX4QPR|ufficio-3|2026-02-30|09:15", "date"),
            (b"K7MX4QPR|ufficio-3|2026-12-1|09:15", "date"),
            (b"K7MX4QPR|ufficio-3|2026-12-01|9:15", "start time"),
            (b"K7MX4QPR|ufficio-3|2026-12-01|25:00", "start time"),
            (b"\xff\xfe", "not UTF-8"),
        ] {
            assert_eq!(
                verify(&verifier, &forge(&key, payload)),
                Err(CheckinError::BadPayload(field)),
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }

    proptest! {
        #[test]
        fn verify_never_panics(input in "\\PC{0,300}") {
            let verifier = key().verifier();
            let _ = verify(&verifier, &input);
        }

        #[test]
        fn verify_never_panics_on_token_like_input(
            payload in "[A-Za-z0-9_-]{0,120}",
            signature in "[A-Za-z0-9_-]{0,100}",
        ) {
            let verifier = key().verifier();
            let token = format!("PRN1.{payload}.{signature}");
            prop_assert!(verify(&verifier, &token).is_err());
        }
    }
}
