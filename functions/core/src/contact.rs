//! The citizen's one contact: an e-mail address or a mobile number, normalised so that the same
//! person always gets the same [`ContactKey`], and the countries SMS may go to
//! ([`SmsDestinations`]).
//!
//! A contact has two forms. Its [`address`](Contact::address) is where messages go: the e-mail
//! address as typed (domain lower-cased), the number in E.164. Its
//! [`canonical`](Contact::canonical) form is what quotas and limits compare: the e-mail address
//! lower-cased, without a `+tag`, without the dots Gmail ignores; so `Victim+1@example.it` and
//! `victim+2@example.it` are one contact, with one key, for the quota.

use std::collections::BTreeSet;
use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Serialize, Serializer};
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
    #[error(
        "this is not an Italian mobile number (3, then 1 to 9, 9 or 10 digits in all; 31… has 10): SMS go to mobiles only"
    )]
    NotMobile,
    #[error("the international prefix is not valid: no country has it")]
    BadCountryCode,
    #[error(
        "{code} is not a country's prefix but an international network's or service's: SMS are never sent there"
    )]
    NotACountry { code: CountryCode },
    #[error("SMS are not sent to numbers of {code}")]
    CountryNotServed { code: CountryCode },
}

/// An e-mail address, trimmed, its domain lower-cased (domains are case-insensitive); the local
/// part stays as typed, since the receiving server alone may read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

/// A mobile number in E.164 form (`+393331234567`), with an assigned country code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mobile {
    e164: String,
    country: CountryCode,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "channel", content = "address", rename_all = "lowercase")]
pub enum Contact {
    Email(Email),
    Sms(Mobile),
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let address = raw.trim();
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
        let domain = domain.to_lowercase();
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
        if local.len() + 1 + domain.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address quotas and limits compare: lower-cased, without a `+tag` (`victim+1@…` →
    /// `victim@…`), and for Gmail without dots, on one domain (`m.rossi@googlemail.com` →
    /// `mrossi@gmail.com`). Not an address to write to: messages go to [`as_str`](Self::as_str).
    pub fn canonical(&self) -> String {
        let lower = self.0.to_lowercase();
        let (local, domain) = lower.rsplit_once('@').unwrap_or((lower.as_str(), ""));
        let local = match local.split_once('+') {
            Some((mailbox, _tag)) if !mailbox.is_empty() => mailbox,
            _ => local,
        };
        if GMAIL_DOMAINS.contains(&domain) {
            format!("{}@{}", local.replace('.', ""), GMAIL_DOMAINS[0])
        } else {
            format!("{local}@{domain}")
        }
    }
}

/// The domains of one mailbox service that ignores dots in its addresses; the first is canonical.
const GMAIL_DOMAINS: [&str; 2] = ["gmail.com", "googlemail.com"];

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
        let national = if international {
            match rest.strip_prefix("39") {
                Some(national) => national,
                None => return Self::foreign(rest),
            }
        } else {
            rest
        };
        Self::italian(national)
    }

    /// Italy's mobile ranges (AGCOM's national numbering plan, as libphonenumber has it): 3, then 2
    /// to 9, 9 or 10 digits in all; or 31 and 10 digits. 30… is no mobile range; 0… is a landline,
    /// 80… free, 89… premium.
    fn italian(national: &str) -> Result<Self, PhoneError> {
        if national.len() < 9 {
            return Err(PhoneError::TooShort);
        }
        if national.len() > 10 {
            return Err(PhoneError::TooLong);
        }
        let mobile = match national.as_bytes() {
            [b'3', b'2'..=b'9', ..] => true,
            [b'3', b'1', ..] => national.len() == 10,
            _ => false,
        };
        if !mobile {
            return Err(PhoneError::NotMobile);
        }
        Ok(Self {
            e164: format!("+39{national}"),
            country: CountryCode::ITALY,
        })
    }

    fn foreign(digits: &str) -> Result<Self, PhoneError> {
        let country = CountryCode::of(digits).ok_or(PhoneError::BadCountryCode)?;
        // E.164: at most 15 digits with the country code; no real subscriber number is shorter than 8.
        if digits.len() < 8 {
            return Err(PhoneError::TooShort);
        }
        if digits.len() > 15 {
            return Err(PhoneError::TooLong);
        }
        Ok(Self {
            e164: format!("+{digits}"),
            country,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.e164
    }

    /// The country (or international network) the number belongs to.
    pub fn country_code(&self) -> CountryCode {
        self.country
    }
}

/// Serialised as its E.164 text, like an e-mail address.
impl Serialize for Mobile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.e164)
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

    /// [`parse`](Self::parse), then [`SmsDestinations::check`]: a new contact, as the citizen
    /// types it in.
    pub fn parse_with(raw: &str, destinations: &SmsDestinations) -> Result<Self, ContactError> {
        let contact = Self::parse(raw)?;
        destinations.check(&contact)?;
        Ok(contact)
    }

    /// The normalised address: what messages are sent to.
    pub fn address(&self) -> &str {
        match self {
            Self::Email(email) => email.as_str(),
            Self::Sms(mobile) => mobile.as_str(),
        }
    }

    /// What quotas and limits compare, and what the [`key`](Self::key) is computed from: the
    /// e-mail address in [canonical form](Email::canonical), the number in E.164.
    pub fn canonical(&self) -> String {
        match self {
            Self::Email(email) => email.canonical(),
            Self::Sms(mobile) => mobile.as_str().to_owned(),
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

    /// The keyed hash under which the store finds this contact's bookings and counts its quota,
    /// of the [canonical](Self::canonical) form: `victim+1@…` and `victim+2@…` have one key.
    /// Keyed (HMAC) so that a leaked table cannot be matched against a list of addresses.
    pub fn key(&self, secret: &HmacKey) -> ContactKey {
        let mut mac = Hmac::<Sha256>::new_from_slice(&secret.0).expect("HMAC takes keys of any length");
        mac.update(self.canonical().as_bytes());
        ContactKey(hex::encode(mac.finalize().into_bytes()))
    }
}

fn first_chars(text: &str, count: usize) -> String {
    text.chars().take(count).collect()
}

/// A country calling code of ITU-T E.164 that is assigned: `39` for Italy, `41` for Switzerland,
/// `882` for international networks. Shown as `+39`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(u16);

impl CountryCode {
    pub const ITALY: Self = Self(39);

    /// The code that an international number's digits (without `+` or `00`) begin with, if one
    /// is assigned. No assigned code begins another (E.164 codes are a prefix code), so the one
    /// that matches is the longest that does.
    pub fn of(digits: &str) -> Option<Self> {
        (1..=3)
            .filter_map(|length| digits.get(..length))
            .filter(|prefix| !prefix.starts_with('0') && prefix.bytes().all(|b| b.is_ascii_digit()))
            .filter_map(|prefix| prefix.parse().ok())
            .find(|code| ASSIGNED_CODES.binary_search(code).is_ok())
            .map(Self)
    }

    /// A code alone, as a setting writes it: `39` or `+39`.
    pub fn parse(raw: &str) -> Option<Self> {
        let digits = raw.strip_prefix('+').unwrap_or(raw);
        Self::of(digits).filter(|code| code.0.to_string() == digits)
    }

    pub fn get(self) -> u16 {
        self.0
    }

    /// A country's or territory's code, not one of the shared codes of international networks,
    /// satellite phones, freephone and premium services (`+800`, `+808`, `+870`, `+878`,
    /// `+881`, `+882`, `+883`, `+888`, `+979`, `+991`): numbers there cost what their network asks,
    /// and are the stuff of SMS pumping.
    pub fn is_geographic(self) -> bool {
        NON_GEOGRAPHIC_CODES.binary_search(&self.0).is_err()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.0)
    }
}

/// The shared codes that are no country's (ITU-T E.164 "global services"), sorted.
const NON_GEOGRAPHIC_CODES: &[u16] = &[800, 808, 870, 878, 881, 882, 883, 888, 979, 991];

/// The assigned country calling codes (ITU-T E.164 and its Operational Bulletin's list, as
/// libphonenumber has them), sorted: every country's and territory's, and the shared
/// [non-geographic](CountryCode::is_geographic) ones. Spare and unassigned codes (`+999`, `+28…`,
/// `+42x` other than 420, 421, 423, …) are not here; nor is `+379`, assigned to the Vatican but not
/// in use (its numbers are Italian, `+39 06 698…`).
const ASSIGNED_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57,
    58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211, 212, 213, 216, 218, 220,
    221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241,
    242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263,
    264, 265, 266, 267, 268, 269, 290, 291, 297, 298, 299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359,
    370, 371, 372, 373, 374, 375, 376, 377, 378, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500,
    501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672,
    673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808,
    850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965, 966, 967,
    968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 991, 992, 993, 994, 995, 996, 998,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsDestinationsError {
    #[error("no country calling code is given (write them as 39 or 39,41,33)")]
    Empty,
    #[error("{0:?} is not an assigned country calling code (write them as 39 or 39,41,33)")]
    NotACode(String),
    #[error(
        "{0} is not a country's calling code but an international network's or service's: SMS are never sent there"
    )]
    NotACountry(CountryCode),
}

/// The countries whose mobile numbers may receive SMS: Italy by default; a setting may name
/// others (`"39,41,33"`). International networks and services (`+882`, `+883`, `+881`…) are never
/// among them, nor are unassigned codes (`+999`). A contact is checked against them when it is
/// given ([`Contact::parse_with`]); a contact read back from the store is not, so a booking made
/// before a country was dropped stays readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsDestinations(BTreeSet<CountryCode>);

impl Default for SmsDestinations {
    fn default() -> Self {
        Self(BTreeSet::from([CountryCode::ITALY]))
    }
}

impl SmsDestinations {
    /// A setting's value: country calling codes separated by commas, each with or without `+`
    /// (`"39"`, `"39, 41, +33"`).
    pub fn parse(setting: &str) -> Result<Self, SmsDestinationsError> {
        if setting.trim().is_empty() {
            return Err(SmsDestinationsError::Empty);
        }
        let mut codes = BTreeSet::new();
        for raw in setting.split(',').map(str::trim) {
            let code =
                CountryCode::parse(raw).ok_or_else(|| SmsDestinationsError::NotACode(raw.to_owned()))?;
            if !code.is_geographic() {
                return Err(SmsDestinationsError::NotACountry(code));
            }
            codes.insert(code);
        }
        Ok(Self(codes))
    }

    pub fn allows(&self, code: CountryCode) -> bool {
        self.0.contains(&code)
    }

    /// Whether a message may go to `contact`: any e-mail address; a mobile number only of a
    /// country served.
    pub fn check(&self, contact: &Contact) -> Result<(), ContactError> {
        let Contact::Sms(mobile) = contact else {
            return Ok(());
        };
        let code = mobile.country_code();
        if !code.is_geographic() {
            return Err(PhoneError::NotACountry { code }.into());
        }
        if !self.allows(code) {
            return Err(PhoneError::CountryNotServed { code }.into());
        }
        Ok(())
    }
}

/// As a setting writes it: `39,41`.
impl fmt::Display for SmsDestinations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<String> = self.0.iter().map(|code| code.0.to_string()).collect();
        f.write_str(&codes.join(","))
    }
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
        self.derive_token_from(purpose, token.encode().as_bytes())
    }

    /// [`HmacKey::derive_token`] from any bytes: the same `data` always gives the same token, which
    /// only this installation can compute (a booking's reissued page code comes from its id, so
    /// sending its link again adds nothing to the store).
    pub fn derive_token_from(&self, purpose: &str, data: &[u8]) -> crate::token::Token {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
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
    fn italian_numbers_must_be_in_a_mobile_range() {
        for raw in [
            "320 123 4567",
            "351 123 4567",
            "393 123 4567",
            "310 123 4567",
            "333 123456",
        ] {
            assert!(mobile(raw).is_ok(), "{raw}");
        }
        // A landline (Bergamo's), a free number, the spare 30… range, a 31… number one digit short.
        for raw in ["035 399111", "800 123 456", "+39 300 123 4567", "+39 310 123456"] {
            assert_eq!(mobile(raw), Err(PhoneError::NotMobile.into()), "{raw}");
        }
    }

    #[test]
    fn a_foreign_number_needs_an_assigned_country_code() {
        assert_eq!(mobile("+999999999999999"), Err(PhoneError::BadCountryCode.into()));
        assert_eq!(mobile("+28 1234 5678"), Err(PhoneError::BadCountryCode.into()));
        assert_eq!(mobile("+422 123 456 789"), Err(PhoneError::BadCountryCode.into()));
        let country = |raw: &str| match Contact::parse(raw) {
            Ok(Contact::Sms(mobile)) => Some(mobile.country_code().get()),
            _ => None,
        };
        assert_eq!(country("333 123 4567"), Some(39));
        assert_eq!(country("+351 912 345 678"), Some(351));
        assert_eq!(country("+1 202 555 0143"), Some(1));
        assert_eq!(country("+7 912 345 67 89"), Some(7));
        assert_eq!(country("+420 601 123 456"), Some(420));
        assert_eq!(country("+882 16 1234 5678"), Some(882));
    }

    #[test]
    fn country_codes_are_a_sorted_prefix_code() {
        assert!(ASSIGNED_CODES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(NON_GEOGRAPHIC_CODES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(
            NON_GEOGRAPHIC_CODES
                .iter()
                .all(|code| ASSIGNED_CODES.contains(code))
        );
        for a in ASSIGNED_CODES {
            for b in ASSIGNED_CODES {
                let (a, b) = (a.to_string(), b.to_string());
                assert!(a == b || !b.starts_with(&a), "{a} begins {b}");
            }
        }
        assert_eq!(CountryCode::parse("+39"), Some(CountryCode::ITALY));
        assert_eq!(CountryCode::parse("039"), None);
        assert_eq!(CountryCode::of("0333"), None);
        assert_eq!(CountryCode::parse("391"), None);
        assert_eq!(CountryCode::parse(""), None);
        assert_eq!(CountryCode::ITALY.to_string(), "+39");
    }

    #[test]
    fn sms_go_to_italian_mobiles_by_default() {
        let default = SmsDestinations::default();
        let code = |code| CountryCode::parse(code).unwrap();
        // Measured: each of the refused ones was accepted and sent a paid SMS.
        let cases: [(&str, Option<PhoneError>); 9] = [
            (
                "+882 16 1234 5678",
                Some(PhoneError::NotACountry { code: code("882") }),
            ),
            (
                "+883 140 1234 5678",
                Some(PhoneError::NotACountry { code: code("883") }),
            ),
            (
                "+881 6 1234 5678",
                Some(PhoneError::NotACountry { code: code("881") }),
            ),
            ("+999999999999999", Some(PhoneError::BadCountryCode)),
            (
                "+252 61 123 4567",
                Some(PhoneError::CountryNotServed { code: code("252") }),
            ),
            (
                "+1 202 555 0143",
                Some(PhoneError::CountryNotServed { code: code("1") }),
            ),
            ("035 399111", Some(PhoneError::NotMobile)),
            ("+39 333 123 4567", None),
            ("anna+1@esempio.it", None),
        ];
        for (raw, refused) in cases {
            assert_eq!(
                Contact::parse_with(raw, &default).err(),
                refused.map(ContactError::from),
                "{raw}"
            );
        }
        assert_eq!(default, SmsDestinations::parse("39").unwrap());
    }

    #[test]
    fn a_setting_names_the_countries_served() {
        let served = SmsDestinations::parse(" 39, +41 ,33").unwrap();
        assert_eq!(served.to_string(), "33,39,41");
        assert!(Contact::parse_with("0041 79 123 45 67", &served).is_ok());
        assert!(Contact::parse_with("+33 6 12 34 56 78", &served).is_ok());
        assert_eq!(
            Contact::parse_with("+49 151 23456789", &served),
            Err(PhoneError::CountryNotServed {
                code: CountryCode::parse("49").unwrap()
            }
            .into())
        );
        assert_eq!(
            Contact::parse_with("333 123 4567", &SmsDestinations::parse("41").unwrap()),
            Err(PhoneError::CountryNotServed {
                code: CountryCode::ITALY
            }
            .into())
        );
        assert_eq!(SmsDestinations::parse(" "), Err(SmsDestinationsError::Empty));
        assert_eq!(
            SmsDestinations::parse("39,,41"),
            Err(SmsDestinationsError::NotACode(String::new()))
        );
        assert_eq!(
            SmsDestinations::parse("999"),
            Err(SmsDestinationsError::NotACode("999".into()))
        );
        assert_eq!(
            SmsDestinations::parse("0039"),
            Err(SmsDestinationsError::NotACode("0039".into()))
        );
        assert_eq!(
            SmsDestinations::parse("italia"),
            Err(SmsDestinationsError::NotACode("italia".into()))
        );
        for shared in [
            "800", "808", "870", "878", "881", "882", "883", "888", "979", "991",
        ] {
            assert_eq!(
                SmsDestinations::parse(&format!("39,{shared}")),
                Err(SmsDestinationsError::NotACountry(
                    CountryCode::parse(shared).unwrap()
                )),
                "{shared}"
            );
        }
    }

    #[test]
    fn a_contact_is_written_as_before() {
        let sms = Contact::parse("333 123 4567").unwrap();
        assert_eq!(
            serde_json::to_string(&sms).unwrap(),
            r#"{"channel":"sms","address":"+393331234567"}"#
        );
        let email = Contact::parse("Anna@Esempio.it").unwrap();
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            r#"{"channel":"email","address":"Anna@esempio.it"}"#
        );
    }

    #[test]
    fn emails_keep_their_local_part_and_are_checked() {
        // The domain is lower-cased (DNS is case-insensitive); the mailbox is the receiving
        // server's to read, so it goes out as typed.
        assert_eq!(
            mobile(" Mario.Rossi@Comune.Bergamo.IT ").as_deref(),
            Ok("Mario.Rossi@comune.bergamo.it")
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
    fn canonical_contacts_fold_case_tags_and_gmail_dots() {
        for (raw, canonical) in [
            ("Victim+1@Example.IT", "victim@example.it"),
            ("victim+a+b@example.it", "victim@example.it"),
            ("Mario.Rossi+x@GoogleMail.com", "mariorossi@gmail.com"),
            ("m.a.r.i.o@gmail.com", "mario@gmail.com"),
            // Only Gmail ignores dots; a lone "+" is no tag.
            ("mario.rossi@esempio.it", "mario.rossi@esempio.it"),
            ("+tag@esempio.it", "+tag@esempio.it"),
            ("+39 333 123 4567", "+393331234567"),
        ] {
            assert_eq!(Contact::parse(raw).unwrap().canonical(), canonical, "{raw}");
        }
        // Messages still go to the address as typed.
        let tagged = Contact::parse("Victim+1@Example.IT").unwrap();
        assert_eq!(tagged.address(), "Victim+1@example.it");
    }

    #[test]
    fn a_tag_or_gmail_dots_share_one_key() {
        // Measured: 188 of 188 "victim+N@example.it" were accepted, each with its own quota.
        let secret = HmacKey::from_bytes([7; 32]);
        let key = |raw: &str| Contact::parse(raw).unwrap().key(&secret);
        let victim = key("victim@example.it");
        for n in 1..=188 {
            assert_eq!(key(&format!("victim+{n}@example.it")), victim);
        }
        assert_eq!(key("Victim@Example.it"), victim);
        assert_eq!(key("m.rossi@googlemail.com"), key("MRossi@gmail.com"));
        assert_ne!(key("m.rossi@esempio.it"), key("mrossi@esempio.it"));
    }

    #[test]
    fn keys_of_plain_addresses_are_the_keys_stored_before() {
        // Before canonical contacts the key was the HMAC of the lower-cased address: for an
        // address without a tag, not on Gmail, and for every phone number, it is unchanged.
        let secret = HmacKey::from_bytes([7; 32]);
        let before = |address: &str| {
            let mut mac = Hmac::<Sha256>::new_from_slice(&secret.0).unwrap();
            mac.update(address.as_bytes());
            ContactKey(hex::encode(mac.finalize().into_bytes()))
        };
        for (raw, stored) in [
            ("Mario.Rossi@Esempio.it", "mario.rossi@esempio.it"),
            ("333 123 4567", "+393331234567"),
            ("+41 79 123 45 67", "+41791234567"),
        ] {
            assert_eq!(Contact::parse(raw).unwrap().key(&secret), before(stored), "{raw}");
        }
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
