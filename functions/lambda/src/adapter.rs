//! `lambda_http` requests in, `http::Request<Bytes>` to the shared [`App`], and back.

use std::time::Instant;

use bytes::Bytes;
use http::{Method, Request, Response, Uri};
use lambda_http::{Body, RequestExt as _};
use prenota_usecases::App;
use prenota_web::answer::{Answer, problem};
use prenota_web::problem::{Code, Problem};
use prenota_web::request::request_lang;
use prenota_web::routes::{self, Match};
use prenota_web::staff_auth::VerifiedIdentity;

/// Whether `function` serves `method path`. A path of no route is left to the app, which answers
/// it with its own 404; a path of another function is refused here with the same 404, so that a
/// Lambda invoked for a route it does not own (a wrong integration) never runs another's handler.
/// A wrong method on a path this function owns is the app's 405.
fn serves(function: &str, method: &Method, path: &str) -> bool {
    match routes::find(method, path) {
        Match::Found { route, .. } => route.function == function,
        Match::WrongMethod(allowed) => allowed.iter().any(|other| {
            let owner = match routes::find(other, path) {
                Match::Found { route, .. } => route.function,
                _ => "",
            };
            owner == function
        }),
        Match::NotFound => true,
    }
}

/// The request as the app reads it: method, path (API Gateway's `rawPath`, which carries no stage
/// prefix added by `lambda_http`), raw query string, headers and body. `lambda_http` has already
/// decoded a base64 body. The staff identity of the JWT authorizer's claims, if any, goes with it
/// as a [`VerifiedIdentity`] (`claims.rs`).
pub fn to_app_request(request: lambda_http::Request) -> Request<Bytes> {
    let verified = crate::claims::verified_identity(&request);
    let raw_path = request.raw_http_path().to_owned();
    let (parts, body) = request.into_parts();
    let path = if raw_path.is_empty() {
        parts.uri.path().to_owned()
    } else {
        raw_path
    };
    let target = match parts.uri.query() {
        Some(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path,
    };
    // A path that is no URI cannot match a route: "/" (no route) makes it the app's 404.
    let uri = target.parse::<Uri>().unwrap_or_else(|_| Uri::from_static("/"));
    let mut converted = Request::new(Bytes::copy_from_slice(body.as_ref()));
    *converted.method_mut() = parts.method;
    *converted.uri_mut() = uri;
    *converted.headers_mut() = parts.headers;
    if let Some(identity) = verified {
        converted.extensions_mut().insert(VerifiedIdentity(identity));
    }
    converted
}

/// The app's answer for API Gateway: UTF-8 bodies (JSON, HTML, iCalendar) go as text, anything
/// else as binary (base64 on the wire), an empty body as none.
pub fn from_app_response(answer: Answer) -> Response<Body> {
    answer.map(|bytes| {
        if bytes.is_empty() {
            Body::Empty
        } else {
            match String::from_utf8(bytes.to_vec()) {
                Ok(text) => Body::Text(text),
                Err(error) => Body::Binary(error.into_bytes()),
            }
        }
    })
}

/// One invocation: the request converted, refused with 404 when its route belongs to another
/// function, else answered by [`App::handle`]. The log names the route template, never the path:
/// codes in `/c/` and `/p/` paths are secrets.
pub async fn serve(
    app: &App,
    function: &str,
    request: lambda_http::Request,
) -> Result<Response<Body>, lambda_http::Error> {
    let started = Instant::now();
    let request = to_app_request(request);
    let method = request.method().clone();
    let route = match routes::find(&method, request.uri().path()) {
        Match::Found { route, .. } => route.path,
        _ => "(no route)",
    };
    let answer = if serves(function, &method, request.uri().path()) {
        // On AWS the WAF's rate-based rules limit each client: an instance sees only its share.
        prenota_web::handle(app, &prenota_web::Limits::off(), request).await
    } else {
        tracing::warn!(function, method = %method, route, "route of another function refused");
        problem(
            &Problem::new(Code::NotFound),
            request_lang(request.uri().query(), request.headers()),
        )
    };
    tracing::info!(
        function,
        method = %method,
        route,
        status = answer.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    Ok(from_app_response(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_function_serves_its_own_routes_only() {
        for route in routes::ROUTES {
            let path = route
                .path
                .replace("{service_id}", "cie")
                .replace("{office_id}", "u1")
                .replace("{hold_id}", "h")
                .replace("{code}", "c");
            assert!(
                serves(route.function, &route.method, &path),
                "{} {}",
                route.method,
                path
            );
            for other in routes::ROUTES.iter().filter(|r| r.function != route.function) {
                assert!(
                    !serves(other.function, &route.method, &path),
                    "{} {}",
                    other.function,
                    path
                );
            }
        }
        // A wrong method on one's own path is the app's 405; on another's path, a 404 here.
        assert!(serves("hold", &Method::GET, "/api/holds"));
        assert!(!serves("services", &Method::GET, "/api/holds"));
        assert!(serves("confirm", &Method::PUT, "/c/abc"));
        assert!(!serves("booking", &Method::PUT, "/c/abc"));
        // No route at all: the app's own 404.
        assert!(serves("services", &Method::GET, "/nowhere"));
    }

    #[test]
    fn bodies_go_back_as_text_binary_or_nothing() {
        let text = from_app_response(Response::new(Bytes::from_static(b"{\"a\":1}")));
        assert_eq!(text.body(), &Body::Text("{\"a\":1}".to_owned()));
        let binary = from_app_response(Response::new(Bytes::from_static(&[0xff, 0x00])));
        assert_eq!(binary.body(), &Body::Binary(vec![0xff, 0x00]));
        let empty = from_app_response(Response::new(Bytes::new()));
        assert_eq!(empty.body(), &Body::Empty);
    }
}
