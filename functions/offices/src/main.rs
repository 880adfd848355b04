//! The `offices` Lambda (API Gateway HTTP API, payload 2.0): the offices offering a service, by first free
//! slot ("Scegli sede").
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/services/{service_id}/offices`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("offices").await
}
