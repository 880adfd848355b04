//! Prenota on one machine: every route of the route table, the static site and the development
//! outbox, over the same handlers as the Lambdas, on SQLite. `cargo run` needs no setting.

mod commands;
mod display;
mod headers;
mod outbox;
mod secrets;
mod server;
mod settings;
mod staff;

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use prenota_core::{Catalogue, Clock, ShiftedClock, SystemClock};
use prenota_delivery::local::{LocalOutbox, LocalReminders};
use prenota_delivery::smtp::SmtpTransport;
use prenota_delivery::{RetryPolicy, Sender, Transports};
use prenota_notify::EmailTransport;
use prenota_store::sqlite::{Erased, SqliteStore};
use prenota_store::{CatalogueStore, ClosureStore};
use prenota_usecases::{App, Context, CurrentCatalogue};
use prenota_web::problem::{Code, Problem};
use prenota_web::routes::{self, Match};
use prenota_web::{ClientAddr, Limits, MAX_BODY_BYTES};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate as _};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::settings::Settings;

#[derive(Clone)]
pub(crate) struct Server {
    pub(crate) app: Arc<App>,
    store: SqliteStore,
    /// The per-client limits of every route of the table.
    limits: Arc<Limits>,
}

/// Hands a request of the route table to the shared handlers. Codes in `/c/` and `/p/` paths are
/// secrets: the log names the route, never the path.
async fn dispatch(State(server): State<Server>, request: Request) -> Response {
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    if let Some(ConnectInfo(peer)) = parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .copied()
    {
        parts.extensions.insert(ClientAddr(peer.ip()));
    }
    let route = match routes::find(&parts.method, parts.uri.path()) {
        Match::Found { route, .. } => route.path,
        _ => "(no route)",
    };
    // One byte more than the limit is enough to know it is too large.
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES + 1).await {
        Ok(bytes) => bytes,
        Err(_) => bytes::Bytes::from(vec![0; MAX_BODY_BYTES + 1]),
    };
    let method = parts.method.clone();
    let answer = prenota_web::handle(
        &server.app,
        &server.limits,
        http::Request::from_parts(parts, bytes),
    )
    .await;
    tracing::info!(
        method = %method,
        route,
        status = answer.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    answer.map(Body::from).into_response()
}

/// Is the server well, and are its messages leaving? 200 with the outbox's counts; 503 when the
/// database cannot answer. Failed messages are counted, not hidden: each one is a citizen who
/// got no e-mail or SMS.
async fn health(State(server): State<Server>) -> Response {
    let (status, body) = match server.store.delivery_counts().await {
        Ok(counts) => (
            StatusCode::OK,
            serde_json::json!({ "status": "ok", "messages": counts }),
        ),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({ "status": "unavailable", "detail": error.to_string() }),
        ),
    };
    (
        status,
        [(http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn outbox_page(State(server): State<Server>) -> Response {
    match outbox::page(&server.store).await {
        Ok(html) => ([(http::header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response(),
    }
}

/// Every ten minutes, forgets the limit buckets of clients that have been quiet long enough to be
/// full again: memory follows the clients of the last minutes, not every address ever seen.
async fn forget_quiet_clients_forever(limits: Arc<Limits>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        limits.forget_quiet_clients();
    }
}

/// Deletes personal data whose erasure time has come, at start and then every ten minutes (reads
/// already treat it as gone from that time on). The time is the app's clock, as every read's: a
/// development clock set in the past must not erase what its own reads still show.
async fn erase_personal_data_forever(store: SqliteStore, clock: Arc<dyn Clock>, retention: chrono::Duration) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        match store.erase_personal_data(clock.now(), retention).await {
            Ok(erased) if erased == Erased::default() => {}
            Ok(erased) => tracing::info!(
                people = erased.people,
                messages = erased.messages,
                "personal data erased"
            ),
            Err(error) => tracing::error!(%error, "personal data could not be erased"),
        }
    }
}

/// Every hour (and at start), how far away each service's first free slot is: the statistics'
/// "days to the first free slot". The Lambdas' equivalent is the sender's hourly schedule.
async fn sample_first_free_forever(app: Arc<App>, store: SqliteStore) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(error) = prenota_usecases::statistics::sample_first_free(&app.context, &store).await {
            tracing::error!(%error, "the first free slots could not be sampled");
        }
    }
}

/// Any method but GET on `/api/health`: the same 405 problem as the route table's addresses.
async fn health_wrong_method(headers: http::HeaderMap) -> Response {
    let lang = prenota_web::request::accept_language(&headers);
    let mut answer = prenota_web::answer::problem(&Problem::new(Code::MethodNotAllowed), lang);
    answer
        .headers_mut()
        .insert(http::header::ALLOW, http::HeaderValue::from_static("GET"));
    answer.map(Body::from).into_response()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match commands::Command::parse(&args)? {
        commands::Command::Serve => serve().await,
        commands::Command::Routes => commands::print_routes(),
        commands::Command::ImportCatalogue { table, file } => commands::import_catalogue(&table, &file).await,
        commands::Command::ExportCatalogue { table } => commands::export_catalogue(table.as_deref()).await,
        commands::Command::Staff(command) => staff::run(command).await,
    }
}

/// Every address of the one-machine server: the API and the link pages through the shared
/// handlers, the health check, the development outbox when `outbox` says so (else `/outbox` is a
/// path like any other the site lacks: 404), and the citizen's site from `site`.
fn router(server: Server, site: &std::path::Path, outbox: &outbox::Mode) -> Router {
    let mut router = Router::new()
        .route(
            "/api/health",
            axum::routing::get(health).fallback(health_wrong_method),
        )
        .route(
            "/api/offices/{office_id}/display/events",
            axum::routing::get(display::events),
        )
        .route("/api/{*rest}", axum::routing::any(dispatch))
        .route("/c/{*rest}", axum::routing::any(dispatch))
        .route("/p/{*rest}", axum::routing::any(dispatch))
        .route("/w/{*rest}", axum::routing::any(dispatch));
    if outbox.serves_page() {
        router = router.route("/outbox", axum::routing::get(outbox_page));
    }
    // The kiosk page of every office's display is one file; the page reads the office from its path.
    router = router.route_service(
        "/display/{office_id}",
        tower_http::services::ServeFile::new(site.join("display/index.html")),
    );
    router
        // Site files change with a deploy and have no hashed names: the browser keeps them but
        // asks each time whether they changed (Last-Modified), so a new version is seen at once.
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    http::header::CACHE_CONTROL,
                    http::HeaderValue::from_static("no-cache"),
                ))
                .service(ServeDir::new(site)),
        )
        // woff2 is compressed already: gzip would only add bytes.
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/"))),
        )
        .with_state(server)
}

async fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_environment()?;
    if !settings.site.join("index.html").is_file() {
        anyhow::bail!(
            "PRENOTA_SITE: {} has no index.html: build the citizen's site first with static-site/build \
             (or set PRENOTA_SITE to a folder that holds it)",
            settings.site.display()
        );
    }
    let logs = tracing_subscriber::fmt().with_env_filter(
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
    );
    if settings.json_logs {
        logs.json().init();
    } else {
        logs.init();
    }

    let text = std::fs::read_to_string(&settings.catalogue)
        .with_context(|| format!("PRENOTA_CATALOGUE: cannot read {}", settings.catalogue.display()))?;
    let catalogue = Catalogue::from_toml(&settings.catalogue.display().to_string(), &text)?;
    std::fs::create_dir_all(&settings.data)
        .with_context(|| format!("PRENOTA_DATA: cannot create {}", settings.data.display()))?;
    let store = SqliteStore::open(&settings.data.join("prenota.sqlite3"))?;
    let catalogue = catalogue_in_use(&store, catalogue).await?;
    let secrets = secrets::load(&settings.data)?;

    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .with_context(|| format!("PRENOTA_ADDR: cannot listen on {}", settings.addr))?;
    let url = format!("http://{}", listener.local_addr()?);
    let mut web_settings = settings.web.clone();
    if web_settings.public_url.is_empty() {
        web_settings.public_url = url.clone();
    }
    let outbox = outbox::Mode::of(&settings);
    let clock: Arc<dyn Clock> = match settings.dev_now {
        None => Arc::new(SystemClock),
        // A development convenience: only where the development outbox is (this machine only).
        Some(_) if !outbox.serves_page() => anyhow::bail!(
            "PRENOTA_DEV_NOW is for development only: it needs a loopback PRENOTA_ADDR and no PRENOTA_SMTP_URL"
        ),
        Some(start) => {
            tracing::warn!(%start, "development clock: the server's time starts at PRENOTA_DEV_NOW");
            Arc::new(ShiftedClock::starting_at(start))
        }
    };
    // The catalogue (the file's, or as staff edited it), with the closures staff saved.
    let closures = prenota_usecases::closures::in_force(store.closures(clock.now()).await?);
    let app = Arc::new(App {
        store: Arc::new(store.clone()),
        accounts: Some(Arc::new(store.clone())),
        context: Context {
            catalogue: CurrentCatalogue::new(catalogue, closures),
            clock,
            settings: web_settings,
            secrets,
            pressure: Default::default(),
        },
    });
    let email: Arc<dyn EmailTransport> = match &settings.smtp {
        None => Arc::new(LocalOutbox),
        Some(smtp) => Arc::new(SmtpTransport::new(&smtp.url, &smtp.from)?),
    };
    let transports = Transports {
        email,
        // One machine has no SMS gateway: SMS stay in the local outbox (shown at /outbox in development).
        sms: Arc::new(LocalOutbox),
        reminders: Arc::new(LocalReminders(store.clone())),
    };
    tokio::spawn(erase_personal_data_forever(
        store.clone(),
        Arc::clone(&app.context.clock),
        settings.web.retention,
    ));
    tokio::spawn(sample_first_free_forever(Arc::clone(&app), store.clone()));
    tokio::spawn(prenota_delivery::reminders::fire_due_forever(
        Arc::clone(&app),
        store.clone(),
    ));
    let sender = Sender::new(Arc::clone(&app), transports, RetryPolicy::default())
        .with_sms_per_hour(settings.sms_per_hour);
    tokio::spawn(prenota_delivery::poll::deliver_forever(sender));

    let limits = Arc::new(Limits::new(settings.limits.clone()));
    tokio::spawn(forget_quiet_clients_forever(Arc::clone(&limits)));
    let router = router(Server { app, store, limits }, &settings.site, &outbox);
    let router = server::with_request_timeout(router, settings.connections.request_timeout);
    let router = headers::SecurityHeaders::for_site(&settings.site)?.apply(router);
    println!("{}", outbox.startup_line(&url));
    server::serve(listener, router, &settings.connections, shutdown_signal()).await;
    Ok(())
}

/// The catalogue to serve: the file's when it is new or changed since it was last imported (it
/// then replaces staff's edits: export first to keep them), else the stored one, with what staff
/// changed in the browser.
async fn catalogue_in_use(store: &SqliteStore, file: Catalogue) -> anyhow::Result<Catalogue> {
    match store.stored_catalogue().await? {
        Some(stored) if stored.imported.as_deref() == Some(&prenota_store::imported_hash(&file)) => {
            Ok(stored.catalogue)
        }
        stored => {
            if stored.is_some() {
                tracing::info!("the catalogue file changed since it was imported: imported again");
            }
            store.put_catalogue(&file).await?;
            Ok(file)
        }
    }
}
