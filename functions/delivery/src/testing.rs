//! Test support (feature `testing`): a loopback SMTP server owned by one test,
//! `tests/lib/smtp_sink.py` run by the Python of the test tools' virtual environment
//! (`PRENOTA_TEST_VENV`, exported by tests/run).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

impl SmtpSink {
    pub fn start() -> Result<Self, String> {
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

/// A TCP relay in front of a real service (moto server) that can be switched off and on, as the
/// network would: while it is down every connection, new or open, is cut.
pub struct Outage {
    port: u16,
    up: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Outage {
    /// Relays 127.0.0.1:(a free port) to `target` (`host:port`), up at first.
    pub async fn relay(target: &str) -> Result<Self, String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let (up, watch) = tokio::sync::watch::channel(true);
        let target = target.to_owned();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut watch = watch.clone();
                if !*watch.borrow() {
                    continue; // dropped: the connection is reset
                }
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = watch.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Ok(Self { port, up, task })
    }

    /// `http://127.0.0.1:PORT`: the endpoint to give the client under test.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        self.task.abort();
    }
}
