//! The `booking` Lambda (API Gateway HTTP API, payload 2.0): the booking's page, its calendar file and its
//! cancellation.
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /p/{code}`
//! - `GET /p/{code}/calendar.ics`
//! - `POST /p/{code}/cancel`
//! - `GET /p/{code}/cancel` (back to the booking's page: a GET never cancels)

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("booking").await
}
