//! Test support (feature `testing`): a loopback SMTP server owned by one test,
//! `tests/lib/smtp_sink.py` run by the Python of the test tools' virtual environment
//! (`PRENOTA_TEST_VENV`, exported by tests/run).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use prenota_store::MessageKind;

/// The variable naming the virtual environment that holds aiosmtpd and moto.
pub const VENV_VARIABLE: &str = "PRENOTA_TEST_VENV";

pub struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The raw message as the client sent it.
    pub mime: String,
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the sink answers to `RCPT TO` for one address.
const RCPT_RULES: &str = "rcpt-rules.json";

impl SmtpSink {
    /// A sink that speaks SMTPUTF8, as most servers do.
    pub fn start() -> Result<Self, String> {
        Self::start_with(true)
    }

    /// A sink that does not offer SMTPUTF8: it cannot take an address whose local part is not ASCII.
    pub fn start_without_smtputf8() -> Result<Self, String> {
        Self::start_with(false)
    }

    fn start_with(smtputf8: bool) -> Result<Self, String> {
        let venv = std::env::var(VENV_VARIABLE).map_err(|_| {
            format!("{VENV_VARIABLE} is not set: run through tests/run, which installs aiosmtpd")
        })?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new(Path::new(&venv).join("bin/python"))
            .arg("-u")
            .arg(repository_root().join("tests/lib/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .args((!smtputf8).then_some("--no-smtputf8"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the SMTP sink with {venv}/bin/python: {e}"))?;
        let sink = Self { child, port, dir };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(15) {
                return Err(format!("the SMTP sink did not open port {port} in 15 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(sink)
    }

    /// `smtp://127.0.0.1:PORT`: plain SMTP on loopback.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next `count` messages are refused with `451 4.3.0`, as by a server that is failing.
    pub fn refuse_next(&self, count: u32) {
        std::fs::write(self.dir.path().join("fail-next"), count.to_string())
            .expect("the sink's folder is writable");
    }

    /// Stops refusing.
    pub fn accept_again(&self) {
        let _ = std::fs::remove_file(self.dir.path().join("fail-next"));
    }

    /// `RCPT TO:<address>` is answered `reply` (such as `550 5.1.1 mailbox unavailable`) from now
    /// on, or the next `times` times only.
    pub fn refuse_recipient(&self, address: &str, reply: &str, times: Option<u32>) {
        let path = self.dir.path().join(RCPT_RULES);
        let mut rules: serde_json::Map<String, serde_json::Value> = std::fs::read(&path)
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .unwrap_or_default();
        rules.insert(
            address.to_owned(),
            serde_json::json!({ "reply": reply, "times": times }),
        );
        let temporary = self.dir.path().join(format!(".{RCPT_RULES}.tmp"));
        std::fs::write(&temporary, serde_json::Value::Object(rules).to_string())
            .and_then(|()| std::fs::rename(&temporary, &path))
            .expect("the sink's folder is writable");
    }

    /// Greylisting: `RCPT TO:<address>` is answered `450 4.2.0` the next `times` times, then taken.
    pub fn greylist(&self, address: &str, times: u32) {
        self.refuse_recipient(address, "450 4.2.0 greylisted, try again later", Some(times));
    }

    /// The reply codes the sink gave to `RCPT TO:<address>`, in order.
    pub fn rcpt_replies(&self, address: &str) -> Vec<u16> {
        std::fs::read_to_string(self.dir.path().join("rcpt.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let (code, to) = line.split_once(' ')?;
                (to == address).then(|| code.parse().ok())?
            })
            .collect()
    }

    /// Every message accepted so far, in the order received.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .collect()
            })
            .unwrap_or_default();
        files.retain(|path| path.extension().is_some_and(|ext| ext == "eml"));
        files.sort();
        files
            .iter()
            .filter_map(|eml| {
                let mime = std::fs::read_to_string(eml).ok()?;
                let envelope: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(eml.with_extension("json")).ok()?).ok()?;
                Some(Received {
                    mime,
                    mail_from: envelope["mail_from"].as_str().unwrap_or_default().to_owned(),
                    rcpt_tos: envelope["rcpt_tos"]
                        .as_array()
                        .map(|tos| {
                            tos.iter()
                                .filter_map(|to| to.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The code of the first `{public_url}{prefix}` link in the outbox's pending messages of `kind`,
/// due or not.
pub async fn link_code(app: &prenota_usecases::App, kind: MessageKind, prefix: &str) -> String {
    let entries = app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .expect("the outbox is readable");
    let link = format!("{}{prefix}", app.context.settings.public_url);
    for entry in entries.iter().filter(|entry| entry.message.kind == kind) {
        let message: prenota_notify::Message =
            serde_json::from_str(&entry.message.payload).expect("a message");
        let text = match &message {
            prenota_notify::Message::Email(email) => &email.text,
            prenota_notify::Message::Sms(sms) => &sms.text,
        };
        if let Some(at) = text.find(&link) {
            let code: String = text[at + link.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            prenota_core::Token::parse(&code)
                .unwrap_or_else(|_| panic!("{code:?} in a {kind} message is no code"));
            return code;
        }
    }
    panic!(
        "no {kind} message with a {link} link among {} messages",
        entries.len()
    );
}

/// The pending outbox messages of `kind`, due or not.
pub async fn pending_of_kind(
    app: &prenota_usecases::App,
    kind: MessageKind,
) -> Vec<prenota_store::OutboxEntry> {
    let pending = app
        .store
        .pending_messages(100, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .expect("the outbox is readable");
    pending
        .into_iter()
        .filter(|entry| entry.message.kind == kind)
        .collect()
}

/// The citizen follows the confirmation link of the pending confirmation request and presses
/// "Conferma" (the use case behind `POST /c/{code}`).
pub async fn confirm_by_link(app: &prenota_usecases::App) {
    let code = link_code(app, MessageKind::ConfirmationRequest, "/c/").await;
    let code = prenota_core::Token::parse(&code).expect("a code");
    prenota_usecases::confirm::confirm(&app.context, &*app.store, &code)
        .await
        .expect("the booking is confirmed");
}

/// The citizen cancels on the booking page `page_code` and says yes (the use case behind
/// `POST /p/{code}/cancel` with `confirm=yes`).
pub async fn cancel_by_link(
    app: &prenota_usecases::App,
    page_code: &str,
) -> prenota_usecases::cancel::Cancelling {
    let code = prenota_core::Token::parse(page_code).expect("a code");
    prenota_usecases::cancel::cancel(&app.context, &*app.store, &code, true)
        .await
        .expect("the booking page answers")
}

/// The sender's work for every seat kept for the waiting list (the pending `SeatFreed` orders,
/// due or not): the draw and the offer, as the sender runs them; each order then marked done.
/// Returns what each draw did.
pub async fn draw_kept_seats(app: &prenota_usecases::App) -> Vec<prenota_usecases::waiting::Drawn> {
    use prenota_usecases::outbox::Payload;
    let mut drawn = Vec::new();
    for entry in pending_of_kind(app, MessageKind::SeatFreed).await {
        let Ok(Payload::SeatFreed(order)) = Payload::read(&entry.message) else {
            panic!("an unreadable seat-freed order");
        };
        drawn.push(
            prenota_usecases::waiting::seat_freed(&app.context, &*app.store, &order)
                .await
                .expect("the draw is made"),
        );
        let now = app.context.clock.now();
        app.store
            .mark_delivery(&entry.message.id, prenota_store::Delivery::Sent, "drawn", now)
            .await
            .expect("the order is recorded");
    }
    drawn
}

/// What the relay does with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Passes everything through.
    None,
    /// Cuts every connection, new or open, as a network outage would.
    Unreachable,
    /// Answers every request as an AWS service over its rate does: SES v2 `429
    /// TooManyRequestsException`, EventBridge Scheduler `429 ThrottlingException` (both REST-JSON),
    /// SNS `400 Throttling` (query protocol, XML). moto cannot be made to throttle.
    Throttling,
}

/// A TCP relay in front of a real service (moto server) whose [`Fault`] can be switched on and off.
pub struct Outage {
    port: u16,
    fault: tokio::sync::watch::Sender<Fault>,
    task: tokio::task::JoinHandle<()>,
}

impl Outage {
    /// Relays 127.0.0.1:(a free port) to `target` (`host:port`), with no fault at first.
    pub async fn relay(target: &str) -> Result<Self, String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let (fault, watch) = tokio::sync::watch::channel(Fault::None);
        let target = target.to_owned();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut watch = watch.clone();
                let target = target.clone();
                match *watch.borrow() {
                    Fault::Unreachable => continue, // dropped: the connection is reset
                    Fault::Throttling => {
                        tokio::spawn(async move { answer_throttling(&mut inbound).await });
                        continue;
                    }
                    Fault::None => {}
                }
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    // A pooled connection opened before the fault must not slip past it.
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = watch.wait_for(|fault| *fault != Fault::None) => {}
                    }
                });
            }
        });
        Ok(Self { port, fault, task })
    }

    /// `http://127.0.0.1:PORT`: the endpoint to give the client under test.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn set(&self, fault: Fault) {
        self.fault.send_replace(fault);
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one HTTP request and answers it with the throttling error of the service it was for.
async fn answer_throttling(connection: &mut tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match connection.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let body_length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + body_length {
        match connection.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&chunk[..n]),
        }
    }
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, headers, body) = if path.starts_with("/v2/email") {
        (
            "429 Too Many Requests",
            "x-amzn-ErrorType: TooManyRequestsException\r\nContent-Type: application/json",
            r#"{"message":"Maximum sending rate exceeded."}"#.to_owned(),
        )
    } else if path.starts_with("/schedules") {
        (
            "429 Too Many Requests",
            "x-amzn-ErrorType: ThrottlingException\r\nContent-Type: application/json",
            r#"{"Message":"Rate exceeded"}"#.to_owned(),
        )
    } else {
        (
            "400 Bad Request",
            "Content-Type: text/xml",
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>\
             <Code>Throttling</Code><Message>Rate exceeded</Message></Error>\
             <RequestId>5e8f4ad4-0c57-5b6e-9d0b-6d0ad2d1f8a1</RequestId></ErrorResponse>"
                .to_owned(),
        )
    };
    let answer = format!(
        "HTTP/1.1 {status}\r\n{headers}\r\nx-amzn-RequestId: 5e8f4ad4-0c57-5b6e-9d0b-6d0ad2d1f8a1\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = connection.write_all(answer.as_bytes()).await;
    let _ = connection.shutdown().await;
}

/// moto server, started by tests/run (`PRENOTA_MOTO_ENDPOINT`): clients for it and what it kept.
#[cfg(feature = "aws")]
pub mod moto {
    use aws_sdk_sesv2::config::{BehaviorVersion, Credentials, Region};
    use serde_json::Value;

    use crate::aws::{EventBridgeReminders, SesTransport, SnsTransport};

    pub const FROM: &str = "Prenota Bergamo <prenota@comune.bergamo.it>";

    pub fn endpoint() -> String {
        std::env::var("PRENOTA_MOTO_ENDPOINT")
            .expect("PRENOTA_MOTO_ENDPOINT is not set: run through tests/run, which starts moto server")
    }

    fn credentials() -> Credentials {
        Credentials::new("testing", "testing", None, None, "moto")
    }

    /// An SES client for `endpoint` with the SDK's own retries off: the sender's are under test.
    pub fn ses_client(endpoint: &str) -> aws_sdk_sesv2::Client {
        aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-south-1"))
                .credentials_provider(credentials())
                .retry_config(aws_sdk_sesv2::config::retry::RetryConfig::disabled())
                .endpoint_url(endpoint)
                .build(),
        )
    }

    pub fn sns_client(endpoint: &str) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::from_conf(
            aws_sdk_sns::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-south-1"))
                .credentials_provider(credentials())
                .retry_config(aws_sdk_sns::config::retry::RetryConfig::disabled())
                .endpoint_url(endpoint)
                .build(),
        )
    }

    /// The SES transport from [`FROM`] (verified first, as the deployment guide has it).
    pub async fn ses(endpoint: &str) -> SesTransport {
        ses_client(&self::endpoint())
            .create_email_identity()
            .email_identity("prenota@comune.bergamo.it")
            .send()
            .await
            .expect("moto creates the sending identity");
        SesTransport::new(ses_client(endpoint), FROM, Some("prenota".to_owned())).expect("FROM is an address")
    }

    pub fn sns(endpoint: &str) -> SnsTransport {
        SnsTransport::new(sns_client(endpoint), Some("Bergamo".to_owned())).expect("a valid sender id")
    }

    pub fn scheduler_client(endpoint: &str) -> aws_sdk_scheduler::Client {
        aws_sdk_scheduler::Client::from_conf(
            aws_sdk_scheduler::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("eu-south-1"))
                .credentials_provider(credentials())
                .retry_config(aws_sdk_scheduler::config::retry::RetryConfig::disabled())
                .endpoint_url(endpoint)
                .build(),
        )
    }

    pub const SCHEDULE_GROUP: &str = "prenota-reminders";
    pub const REMINDER_ARN: &str = "arn:aws:lambda:eu-south-1:123456789012:function:prenota-reminder";
    pub const SCHEDULER_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/prenota-scheduler";

    /// Reminders on moto's EventBridge Scheduler, in [`SCHEDULE_GROUP`] (created if missing).
    pub async fn reminders(endpoint: &str) -> EventBridgeReminders {
        // moto replaces an existing group, schedules and all, when asked to create it again:
        // create it once per process, and only when moto does not have it yet.
        static GROUP: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
        GROUP
            .get_or_init(|| async {
                let client = scheduler_client(&self::endpoint());
                if client
                    .get_schedule_group()
                    .name(SCHEDULE_GROUP)
                    .send()
                    .await
                    .is_err()
                {
                    client
                        .create_schedule_group()
                        .name(SCHEDULE_GROUP)
                        .send()
                        .await
                        .expect("moto creates the schedule group");
                }
            })
            .await;
        EventBridgeReminders::new(
            scheduler_client(endpoint),
            SCHEDULE_GROUP.to_owned(),
            REMINDER_ARN.to_owned(),
            SCHEDULER_ROLE_ARN.to_owned(),
        )
    }

    /// Everything moto kept since it started (every run's messages: find yours by id).
    pub async fn data() -> Value {
        reqwest::get(format!("{}/moto-api/data.json", endpoint()))
            .await
            .expect("moto answers")
            .json()
            .await
            .expect("moto's data is JSON")
    }

    /// The raw MIME of the SES message `id`, from `data`.
    pub fn raw_email<'a>(data: &'a Value, id: &str) -> Option<&'a str> {
        data["ses"]["RawMessage"]
            .as_array()?
            .iter()
            .find(|message| message["id"] == id)?["raw_data"]
            .as_str()
    }

    /// Five digits that differ from run to run: moto keeps every run's messages, so a test's
    /// recipients carry this to be its own.
    pub fn run_tag() -> u32 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_micros() % 100_000)
    }

    /// How many e-mails to `address` moto kept in `data`.
    pub fn emails_to(data: &Value, address: &str) -> usize {
        let header = format!("To: {address}\r\n");
        data["ses"]["RawMessage"].as_array().map_or(0, |sent| {
            sent.iter()
                .filter(|message| {
                    message["raw_data"]
                        .as_str()
                        .is_some_and(|raw| raw.contains(&header))
                })
                .count()
        })
    }

    /// The (number, text) of the SNS message `id`, from `data`.
    pub fn sms<'a>(data: &'a Value, id: &str) -> Option<(&'a str, &'a str)> {
        let sms = data["sns"]["SMS"]
            .as_array()?
            .iter()
            .find(|sms| sms["message_id"] == id)?;
        Some((sms["phone_number"].as_str()?, sms["message"].as_str()?))
    }
}
