//! The `reminder` Lambda: invoked by EventBridge Scheduler the day before an appointment with
//! `{"booking_id": …}`, it queues the reminder message. See `prenota_lambda::reminder`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    prenota_lambda::reminder::run().await
}
