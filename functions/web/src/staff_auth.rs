//! Who a staff request comes from, and whether it may change anything: the session cookie on one
//! machine, or the identity a front has already verified (the Lambda adapter puts the JWT
//! authorizer's claims here as [`VerifiedIdentity`]); and the `Origin` check of state-changing
//! staff requests, so that another site cannot make a signed-in browser act.

use http::HeaderValue;
use http::header::{self, HeaderMap};
use prenota_core::Token;
use prenota_core::staff::{SESSION_MAX, StaffIdentity};
use prenota_usecases::{App, Context, staff};

use crate::problem::{Code, Problem};
use crate::request::Incoming;

/// The identity of a request as a front verified it (API Gateway's JWT authorizer, read by the
/// Lambda adapter). Only a front puts it in the request's extensions; no header can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity(pub StaffIdentity);

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "prenota_staff";

/// The session token of the request's cookie, if any.
pub fn session_token(headers: &HeaderMap) -> Option<Token> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .and_then(|(_, value)| Token::parse(value).ok())
}

fn secure(context: &Context) -> &'static str {
    if context.settings.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

/// The `Set-Cookie` of a new session: HttpOnly (no script reads it), SameSite=Strict (no other
/// site sends it), Secure on https, gone at the session's absolute end at the latest.
pub fn session_cookie(context: &Context, token: &Token) -> Option<HeaderValue> {
    let value = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        token.encode(),
        SESSION_MAX.num_seconds(),
        secure(context)
    );
    HeaderValue::from_str(&value).ok()
}

/// The `Set-Cookie` that removes the session cookie.
pub fn cleared_cookie(context: &Context) -> Option<HeaderValue> {
    let value = format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure(context)
    );
    HeaderValue::from_str(&value).ok()
}

/// The origin (`scheme://host[:port]`) of the public URL.
fn public_origin(context: &Context) -> &str {
    let url = context.settings.public_url.as_str();
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

/// A state-changing staff request must come from our own pages: browsers send `Origin` on every
/// POST and DELETE, and another site's page cannot forge it.
pub fn same_origin(context: &Context, incoming: &Incoming<'_>) -> Result<(), Problem> {
    let origin = incoming.headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match origin {
        Some(origin) if !public_origin(context).is_empty() && origin == public_origin(context) => Ok(()),
        _ => Err(Problem::new(Code::CrossOrigin)),
    }
}

/// The member of staff making the request: verified by the front, or signed in on this machine.
/// 401 `unauthenticated` otherwise (no session, ended, or a disabled account).
pub async fn staff_identity(
    app: &App,
    incoming: &Incoming<'_>,
    verified: Option<&VerifiedIdentity>,
) -> Result<StaffIdentity, Problem> {
    if let Some(VerifiedIdentity(identity)) = verified {
        return Ok(identity.clone());
    }
    let (Some(accounts), Some(token)) = (app.accounts.as_deref(), session_token(incoming.headers)) else {
        return Err(Problem::new(Code::Unauthenticated));
    };
    staff::identify(&app.context, accounts, &token)
        .await?
        .ok_or_else(|| Problem::new(Code::Unauthenticated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_read_among_others() {
        let token = Token::generate().unwrap();
        let mut headers = HeaderMap::new();
        let cookie = format!("theme=dark; {SESSION_COOKIE}={}; other=1", token.encode());
        headers.insert(header::COOKIE, HeaderValue::from_str(&cookie).unwrap());
        assert_eq!(session_token(&headers).map(|t| t.encode()), Some(token.encode()));
        headers.insert(header::COOKIE, HeaderValue::from_static("prenota_staff=garbage"));
        assert!(session_token(&headers).is_none());
    }
}
