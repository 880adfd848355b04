//! Staff on the one-machine server: accounts made with `prenota staff`, signing in, and requests
//! with the session cookie and our own `Origin`.

#![allow(dead_code)]

use std::process::Stdio;

use reqwest::Method;
use serde_json::{Value, json};

use super::{Reply, Server};

/// Runs `prenota staff …` on the server's data folder.
pub fn staff_command(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_prenota"))
        .arg("staff")
        .args(args)
        .env("PRENOTA_DATA", data)
        .env("PRENOTA_CATALOGUE", super::CATALOGUE)
        .env_remove("PRENOTA_PUBLIC_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prenota staff runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("stdin written");
    }
    drop(input);
    let output = child.wait_with_output().expect("prenota staff ends");
    assert!(
        output.status.success(),
        "prenota staff {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub const PASSWORD: &str = "una password lunga";

pub fn add_staff(data: &std::path::Path, email: &str, role: &str, offices: &[&str]) {
    let mut args = vec!["add", email, "--role", role, "--password-stdin"];
    for office in offices {
        args.extend(["--office", office]);
    }
    staff_command(data, &args, Some(&format!("{PASSWORD}\n")));
}

/// A signed-in member of staff: the session cookie, sent with our own Origin.
pub struct Staff<'a> {
    pub server: &'a Server,
    pub cookie: String,
}

pub async fn sign_in(server: &Server, email: &str, password: &str) -> Reply {
    server
        .request(
            Method::POST,
            "/api/staff/session",
            &[("origin", &server.base)],
            Some("application/json"),
            Some(
                json!({ "email": email, "password": password })
                    .to_string()
                    .into_bytes(),
            ),
        )
        .await
}

impl<'a> Staff<'a> {
    pub async fn sign_in(server: &'a Server, email: &str) -> Self {
        let reply = sign_in(server, email, PASSWORD).await;
        assert_eq!(reply.status, 204, "sign in {email}: {}", reply.text());
        let set_cookie = reply.header("set-cookie").expect("a session cookie");
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set_cookie.contains(attribute), "{set_cookie}");
        }
        let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
        Self { server, cookie }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.server
            .request(Method::GET, path, &[("cookie", &self.cookie)], None, None)
            .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.server
            .request(
                Method::POST,
                path,
                &[("cookie", &self.cookie), ("origin", &self.server.base)],
                Some("application/json"),
                Some(body.to_string().into_bytes()),
            )
            .await
    }
}

pub async fn send(
    server: &Server,
    method: &Method,
    path: &str,
    body: &Option<Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let bytes = body.as_ref().map(|b| b.to_string().into_bytes());
    let content_type = body.as_ref().map(|_| "application/json");
    server
        .request(method.clone(), path, headers, content_type, bytes)
        .await
}
