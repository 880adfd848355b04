//! What the Lambda tests share: a fresh DynamoDB Local table with Bergamo's catalogue, and an App
//! on it as a Lambda has it.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use prenota_core::checkin::CheckinKey;
use prenota_core::contact::HmacKey;
use prenota_core::{Catalogue, ManualClock};
use prenota_store::CatalogueStore;
use prenota_store::dynamodb::DynamoStore;
use prenota_store::testing::{fresh_local_store, local_endpoint};
use prenota_usecases::{App, Context, Secrets, Settings, StaffSignIn};

pub mod events;

/// The code in the sample events that a test replaces with a real hold id, link code or outbox id.
pub const PLACEHOLDER: &str = "AAAAAAAAAAAAAAAAAAAAAA";
pub const PUBLIC_URL: &str = "https://prenota.comune.bergamo.it";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub async fn fresh_store() -> (DynamoStore, String) {
    let endpoint = local_endpoint().unwrap_or_else(|missing| panic!("{missing}"));
    let store = fresh_local_store(&endpoint, "prenota-lambda")
        .await
        .expect("DynamoDB Local creates the table");
    let table = store.table_name().to_owned();
    (store, table)
}

pub fn bergamo() -> Catalogue {
    let path = root().join("infra/catalogue/bergamo.toml");
    let text = std::fs::read_to_string(&path).expect("infra/catalogue/bergamo.toml is readable");
    Catalogue::from_toml("bergamo.toml", &text).expect("Bergamo's catalogue is valid")
}

/// An App as a Lambda has it, on a fresh table, with the clock at Thursday 26 November 2026,
/// 10:00 in Rome, so that the sample events' dates (Wednesday 2 December) are bookable.
pub async fn app() -> App {
    let (store, table) = fresh_store().await;
    store
        .put_catalogue(&bergamo())
        .await
        .expect("the catalogue is stored");
    let catalogue = prenota_lambda::catalogue_of(&store, &table)
        .await
        .expect("the catalogue is read back");
    App {
        // Cognito keeps the staff accounts on AWS.
        accounts: None,
        store: Arc::new(store),
        context: Context {
            catalogue,
            clock: Arc::new(ManualClock::new(
                Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
            )),
            settings: Settings {
                public_url: PUBLIC_URL.to_owned(),
                ..Settings::default()
            },
            secrets: Secrets {
                hmac: HmacKey::generate().unwrap(),
                checkin: CheckinKey::generate().unwrap(),
            },
            pressure: Default::default(),
        },
    }
}

#[allow(unused_imports)]
pub use prenota_delivery::testing::{draw_kept_seats, link_code, pending_of_kind};

/// The citizen follows the confirmation link of the pending confirmation request and presses
/// "Conferma" (`POST /c/{code}`).
pub async fn confirm_by_link(app: &App) {
    let code = link_code(app, prenota_store::MessageKind::ConfirmationRequest, "/c/").await;
    let answer = prenota_web::call(app, "POST", &format!("/c/{code}"), None).await;
    assert_eq!(answer.status(), 200, "{}", String::from_utf8_lossy(answer.body()));
}

/// The citizen cancels on the booking page `page_code` and says yes (`POST /p/{code}/cancel`).
pub async fn cancel_by_link(app: &App, page_code: &str) -> u16 {
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("/p/{page_code}/cancel"))
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(bytes::Bytes::from_static(b"confirm=yes"))
        .expect("a request");
    prenota_web::handle(app, &prenota_web::Limits::off(), request)
        .await
        .status()
        .as_u16()
}

/// The app as the staff Lambdas run it on AWS, on a manual clock at Thursday 26 November 2026,
/// 10:00 in Rome: staff sign in with Cognito (as the stacks set PRENOTA_COGNITO_DOMAIN and
/// PRENOTA_COGNITO_CLIENT_ID).
pub async fn staff_app() -> (App, Arc<ManualClock>) {
    let mut app = app().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap(),
    ));
    app.context.clock = clock.clone();
    app.context.settings.staff_sign_in = StaffSignIn::Cognito {
        domain: "https://prenota-bergamo.auth.eu-south-1.amazoncognito.com".to_owned(),
        client_id: "3n4b5urk1ft4fl3mg5e62d9ado".to_owned(),
    };
    (app, clock)
}
