//! The `staff-office` Lambda (API Gateway HTTP API, payload 2.0): what managers change in their
//! offices — closures, with the bookings they displace (docs/closures.md).
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/staff/closures`
//! - `POST /api/staff/closures/preview`
//! - `POST /api/staff/closures`
//! - `POST /api/staff/closures/{closure_id}/reopen`
//!
//! On AWS the HTTP API's JWT authorizer has checked the staff's Cognito ID token on every route
//! under `/api/staff/` but `config`; `prenota_lambda` turns its claims into the staff identity
//! (`claims.rs`), and the use cases check role and office again.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("staff-office").await
}
