//! The `services` Lambda (API Gateway HTTP API, payload 2.0): the list and search of services (wizard step
//! "Cerca servizio").
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/services`
//! - `GET /api/openapi.json` (the API's OpenAPI description)

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("services").await
}
