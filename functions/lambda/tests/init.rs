//! A Lambda's init against real services: the table and its catalogue, the two secrets and the
//! public URL in SSM, all on moto server (tests/run starts it and sets PRENOTA_MOTO_ENDPOINT).

mod support;

use aws_config::BehaviorVersion;
use aws_sdk_ssm::config::{Credentials, Region};
use aws_sdk_ssm::types::ParameterType;
use base64::Engine as _;
use std::time::Duration;

use prenota_core::Catalogue;
use prenota_store::CatalogueStore;
use prenota_store::dynamodb::{DynamoStore, create_table};

async fn moto_config() -> aws_config::SdkConfig {
    let endpoint = std::env::var("PRENOTA_MOTO_ENDPOINT")
        .expect("PRENOTA_MOTO_ENDPOINT is not set: run through tests/run, which starts moto server");
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("eu-south-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .endpoint_url(endpoint)
        .load()
        .await
}

async fn put(ssm: &aws_sdk_ssm::Client, name: &str, value: &str, kind: ParameterType) {
    ssm.put_parameter()
        .name(name)
        .value(value)
        .r#type(kind)
        .overwrite(true)
        .send()
        .await
        .expect("moto stores the parameter");
}

#[tokio::test]
async fn a_lambda_starts_with_its_secrets_and_public_url_from_ssm() {
    let config = moto_config().await;
    let run = format!("{:x}", rand_tag());
    let table = format!("prenota-init-{run}");
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    create_table(&dynamodb, &table)
        .await
        .expect("moto creates the table");
    DynamoStore::new(dynamodb, &table)
        .put_catalogue(&support::bergamo())
        .await
        .unwrap();
    let ssm = aws_sdk_ssm::Client::new(&config);
    let key = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let (hmac, checkin, url) = (
        format!("/prenota-{run}/hmac-key"),
        format!("/prenota-{run}/checkin-key"),
        format!("/prenota-{run}/public-url"),
    );
    put(&ssm, &hmac, &key, ParameterType::SecureString).await;
    put(&ssm, &checkin, &key, ParameterType::SecureString).await;
    put(
        &ssm,
        &url,
        "https://d111111abcdef8.cloudfront.net/",
        ParameterType::String,
    )
    .await;

    let vars = [
        ("TABLE_NAME", table.as_str()),
        ("PRENOTA_HMAC_KEY_PARAMETER", hmac.as_str()),
        ("PRENOTA_CHECKIN_KEY_PARAMETER", checkin.as_str()),
        ("PRENOTA_PUBLIC_URL_PARAMETER", url.as_str()),
        ("PRENOTA_HOLD_TTL", "15m"),
    ];
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    };
    let app = prenota_lambda::app_from(&config, lookup).await.unwrap();
    assert_eq!(
        app.context.settings.public_url,
        "https://d111111abcdef8.cloudfront.net"
    );
    assert_eq!(app.context.settings.hold_ttl, chrono::Duration::minutes(15));
    assert_eq!(
        app.context.catalogue().offices().len(),
        support::bergamo().offices().len()
    );

    // A warm Lambda reads its configuration again (here on every use): a catalogue imported after
    // its init and a new public URL reach it without a restart.
    let warm = prenota_lambda::Reloading::start(Duration::ZERO, || prenota_lambda::app_from(&config, lookup))
        .await
        .unwrap();
    let renamed = std::fs::read_to_string(support::root().join("infra/catalogue/bergamo.toml"))
        .unwrap()
        .replace(r#"name = "Ufficio 4""#, r#"name = "Ufficio 4 (via Verdi)""#);
    DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), &table)
        .put_catalogue(&Catalogue::from_toml("bergamo.toml", &renamed).unwrap())
        .await
        .unwrap();
    put(
        &ssm,
        &url,
        "https://prenota.comune.bergamo.it",
        ParameterType::String,
    )
    .await;
    let reloaded = warm.current().await;
    let catalogue = reloaded.context.catalogue();
    let office = catalogue
        .offices()
        .iter()
        .find(|o| o.id.as_str() == "ufficio-4")
        .unwrap();
    assert_eq!(office.name, "Ufficio 4 (via Verdi)");
    assert_eq!(
        reloaded.context.settings.public_url,
        "https://prenota.comune.bergamo.it"
    );

    // A parameter that is not there stops the init, naming it.
    let missing = format!("/prenota-{run}/nothing");
    let vars_missing = [
        ("TABLE_NAME", table.as_str()),
        ("PRENOTA_HMAC_KEY_PARAMETER", hmac.as_str()),
        ("PRENOTA_CHECKIN_KEY_PARAMETER", checkin.as_str()),
        ("PRENOTA_PUBLIC_URL_PARAMETER", missing.as_str()),
    ];
    let lookup = |name: &str| {
        vars_missing
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    };
    let error = prenota_lambda::app_from(&config, lookup)
        .await
        .err()
        .expect("no URL, no start");
    assert!(format!("{error:#}").contains(&missing), "{error:#}");
}

fn rand_tag() -> u64 {
    let token = prenota_core::Token::generate().unwrap().hash().to_hex();
    u64::from_str_radix(&token[..12], 16).unwrap()
}
