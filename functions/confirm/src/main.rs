//! The `confirm` Lambda (API Gateway HTTP API, payload 2.0): the confirmation link's page and its button
//! ("Conferma").
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /c/{code}`
//! - `POST /c/{code}`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("confirm").await
}
