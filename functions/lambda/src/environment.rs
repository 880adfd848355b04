//! The App of a Lambda, built at init (and again while warm, see `reload`) from its environment: `TABLE_NAME` (DynamoDB), the
//! catalogue stored there, the settings, and the two secrets from SSM Parameter Store.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use prenota_core::SystemClock;
use prenota_core::checkin::CheckinKey;
use prenota_core::contact::HmacKey;
use prenota_store::dynamodb::DynamoStore;
use prenota_store::{CatalogueStore, ClosureStore};
use prenota_usecases::settings::env_var as var;
use prenota_usecases::{App, Context, CurrentCatalogue, Secrets, Settings};

/// A setting that must be there: its value, or an error naming it and what it means.
pub(crate) fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    meaning: &str,
) -> anyhow::Result<String> {
    lookup(name).with_context(|| format!("{name} is not set: it must name {meaning}"))
}

/// Where the Lambdas' public URL comes from: `PRENOTA_PUBLIC_URL` itself, or the SSM String
/// parameter named by `PRENOTA_PUBLIC_URL_PARAMETER`. The stack writes the URL there because a
/// function cannot be given, in its environment, the address of the distribution that routes to
/// it (a cycle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicUrl {
    Given,
    Parameter(String),
}

/// The web settings from the same variables as the one-machine server (docs/design.md,
/// "Configuration"), except that the public URL is required: a Lambda has no listen address to
/// default to. `lookup` returns a variable's value, `None` when unset or blank. With
/// [`PublicUrl::Parameter`] the settings' URL is empty until [`with_public_url`] fills it.
pub fn settings_from(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<(Settings, PublicUrl)> {
    let settings = Settings::from_lookup(&lookup)?;
    if !settings.public_url.is_empty() {
        return Ok((settings, PublicUrl::Given));
    }
    match lookup("PRENOTA_PUBLIC_URL_PARAMETER") {
        Some(parameter) => Ok((settings, PublicUrl::Parameter(parameter))),
        None => bail!(
            "PRENOTA_PUBLIC_URL is not set: it must name the public base of the links in messages, \
             e.g. https://prenota.comune.bergamo.it (or set PRENOTA_PUBLIC_URL_PARAMETER to the SSM \
             parameter that holds it)"
        ),
    }
}

/// The settings with the public URL read from `parameter`, checked as the variable would be.
pub fn with_public_url(
    lookup: impl Fn(&str) -> Option<String>,
    parameter: &str,
    url: &str,
) -> anyhow::Result<Settings> {
    let settings = Settings::from_lookup(|name: &str| match name {
        "PRENOTA_PUBLIC_URL" => Some(url.to_owned()),
        _ => lookup(name),
    })
    .with_context(|| format!("SSM parameter {parameter} does not hold a public URL"))?;
    if settings.public_url.is_empty() {
        bail!(
            "SSM parameter {parameter} is empty: it must hold the public URL, e.g. https://prenota.comune.bergamo.it"
        );
    }
    Ok(settings)
}

/// A secret key as stored in its SecureString: the base64 of exactly 32 bytes. Errors name the
/// parameter, never its value.
pub fn decode_key(parameter: &str, value: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = STANDARD.decode(value.trim()).map_err(|_| {
        anyhow::anyhow!(
            "SSM parameter {parameter} is not base64 (it must hold the base64 of 32 random bytes)"
        )
    })?;
    let length = bytes.len();
    <[u8; 32]>::try_from(bytes).map_err(|_| {
        anyhow::anyhow!("SSM parameter {parameter} must decode to 32 bytes; it decodes to {length}")
    })
}

/// The value of an SSM parameter (decrypted when it is a SecureString).
async fn read_parameter(client: &aws_sdk_ssm::Client, parameter: &str) -> anyhow::Result<String> {
    let output = client
        .get_parameter()
        .name(parameter)
        .with_decryption(true)
        .send()
        .await
        .map_err(|error| {
            anyhow::anyhow!(
                "cannot read SSM parameter {parameter}: {}",
                aws_sdk_ssm::error::DisplayErrorContext(&error)
            )
        })?;
    output
        .parameter()
        .and_then(|p| p.value())
        .map(str::to_owned)
        .with_context(|| format!("SSM parameter {parameter} has no value"))
}

async fn read_key(client: &aws_sdk_ssm::Client, parameter: &str) -> anyhow::Result<[u8; 32]> {
    decode_key(parameter, &read_parameter(client, parameter).await?)
}

/// The installation's two secrets (docs/design.md, "Secrets"): the HMAC key of contact hashes and the Ed25519 seed
/// that signs check-in tokens, from SecureStrings, read together.
pub async fn secrets_from_ssm(
    client: &aws_sdk_ssm::Client,
    hmac_parameter: &str,
    checkin_parameter: &str,
) -> anyhow::Result<Secrets> {
    let (hmac, checkin) = tokio::try_join!(
        read_key(client, hmac_parameter),
        read_key(client, checkin_parameter)
    )?;
    Ok(Secrets {
        hmac: HmacKey::from_bytes(hmac),
        checkin: CheckinKey::from_bytes(checkin),
    })
}

/// The catalogue stored in the table: a Lambda never reads the TOML file, the import puts it there.
pub async fn catalogue_of(store: &DynamoStore, table: &str) -> anyhow::Result<CurrentCatalogue> {
    let catalogue = store
        .catalogue()
        .await
        .with_context(|| format!("cannot read the catalogue from DynamoDB table {table}"))?
        .with_context(|| {
            format!(
                "DynamoDB table {table} holds no catalogue: load the city's catalogue before starting \
                 the Lambdas (`cargo run -- catalogue import --table {table} infra/catalogue/bergamo.toml`)"
            )
        })?;
    // With the closures staff saved (one Query of their partition).
    let closures = store
        .closures(chrono::Utc::now())
        .await
        .with_context(|| format!("cannot read the closures from DynamoDB table {table}"))?;
    Ok(CurrentCatalogue::new(
        catalogue,
        prenota_usecases::closures::in_force(closures),
    ))
}

/// A rebuilding of a Lambda's [`App`] from the process's environment ([`app_from`]), for
/// [`crate::Reloading`]: the AWS configuration (credentials, region, HTTP client) is loaded once,
/// at init, and every rebuild makes its clients from it.
pub fn app_builder(
    config: aws_config::SdkConfig,
) -> impl Fn() -> Pin<Box<dyn Future<Output = anyhow::Result<App>> + Send>> + Send + Sync {
    move || {
        let config = config.clone();
        Box::pin(async move { app_from(&config, var).await })
    }
}

/// The App of a Lambda: settings first (a bad variable stops start-up before any network call),
/// then the store, the catalogue and the secrets.
///
/// Variables: `TABLE_NAME`; `PRENOTA_PUBLIC_URL`, `PRENOTA_HOLD_TTL`, `PRENOTA_CONFIRM_TTL`,
/// `PRENOTA_RETENTION` (see [`settings_from`]); `PRENOTA_HMAC_KEY_PARAMETER` and
/// `PRENOTA_CHECKIN_KEY_PARAMETER`, the names of the SecureStrings holding the secrets.
/// `lookup` reads the variables (the process's environment in a Lambda).
pub async fn app_from(
    config: &aws_config::SdkConfig,
    lookup: impl Fn(&str) -> Option<String> + Copy,
) -> anyhow::Result<App> {
    let table = required(&lookup, "TABLE_NAME", "the DynamoDB table of Prenota")?;
    let (settings, public_url) = settings_from(lookup)?;
    let hmac_parameter = required(
        &lookup,
        "PRENOTA_HMAC_KEY_PARAMETER",
        "the SSM SecureString holding the base64 HMAC key of contact hashes",
    )?;
    let checkin_parameter = required(
        &lookup,
        "PRENOTA_CHECKIN_KEY_PARAMETER",
        "the SSM SecureString holding the base64 Ed25519 seed that signs check-in tokens",
    )?;

    // One configuration (credentials, region, HTTP client) for every client. The two reads below
    // are each client's first request: credentials are resolved and the TLS connections opened
    // during init, which Lambda does not bill and the first citizen does not wait for.
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(config), &table);
    let ssm = aws_sdk_ssm::Client::new(config);
    let settings = async {
        match &public_url {
            PublicUrl::Given => Ok(settings),
            PublicUrl::Parameter(parameter) => {
                with_public_url(lookup, parameter, &read_parameter(&ssm, parameter).await?)
            }
        }
    };
    let (catalogue, secrets, settings) = tokio::try_join!(
        catalogue_of(&store, &table),
        secrets_from_ssm(&ssm, &hmac_parameter, &checkin_parameter),
        settings
    )?;
    Ok(App {
        // Cognito keeps the staff accounts on AWS.
        accounts: None,
        store: Arc::new(store),
        context: Context {
            catalogue,
            clock: Arc::new(SystemClock),
            settings,
            secrets,
            pressure: Default::default(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn settings_need_the_public_url_and_default_the_durations() {
        let error = settings_from(lookup(&[])).unwrap_err().to_string();
        assert!(error.contains("PRENOTA_PUBLIC_URL"), "{error}");

        let (settings, source) =
            settings_from(lookup(&[("PRENOTA_PUBLIC_URL", "https://prenota.example/")])).unwrap();
        assert_eq!(settings.public_url, "https://prenota.example");
        assert_eq!(source, PublicUrl::Given);
        assert_eq!(settings.hold_ttl, chrono::Duration::minutes(20));
        assert_eq!(settings.confirm_ttl, chrono::Duration::minutes(30));
        assert_eq!(settings.retention, chrono::Duration::days(2));

        let (settings, _) = settings_from(lookup(&[
            ("PRENOTA_PUBLIC_URL", "https://prenota.example"),
            ("PRENOTA_HOLD_TTL", "90s"),
            ("PRENOTA_CONFIRM_TTL", "1h"),
            ("PRENOTA_RETENTION", "7d"),
        ]))
        .unwrap();
        assert_eq!(settings.hold_ttl, chrono::Duration::seconds(90));
        assert_eq!(settings.confirm_ttl, chrono::Duration::hours(1));
        assert_eq!(settings.retention, chrono::Duration::days(7));
    }

    /// The stack cannot put the distribution's address in the environment of the functions it
    /// routes to: they read it from the parameter the stack writes, checked like the variable.
    #[test]
    fn the_public_url_may_come_from_an_ssm_parameter() {
        let vars = [
            ("PRENOTA_PUBLIC_URL_PARAMETER", "/prenota/public-url"),
            ("PRENOTA_HOLD_TTL", "90s"),
        ];
        let (settings, source) = settings_from(lookup(&vars)).unwrap();
        assert_eq!(source, PublicUrl::Parameter("/prenota/public-url".to_owned()));
        assert_eq!(settings.public_url, "");
        let settings = with_public_url(
            lookup(&vars),
            "/prenota/public-url",
            "https://d1234.cloudfront.net/",
        )
        .unwrap();
        assert_eq!(settings.public_url, "https://d1234.cloudfront.net");
        assert_eq!(settings.hold_ttl, chrono::Duration::seconds(90));
        for bad in ["", "d1234.cloudfront.net"] {
            let error = with_public_url(lookup(&vars), "/prenota/public-url", bad).unwrap_err();
            assert!(format!("{error:#}").contains("/prenota/public-url"), "{error:#}");
        }
    }

    #[test]
    fn a_malformed_setting_names_its_variable() {
        let url = ("PRENOTA_PUBLIC_URL", "https://prenota.example");
        for (name, value) in [
            ("PRENOTA_HOLD_TTL", "twenty minutes"),
            ("PRENOTA_CONFIRM_TTL", "0s"),
            ("PRENOTA_RETENTION", "-2d"),
        ] {
            let error = settings_from(lookup(&[url, (name, value)]))
                .unwrap_err()
                .to_string();
            assert!(error.contains(name), "{error}");
        }
        let error = settings_from(lookup(&[("PRENOTA_PUBLIC_URL", "prenota.example")]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("PRENOTA_PUBLIC_URL"), "{error}");
    }

    #[test]
    fn keys_are_the_base64_of_32_bytes_and_errors_do_not_show_them() {
        let key = [7u8; 32];
        assert_eq!(decode_key("/prenota/hmac", &STANDARD.encode(key)).unwrap(), key);
        assert_eq!(
            decode_key("/prenota/hmac", &format!(" {}\n", STANDARD.encode(key))).unwrap(),
            key
        );
        let short = STANDARD.encode([7u8; 16]);
        let error = decode_key("/prenota/hmac", &short).unwrap_err().to_string();
        assert!(error.contains("/prenota/hmac") && error.contains("16"), "{error}");
        assert!(!error.contains(&short), "{error}");
        let error = decode_key("/prenota/checkin", "not base64!")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("/prenota/checkin") && !error.contains("not base64!"),
            "{error}"
        );
    }
}
