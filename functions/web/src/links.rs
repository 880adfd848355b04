//! The pages behind the links in messages: `/c/{code}` to confirm, `/p/{code}` for the booking.
//! They work without JavaScript; a GET never changes anything (mail scanners follow links).

use http::StatusCode;
use http::header::{self, HeaderValue};
use prenota_core::catalogue::Lang;
use prenota_core::{BookingState, Token};
use prenota_store::{Booking, BookingStore};
use prenota_usecases::booking_page;
use prenota_usecases::cancel::{self, Cancelling};
use prenota_usecases::confirm::{self, Confirmation};
use prenota_usecases::facts::{facts, household_facts};
use prenota_usecases::{Context, LinkError, household, links, moving, reconfirm, reminders};

use crate::answer::{Answer, html, respond, with_retry_after};
use crate::pages::{self, Actions, Notice};
use crate::problem::Problem;
use crate::request::Incoming;

/// The language of a page: a form's or the query's `lang`, else the negotiated one.
pub(crate) fn page_lang(incoming: &Incoming<'_>, form: &[(String, String)]) -> Lang {
    form.iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
        .unwrap_or(incoming.lang)
}

pub fn not_found(lang: Lang) -> Answer {
    html(StatusCode::NOT_FOUND, pages::not_found_page(lang))
}

/// The page of a request refused by a per-client limit, with its `Retry-After`.
pub fn refused(problem: &Problem, lang: Lang) -> Answer {
    let page = html(
        problem.code.status(),
        pages::unavailable_page(lang, &problem.detail(lang)),
    );
    with_retry_after(page, problem)
}

/// The page that says why a link leads nowhere.
pub(crate) fn failure(error: LinkError, lang: Lang) -> Answer {
    match error {
        LinkError::NotFound => not_found(lang),
        LinkError::Expired => html(StatusCode::GONE, pages::expired_page(lang)),
        LinkError::Started => html(StatusCode::CONFLICT, pages::started_page(lang)),
        LinkError::Cancelled => html(StatusCode::GONE, pages::already_cancelled_page(lang)),
        LinkError::Failed(failure) => {
            let problem = Problem::from(failure);
            html(
                problem.code.status(),
                pages::unavailable_page(lang, &problem.detail(lang)),
            )
        }
    }
}

pub(crate) fn code(incoming: &Incoming<'_>) -> Option<Token> {
    Token::parse(incoming.param("code")).ok()
}

/// The booking page of a booking, with its QR code and, for a household's, everyone with their
/// pages; "Sposta appuntamento" while it may be moved.
pub(crate) async fn booking_view(
    context: &Context,
    bookings: &dyn BookingStore,
    booking: &Booking,
    page_code: &Token,
    lang: Lang,
    notice: Option<Notice>,
) -> Answer {
    let mut facts = facts(context, booking, None, lang);
    facts.household = match household::listed(context, bookings, booking, lang).await {
        Ok(listed) => listed,
        Err(failure) => return self::failure(failure.into(), lang),
    };
    let qr = links::checkin_token(context, booking)
        .map(|token| prenota_notify::qr::svg_labelled(&token, pages::qr_label(lang)))
        .unwrap_or_default();
    let closure = (booking.state == BookingState::Displaced)
        .then(|| {
            context
                .catalogue
                .closure_over(&booking.offering.office, booking.date, booking.start, booking.end)
        })
        .flatten();
    let actions = Actions {
        can_move: moving::may_still_move(context, booking),
        reconfirm_by: reminders::reconfirm_by(context, booking),
        displaced: match (&closure, booking.state) {
            (Some(closure), _) => Some(closure.reason.get(lang)),
            // Its closure was reopened since: the page still says why it must move.
            (None, BookingState::Displaced) => Some(pages::reopened_reason(lang)),
            (None, _) => None,
        },
    };
    html(
        StatusCode::OK,
        pages::booking_page(lang, &facts, &page_code.encode(), &qr, notice, actions),
    )
}

/// `GET /c/{code}`: the booking to confirm, or its page once confirmed.
pub async fn confirm_page(context: &Context, bookings: &dyn BookingStore, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(code) = code(incoming) else {
        return not_found(lang);
    };
    match confirm::view(context, bookings, &code).await {
        Ok(Confirmation::Pending { members, deadline }) => html(
            StatusCode::OK,
            pages::confirm_page(
                lang,
                &household_facts(context, &members, lang),
                &code.encode(),
                deadline,
            ),
        ),
        Ok(Confirmation::Confirmed { booking, page_code }) => {
            booking_view(context, bookings, &booking, &page_code, lang, None).await
        }
        Err(error) => failure(error, lang),
    }
}

/// `POST /c/{code}`: "Conferma prenotazione".
pub async fn confirm(context: &Context, bookings: &dyn BookingStore, incoming: &Incoming<'_>) -> Answer {
    let lang = page_lang(incoming, &incoming.form());
    let Some(code) = code(incoming) else {
        return not_found(lang);
    };
    match confirm::confirm(context, bookings, &code).await {
        Ok(confirmed) => {
            booking_view(
                context,
                bookings,
                &confirmed.booking,
                &confirmed.page_code,
                lang,
                Some(Notice::Confirmed),
            )
            .await
        }
        Err(error) => failure(error, lang),
    }
}

/// `GET /p/{code}`: the booking, or that it was cancelled.
pub async fn booking_page(context: &Context, bookings: &dyn BookingStore, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    match booking_page::view(context, bookings, &page_code).await {
        Ok(booking) if booking.state == BookingState::Cancelled => html(
            StatusCode::OK,
            pages::cancelled_page(lang, &facts(context, &booking, None, lang)),
        ),
        Ok(booking) => booking_view(context, bookings, &booking, &page_code, lang, None).await,
        Err(error) => failure(error, lang),
    }
}

/// `GET /p/{code}/calendar.ics`.
pub async fn calendar(context: &Context, bookings: &dyn BookingStore, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    match booking_page::calendar(context, bookings, &page_code, lang).await {
        Ok(ics) => {
            let mut answer = respond(StatusCode::OK, "text/calendar; charset=utf-8", ics);
            answer.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"prenotazione.ics\""),
            );
            answer
        }
        Err(error) => failure(error, lang),
    }
}

/// `POST /p/{code}/cancel`: first "Vuoi annullare la prenotazione?", then, with `confirm=yes`,
/// the cancellation.
pub async fn cancel(
    context: &Context,
    bookings: &dyn prenota_store::Store,
    incoming: &Incoming<'_>,
) -> Answer {
    let form = incoming.form();
    let lang = page_lang(incoming, &form);
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    let confirmed = form.iter().any(|(k, v)| k == "confirm" && v == "yes");
    match cancel::cancel(context, bookings, &page_code, confirmed).await {
        Ok(Cancelling::AskFirst(booking)) => html(
            StatusCode::OK,
            pages::cancel_confirm_page(lang, &facts(context, &booking, None, lang), &page_code.encode()),
        ),
        Ok(Cancelling::Cancelled(booking)) => html(
            StatusCode::OK,
            pages::cancelled_page(lang, &facts(context, &booking, None, lang)),
        ),
        Err(error) => failure(error, lang),
    }
}

/// `POST /p/{code}/reconfirm`: "Confermo che verrò".
pub async fn reconfirm(context: &Context, bookings: &dyn BookingStore, incoming: &Incoming<'_>) -> Answer {
    let lang = page_lang(incoming, &incoming.form());
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    match reconfirm::reconfirm(context, bookings, &page_code).await {
        Ok(booking) => {
            booking_view(
                context,
                bookings,
                &booking,
                &page_code,
                lang,
                Some(Notice::Reconfirmed),
            )
            .await
        }
        Err(error) => failure(error, lang),
    }
}

/// `GET /p/{code}/cancel`: nothing to show there; the booking page is where cancelling starts.
pub fn back_to_page(incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    let mut answer = respond(StatusCode::SEE_OTHER, "text/plain; charset=utf-8", "");
    let location = format!("/p/{}?lang={}", page_code.encode(), lang.as_str());
    if let Ok(value) = HeaderValue::from_str(&location) {
        answer.headers_mut().insert(header::LOCATION, value);
    }
    answer
        .headers_mut()
        .insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    answer
}
