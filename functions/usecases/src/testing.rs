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

/// Bergamo's office `ufficio-N`.
pub fn ufficio(n: u32) -> prenota_core::OfficeId {
    prenota_core::OfficeId::parse(&format!("ufficio-{n}")).expect("an office id")
}

/// A staff member of `role` at `ufficio-N`, named after the role.
pub fn staff(role: prenota_core::staff::Role, office: u32) -> prenota_core::staff::StaffIdentity {
    prenota_core::staff::StaffIdentity {
        email: format!("{}@comune.bergamo.it", role.as_str()),
        role,
        offices: vec![ufficio(office)],
    }
}

/// An App on a fresh SQLite file holding Bergamo's catalogue, on `clock`; the folder lives as
/// long as the test keeps it.
pub async fn bergamo_app(clock: Arc<dyn Clock>) -> (App, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("prenota.sqlite3");
    let (app, _) = sqlite_app(&path, bergamo(), clock, "https://prenota.example").await;
    (app, folder)
}

/// A confirmed SPID booking at ufficio-1 on `date` at `start` (`HH:MM`) for Anna Rossi at
/// `contact`, in `lang`: its page code.
pub async fn confirmed_spid(
    app: &App,
    date: chrono::NaiveDate,
    start: &str,
    contact: &str,
    lang: prenota_core::catalogue::Lang,
) -> prenota_core::Token {
    use prenota_core::text::PersonName;
    let (context, store) = (&app.context, &*app.store);
    let spid = prenota_core::ServiceId::parse("spid").expect("a service id");
    let offering = crate::browse::offering(&context.catalogue(), &spid, &ufficio(1))
        .expect("SPID at ufficio-1")
        .clone();
    let choice = crate::hold::Choice {
        date,
        start: prenota_core::dates::parse_time(start).expect("HH:MM"),
        people: 1,
    };
    let held = crate::hold::hold(context, store, &offering, choice, None)
        .await
        .expect("a free seat");
    let person = prenota_store::Person {
        name: PersonName::parse("Anna").expect("a name"),
        surname: PersonName::parse("Rossi").expect("a surname"),
        contact: prenota_core::contact::Contact::parse(contact).expect("a contact"),
        details: None,
        lang,
    };
    crate::details::submit(context, store, &held.hold.hash(), vec![person])
        .await
        .expect("the details");
    let code = confirmation_code_for(app, contact).await;
    crate::confirm::confirm(context, store, &code)
        .await
        .expect("confirmed")
        .page_code
}

/// The times citizens may book SPID at ufficio-1 on `date` (`HH:MM`).
pub async fn spid_starts(app: &App, date: chrono::NaiveDate) -> Vec<String> {
    let spid = prenota_core::ServiceId::parse("spid").expect("a service id");
    let catalogue = app.context.catalogue();
    let offering = crate::browse::offering(&catalogue, &spid, &ufficio(1)).expect("SPID at ufficio-1");
    let day = crate::browse::day(&app.context, &*app.store, offering, Some(date))
        .await
        .expect("the day's slots");
    day.free
        .iter()
        .map(|free| free.slot.start.format("%H:%M").to_string())
        .collect()
}
