//! `POST /api/bookings/{code}/move`: "Sposta appuntamento" as JSON, for the citizen's own page or a
//! city's app. The booking page's code is the key; the answer is the booking at its new time, with
//! the new check-in token of its QR code.

use http::StatusCode;
use prenota_core::Token;
use prenota_core::dates::{format_date, format_time, parse_date, parse_time};
use prenota_core::slots::SlotError;
use prenota_store::Store;
use prenota_usecases::moving::{self, MoveError};
use prenota_usecases::{Context, LinkError, links};
use serde_json::json;

use super::Handled;
use crate::answer::json;
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming};

pub async fn move_booking(
    context: &Context,
    store: &dyn Store,
    incoming: &Incoming<'_>,
    body: &Body,
) -> Handled {
    let page_code = Token::parse(incoming.param("code")).map_err(|_| Problem::new(Code::UnknownBooking))?;
    let date = body.parsed("date", Code::InvalidDate, parse_date)?;
    let start = body.parsed("start", Code::InvalidTime, parse_time)?;
    let moved = moving::move_to(context, store, &page_code, date, start).await?;
    let booking = &moved.booking;
    Ok(json(
        StatusCode::OK,
        &json!({
            "short_code": booking.short_code.as_ref().map(|code| code.as_str()),
            "service_id": booking.offering.service.as_str(),
            "office_id": booking.offering.office.as_str(),
            "date": format_date(booking.date),
            "start": format_time(booking.start),
            "end": format_time(booking.end),
            "moved": moved.changed,
            "checkin_token": links::checkin_token(context, booking),
        }),
    ))
}

impl From<MoveError> for Problem {
    fn from(error: MoveError) -> Self {
        Self::new(match error {
            MoveError::Link(LinkError::NotFound | LinkError::Expired) => Code::UnknownBooking,
            MoveError::Link(LinkError::Cancelled) => Code::Cancelled,
            MoveError::Link(LinkError::Started) => Code::AppointmentStarted,
            MoveError::Link(LinkError::Failed(failure)) | MoveError::Failed(failure) => {
                return failure.into();
            }
            MoveError::TooLate => Code::TooLateToMove,
            MoveError::Slot(SlotError::NoSuchSlot) => Code::NoSuchSlot,
            MoveError::Slot(SlotError::OutsideWindow { .. }) | MoveError::OutsideWindow => {
                return Self::new(Code::DateOutsideWindow).field("date");
            }
            MoveError::Slot(SlotError::Started) => Code::SlotStarted,
            MoveError::Taken => Code::SlotTaken,
            MoveError::Quota(_) => Code::AlreadyBookedThatDay,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_code() {
        assert_eq!(Problem::from(MoveError::TooLate).code, Code::TooLateToMove);
        assert_eq!(Problem::from(MoveError::Taken).code, Code::SlotTaken);
        assert_eq!(
            Problem::from(MoveError::Link(LinkError::Started)).code,
            Code::AppointmentStarted
        );
    }
}
