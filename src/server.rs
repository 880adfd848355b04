//! How the one-machine server takes connections: HTTP/1.1 by hyper, under the limits of
//! [`ConnectionSettings`], with a graceful shutdown.
//!
//! - **At most `max_connections` open at once.** The next connection is not accepted until one
//!   closes: it waits in the kernel's listen queue (and its client with it), it is not refused.
//! - **Header timeout.** hyper's `header_read_timeout` runs from when the connection is ready for
//!   a request (just opened, or the previous answer handed over) until that request's headers are
//!   complete: a client that sends nothing, or its headers a byte at a time (slowloris), or keeps
//!   an idle keep-alive connection open, is closed when it runs out.
//! - **Send timeout.** A connection on which no byte moves either way for this long while no
//!   handler runs is dropped: a client that stops reading an answer (slow read) would otherwise
//!   hold its place for good once the answer outgrows the kernel's buffers.
//! - **Request timeout** (`with_request_timeout`): the handler, reading the body included, answers
//!   within it or the client gets 503.
//!
//! Each request carries its peer's address (`ConnectInfo<SocketAddr>`) in its extensions.

use std::future::Future;
use std::io::IoSlice;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use prenota_web::problem::{Code, Problem};
use prenota_web::routes::{self, Match};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use tower::Service as _;

use crate::settings::ConnectionSettings;

/// How long a shutdown waits for the answers under way before it gives up on them.
const DRAIN_AT_MOST: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting, lets each
/// connection finish the request it is handling (an idle one closes at once) and returns when all
/// have closed, or after [`DRAIN_AT_MOST`].
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &ConnectionSettings,
    shutdown: impl Future<Output = ()>,
) {
    make_room_for(limits.max_connections);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopped) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free place first, then the connection: over the cap, clients wait to be accepted.
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // never closed
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    pause_after_accept_error(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = Connection {
            router: router.clone(),
            header_timeout: limits.header_timeout,
            send_timeout: limits.send_timeout,
            stopped: stopped.clone(),
            _permit: permit,
        };
        tokio::spawn(connection.run(stream, peer));
    }
    drop(listener);
    drop(stopped);
    // Each connection holds its receiver until it ends: tell them all, then wait for them.
    let _ = stop.send(());
    if tokio::time::timeout(DRAIN_AT_MOST, stop.closed()).await.is_err() {
        tracing::warn!(
            open = stop.receiver_count(),
            "shutdown: connections still open after {DRAIN_AT_MOST:?} are dropped"
        );
    }
}

/// Files a connection may hold open: its socket, and the site file it is sending.
const FILES_PER_CONNECTION: u64 = 2;
/// Files the server holds besides its connections: the database, the logs, the SMTP connections.
const OTHER_FILES: u64 = 64;

/// Raises the process's soft limit on open files (1024 for a systemd service, by default) to what
/// `max_connections` connections need, as far as the hard limit allows; says so when that is not
/// enough, since past the limit `accept` fails ("too many open files") before the cap is reached.
#[cfg(unix)]
fn make_room_for(max_connections: usize) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let needed = u64::try_from(max_connections)
        .unwrap_or(u64::MAX)
        .saturating_mul(FILES_PER_CONNECTION)
        .saturating_add(OTHER_FILES);
    let limit = getrlimit(Resource::Nofile);
    // `None` is "unlimited".
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= needed {
        return;
    }
    let possible = limit.maximum.map_or(needed, |maximum| maximum.min(needed));
    let raised = possible > current
        && setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(possible),
                maximum: limit.maximum,
            },
        )
        .is_ok();
    let now = if raised { possible } else { current };
    if now < needed {
        tracing::warn!(
            open_files = now,
            needed,
            "PRENOTA_MAX_CONNECTIONS={max_connections} needs more open files than this process may \
             have: lower it, or raise the limit (LimitNOFILE= in a systemd unit, ulimit -n)"
        );
    }
}

#[cfg(not(unix))]
fn make_room_for(_max_connections: usize) {}

/// A failed `accept`: a client that left before it was accepted is nothing; running out of file
/// descriptors (or any other error) is logged, and accepting pauses a moment instead of spinning.
async fn pause_after_accept_error(error: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// One accepted connection and what it needs until it closes; its place under the cap is given
/// back when it is dropped.
struct Connection {
    router: Router,
    header_timeout: Duration,
    send_timeout: Duration,
    stopped: watch::Receiver<()>,
    _permit: OwnedSemaphorePermit,
}

impl Connection {
    async fn run(mut self, stream: TcpStream, peer: SocketAddr) {
        // Answers are written whole by hyper; no reason to hold back their last segment.
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let router = self.router.clone();
        let handlers = Arc::clone(&activity);
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let handling = Handling::start(Arc::clone(&handlers));
            let answer = router.clone().call(request);
            async move {
                let answer = answer.await;
                drop(handling);
                answer
            }
        });
        let io = Watched {
            stream,
            activity: Arc::clone(&activity),
        };
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_timeout);
        let connection = builder.serve_connection(TokioIo::new(io), service);
        let mut connection = std::pin::pin!(connection);
        let mut stopping = false;
        loop {
            let quiet_until = activity.quiet_until(self.send_timeout);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        // Timeouts, resets, malformed requests: the client's business.
                        tracing::debug!(%error, %peer, "connection closed");
                    }
                    break;
                }
                _ = self.stopped.changed(), if !stopping => {
                    stopping = true;
                    connection.as_mut().graceful_shutdown();
                }
                () = tokio::time::sleep_until(quiet_until) => {
                    if activity.stalled(self.send_timeout) {
                        tracing::debug!(%peer, "connection dropped: nothing moved for {:?}", self.send_timeout);
                        break;
                    }
                }
            }
        }
    }
}

/// When a connection last moved a byte, and how many of its requests are being handled.
struct Activity {
    origin: Instant,
    /// Milliseconds from `origin` to the last byte read or written, or the last handler's end.
    last: AtomicU64,
    handling: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            origin: Instant::now(),
            last: AtomicU64::new(0),
            handling: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let since = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(since, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.origin + Duration::from_millis(self.last.load(Ordering::Relaxed))
    }

    /// When the connection will have been quiet for `limit`, if nothing moves until then.
    fn quiet_until(&self, limit: Duration) -> Instant {
        let from = if self.handling.load(Ordering::Relaxed) > 0 {
            Instant::now()
        } else {
            self.last()
        };
        from + limit
    }

    /// Quiet for `limit` with no handler running: the client has stopped.
    fn stalled(&self, limit: Duration) -> bool {
        self.handling.load(Ordering::Relaxed) == 0 && self.last().elapsed() >= limit
    }
}

/// One request being handled: the connection is busy, not stalled, however long the handler takes
/// (the request timeout bounds it).
struct Handling(Arc<Activity>);

impl Handling {
    fn start(activity: Arc<Activity>) -> Self {
        activity.handling.fetch_add(1, Ordering::Relaxed);
        Self(activity)
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The connection's stream, noting each byte that moves.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(poll, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// `router` with each request answered within `limit`, or 503 (`store_unavailable`, the same
/// problem as a database that does not answer).
pub fn with_request_timeout(router: Router, limit: Duration) -> Router {
    router.layer(axum::middleware::from_fn_with_state(limit, answer_within))
}

async fn answer_within(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let lang = prenota_web::request::accept_language(request.headers());
    // The route's pattern, never the path: `/c/` and `/p/` paths hold codes.
    let route = match routes::find(request.method(), request.uri().path()) {
        Match::Found { route, .. } => route.path,
        _ => "(site)",
    };
    let method = request.method().clone();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, route, "no answer within {limit:?}: 503");
            prenota_web::answer::problem(&Problem::new(Code::StoreUnavailable), lang)
                .map(Body::from)
                .into_response()
        }
    }
}
