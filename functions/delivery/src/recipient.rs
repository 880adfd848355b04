//! A citizen's e-mail address as the mail services take it. The domain goes in ASCII: an
//! internationalised domain is sent as punycode (IDNA, UTS #46: `exämple.it` →
//! `xn--exmple-cua.it`), in the envelope and in the `To` header alike; lettre checks such a domain
//! but sends it as typed. The local part goes as typed: a non-ASCII one needs a server that
//! speaks SMTPUTF8, which SES does not and a relay may not, and is then refused for good.

use std::borrow::Cow;

use prenota_notify::{Email, SendError};

/// An address checked and with its domain in ASCII.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub address: lettre::Address,
    /// Whether the local part (before the `@`) is ASCII: otherwise only SMTPUTF8 carries it.
    pub ascii_local_part: bool,
}

/// Why an address is no address: permanent, and without the address (personal data).
fn malformed(what: &str) -> SendError {
    SendError::Permanent(format!("the recipient is not an e-mail address: {what}"))
}

impl Recipient {
    pub fn parse(to: &str) -> Result<Self, SendError> {
        let (local, domain) = to.rsplit_once('@').ok_or_else(|| malformed("no @"))?;
        let domain =
            idna::domain_to_ascii(domain).map_err(|_| malformed("the domain is not a valid domain name"))?;
        let address = lettre::Address::new(local, &domain).map_err(|error| malformed(&error.to_string()))?;
        Ok(Self {
            address,
            ascii_local_part: local.is_ascii(),
        })
    }

    /// `email` addressed to this recipient: the same e-mail when its address was already so.
    pub fn readdress<'a>(&self, email: &'a Email) -> Cow<'a, Email> {
        if email.to == self.address.as_ref() {
            Cow::Borrowed(email)
        } else {
            Cow::Owned(Email {
                to: self.address.to_string(),
                ..email.clone()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internationalised_domain_goes_as_punycode() {
        let recipient = Recipient::parse("anna@exämple.it").unwrap();
        assert_eq!(recipient.address.to_string(), "anna@xn--exmple-cua.it");
        assert!(recipient.ascii_local_part);
        // Upper case is folded, as IDNA maps it.
        assert_eq!(
            Recipient::parse("anna@Comune.Bergamo.IT")
                .unwrap()
                .address
                .to_string(),
            "anna@comune.bergamo.it"
        );
    }

    #[test]
    fn a_non_ascii_local_part_is_kept_and_said() {
        let recipient = Recipient::parse("ü@exämple.it").unwrap();
        assert_eq!(recipient.address.to_string(), "ü@xn--exmple-cua.it");
        assert!(!recipient.ascii_local_part);
    }

    #[test]
    fn a_malformed_address_is_refused_for_good_without_saying_it() {
        for malformed in [
            "anna",
            "anna@",
            "@example.it",
            "an na@example.it",
            "anna@exa mple.it",
            "anna@-x-.it",
        ] {
            let Err(SendError::Permanent(reason)) = Recipient::parse(malformed) else {
                panic!("{malformed:?} is refused for good")
            };
            assert!(!reason.contains(malformed), "{reason}");
        }
    }

    #[test]
    fn an_email_is_readdressed_only_when_its_address_changes() {
        let email = Email {
            to: "anna@exämple.it".to_owned(),
            subject: "x".to_owned(),
            text: "x".to_owned(),
            html: "x".to_owned(),
            qr_png: None,
            more_qr_pngs: Vec::new(),
            ics: None,
        };
        let recipient = Recipient::parse(&email.to).unwrap();
        assert_eq!(recipient.readdress(&email).to, "anna@xn--exmple-cua.it");
        let ascii = Email {
            to: "anna@example.it".to_owned(),
            ..email
        };
        assert!(matches!(
            Recipient::parse(&ascii.to).unwrap().readdress(&ascii),
            Cow::Borrowed(_)
        ));
    }
}
