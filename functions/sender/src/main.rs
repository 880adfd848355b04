//! The `sender` Lambda: fed by the DynamoDB stream of the table, it delivers each newly queued
//! outbox message through SES v2 (e-mail) or SNS (SMS); invoked by a schedule, it sweeps what is
//! still pending. See `prenota_lambda::sender`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::sender::run().await
}
