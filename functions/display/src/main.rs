//! The `display` Lambda (API Gateway HTTP API, payload 2.0): the waiting-room display's answer
//! (public, cached a second by CloudFront) (docs/counter.md).
//! It serves these routes of `prenota_web::routes::ROUTES` and answers 404 to any other:
//!
//! - `GET /api/offices/{office_id}/display`

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::run("display").await
}
