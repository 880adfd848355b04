//! The `staff-agenda` Lambda (API Gateway HTTP API, payload 2.0): the counter's reads: who is
//! signed in, the sign-in configuration, an office's agenda and audit log, the check-in public key
//! (docs/counter.md).
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/staff/config` (how staff sign in: Cognito's hosted login on AWS)
//! - `GET /api/staff/me`
//! - `GET /api/staff/offices/{office_id}/agenda`
//! - `GET /api/staff/offices/{office_id}/audit`
//! - `GET /api/checkin-key` (the public key of the check-in codes)
//!
//! On AWS the HTTP API's JWT authorizer has checked the staff's Cognito ID token on every route
//! under `/api/staff/` but `config`; `prenota_lambda` turns its claims into the staff identity
//! (`claims.rs`), and the handlers check role and office again.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("staff-agenda").await
}
