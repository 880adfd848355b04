//! The `open-data` Lambda (API Gateway HTTP API, payload 2.0): the open data of the offices'
//! appointments, a month at a time, and their DCAT-AP_IT description (public, no personal data,
//! small counts suppressed by `usecases::statistics`; cached by CloudFront as long as the answers'
//! `Cache-Control` says).
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/open-data/appointments.csv`
//! - `GET /api/open-data/appointments.json`
//! - `GET /api/open-data/dcat.jsonld`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("open-data").await
}
