//! The one-machine server facing the internet (issue 12, items 1 and 9): the outbox page only in
//! development, timeouts and a cap on connections, security headers on every answer. Every
//! connection is to loopback, every wait bounded.

mod common;

use std::time::{Duration, Instant};

use common::{Reply, Server};
use prenota_delivery::testing::SmtpSink;
use reqwest::Method;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const FROM: &str = "Prenota Bergamo <prenota@comune.bergamo.it>";

/// `host:port` of a server, for raw connections.
fn address(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (end of stream or reset); what it sent, and
/// whether it closed within `limit`.
async fn until_closed(stream: &mut (impl tokio::io::AsyncRead + Unpin), limit: Duration) -> (Vec<u8>, bool) {
    let mut received = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return (received, false),
            Ok(Ok(0)) | Ok(Err(_)) => return (received, true),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The outbox page

/// What the server answers to a path the site does not have.
async fn not_found(server: &Server) -> Reply {
    let reply = server.get("/no-such-page").await;
    assert_eq!(reply.status, 404);
    reply
}

fn assert_same_404(outbox: &Reply, unknown: &Reply) {
    assert_eq!(outbox.status, 404, "GET /outbox: {}", outbox.text());
    assert_eq!(outbox.body, unknown.body, "the same 404 as any unknown path");
    assert_eq!(outbox.content_type(), unknown.content_type());
}

#[tokio::test]
async fn the_outbox_page_is_served_in_development() {
    let server = Server::start().await;
    assert!(
        server.started.contains(&format!(
            "messages go to the development outbox at {}/outbox",
            server.base
        )),
        "{}",
        server.started
    );
    let page = server.get("/outbox").await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.is_html());
}

#[tokio::test]
async fn the_outbox_page_is_404_when_email_leaves_by_smtp() {
    let sink = SmtpSink::start().unwrap_or_else(|e| panic!("{e}"));
    let url = sink.url();
    let server = Server::start_with(&[("PRENOTA_SMTP_URL", url.as_str()), ("PRENOTA_MAIL_FROM", FROM)]).await;
    let endpoint = url.trim_start_matches("smtp://");
    assert!(
        server.started.contains(&format!(
            "e-mail leaves by SMTP through {endpoint}; no outbox page"
        )),
        "{}",
        server.started
    );
    assert!(!server.started.contains("/outbox"), "{}", server.started);
    assert_same_404(&server.get("/outbox").await, &not_found(&server).await);
    assert_eq!(
        server
            .request(Method::HEAD, "/outbox", &[], None, None)
            .await
            .status,
        404
    );
}

/// Listening on every address (the machine takes no inbound traffic: the test connects on
/// loopback), with messages in the local outbox: still no page.
#[tokio::test]
async fn the_outbox_page_is_404_when_listening_beyond_loopback() {
    let server = Server::start_with(&[("PRENOTA_ADDR", "0.0.0.0:0")]).await;
    assert!(server.started.contains("no outbox page"), "{}", server.started);
    assert!(!server.started.contains("/outbox"), "{}", server.started);
    assert_same_404(&server.get("/outbox").await, &not_found(&server).await);
    // The rest is served as usual.
    assert_eq!(server.get("/api/health").await.status, 200);
}

// ---------------------------------------------------------------------------------------------
// Timeouts and the connection cap

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Slack for a loaded machine (two cores shared with other builds).
const SLACK: Duration = Duration::from_secs(5);

/// A connection that never sends a byte: how long until the server closed it.
async fn idle_connection(address: String) -> Option<Duration> {
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let started = Instant::now();
    let (_, closed) = until_closed(&mut stream, HEADER_TIMEOUT + SLACK).await;
    closed.then(|| started.elapsed())
}

/// A connection that sends its headers a byte every 100 ms and never ends them (slowloris): how
/// long until the server closed it.
async fn slow_headers(address: String) -> Option<Duration> {
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let started = Instant::now();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .expect("first bytes");
    let (mut read, mut write) = stream.into_split();
    let trickle = async {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if write.write_all(b"a").await.is_err() {
                return;
            }
        }
    };
    // The trickle ends when the server refuses a byte; then it has closed, or is closing.
    let closed = tokio::select! {
        (_, closed) = until_closed(&mut read, HEADER_TIMEOUT + SLACK) => Some(closed),
        () = trickle => None,
    };
    let closed = match closed {
        Some(closed) => closed,
        None => until_closed(&mut read, SLACK).await.1,
    };
    closed.then(|| started.elapsed())
}

/// 100 idle connections and 100 slowloris ones: the server keeps answering everyone else, and
/// closes each of the 200 once the header timeout has run out, not before.
#[tokio::test]
async fn idle_and_slow_connections_are_closed_while_requests_are_served() {
    let server = Server::start_with(&[("PRENOTA_HEADER_TIMEOUT", "1s")]).await;
    let address = address(&server);
    let mut bad = Vec::new();
    for n in 0..200 {
        let address = address.clone();
        bad.push(if n % 2 == 0 {
            tokio::spawn(idle_connection(address))
        } else {
            tokio::spawn(slow_headers(address))
        });
    }
    // While they are open, others are served (a new connection each, and keep-alive ones).
    for n in 0..20 {
        let reply = if n % 2 == 0 {
            server.get("/api/health").await
        } else {
            server
                .request(Method::GET, "/", &[("connection", "close")], None, None)
                .await
        };
        assert_eq!(
            reply.status, 200,
            "request {n} while 200 bad connections are open"
        );
    }
    for (n, connection) in bad.into_iter().enumerate() {
        let kind = if n % 2 == 0 { "idle" } else { "slow headers" };
        let closed_after = connection
            .await
            .expect("the connection's task")
            .unwrap_or_else(|| {
                panic!(
                    "{kind} connection {n} still open after {:?}",
                    HEADER_TIMEOUT + SLACK
                )
            });
        assert!(
            closed_after >= HEADER_TIMEOUT - Duration::from_millis(100),
            "{kind} connection {n} closed after {closed_after:?}, before the header timeout"
        );
    }
    assert_eq!(server.get("/api/health").await.status, 200);
}

/// Over the cap a connection is not refused: it waits until a place frees up (here, when the idle
/// connections that hold them all reach the header timeout).
#[tokio::test]
async fn over_the_connection_cap_a_client_waits_for_a_free_place() {
    let server = Server::start_with(&[
        ("PRENOTA_MAX_CONNECTIONS", "10"),
        ("PRENOTA_HEADER_TIMEOUT", "2s"),
    ])
    .await;
    let address = address(&server);
    let mut idle = Vec::new();
    for _ in 0..10 {
        idle.push(TcpStream::connect(&address).await.expect("connect"));
    }
    // Let the server accept all ten.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let reply = server.get("/api/health").await;
    let waited = started.elapsed();
    assert_eq!(reply.status, 200);
    assert!(
        waited >= Duration::from_millis(1000),
        "answered after {waited:?}: the cap of 10 was not holding it"
    );
    assert!(waited < Duration::from_secs(2) + SLACK, "waited {waited:?}");
    drop(idle);
}

/// A client that asks for a file larger than the kernel's buffers and reads none of it is dropped
/// after the send timeout; a client that reads gets the whole file.
#[tokio::test]
async fn a_client_that_stops_reading_its_answer_is_dropped() {
    const SIZE: usize = 16 * 1024 * 1024;
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<!doctype html><title>t</title>").unwrap();
    // Incompressible, so that no gzip would make it small (the raw client asks for none anyway).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let big: Vec<u8> = (0..SIZE)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(site.path().join("big.bin"), &big).unwrap();
    let site_path = site.path().to_str().unwrap().to_owned();
    let server = Server::start_with(&[
        ("PRENOTA_SITE", site_path.as_str()),
        ("PRENOTA_SEND_TIMEOUT", "1s"),
    ])
    .await;

    let whole = server.get("/big.bin").await;
    assert_eq!(
        (whole.status, whole.body.len()),
        (200, SIZE),
        "a reading client gets it all"
    );

    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket
        .connect(address(&server).parse().unwrap())
        .await
        .expect("connect");
    stream
        .write_all(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    // Read nothing for three send timeouts, then everything that is left.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (received, closed) = until_closed(&mut stream, SLACK).await;
    assert!(closed, "the server kept the stalled connection open");
    assert!(
        received.len() < SIZE,
        "{} bytes received: the answer was not cut",
        received.len()
    );
    assert!(received.starts_with(b"HTTP/1.1 200"));
}

/// A request whose body never comes gets 503 once the request timeout has run out, and the
/// connection is closed.
#[tokio::test]
async fn a_request_that_is_not_answered_in_time_gets_503() {
    let server = Server::start_with(&[("PRENOTA_REQUEST_TIMEOUT", "1s")]).await;
    let mut stream = TcpStream::connect(address(&server)).await.expect("connect");
    let started = Instant::now();
    stream
        .write_all(
            b"POST /api/holds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"service_id\"",
        )
        .await
        .unwrap();
    let (received, closed) = until_closed(&mut stream, Duration::from_secs(1) + SLACK).await;
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&received);
    assert!(closed, "still open after {elapsed:?}: {text}");
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(
        elapsed >= Duration::from_millis(900),
        "answered after {elapsed:?}"
    );
    // The server is fine.
    assert_eq!(server.get("/api/health").await.status, 200);
}

// ---------------------------------------------------------------------------------------------
// Security headers

fn assert_security_headers(path: &str, reply: &Reply) {
    let header = |name: &str| {
        reply
            .header(name)
            .unwrap_or_else(|| panic!("{path}: no {name} header"))
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "img-src 'self' data: https://tile.openstreetmap.org",
    ] {
        assert!(csp.contains(directive), "{path}: CSP lacks {directive}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(header("x-frame-options"), "DENY", "{path}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    assert_eq!(
        header("referrer-policy"),
        "strict-origin-when-cross-origin",
        "{path}"
    );
    let permissions = header("permissions-policy");
    for feature in ["camera=()", "microphone=()", "geolocation=(self)"] {
        assert!(permissions.contains(feature), "{path}: {permissions}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_the_site_cannot_be_framed() {
    let server = Server::start().await;
    for path in [
        "/",
        "/index.html",
        "/privacy.html",
        "/assets/js/app.js",
        "/api/health",
        "/outbox",
        "/no-such-page",
    ] {
        let reply = server.get(path).await;
        assert_security_headers(path, &reply);
    }
    // The route table's JSON answers have them too, with their own nosniff and no-store kept.
    let services = server.get("/api/services").await;
    assert_eq!(services.status, 200);
    assert_security_headers("/api/services", &services);
    assert_eq!(services.header("cache-control").as_deref(), Some("no-store"));
    // The 405 of /api/health.
    let wrong = server.post_json("/api/health", &serde_json::json!({})).await;
    assert_eq!(wrong.status, 405);
    assert_security_headers("POST /api/health", &wrong);

    // HEAD where GET is served: the headers, no body.
    for path in ["/", "/assets/prenota.css", "/api/health", "/outbox"] {
        let head = server.request(Method::HEAD, path, &[], None, None).await;
        assert_eq!(head.status, 200, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path}");
        assert_security_headers(&format!("HEAD {path}"), &head);
    }
}

/// The pages behind the links keep the headers the web crate gives them: their own policy and no
/// referrer, since their address holds a code.
#[tokio::test]
async fn the_link_pages_keep_their_own_headers() {
    let server = Server::start().await;
    let page = server.get("/c/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert!(page.is_html(), "{}", page.text());
    assert_eq!(page.header("referrer-policy").as_deref(), Some("no-referrer"));
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(
        !csp.contains("tile.openstreetmap.org"),
        "the site's policy replaced the page's: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
    assert!(page.header("permissions-policy").is_some());
}

/// The counter's page reads QR codes with the camera: the camera for our own origin there, and
/// nowhere else (the citizen's site, the display, the API keep `camera=()`).
#[tokio::test]
async fn only_the_counter_page_may_use_the_camera() {
    let server = Server::start().await;
    for path in ["/sportello/", "/sportello/password.html"] {
        let reply = server.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        let permissions = reply.header("permissions-policy").unwrap_or_default();
        assert!(permissions.contains("camera=(self)"), "{path}: {permissions}");
        assert!(permissions.contains("microphone=()"), "{path}: {permissions}");
    }
    for path in [
        "/",
        "/display/ufficio-1",
        "/api/offices/ufficio-1/display",
        "/api/staff/config",
    ] {
        let reply = server.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        let permissions = reply.header("permissions-policy").unwrap_or_default();
        assert!(permissions.contains("camera=()"), "{path}: {permissions}");
    }
}
