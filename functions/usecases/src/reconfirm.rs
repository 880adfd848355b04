//! "Confermo che verrò" on the booking's page: the answer to "Confermi che verrai?" (a POST behind
//! the link, so that a mail scanner following it confirms nothing). Any confirmed booking may
//! answer; a repeat changes nothing. See `reminders` for the question and the release.

use prenota_core::Token;
use prenota_core::reminder::Reconfirmation;
use prenota_store::{Booking, BookingStore};

use crate::{Context, LinkError};

/// Records that the citizen behind `page_code` will come: the booking, as it is now.
pub async fn reconfirm(
    context: &Context,
    bookings: &dyn BookingStore,
    page_code: &Token,
) -> Result<Booking, LinkError> {
    let now = context.clock.now();
    let booking = bookings.booking_by_page_code(&page_code.hash(), now).await?;
    let outcome = bookings
        .set_reconfirmation(&booking.id, Reconfirmation::Reconfirmed, &[], now)
        .await?;
    Ok(outcome.booking)
}
