//! The booking's page (`/p/{code}`): the booking as it is now, its QR code, and its calendar file.
//! Read only.

use prenota_core::catalogue::Lang;
use prenota_core::{BookingState, Token};
use prenota_store::{Booking, BookingStore};

use crate::{Context, LinkError, facts, links};

/// The booking behind a booking-page link, whatever its state (a cancelled one shows as such).
pub async fn view(
    context: &Context,
    bookings: &dyn BookingStore,
    page_code: &Token,
) -> Result<Booking, LinkError> {
    Ok(bookings
        .booking_by_page_code(&page_code.hash(), context.clock.now())
        .await?)
}

/// The `.ics` of a confirmed booking, in `lang`, linking back to its page.
pub async fn calendar(
    context: &Context,
    bookings: &dyn BookingStore,
    page_code: &Token,
    lang: Lang,
) -> Result<String, LinkError> {
    let booking = view(context, bookings, page_code).await?;
    if booking.state != BookingState::Confirmed {
        return Err(LinkError::Cancelled);
    }
    let facts = facts::facts(context, &booking, None, lang);
    Ok(prenota_notify::ics::event(
        &facts,
        &links::page_url(context, page_code, lang),
    ))
}
