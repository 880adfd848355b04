//! The anonymous rating of the last step: no contact, no booking, no address, and the day without
//! the time, so that it cannot be matched to a booking.

use prenota_core::Token;
use prenota_core::calendar::ROME;
use prenota_core::feedback::Feedback;
use prenota_store::{FeedbackEntry, FeedbackStore};

use crate::{Context, Failure};

pub async fn rate(context: &Context, ratings: &dyn FeedbackStore, feedback: Feedback) -> Result<(), Failure> {
    let entry = FeedbackEntry {
        id: Token::generate()?.encode(),
        day: context.clock.now().with_timezone(&ROME).date_naive(),
        feedback,
    };
    ratings.record_feedback(&entry).await?;
    Ok(())
}
