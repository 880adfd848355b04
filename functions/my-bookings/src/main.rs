//! The `my-bookings` Lambda (API Gateway HTTP API, payload 2.0): the request for the list of one's bookings,
//! sent to the contact ("Le mie prenotazioni").
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `POST /api/my-bookings`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("my-bookings").await
}
