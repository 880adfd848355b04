//! What every Prenota Lambda shares, so that no handler logic is written twice: the [`App`] built
//! at init from the environment and read again while warm (DynamoDB, SSM Parameter Store), the adapter between
//! `lambda_http` (API Gateway HTTP API, payload 2.0) and [`App::handle`], and the runtime loop.
//!
//! Each binary under `functions/<step>/` is one line: `prenota_lambda::run("<step>")`, where the
//! step is the `function` of its routes in `prenota_web::routes::ROUTES`.

mod adapter;
pub mod claims;
mod environment;
mod reload;
pub mod reminder;
pub mod sender;

use std::future::Future;
use std::sync::Arc;

pub use adapter::{from_app_response, serve, to_app_request};
pub use environment::{
    PublicUrl, app_builder, app_from, catalogue_of, decode_key, secrets_from_ssm, settings_from,
    with_public_url,
};
use lambda_http::service_fn;
pub use prenota_usecases::App;
pub use reload::{Reloading, reload_every};

/// Log lines as JSON, one per line (CloudWatch Logs reads them as structured). The level comes from
/// `RUST_LOG`, else Lambda's `AWS_LAMBDA_LOG_LEVEL`, else `info`.
pub(crate) fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .ok()
        .or_else(|| {
            std::env::var("AWS_LAMBDA_LOG_LEVEL")
                .ok()
                .and_then(|level| tracing_subscriber::EnvFilter::try_new(level.to_ascii_lowercase()).ok())
        })
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("info"));
    // A second initialisation (never in a Lambda, possible in tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .try_init();
}

/// What a Lambda serves with, built by `build` at init and again every `PRENOTA_RELOAD_EVERY`
/// ([`Reloading`]). A failure at init is logged and returned, so the Lambda service reports it.
pub(crate) async fn start<T, B, F>(
    function: &'static str,
    build: B,
) -> Result<Arc<Reloading<T, B>>, lambda_http::Error>
where
    B: Fn() -> F,
    F: Future<Output = anyhow::Result<T>>,
{
    let started =
        async { Reloading::start(reload_every(prenota_usecases::settings::env_var)?, build).await }.await;
    match started {
        Ok(value) => {
            tracing::info!(function, "ready");
            Ok(Arc::new(value))
        }
        Err(error) => Err(start_up_failed(function, error)),
    }
}

/// The AWS configuration of the process (credentials, region, HTTP client), loaded once at init.
pub(crate) async fn aws_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// Logs why the init failed and makes it the init's error.
pub(crate) fn start_up_failed(function: &'static str, error: anyhow::Error) -> lambda_http::Error {
    tracing::error!(function, error = %format!("{error:#}"), "start-up failed");
    error.into()
}

/// The whole life of one Lambda: logs, the [`App`] from the environment (read again while warm),
/// then one [`serve`] per invocation.
pub async fn run(function: &'static str) -> Result<(), lambda_http::Error> {
    init_tracing();
    let app = start(function, app_builder(aws_config().await)).await?;
    lambda_http::run(service_fn(move |request| {
        let app = Arc::clone(&app);
        async move { serve(&*app.current().await, function, request).await }
    }))
    .await
}
