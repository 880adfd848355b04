//! The `staff-counter` Lambda (API Gateway HTTP API, payload 2.0): the counter's actions: check-in,
//! calls, recall, put back, outcome, walk-ins (docs/counter.md).
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `POST /api/staff/check-ins`
//! - `POST /api/staff/offices/{office_id}/calls`
//! - `POST /api/staff/bookings/{short_code}/recall`
//! - `POST /api/staff/bookings/{short_code}/put-back`
//! - `POST /api/staff/bookings/{short_code}/outcome`
//! - `POST /api/staff/offices/{office_id}/walk-ins`
//!
//! On AWS the HTTP API's JWT authorizer has checked the staff's Cognito ID token on every route
//! under `/api/staff/` but `config`; `prenota_lambda` turns its claims into the staff identity
//! (`claims.rs`), and the handlers check role and office again.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("staff-counter").await
}
