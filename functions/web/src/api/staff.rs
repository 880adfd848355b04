//! The staff's session: how to sign in here (`GET /api/staff/config`), signing in and out
//! (`POST`/`DELETE /api/staff/session`), choosing a password through the one-time link
//! (`POST /api/staff/password`), and who is signed in (`GET /api/staff/me`).

use http::StatusCode;
use http::header::{self, HeaderValue};
use prenota_core::Token;
use prenota_core::staff::{NewPassword, StaffIdentity};
use prenota_usecases::staff::{self, PasswordError, SignInError};
use prenota_usecases::{App, Context, StaffSignIn};
use serde_json::json;

use super::Handled;
use crate::answer::{json, no_content};
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};
use crate::staff_auth::{cleared_cookie, same_origin, session_cookie, session_token};

impl From<SignInError> for Problem {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::BadCredentials => Self::new(Code::BadCredentials),
            SignInError::TooManyAttempts { wait } => Self::new(Code::TooManyAttempts).retry_after(wait),
            SignInError::Failed(failure) => failure.into(),
        }
    }
}

impl From<PasswordError> for Problem {
    fn from(error: PasswordError) -> Self {
        match error {
            PasswordError::UnknownCode => Self::new(Code::UnknownCode),
            PasswordError::Failed(failure) => failure.into(),
        }
    }
}

pub fn config(context: &Context) -> Handled {
    let body = match &context.settings.staff_sign_in {
        StaffSignIn::Password => json!({ "sign_in": "password" }),
        StaffSignIn::Cognito { domain, client_id } => json!({
            "sign_in": "cognito",
            "authorize_url": format!("{domain}/oauth2/authorize"),
            "token_url": format!("{domain}/oauth2/token"),
            "logout_url": format!("{domain}/logout"),
            "client_id": client_id,
        }),
    };
    Ok(json(StatusCode::OK, &body))
}

/// The accounts of this deployment; none where an identity provider signs staff in.
fn accounts(app: &App) -> Result<&dyn prenota_store::StaffAccounts, Problem> {
    app.accounts
        .as_deref()
        .ok_or_else(|| Problem::new(Code::NotFound))
}

pub async fn sign_in(app: &App, incoming: &Incoming<'_>, body: &Body) -> Handled {
    same_origin(&app.context, incoming)?;
    let accounts = accounts(app)?;
    let email = body.text("email", Code::BadCredentials)?;
    let password = body.text("password", Code::BadCredentials)?;
    let session = staff::sign_in(&app.context, accounts, &*app.store, email, password).await?;
    let mut answer = no_content();
    if let Some(cookie) = session_cookie(&app.context, &session.token) {
        answer.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(answer)
}

pub async fn sign_out(app: &App, incoming: &Incoming<'_>) -> Handled {
    same_origin(&app.context, incoming)?;
    let accounts = accounts(app)?;
    if let Some(token) = session_token(incoming.headers) {
        staff::sign_out(&app.context, accounts, &*app.store, &token).await?;
    }
    let mut answer = no_content();
    if let Some(cookie) = cleared_cookie(&app.context) {
        answer.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(answer)
}

pub async fn set_password(app: &App, incoming: &Incoming<'_>, body: &Body) -> Handled {
    same_origin(&app.context, incoming)?;
    let accounts = accounts(app)?;
    let code = body.parsed("code", Code::UnknownCode, Token::parse)?;
    let password = body.parsed("password", Code::WeakPassword, NewPassword::parse)?;
    staff::set_password_by_code(&app.context, accounts, &*app.store, &code, &password).await?;
    Ok(no_content())
}

pub fn me(context: &Context, identity: &StaffIdentity) -> Handled {
    let offices: Vec<_> = context
        .catalogue()
        .offices()
        .iter()
        .filter(|office| identity.works_at(&office.id))
        .map(|office| json!({ "id": office.id.as_str(), "name": office.name }))
        .collect();
    let mut answer = json(
        StatusCode::OK,
        &json!({ "email": identity.email, "role": identity.role, "offices": offices }),
    );
    answer
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie, Authorization"));
    Ok(answer)
}
