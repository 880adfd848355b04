//! The `details` Lambda (API Gateway HTTP API, payload 2.0): the citizen's details, which turn the hold into
//! a booking awaiting confirmation ("Inserisci dati").
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `POST /api/holds/{hold_id}/booking`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("details").await
}
