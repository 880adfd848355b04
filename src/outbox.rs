//! The local outbox: on one machine without SMTP, messages are "delivered" by staying readable at
//! `/outbox`, where a developer (or a test) opens the links they carry.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use prenota_notify::compose::escape_html;
use prenota_notify::message::Message;
use prenota_store::sqlite::SqliteStore;
use prenota_store::{Delivery, OutboxEntry};
use prenota_web::App;
use prenota_web::render::BOOKINGS_LIST_REQUEST;

const POLL_EVERY: Duration = Duration::from_millis(250);

/// Delivers pending messages to the local outbox: each is marked sent and stays readable at
/// `/outbox`. A "my bookings" request is first turned into the list it asks for.
pub async fn deliver_forever(app: Arc<App>) {
    loop {
        if let Err(error) = deliver_pending(&app).await {
            tracing::error!(%error, "local outbox delivery failed");
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

async fn deliver_pending(app: &App) -> anyhow::Result<()> {
    for entry in app.store.pending_messages(100).await? {
        let message = &entry.message;
        let detail = if message.kind == BOOKINGS_LIST_REQUEST {
            let list = prenota_web::render::bookings_list(app, message).await?;
            for queued in &list {
                app.store.enqueue(queued).await?;
            }
            format!("answered with {} message(s)", list.len())
        } else {
            "local outbox".to_owned()
        };
        app.store
            .mark_delivery(&message.id, Delivery::Sent, &detail, app.clock.now())
            .await?;
    }
    Ok(())
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
    let (subject, text) = match serde_json::from_str::<Message>(&message.payload) {
        Ok(Message::Email(email)) => (email.subject, email.text),
        Ok(Message::Sms(sms)) => (String::new(), sms.text),
        Err(_) => (message.kind.clone(), message.payload.clone()),
    };
    let body: Vec<String> = text.lines().map(linkify).collect();
    format!(
        "<article class=\"message\" data-kind=\"{kind}\" data-channel=\"{channel}\" data-recipient=\"{recipient}\">\
         <h2>{subject}</h2><p class=\"meta\">{created} · {channel} → {recipient} · {kind} · {delivery}</p>\
         <pre>{body}</pre></article>",
        kind = escape_html(&message.kind),
        channel = escape_html(&message.channel),
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
    fn links_become_clickable_and_text_is_escaped() {
        assert_eq!(
            linkify("Conferma: http://127.0.0.1:8080/c/abc. <b>"),
            "Conferma: <a href=\"http://127.0.0.1:8080/c/abc\">http://127.0.0.1:8080/c/abc</a>. &lt;b&gt;"
        );
    }
}
