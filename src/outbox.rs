//! The `/outbox` page: every message of the outbox, with its links clickable. On one machine without
//! SMTP this is where messages are "delivered" (`prenota_delivery::local`). The page shows
//! recipients and the links that confirm and cancel their bookings, so it is for development only:
//! served on a loopback address while messages go nowhere else ([`Mode`]).

use std::fmt::Write as _;

use prenota_notify::compose::escape_html;
use prenota_notify::message::Message;
use prenota_store::OutboxEntry;
use prenota_store::sqlite::SqliteStore;
use prenota_usecases::outbox::Payload;

use crate::settings::Settings;

/// Where the messages go, and so whether `/outbox` is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Development: messages stay in the local outbox and `/outbox` shows them, to this machine only.
    Development,
    /// Messages stay in the local outbox, but the server listens beyond this machine: no page.
    LocalOnly,
    /// E-mail leaves by SMTP through `host:port`; no page (SMS stay in the local outbox, unread:
    /// one machine has no SMS gateway).
    Smtp { endpoint: String },
}

impl Mode {
    pub fn of(settings: &Settings) -> Self {
        match &settings.smtp {
            Some(smtp) => Self::Smtp {
                endpoint: smtp_endpoint(&smtp.url),
            },
            None if settings.outbox_page() => Self::Development,
            None => Self::LocalOnly,
        }
    }

    pub fn serves_page(&self) -> bool {
        *self == Self::Development
    }

    /// The start-up line: where the server runs (`url`, no trailing slash) and where messages go.
    pub fn startup_line(&self, url: &str) -> String {
        let messages = match self {
            Self::Development => format!("messages go to the development outbox at {url}/outbox"),
            Self::LocalOnly => "messages stay in the local outbox; no outbox page (it is served only on a \
                                loopback address)"
                .to_owned(),
            Self::Smtp { endpoint } => {
                format!("e-mail leaves by SMTP through {endpoint}; no outbox page")
            }
        };
        format!("Prenota is running at {url}/ — {messages}. Ctrl-C stops it.")
    }
}

/// `host:port` of an SMTP URL, without its scheme, user, password or options.
fn smtp_endpoint(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    host.to_owned()
}

/// Text with its http(s) links made clickable, everything escaped.
fn linkify(text: &str) -> String {
    let mut out = String::new();
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let trimmed = word.trim_end_matches(['.', ',', ')', ';']);
        if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
            let rest = &word[trimmed.len()..];
            let _ = write!(
                out,
                "<a href=\"{0}\">{0}</a>{1}",
                escape_html(trimmed),
                escape_html(rest)
            );
        } else {
            out.push_str(&escape_html(word));
        }
    }
    out
}

fn entry_html(entry: &OutboxEntry) -> String {
    let message = &entry.message;
    let (subject, text) = match Payload::read(message) {
        Ok(Payload::Citizen(Message::Email(email))) => (email.subject, email.text),
        Ok(Payload::Citizen(Message::Sms(sms))) => (String::new(), sms.text),
        Err(_) if message.payload.is_empty() => (
            message.kind.to_string(),
            "(testo cancellato con i dati personali · text erased with the personal data)".to_owned(),
        ),
        // Orders for the sender, not texts for a citizen: shown as stored.
        Ok(_) | Err(_) => (message.kind.to_string(), message.payload.clone()),
    };
    let body: Vec<String> = text.lines().map(linkify).collect();
    format!(
        "<article class=\"message\" data-kind=\"{kind}\" data-channel=\"{channel}\" data-recipient=\"{recipient}\">\
         <h2>{subject}</h2><p class=\"meta\">{created} · {channel} → {recipient} · {kind} · {delivery}</p>\
         <pre>{body}</pre></article>",
        kind = escape_html(message.kind.as_str()),
        channel = escape_html(message.channel.as_str()),
        recipient = escape_html(&message.recipient),
        subject = escape_html(&subject),
        created = message.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        delivery = entry.delivery.as_str(),
        body = body.join("\n"),
    )
}

/// The `/outbox` page: the newest messages first.
pub async fn page(store: &SqliteStore) -> Result<String, prenota_store::StoreError> {
    let entries = store.recent_messages(200).await?;
    let list: String = entries.iter().map(entry_html).collect();
    Ok(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Outbox · Prenota (development)</title></head><body><main>\
         <h1>Outbox</h1><p>E-mail and SMS written by this server, newest first ({} shown). \
         Development only: on one machine without SMTP this is where messages go.</p>{list}</main></body></html>",
        entries.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smtp_endpoint_names_no_password() {
        assert_eq!(
            smtp_endpoint("smtps://user:p%40ss@mail.example.it:465"),
            "mail.example.it:465"
        );
        assert_eq!(smtp_endpoint("smtp://relay:25?tls=required"), "relay:25");
        assert_eq!(smtp_endpoint("smtp://relay"), "relay");
    }

    #[test]
    fn links_become_clickable_and_text_is_escaped() {
        assert_eq!(
            linkify("Conferma: http://127.0.0.1:8080/c/abc. <b>"),
            "Conferma: <a href=\"http://127.0.0.1:8080/c/abc\">http://127.0.0.1:8080/c/abc</a>. &lt;b&gt;"
        );
    }
}
