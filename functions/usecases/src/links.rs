//! The links and codes a booking hands out: the confirmation and booking-page addresses, the
//! booking page's code derived from the confirmation code, and the signed check-in token of the
//! QR code.

use prenota_core::checkin::{CheckinClaims, sign};
use prenota_core::{BookingId, Token};
use prenota_store::Booking;

use crate::Context;

/// What the booking page's code is derived for, with the installation's HMAC key.
const BOOKING_PAGE_DERIVATION: &str = "booking-page";

/// `/c/{code}`: the page that confirms a pending booking.
pub fn confirm_url(context: &Context, code: &Token) -> String {
    format!("{}/c/{}", context.settings.public_url, code.encode())
}

/// `/p/{code}`: the booking's page.
pub fn page_url(context: &Context, code: &Token) -> String {
    format!("{}/p/{}", context.settings.public_url, code.encode())
}

/// The site's home, where a new booking starts.
pub fn home_url(context: &Context) -> String {
    format!("{}/", context.settings.public_url)
}

/// The booking page's code: derived from the confirmation code with the installation's key, so
/// a second confirmation shows the same page and the store keeps only hashes.
pub fn page_code(context: &Context, confirm: &Token) -> Token {
    context
        .secrets
        .hmac
        .derive_token(BOOKING_PAGE_DERIVATION, confirm)
}

/// The code of a booking's page sent again, in a "my bookings" list or a reminder: derived from
/// the booking with the installation's key, so each sending reuses it instead of adding a code.
pub fn reissued_page_code(context: &Context, booking: &BookingId) -> Token {
    context
        .secrets
        .hmac
        .derive_token_from(REISSUED_PAGE_DERIVATION, booking.as_str().as_bytes())
}

/// What the reissued page code is derived for.
const REISSUED_PAGE_DERIVATION: &str = "booking-page-reissued";

/// What the QR code says: signed, checkable offline at the counter, useless for anything else.
/// `None` before the details step, which gives the booking its short code.
pub fn checkin_token(context: &Context, booking: &Booking) -> Option<String> {
    let claims = CheckinClaims {
        short_code: booking.short_code.clone()?,
        office: booking.offering.office.clone(),
        date: booking.date,
        start: booking.start,
    };
    Some(sign(&context.secrets.checkin, &claims))
}
