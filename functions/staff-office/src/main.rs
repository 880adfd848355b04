//! The `staff-office` Lambda (API Gateway HTTP API, payload 2.0): what managers change in their
//! offices — closures, with the bookings they displace (docs/closures.md), and "Uffici e orari":
//! their offices, services, offerings and hours, each change saved over the catalogue's version,
//! in the history, undoable, displacing the bookings on the slots it takes.
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/staff/closures`
//! - `POST /api/staff/closures/preview`
//! - `POST /api/staff/closures`
//! - `POST /api/staff/closures/{closure_id}/reopen`
//! - `GET /api/staff/catalogue`
//! - `POST /api/staff/catalogue/preview`
//! - `POST /api/staff/catalogue/changes`
//! - `GET /api/staff/catalogue/changes`
//! - `POST /api/staff/catalogue/changes/{change_id}/undo`
//!
//! On AWS the HTTP API's JWT authorizer has checked the staff's Cognito ID token on every route
//! under `/api/staff/` but `config`; `prenota_lambda` turns its claims into the staff identity
//! (`claims.rs`), and the use cases check role and office again.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("staff-office").await
}
