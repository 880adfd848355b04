//! The links and codes a booking hands out: the confirmation and booking-page addresses (in the
//! citizen's language), the booking page's code and a confirmation code sent again, both derived
//! from the booking, and the signed check-in token of the QR code.

use prenota_core::catalogue::Lang;
use prenota_core::checkin::{CheckinClaims, sign};
use prenota_core::{BookingId, Token};
use prenota_store::Booking;

use crate::Context;

/// What a booking page's code is derived for, with the installation's HMAC key. (The name is that
/// of the first codes sent again, so that the links already sent keep working.)
const BOOKING_PAGE_DERIVATION: &str = "booking-page-reissued";

/// What a booking page's code was derived for before it came from the booking: from the
/// confirmation code (the bookings confirmed then still have their page under it).
const LEGACY_PAGE_DERIVATION: &str = "booking-page";

/// What a confirmation code sent again is derived for.
const CONFIRM_AGAIN_DERIVATION: &str = "booking-confirm-reissued";

/// `/c/{code}?lang=…`: the page that confirms a pending booking, in the language of the message
/// that carries the link (a browser set to Italian still opens an English message's link in
/// English).
pub fn confirm_url(context: &Context, code: &Token, lang: Lang) -> String {
    format!(
        "{}/c/{}?lang={}",
        context.settings.public_url,
        code.encode(),
        lang.as_str()
    )
}

/// `/p/{code}?lang=…`: the booking's page, in the message's language.
pub fn page_url(context: &Context, code: &Token, lang: Lang) -> String {
    format!("{}{}", context.settings.public_url, page_path(code, lang))
}

/// The booking page's path on this site, for links between its own pages.
pub fn page_path(code: &Token, lang: Lang) -> String {
    format!("/p/{}?lang={}", code.encode(), lang.as_str())
}

/// `/w/{code}?lang=…`: the page of a place on the waiting list (confirm it, leave the list).
pub fn waiting_url(context: &Context, code: &Token, lang: Lang) -> String {
    format!(
        "{}/w/{}?lang={}",
        context.settings.public_url,
        code.encode(),
        lang.as_str()
    )
}

/// The wizard opened on a seat offered from the waiting list: the hold's token travels in the
/// fragment, which browsers never send, so it reaches no server log.
pub fn offer_url(context: &Context, hold: &Token, lang: Lang) -> String {
    format!(
        "{}/?lang={}#offerta={}",
        context.settings.public_url,
        lang.as_str(),
        hold.encode()
    )
}

/// The site's home, where a new booking starts.
pub fn home_url(context: &Context) -> String {
    format!("{}/", context.settings.public_url)
}

/// The code of a booking's page: derived from the booking with the installation's key, so that the
/// confirmation, a repeat, a "my bookings" list and the reminder all link the same page, whichever
/// confirmation link was used, and the store keeps one hash of it.
pub fn page_code(context: &Context, booking: &BookingId) -> Token {
    context
        .secrets
        .hmac
        .derive_token_from(BOOKING_PAGE_DERIVATION, booking.as_str().as_bytes())
}

/// The page code of a booking confirmed before page codes were derived from the booking: derived
/// from its confirmation code.
pub fn legacy_page_code(context: &Context, confirm: &Token) -> Token {
    context.secrets.hmac.derive_token(LEGACY_PAGE_DERIVATION, confirm)
}

/// A confirmation code sent again ("Le mie prenotazioni" for a booking still to confirm): derived
/// from the booking, so that sending it again adds nothing; the first link keeps working too.
pub fn confirm_code_again(context: &Context, booking: &BookingId) -> Token {
    context
        .secrets
        .hmac
        .derive_token_from(CONFIRM_AGAIN_DERIVATION, booking.as_str().as_bytes())
}

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
