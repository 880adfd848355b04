//! The `slots` Lambda (API Gateway HTTP API, payload 2.0): the free slots of an office for a service, day by
//! day ("Scegli orario").
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/services/{service_id}/offices/{office_id}/slots`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("slots").await
}
