//! The `feedback` Lambda (API Gateway HTTP API, payload 2.0): the anonymous rating of the service
//! ("Quanto è stato facile usare questo servizio?") given on the last step of the wizard.
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `POST /api/feedback`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("feedback").await
}
