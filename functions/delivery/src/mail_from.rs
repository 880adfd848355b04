//! The sender of every e-mail (`PRENOTA_MAIL_FROM`), read once for the SMTP and SES transports.

use lettre::message::Mailbox;

#[derive(Debug, thiserror::Error)]
#[error("PRENOTA_MAIL_FROM={0:?} is not an address such as \"Prenota Bergamo <prenota@comune.bergamo.it>\"")]
pub struct MailFromError(String);

/// `Name <address>` or a bare address: the `From` header as written, and the address alone for
/// the envelope (SMTP `MAIL FROM`, SES `FromEmailAddress`).
#[derive(Debug, Clone)]
pub struct MailFrom {
    pub header: String,
    pub address: lettre::Address,
}

impl MailFrom {
    pub fn parse(raw: &str) -> Result<Self, MailFromError> {
        let mailbox: Mailbox = raw.parse().map_err(|_| MailFromError(raw.to_owned()))?;
        Ok(Self {
            header: raw.to_owned(),
            address: mailbox.email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_is_a_mailbox_or_an_address() {
        let named = MailFrom::parse("Prenota Bergamo <prenota@comune.bergamo.it>").unwrap();
        assert_eq!(named.address.to_string(), "prenota@comune.bergamo.it");
        assert_eq!(named.header, "Prenota Bergamo <prenota@comune.bergamo.it>");
        assert_eq!(
            MailFrom::parse("prenota@comune.bergamo.it")
                .unwrap()
                .address
                .to_string(),
            "prenota@comune.bergamo.it"
        );
        let error = MailFrom::parse("Prenota Bergamo").unwrap_err().to_string();
        assert!(error.contains("PRENOTA_MAIL_FROM"), "{error}");
    }
}
