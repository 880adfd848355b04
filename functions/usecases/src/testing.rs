//! Test support for this crate's and other crates' tests and benchmarks (feature `testing`): an
//! [`App`] on a SQLite file, with fresh secrets, as the one-machine server has it.

use std::path::Path;
use std::sync::Arc;

use prenota_core::checkin::CheckinKey;
use prenota_core::contact::HmacKey;
use prenota_core::{Catalogue, Clock};
use prenota_store::CatalogueStore;
use prenota_store::sqlite::SqliteStore;

use crate::pressure::Pressure;
use crate::{App, Context, Secrets, Settings};

/// Bergamo's catalogue, as the city ships it.
pub fn bergamo() -> Catalogue {
    let text = include_str!("../../../infra/catalogue/bergamo.toml");
    Catalogue::from_toml("bergamo.toml", text).expect("Bergamo's catalogue is valid")
}

/// An App on the SQLite file `path` (a second one on the same file is a restart) holding
/// `catalogue`, with links under `public_url`, and its store.
pub async fn sqlite_app(
    path: &Path,
    catalogue: Catalogue,
    clock: Arc<dyn Clock>,
    public_url: &str,
) -> (App, SqliteStore) {
    let store = SqliteStore::open(path).expect("the SQLite file opens");
    store
        .put_catalogue(&catalogue)
        .await
        .expect("the catalogue is stored");
    let app = App {
        store: Arc::new(store.clone()),
        accounts: Some(Arc::new(store.clone())),
        context: context(catalogue, clock, public_url),
    };
    (app, store)
}

/// A context holding `catalogue`, on `clock`, with links under `public_url`, the default settings
/// and fresh secrets: any store's, as the benchmarks run them on DynamoDB Local.
pub fn context(catalogue: Catalogue, clock: Arc<dyn Clock>, public_url: &str) -> Context {
    Context {
        catalogue: catalogue.into(),
        clock,
        settings: Settings {
            public_url: public_url.to_owned(),
            ..Settings::default()
        },
        secrets: Secrets {
            hmac: HmacKey::generate().expect("random bytes"),
            checkin: CheckinKey::generate().expect("random bytes"),
        },
        pressure: Pressure::default(),
    }
}

/// The solution a browser would send to `challenge` (found by brute force, as the browser does).
pub fn solve(challenge: &crate::challenge::Challenge) -> String {
    use base64::Engine as _;
    let number = altcha_lib_rs::solve_challenge(
        &challenge.challenge,
        &challenge.salt,
        None,
        Some(challenge.maxnumber),
        0,
    )
    .expect("every issued challenge has a solution");
    let payload = serde_json::json!({
        "algorithm": challenge.algorithm, "challenge": challenge.challenge, "number": number,
        "salt": challenge.salt, "signature": challenge.signature,
    });
    base64::engine::general_purpose::STANDARD.encode(payload.to_string())
}

/// The payloads of the messages of `kind` still waiting to be sent, soonest due first.
pub async fn queued_of_kind(app: &App, kind: prenota_store::MessageKind) -> Vec<crate::outbox::Payload> {
    app.store
        .pending_messages(1000, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .expect("the outbox is readable")
        .into_iter()
        .filter(|entry| entry.message.kind == kind)
        .map(|entry| crate::outbox::Payload::read(&entry.message).expect("a readable payload"))
        .collect()
}

/// The confirmation code of the last confirmation request queued by e-mail to `to`.
pub async fn confirmation_code_for(app: &App, to: &str) -> prenota_core::Token {
    let email = queued_of_kind(app, prenota_store::MessageKind::ConfirmationRequest)
        .await
        .into_iter()
        .rev()
        .find_map(|request| match request {
            crate::outbox::Payload::Citizen(prenota_notify::Message::Email(email)) if email.to == to => {
                Some(email)
            }
            _ => None,
        })
        .expect("the confirmation request");
    let at = email.text.find("/c/").expect("a confirmation link") + 3;
    let code: String = email.text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    prenota_core::Token::parse(&code).expect("a confirmation code")
}
