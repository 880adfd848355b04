//! The citizen's one contact: an e-mail address or a mobile number, normalised so that the same
//! person always gets the same [`ContactKey`].

use std::fmt;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

pub const MAX_EMAIL_LEN: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("no e-mail address or mobile number was given")]
    Empty,
    #[error("this is neither an e-mail address nor a phone number")]
    NotEmailOrPhone,
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the e-mail address is longer than {MAX_EMAIL_LEN} characters")]
    TooLong,
    #[error("the e-mail address has more than one '@'")]
    SeveralAt,
    #[error("the e-mail address has nothing before the '@'")]
    EmptyLocalPart,
    #[error("the e-mail address has nothing after the '@'")]
    EmptyDomain,
    #[error("the e-mail address contains {0:?}")]
    BadCharacter(char),
    #[error("the e-mail address's domain has no dot, as in nome@esempio.it")]
    DomainWithoutDot,
    #[error("the e-mail address's domain is malformed")]
    BadDomain,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number contains {0:?}")]
    BadCharacter(char),
    #[error("the phone number has too few digits")]
    TooShort,
    #[error("the phone number has too many digits")]
    TooLong,
    #[error("this is an Italian landline number: a mobile number (starting with 3) is needed for SMS")]
    NotMobile,
    #[error("the international prefix is not valid")]
    BadCountryCode,
}

/// An e-mail address, trimmed and lowercased (mailboxes are case-insensitive in practice, and one
/// person must map to one contact key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

/// A mobile number in E.164 form (`+393331234567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Mobile(String);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "channel", content = "address", rename_all = "lowercase")]
pub enum Contact {
    Email(Email),
    Sms(Mobile),
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let address = raw.trim().to_lowercase();
        if address.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        let mut parts = address.split('@');
        let (local, domain) = match (parts.next(), parts.next(), parts.next()) {
            (Some(local), Some(domain), None) => (local, domain),
            _ => return Err(EmailError::SeveralAt),
        };
        if local.is_empty() {
            return Err(EmailError::EmptyLocalPart);
        }
        if domain.is_empty() {
            return Err(EmailError::EmptyDomain);
        }
        if let Some(bad) = local
            .chars()
            .find(|c| !(c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c)))
        {
            return Err(EmailError::BadCharacter(bad));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(EmailError::BadCharacter('.'));
        }
        if let Some(bad) = domain
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '.'))
        {
            return Err(EmailError::BadCharacter(bad));
        }
        if !domain.contains('.') {
            return Err(EmailError::DomainWithoutDot);
        }
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-')
        });
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.chars().count() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
        if !labels_ok || !tld_ok {
            return Err(EmailError::BadDomain);
        }
        Ok(Self(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Mobile {
    /// Italian numbers may be written without a prefix (+39 is assumed) or with `+39`, `0039`;
    /// other countries need `+` or `00`. Spaces, dots, dashes and brackets are ignored.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '/' | '(' | ')'))
            .collect();
        let (international, rest) = if let Some(rest) = compact.strip_prefix('+') {
            (true, rest)
        } else if let Some(rest) = compact.strip_prefix("00") {
            (true, rest)
        } else {
            (false, compact.as_str())
        };
        if let Some(bad) = rest.chars().find(|c| !c.is_ascii_digit()) {
            return Err(PhoneError::BadCharacter(bad));
        }
        let digits = rest.to_owned();
        let national = if international {
            match digits.strip_prefix("39") {
                Some(national) => national.to_owned(),
                None => return Self::foreign(&digits),
            }
        } else {
            digits
        };
        Self::italian(&national)
    }

    fn italian(national: &str) -> Result<Self, PhoneError> {
        if national.len() < 9 {
            return Err(PhoneError::TooShort);
        }
        if national.len() > 10 {
            return Err(PhoneError::TooLong);
        }
        if !national.starts_with('3') {
            return Err(PhoneError::NotMobile);
        }
        Ok(Self(format!("+39{national}")))
    }

    fn foreign(digits: &str) -> Result<Self, PhoneError> {
        if digits.is_empty() || digits.starts_with('0') {
            return Err(PhoneError::BadCountryCode);
        }
        // E.164: at most 15 digits with the country code; no real subscriber number is shorter than 8.
        if digits.len() < 8 {
            return Err(PhoneError::TooShort);
        }
        if digits.len() > 15 {
            return Err(PhoneError::TooLong);
        }
        Ok(Self(format!("+{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Contact {
    pub fn parse(raw: &str) -> Result<Self, ContactError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ContactError::Empty);
        }
        if trimmed.contains('@') {
            return Ok(Self::Email(Email::parse(trimmed)?));
        }
        let looks_like_phone = trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +.-/()".contains(c))
            && trimmed.chars().any(|c| c.is_ascii_digit());
        if !looks_like_phone {
            return Err(ContactError::NotEmailOrPhone);
        }
        Ok(Self::Sms(Mobile::parse(trimmed)?))
    }

    /// The normalised address: what messages are sent to and what the key is computed from.
    pub fn address(&self) -> &str {
        match self {
            Self::Email(email) => email.as_str(),
            Self::Sms(mobile) => mobile.as_str(),
        }
    }

    pub fn channel(&self) -> Channel {
        match self {
            Self::Email(_) => Channel::Email,
            Self::Sms(_) => Channel::Sms,
        }
    }

    /// What the confirmation screen shows: enough to recognise one's own contact, not to read
    /// someone else's (`ma***@e***.it`, `+39 ••• ••• 4567`).
    pub fn masked(&self) -> String {
        match self {
            Self::Email(email) => {
                let (local, domain) = email.as_str().split_once('@').unwrap_or((email.as_str(), ""));
                let (host, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
                format!("{}***@{}***.{tld}", first_chars(local, 2), first_chars(host, 1))
            }
            Self::Sms(mobile) => {
                let number = mobile.as_str();
                let tail: String = number
                    .chars()
                    .skip(number.chars().count().saturating_sub(3))
                    .collect();
                let prefix = if number.starts_with("+39") { "+39" } else { "+" };
                format!("{prefix} ••• ••• •{tail}")
            }
        }
    }

    /// The keyed hash under which the store finds this contact's bookings and counts its quota.
    /// Keyed (HMAC) so that a leaked table cannot be matched against a list of addresses.
    pub fn key(&self, secret: &HmacKey) -> ContactKey {
        let mut mac = Hmac::<Sha256>::new_from_slice(&secret.0).expect("HMAC takes keys of any length");
        mac.update(self.address().as_bytes());
        ContactKey(hex::encode(mac.finalize().into_bytes()))
    }
}

fn first_chars(text: &str, count: usize) -> String {
    text.chars().take(count).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The installation's HMAC key (32 random bytes, generated once): behind contact keys and the
/// booking page's link code.
#[derive(Clone)]
pub struct HmacKey([u8; 32]);

impl HmacKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn generate() -> Result<Self, crate::token::TokenError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| crate::token::TokenError::RandomSource)?;
        Ok(Self(bytes))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// A second token that only this installation can compute from `token`: the booking page's
    /// code comes from the confirmation code, so confirming again can show the same page without
    /// the store ever keeping a code in clear. `purpose` keeps derivations for different uses apart.
    pub fn derive_token(&self, purpose: &str, token: &crate::token::Token) -> crate::token::Token {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(token.encode().as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut bytes = [0u8; crate::token::TOKEN_BYTES];
        bytes.copy_from_slice(&digest[..crate::token::TOKEN_BYTES]);
        crate::token::Token::from_bytes(bytes)
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey(..)")
    }
}

/// HMAC-SHA-256 of a normalised contact, hex: safe to store and index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ContactKey(String);

impl ContactKey {
    /// For adapters reading a key back from storage.
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mobile(raw: &str) -> Result<String, ContactError> {
        Contact::parse(raw).map(|c| c.address().to_owned())
    }

    #[test]
    fn italian_mobiles_become_e164() {
        for raw in [
            "333 123 4567",
            "3331234567",
            "+39 333 1234567",
            "0039 333-123.4567",
            "(+39) 333 1234567",
        ] {
            assert_eq!(mobile(raw).as_deref(), Ok("+393331234567"), "{raw}");
        }
        assert_eq!(mobile("+39 333 123456").as_deref(), Ok("+39333123456"));
    }

    #[test]
    fn foreign_mobiles_keep_their_country() {
        assert_eq!(mobile("+49 151 23456789").as_deref(), Ok("+4915123456789"));
        assert_eq!(mobile("0041 79 123 45 67").as_deref(), Ok("+41791234567"));
    }

    #[test]
    fn each_way_a_phone_is_wrong_has_its_kind() {
        assert_eq!(mobile("035 399111"), Err(PhoneError::NotMobile.into()));
        assert_eq!(mobile("333 12"), Err(PhoneError::TooShort.into()));
        assert_eq!(mobile("333 123 456 789"), Err(PhoneError::TooLong.into()));
        assert_eq!(mobile("+0 333"), Err(PhoneError::BadCountryCode.into()));
        assert_eq!(mobile("+49 1234 5678 9012 3456"), Err(PhoneError::TooLong.into()));
        assert_eq!(mobile("333+1234567"), Err(PhoneError::BadCharacter('+').into()));
        assert_eq!(mobile("abc"), Err(ContactError::NotEmailOrPhone));
        assert_eq!(mobile("   "), Err(ContactError::Empty));
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            mobile(" Mario.Rossi@Comune.Bergamo.IT ").as_deref(),
            Ok("mario.rossi@comune.bergamo.it")
        );
        assert_eq!(mobile("a@b@c.it"), Err(EmailError::SeveralAt.into()));
        assert_eq!(mobile("@b.it"), Err(EmailError::EmptyLocalPart.into()));
        assert_eq!(mobile("a@"), Err(EmailError::EmptyDomain.into()));
        assert_eq!(mobile("a@localhost"), Err(EmailError::DomainWithoutDot.into()));
        assert_eq!(mobile("a b@c.it"), Err(EmailError::BadCharacter(' ').into()));
        assert_eq!(mobile("a@c..it"), Err(EmailError::BadDomain.into()));
        assert_eq!(mobile("a@c.1"), Err(EmailError::BadDomain.into()));
        assert_eq!(mobile("a..b@c.it"), Err(EmailError::BadCharacter('.').into()));
        assert_eq!(
            mobile(&format!("{}@c.it", "a".repeat(260))),
            Err(EmailError::TooLong.into())
        );
    }

    #[test]
    fn masking_hides_most_of_the_contact() {
        let email = Contact::parse("mario.rossi@esempio.it").unwrap();
        assert_eq!(email.masked(), "ma***@e***.it");
        let sms = Contact::parse("333 123 4567").unwrap();
        assert_eq!(sms.masked(), "+39 ••• ••• •567");
    }

    #[test]
    fn derived_tokens_are_stable_distinct_and_keyed() {
        let key = HmacKey::from_bytes([7; 32]);
        let confirm = crate::token::Token::generate().unwrap();
        let page = key.derive_token("page", &confirm);
        assert_eq!(page, key.derive_token("page", &confirm));
        assert_ne!(page, confirm);
        assert_ne!(page, key.derive_token("other", &confirm));
        assert_ne!(page, HmacKey::from_bytes([8; 32]).derive_token("page", &confirm));
    }

    #[test]
    fn the_same_person_gets_the_same_key_and_the_secret_matters() {
        let secret = HmacKey::from_bytes([7; 32]);
        let a = Contact::parse("Mario@Esempio.it").unwrap().key(&secret);
        let b = Contact::parse("mario@esempio.it").unwrap().key(&secret);
        assert_eq!(a, b);
        let other = Contact::parse("mario@esempio.it")
            .unwrap()
            .key(&HmacKey::from_bytes([8; 32]));
        assert_ne!(a, other);
        assert_eq!(a.as_str().len(), 64);
    }
}
