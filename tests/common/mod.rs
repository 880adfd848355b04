//! Shared helpers of the HTTP tests: a real `prenota` server per test (fresh data folder, port chosen
//! by the OS, killed on drop), a small HTTP client, and readers for the `/outbox` page and HTML pages.
//! Every wait is bounded.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub mod staff;

pub const CATALOGUE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/infra/catalogue/bergamo.toml");
/// Built by `static-site/build` (tests/run builds it first).
pub const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/static-site/dist");

/// How long the server may take to print its URL.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// One `prenota` process, listening on its own port with its own data folder.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash (also when the server listens on every
    /// address, `0.0.0.0`: tests talk to it on loopback).
    pub base: String,
    /// The line the server printed at start, which names its URL and where messages go.
    pub started: String,
    pub client: reqwest::Client,
    stderr: Arc<Mutex<String>>,
    _data: Option<tempfile::TempDir>,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// A server with extra environment variables (`PRENOTA_HOLD_TTL`, …).
    pub async fn start_with(env: &[(&str, &str)]) -> Self {
        let data = tempfile::tempdir().expect("temporary data folder");
        let mut server = Self::start_in(data.path(), env).await;
        server._data = Some(data);
        server
    }

    /// A server on the data folder `data`, which the test keeps: a second server started on it
    /// after the first is dropped (killed) is a restart.
    pub async fn start_in(data: &std::path::Path, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_prenota"));
        command
            .env("PRENOTA_ADDR", "127.0.0.1:0")
            .env("PRENOTA_DATA", data)
            .env("PRENOTA_CATALOGUE", CATALOGUE)
            .env("PRENOTA_SITE", SITE)
            .env("RUST_LOG", "warn")
            // Every test talks to its server from 127.0.0.1: as one client, a test that books a
            // dozen times would meet the per-client limits, which `tests/limits.rs` turns on.
            .env("PRENOTA_LIMITS", "off")
            .env_remove("PRENOTA_TRUSTED_PROXIES")
            .env_remove("PRENOTA_CHALLENGE_ABOVE")
            .env_remove("PRENOTA_SMS_COUNTRIES")
            .env_remove("PRENOTA_PUBLIC_URL")
            .env_remove("PRENOTA_HOLD_TTL")
            .env_remove("PRENOTA_CONFIRM_TTL")
            .env_remove("PRENOTA_SMTP_URL")
            .env_remove("PRENOTA_MAIL_FROM")
            .env_remove("PRENOTA_HEADER_TIMEOUT")
            .env_remove("PRENOTA_SEND_TIMEOUT")
            .env_remove("PRENOTA_REQUEST_TIMEOUT")
            .env_remove("PRENOTA_MAX_CONNECTIONS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the prenota binary starts");

        // stdout: the first URL line goes to the test; the rest is drained so the pipe never fills.
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel::<(String, String)>();
        std::thread::spawn(move || {
            let mut sender = Some(sender);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(start) = line.find("http://")
                    && let Some(tx) = sender.take()
                {
                    let url: String = line[start..].chars().take_while(|c| !c.is_whitespace()).collect();
                    let url = url
                        .trim_end_matches('/')
                        .replacen("http://0.0.0.0:", "http://127.0.0.1:", 1)
                        .replacen("http://[::]:", "http://[::1]:", 1);
                    let _ = tx.send((url, line));
                }
            }
        });
        let stderr_text = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().expect("piped stderr");
        let collected = Arc::clone(&stderr_text);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                if let Ok(mut text) = collected.lock()
                    && text.len() < 64 * 1024
                {
                    text.push_str(&String::from_utf8_lossy(&buffer[..n]));
                }
            }
        });
        let url = tokio::task::spawn_blocking(move || receiver.recv_timeout(START_TIMEOUT))
            .await
            .expect("waiting for the URL");
        let (base, started) = match url {
            Ok(started) => started,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                let err = stderr_text.lock().map(|t| t.clone()).unwrap_or_default();
                panic!("the server printed no URL within {START_TIMEOUT:?}; stderr:\n{err}");
            }
        };
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client");
        Self {
            child,
            base,
            started,
            client,
            stderr: stderr_text,
            _data: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Any request; `content_type` and `body` are sent as they are.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut builder = self.client.request(method.clone(), self.url(path));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let response = builder
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: body: {e}"));
        Reply {
            status,
            headers,
            body: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, &[], None, None).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.request(
            Method::POST,
            path,
            &[],
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    pub async fn post_form(&self, path: &str, form: &str) -> Reply {
        self.request(
            Method::POST,
            path,
            &[],
            Some("application/x-www-form-urlencoded"),
            Some(form.as_bytes().to_vec()),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.request(Method::DELETE, path, &[], None, None).await
    }

    /// The slots answer of an offering, for a date or (None) the first day with a free slot.
    pub async fn slots(&self, service: &str, office: &str, date: Option<&str>) -> Value {
        let mut path = format!("/api/services/{service}/offices/{office}/slots");
        if let Some(date) = date {
            path.push_str(&format!("?date={date}"));
        }
        let reply = self.get(&path).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.text());
        reply.json()
    }

    /// The free start times of an offering on a date.
    pub async fn free_starts(&self, service: &str, office: &str, date: &str) -> Vec<String> {
        self.slots(service, office, Some(date)).await["slots"]
            .as_array()
            .expect("slots")
            .iter()
            .map(|s| s["start"].as_str().expect("start").to_owned())
            .collect()
    }

    /// `POST /api/holds`: the reply as it is.
    pub async fn hold(&self, service: &str, office: &str, date: &str, start: &str) -> Reply {
        self.post_json(
            "/api/holds",
            &serde_json::json!({ "service_id": service, "office_id": office, "date": date, "start": start }),
        )
        .await
    }

    /// A hold that must succeed: its id.
    pub async fn hold_ok(&self, slot: &Slot) -> String {
        let reply = self
            .hold(&slot.service, &slot.office, &slot.date, &slot.start)
            .await;
        assert_eq!(reply.status, 201, "hold {slot:?}: {}", reply.text());
        reply.json()["hold_id"].as_str().expect("hold_id").to_owned()
    }

    /// `POST /api/holds/{id}/booking` with valid details for `contact`.
    pub async fn details(&self, hold_id: &str, contact: &str) -> Reply {
        self.post_json(
            &format!("/api/holds/{hold_id}/booking"),
            &serde_json::json!({
                "name": "Maria",
                "surname": "Rossi",
                "contact": contact,
                "accept_terms": true,
            }),
        )
        .await
    }

    /// The messages of `/outbox`, newest first.
    pub async fn outbox(&self) -> Vec<OutboxMessage> {
        let reply = self.get("/outbox").await;
        assert_eq!(reply.status, 200, "GET /outbox");
        parse_outbox(&reply.text())
    }

    /// The newest message of a kind to a recipient, waiting (bounded) for it to appear.
    pub async fn message(&self, kind: &str, recipient: &str) -> OutboxMessage {
        for _ in 0..50 {
            if let Some(found) = self
                .outbox()
                .await
                .into_iter()
                .find(|m| m.kind == kind && m.recipient == recipient)
            {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {kind} message to {recipient} in the outbox");
    }

    /// The server's standard error so far (for failure messages).
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

/// Dropping a server kills it (SIGKILL): no graceful shutdown, as in a crash.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A slot of an offering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub service: String,
    pub office: String,
    pub date: String,
    pub start: String,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): status {} {}", self.status, self.text()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    pub fn content_type(&self) -> String {
        self.header("content-type").unwrap_or_default()
    }

    /// A problem+json answer: its `code`, after checking the media type and a non-empty `detail`.
    pub fn problem_code(&self) -> String {
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "not problem+json ({}): {}",
            self.content_type(),
            self.text()
        );
        let body = self.json();
        let detail = body["detail"].as_str().unwrap_or("");
        assert!(!detail.trim().is_empty(), "empty detail: {}", self.text());
        assert_eq!(
            body["status"].as_u64(),
            Some(u64::from(self.status)),
            "{}",
            self.text()
        );
        body["code"].as_str().unwrap_or("").to_owned()
    }

    pub fn detail(&self) -> String {
        self.json()["detail"].as_str().unwrap_or("").to_owned()
    }

    pub fn is_html(&self) -> bool {
        self.content_type().starts_with("text/html")
    }
}

/// One message of the `/outbox` page.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    /// The text of the message, tags removed and entities decoded.
    pub text: String,
    pub links: Vec<String>,
}

impl OutboxMessage {
    /// The path (`/c/…`, `/p/…`) of the first link whose path starts with `prefix`. Only the path:
    /// the test asks its own server, whatever host the link names, in the language it chooses
    /// (the link's `?lang=` is left out).
    pub fn link_path(&self, prefix: &str) -> Option<String> {
        self.links.iter().find_map(|link| {
            let path = link.find("://").map_or(link.as_str(), |i| {
                let rest = &link[i + 3..];
                rest.find('/').map_or("", |j| &rest[j..])
            });
            let path = path.split('?').next().unwrap_or(path);
            path.starts_with(prefix).then(|| path.to_owned())
        })
    }
}

pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Text with every tag removed.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn attribute(tag: &str, name: &str) -> String {
    let key = format!("{name}=\"");
    tag.find(&key)
        .map(|i| {
            let rest = &tag[i + key.len()..];
            unescape(&rest[..rest.find('"').unwrap_or(rest.len())])
        })
        .unwrap_or_default()
}

/// Every `href` of a piece of HTML, decoded.
pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|rest| unescape(&rest[..rest.find('"').unwrap_or(rest.len())]))
        .collect()
}

pub fn parse_outbox(html: &str) -> Vec<OutboxMessage> {
    html.split("<article class=\"message\"")
        .skip(1)
        .map(|article| {
            let tag = &article[..article.find('>').unwrap_or(article.len())];
            let pre = article
                .find("<pre>")
                .map(|i| {
                    let rest = &article[i + 5..];
                    &rest[..rest.find("</pre>").unwrap_or(rest.len())]
                })
                .unwrap_or("");
            OutboxMessage {
                kind: attribute(tag, "data-kind"),
                channel: attribute(tag, "data-channel"),
                recipient: attribute(tag, "data-recipient"),
                text: unescape(&strip_tags(pre)),
                links: hrefs(pre),
            }
        })
        .collect()
}

/// The number of desks (the capacity of each slot) of an offering, read from the catalogue file.
pub fn desks(service: &str, office: &str) -> u64 {
    let text = std::fs::read_to_string(CATALOGUE).expect("catalogue");
    let catalogue: toml::Value = toml::from_str(&text).expect("catalogue TOML");
    catalogue["offerings"]
        .as_array()
        .expect("offerings")
        .iter()
        .find(|o| o["service"].as_str() == Some(service) && o["office"].as_str() == Some(office))
        .and_then(|o| o["desks"].as_integer())
        .and_then(|d| u64::try_from(d).ok())
        .unwrap_or_else(|| panic!("no offering {service} at {office}"))
}

/// The short code as the booking page shows it: `XXXX-XXXX` from the code alphabet.
pub fn short_code(html: &str) -> Option<String> {
    let marker = "class=\"short-code\"><span aria-hidden=\"true\">";
    let start = html.find(marker)? + marker.len();
    let code = &html[start..start + html[start..].find('<')?];
    let valid = code.len() == 9
        && code.char_indices().all(|(i, c)| {
            if i == 4 {
                c == '-'
            } else {
                "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)
            }
        });
    valid.then(|| code.to_owned())
}

/// The first free slot of an offering (first day with one, its first start).
pub async fn first_slot(server: &Server, service: &str, office: &str) -> Slot {
    let answer = server.slots(service, office, None).await;
    let date = answer["date"]
        .as_str()
        .expect("a day with a free slot")
        .to_owned();
    let start = answer["slots"][0]["start"]
        .as_str()
        .expect("a free slot")
        .to_owned();
    Slot {
        service: service.to_owned(),
        office: office.to_owned(),
        date,
        start,
    }
}

/// A confirmed booking for `contact` on `slot`: the booking page's path (`/p/…`).
pub async fn confirmed_booking(server: &Server, slot: &Slot, contact: &str) -> String {
    let hold = server.hold_ok(slot).await;
    let reply = server.details(&hold, contact).await;
    assert_eq!(reply.status, 202, "details: {}", reply.text());
    let recipient = reply_recipient(contact);
    let message = server.message("confirmation-request", &recipient).await;
    let confirm = message.link_path("/c/").expect("a /c/ link");
    let page = server.post_form(&confirm, "").await;
    assert_eq!(page.status, 200, "confirm: {}", page.text());
    hrefs(&page.text())
        .into_iter()
        .find_map(|h| h.strip_suffix("/calendar.ics").map(str::to_owned))
        .expect("calendar link on the booking page")
}

pub fn reply_recipient(contact: &str) -> String {
    if contact.contains('@') {
        contact.to_owned()
    } else {
        format!("+39{}", contact.replace(' ', ""))
    }
}

/// A bounded wait for a condition checked by an async closure.
pub async fn eventually<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
