//! E-mail through an SMTP server (`PRENOTA_SMTP_URL`), for a town that runs Prenota on one machine
//! with its own mail server. TLS by rustls, with the machine's trusted certificates.
//!
//! URLs as lettre reads them: `smtp://host:25` (no TLS, for a relay on the same network),
//! `smtp://host:587?tls=required` (STARTTLS), `smtps://user:password@host:465` (TLS from the start).
//!
//! A refusal of this message (5xx, an address that is none, a non-ASCII local part the server
//! cannot take) fails it at once; 4xx and connection problems leave it for later. The domain goes
//! as punycode ([`Recipient`]).

use async_trait::async_trait;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use prenota_notify::{Email, EmailTransport, SendError};

use crate::mail_from::{MailFrom, MailFromError};
use crate::recipient::Recipient;

pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: MailFrom,
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpSettingsError {
    #[error("PRENOTA_SMTP_URL is not an SMTP URL such as smtps://user:password@mail.example.it:465: {0}")]
    Url(String),
    #[error(transparent)]
    From(#[from] MailFromError),
}

impl SmtpTransport {
    /// `from` is the `From` of every message: `Name <address>` or an address. Call it inside the
    /// Tokio runtime: the connection pool lives there.
    pub fn new(url: &str, from: &str) -> Result<Self, SmtpSettingsError> {
        let from = MailFrom::parse(from)?;
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|error| SmtpSettingsError::Url(error.to_string()))?
            .build();
        Ok(Self { mailer, from })
    }
}

#[async_trait]
impl EmailTransport for SmtpTransport {
    async fn send_email(&self, email: &Email, outbox_id: &str) -> Result<String, SendError> {
        let recipient = Recipient::parse(&email.to)?;
        let mime = recipient
            .readdress(email)
            .to_mime(&self.from.header, outbox_id)
            .map_err(|error| SendError::Permanent(error.to_string()))?;
        let envelope = Envelope::new(Some(self.from.address.clone()), vec![recipient.address.clone()])
            .map_err(|error| SendError::Permanent(error.to_string()))?;
        match self.mailer.send_raw(&envelope, &mime).await {
            Ok(response) => Ok(format!(
                "smtp {} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            Err(error) => Err(classify(&error, &recipient)),
        }
    }
}

/// A failed SMTP exchange as the sender sees it.
fn classify(error: &lettre::transport::smtp::Error, recipient: &Recipient) -> SendError {
    // 5xx: the server refuses this message for good (unknown mailbox, relaying denied, rejected
    // content).
    if error.is_permanent() {
        return SendError::Permanent(error.to_string());
    }
    // lettre's own refusal to put a non-ASCII address to a server without SMTPUTF8: this server
    // will never take this recipient. (Its other client errors, about TLS or authentication,
    // are the settings', which an operator fixes: those stay temporary.)
    if error.is_client() && !recipient.ascii_local_part && error.to_string().contains("SMTPUTF8") {
        return SendError::Permanent(format!(
            "the mail server does not take addresses whose local part is not ASCII (no SMTPUTF8): {error}"
        ));
    }
    // 4xx, a connection that failed or timed out, a TLS handshake: try again later.
    SendError::Transient(error.to_string())
}
