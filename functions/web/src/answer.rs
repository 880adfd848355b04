//! Answers: JSON, problem+json, and HTML pages with their security headers. Every answer says
//! `no-store` (they are personal or change by the minute) and `nosniff`.

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Response, StatusCode};
use prenota_core::catalogue::Lang;

use crate::pages;
use crate::problem::{Code, Problem};

pub type Answer = Response<Bytes>;

pub fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Answer {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A JSON answer.
pub fn json(status: StatusCode, body: &impl serde::Serialize) -> Answer {
    match serde_json::to_vec(body) {
        Ok(bytes) => respond(status, "application/json", bytes),
        // Only a map with non-text keys fails to serialise; none of the answers has one.
        Err(_) => problem(&Problem::new(Code::InternalError), Lang::It),
    }
}

/// 204: done, nothing to say.
pub fn no_content() -> Answer {
    respond(StatusCode::NO_CONTENT, "application/json", "")
}

/// `problem` as `application/problem+json`, its detail in `lang`.
pub fn problem(problem: &Problem, lang: Lang) -> Answer {
    let answer = respond(
        problem.code.status(),
        "application/problem+json",
        problem.body(lang),
    );
    with_retry_after(answer, problem)
}

/// `answer` with the `Retry-After` of `problem`, when it has one: whole seconds, rounded up ("0"
/// would invite an immediate retry).
pub fn with_retry_after(mut answer: Answer, problem: &Problem) -> Answer {
    if let Some(wait) = problem.retry_after {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    answer
}

/// An HTML page with the security headers of every page: the code is in the URL, so no referrer;
/// no script runs; styles, fonts and icons come from our own site (and the page's own stylesheet,
/// by hash); nothing frames us.
pub fn html(status: StatusCode, body: String) -> Answer {
    let mut answer = respond(status, "text/html; charset=utf-8", body);
    let csp = format!(
        "default-src 'none'; style-src 'self' {}; font-src 'self'; img-src 'self' data:; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'; object-src 'none'",
        pages::style_csp_source()
    );
    let headers = answer.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    answer
}
