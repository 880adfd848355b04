//! The security headers of every answer of the one-machine server. The citizen's site, `/api/health`,
//! `/outbox` and the 404s get them here; the route table's answers carry their own
//! (`prenota_web::answer`), and a header an answer already has is kept: the `/c/` and `/p/` pages
//! keep their stricter policy and `no-referrer` (their address holds a code).

use std::path::Path;

use anyhow::Context as _;
use axum::Router;
use base64::Engine as _;
use http::header::{self, HeaderName, HeaderValue};
use sha2::{Digest as _, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// The one other origin the site loads from: the OpenStreetMap tiles of "Scegli sede"
/// (`static-site/src/assets/js/map.js`).
pub const MAP_TILES: &str = "https://tile.openstreetmap.org";

/// No camera, microphone, payment or USB for anyone; the position only for the site itself ("near
/// me" on "Scegli sede" asks for it).
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()";

/// The counter's page (`/sportello/`) reads the booking's QR code with the device's camera: the
/// camera for our own origin there, and there only.
pub const COUNTER_PERMISSIONS_POLICY: &str =
    "camera=(self), microphone=(), geolocation=(self), payment=(), usb=()";

/// The path under which the counter's pages are.
const COUNTER_PAGES: &str = "/sportello/";

/// Gives the counter's pages their camera permission; every other answer keeps the site's.
async fn counter_camera(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let counter = request.uri().path().starts_with(COUNTER_PAGES);
    let mut response = next.run(request).await;
    if counter {
        response.headers_mut().insert(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(COUNTER_PERMISSIONS_POLICY),
        );
    }
    response
}

/// The headers the server adds to an answer that lacks them.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    /// The policy of the site in `site`: everything from its own origin, images also from the map
    /// tiles (and `data:`, Bootstrap Italia's inline SVG icons), the inline scripts of its pages by
    /// their hash (read here, at start: a site deployed later with a changed inline script needs a
    /// restart), nothing framing it, no plugins, no `<base>`, forms only to itself.
    pub fn for_site(site: &Path) -> anyhow::Result<Self> {
        let hashes = inline_script_hashes(site)
            .with_context(|| format!("PRENOTA_SITE: cannot read the pages of {}", site.display()))?;
        let mut script_src = String::from("'self'");
        for hash in &hashes {
            script_src.push_str(&format!(" 'sha256-{hash}'"));
        }
        let csp = format!(
            "default-src 'self'; script-src {script_src}; img-src 'self' data: {MAP_TILES}; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        Ok(Self {
            csp: HeaderValue::from_str(&csp).context("the Content-Security-Policy is not a header value")?,
        })
    }

    /// `router` with every answer carrying the headers it lacks.
    pub fn apply(self, router: Router) -> Router {
        let missing =
            |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::if_not_present(name, value);
        router.layer(axum::middleware::from_fn(counter_camera)).layer(
            tower::ServiceBuilder::new()
                .layer(missing(header::CONTENT_SECURITY_POLICY, self.csp))
                .layer(missing(
                    HeaderName::from_static("permissions-policy"),
                    HeaderValue::from_static(PERMISSIONS_POLICY),
                ))
                .layer(missing(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                // The map tile server is told the site's origin, as OpenStreetMap's tile policy asks.
                .layer(missing(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                // For browsers older than `frame-ancestors`.
                .layer(missing(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
                .layer(missing(
                    HeaderName::from_static("cross-origin-opener-policy"),
                    HeaderValue::from_static("same-origin"),
                )),
        )
    }
}

/// The base64 SHA-256 of each inline `<script>` (one without `src`) of the site's pages, as a
/// Content-Security-Policy names it; each once, in a stable order.
fn inline_script_hashes(site: &Path) -> std::io::Result<Vec<String>> {
    let mut hashes = Vec::new();
    for entry in std::fs::read_dir(site)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("html")) && path.is_file() {
            let html = std::fs::read_to_string(&path)?;
            for script in inline_scripts(&html) {
                hashes.push(
                    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes())),
                );
            }
        }
    }
    hashes.sort();
    hashes.dedup();
    Ok(hashes)
}

/// The text of each `<script>` element of `html` that has no `src`, exactly as written (what the
/// browser hashes).
fn inline_scripts(html: &str) -> Vec<&str> {
    // ASCII lowercasing keeps every byte offset.
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<script") {
        let tag_start = at + found + "<script".len();
        let Some(tag_len) = lower[tag_start..].find('>') else {
            break;
        };
        let attributes = &lower[tag_start..tag_start + tag_len];
        let text_start = tag_start + tag_len + 1;
        let Some(text_len) = lower[text_start..].find("</script") else {
            break;
        };
        let has_src = attributes
            .split(|c: char| c.is_ascii_whitespace())
            .any(|attribute| attribute == "src" || attribute.starts_with("src="));
        if !has_src && text_len > 0 {
            scripts.push(&html[text_start..text_start + text_len]);
        }
        at = text_start + text_len;
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_found_as_written() {
        let html = "<head><script type=\"module\" src=\"/a.js\"></script>\
                    <SCRIPT>if(x)y('A')</SCRIPT><script data-src=\"x\">z()</script><script></script>";
        assert_eq!(inline_scripts(html), ["if(x)y('A')", "z()"]);
    }

    #[test]
    fn the_policy_allows_the_inline_script_of_the_site_by_its_hash() {
        let site = tempfile::tempdir().unwrap();
        // The hash of this script, as static-site/README.md gives it.
        std::fs::write(
            site.path().join("index.html"),
            "<script>if(/[?&](step|service|view)=/.test(location.search))\
             document.documentElement.classList.add('app-view')</script>",
        )
        .unwrap();
        let headers = SecurityHeaders::for_site(site.path()).unwrap();
        let csp = headers.csp.to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'sha256-7s3cjDzII9nOpSY1BKLd441yA9JYLkAKF9MOPYR9Yrg='"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}
