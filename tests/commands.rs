//! The binary's commands other than serving: the catalogue import into a DynamoDB table (on
//! DynamoDB Local, which tests/run starts) and the route table as JSON.

use std::process::{Command, Output};

use prenota_core::Catalogue;
use prenota_store::CatalogueStore;
use prenota_store::testing::{fresh_local_store, local_endpoint};

const CATALOGUE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/infra/catalogue/bergamo.toml");

/// `prenota ARGS` with the AWS variables pointing at DynamoDB Local, as an engineer's shell would
/// point them at the account.
fn prenota(args: &[&str], endpoint: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prenota"))
        .args(args)
        .env("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_REGION", "eu-south-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("prenota runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_catalogue_export_writes_the_file_with_staffs_closures() {
    use prenota_core::closure::{ClosureForm, StaffClosure};
    use prenota_store::{CloseRequest, ClosureStore, SavedClosure, Saving};
    let endpoint = local_endpoint().unwrap();
    let store = fresh_local_store(&endpoint, "export").await.unwrap();
    let table = store.table_name().to_owned();
    let imported = prenota(&["catalogue", "import", "--table", &table, CATALOGUE], &endpoint);
    assert!(imported.status.success(), "{}", text(&imported.stderr));

    // A closure saved by a manager (far ahead: no seat to take).
    let catalogue = store.catalogue().await.unwrap().unwrap();
    let form = ClosureForm {
        office: Some("ufficio-1"),
        from: "2027-03-01",
        to: Some("2027-03-02"),
        hours: None,
        reason_it: "Trasloco dell'ufficio",
        reason_en: "The office is moving",
    };
    let now = chrono::Utc::now();
    let today = prenota_core::calendar::local(now).date();
    let closure = StaffClosure::check(&catalogue, &form, today).unwrap();
    let request = CloseRequest {
        saving: Saving::Closure(SavedClosure {
            id: "0123456789abcdef0123456789abcdef".into(),
            closure: closure.clone(),
            saved_by: "capo@comune.bergamo.it".into(),
            saved_at: now,
            reopened_at: None,
        }),
        slots: Vec::new(),
        displacements: Default::default(),
    };
    store.close(&request, now).await.unwrap();

    let exported = prenota(&["catalogue", "export", "--table", &table], &endpoint);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let file = text(&exported.stdout);
    assert!(
        file.contains("Trasloco dell'ufficio") && file.contains("The office is moving"),
        "{file}"
    );
    let back = Catalogue::from_toml("export.toml", &file).expect("the export is a valid catalogue file");
    let mut expected = catalogue.closures().to_vec();
    expected.push(closure.closure.clone());
    assert_eq!(
        back.closures(),
        expected.as_slice(),
        "the file's closures, then staff's"
    );
    assert_eq!(back.offerings(), catalogue.offerings());
}

#[tokio::test]
async fn the_catalogue_import_loads_what_the_lambdas_read() {
    let endpoint = local_endpoint().unwrap();
    let store = fresh_local_store(&endpoint, "import").await.unwrap();
    let table = store.table_name().to_owned();

    let imported = prenota(&["catalogue", "import", "--table", &table, CATALOGUE], &endpoint);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(text(&imported.stdout).contains(&format!("loaded into DynamoDB table {table}")));
    let expected =
        Catalogue::from_toml("bergamo.toml", &std::fs::read_to_string(CATALOGUE).unwrap()).unwrap();
    assert_eq!(store.catalogue().await.unwrap(), Some(expected));

    // A catalogue with a mistake is refused before anything is written, with the place of it.
    let folder = tempfile::tempdir().unwrap();
    let broken = folder.path().join("broken.toml");
    std::fs::write(
        &broken,
        std::fs::read_to_string(CATALOGUE)
            .unwrap()
            .replacen("slot_minutes = ", "slot_minutes = -", 1),
    )
    .unwrap();
    let refused = prenota(
        &["catalogue", "import", "--table", &table, broken.to_str().unwrap()],
        &endpoint,
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("broken.toml"),
        "{}",
        text(&refused.stderr)
    );
    assert!(
        store.catalogue().await.unwrap().is_some(),
        "the loaded catalogue stays"
    );

    // A table that does not exist is named in the error.
    let missing = prenota(
        &["catalogue", "import", "--table", "no-such-table", CATALOGUE],
        &endpoint,
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing.stderr).contains("no-such-table"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn the_routes_command_prints_the_route_table() {
    let output = prenota(&["routes"], "http://127.0.0.1:9");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::to_value(prenota_web::routes::ROUTES).unwrap()
    );
    let first = &printed[0];
    for field in ["method", "path", "endpoint", "function"] {
        assert!(first[field].is_string(), "{first}");
    }
    let wrong = prenota(&["serve", "now"], "http://127.0.0.1:9");
    assert!(!wrong.status.success());
    assert!(text(&wrong.stderr).contains("usage:"));
}
