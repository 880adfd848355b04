//! "Sposta appuntamento" from the booking's page, without JavaScript: `GET /p/{code}/move` shows
//! the free days and times (a GET changes nothing), `POST /p/{code}/move` moves and answers the
//! booking page with the new QR code, or this page again with why not.

use chrono::NaiveDate;
use http::StatusCode;
use prenota_core::Token;
use prenota_core::catalogue::Lang;
use prenota_core::dates::{parse_date, parse_time};
use prenota_store::Store;
use prenota_usecases::facts::facts;
use prenota_usecases::moving::{self, MoveError};
use prenota_usecases::{Context, booking_page};

use crate::answer::{Answer, html};
use crate::links::{booking_view, code, failure, not_found, page_lang};
use crate::pages::{self, Notice};
use crate::request::Incoming;

/// `GET /p/{code}/move[?date=YYYY-MM-DD]`.
pub async fn page(context: &Context, store: &dyn Store, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    let date = incoming.query("date").and_then(|raw| parse_date(raw).ok());
    choices(context, store, &page_code, date, lang, None, StatusCode::OK).await
}

/// `POST /p/{code}/move` with `date` and `start`.
pub async fn submit(context: &Context, store: &dyn Store, incoming: &Incoming<'_>) -> Answer {
    let form = incoming.form();
    let lang = page_lang(incoming, &form);
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let date = field("date").and_then(|raw| parse_date(raw).ok());
    let start = field("start").and_then(|raw| parse_time(raw).ok());
    let (Some(date), Some(start)) = (date, start) else {
        let error = Some(pages::MoveError::Invalid);
        return choices(
            context,
            store,
            &page_code,
            date,
            lang,
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let refused = match moving::move_to(context, store, &page_code, date, start).await {
        Ok(moved) => {
            return booking_view(
                context,
                store,
                &moved.booking,
                &moved.page_code,
                lang,
                Some(Notice::Moved),
            )
            .await;
        }
        Err(MoveError::Taken) => (pages::MoveError::Taken, StatusCode::CONFLICT),
        Err(MoveError::Quota(_)) => (pages::MoveError::SameDay, StatusCode::CONFLICT),
        Err(MoveError::TooLate) => (pages::MoveError::TooLate, StatusCode::CONFLICT),
        Err(MoveError::Slot(_) | MoveError::OutsideWindow) => {
            (pages::MoveError::Invalid, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(MoveError::Link(error)) => return failure(error, lang),
        Err(MoveError::Failed(failure_)) => return failure(failure_.into(), lang),
    };
    let (error, status) = refused;
    choices(context, store, &page_code, Some(date), lang, Some(error), status).await
}

/// The page of choices for `date` (else the first day with a free time), with `error` above.
async fn choices(
    context: &Context,
    store: &dyn Store,
    page_code: &Token,
    date: Option<NaiveDate>,
    lang: Lang,
    error: Option<pages::MoveError>,
    status: StatusCode,
) -> Answer {
    let choice = match moving::choices(context, store, page_code, date).await {
        Ok(choice) => choice,
        // A day outside the window: the first day with a free time instead.
        Err(MoveError::OutsideWindow) if date.is_some() => {
            return Box::pin(choices(context, store, page_code, None, lang, error, status)).await;
        }
        Err(MoveError::TooLate) => {
            let error = Some(pages::MoveError::TooLate);
            return match booking_page::view(context, store, page_code).await {
                Ok(booking) => html(
                    StatusCode::CONFLICT,
                    pages::move_page(
                        lang,
                        &facts(context, &booking, None, lang),
                        &page_code.encode(),
                        None,
                        &[],
                        error,
                    ),
                ),
                Err(error) => failure(error, lang),
            };
        }
        Err(MoveError::Link(error)) => return failure(error, lang),
        Err(MoveError::Failed(failure_)) => return failure(failure_.into(), lang),
        Err(_) => return not_found(lang),
    };
    let times: Vec<_> = choice
        .day
        .free
        .iter()
        .map(|free| (free.slot.start, free.slot.end))
        .collect();
    let shown = choice.day.date.map(|date| (date, times.as_slice()));
    html(
        status,
        pages::move_page(
            lang,
            &facts(context, &choice.booking, None, lang),
            &page_code.encode(),
            shown,
            &choice.day.days,
            error,
        ),
    )
}
