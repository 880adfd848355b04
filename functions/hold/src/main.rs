//! The `hold` Lambda (API Gateway HTTP API, payload 2.0): holding a slot and releasing the hold.
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `POST /api/holds`
//! - `DELETE /api/holds/{hold_id}`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("hold").await
}
