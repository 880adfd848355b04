//! E-mail through an SMTP server (`PRENOTA_SMTP_URL`), for a town that runs Prenota on one machine
//! with its own mail server. TLS by rustls, with the machine's trusted certificates.
//!
//! URLs as lettre reads them: `smtp://host:25` (no TLS, for a relay on the same network),
//! `smtp://host:587?tls=required` (STARTTLS), `smtps://user:password@host:465` (TLS from the start).

use async_trait::async_trait;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use prenota_notify::{Email, EmailTransport, SendError};

use crate::mail_from::{MailFrom, MailFromError};

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
        let mime = email
            .to_mime(&self.from.header, outbox_id)
            .map_err(|error| SendError::Permanent(error.to_string()))?;
        let to: lettre::Address = email
            .to
            .parse()
            .map_err(|_| SendError::Permanent(format!("{:?} is not an e-mail address", email.to)))?;
        let envelope = Envelope::new(Some(self.from.address.clone()), vec![to])
            .map_err(|error| SendError::Permanent(error.to_string()))?;
        match self.mailer.send_raw(&envelope, &mime).await {
            Ok(response) => Ok(format!(
                "smtp {} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            // 5xx: the server refuses this message for good (unknown mailbox, rejected content).
            Err(error) if error.is_permanent() => Err(SendError::Permanent(error.to_string())),
            // 4xx, a connection that failed or timed out, a TLS handshake: try again later.
            Err(error) => Err(SendError::Transient(error.to_string())),
        }
    }
}
