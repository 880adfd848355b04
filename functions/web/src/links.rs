//! The pages behind the links in messages: `/c/{code}` to confirm, `/p/{code}` for the booking.
//! They work without JavaScript; a GET never changes anything (mail scanners follow links).

use http::StatusCode;
use http::header::{self, HeaderValue};
use prenota_core::catalogue::Lang;
use prenota_core::lifecycle::TransitionError;
use prenota_core::{BookingState, Token};
use prenota_store::{Booking, StoreError};

use crate::app::{Answer, App, Incoming, respond};
use crate::pages;

use crate::render::{self, OutboxError};

/// Security headers of every HTML page: the code is in the URL, so no referrer; no script runs;
/// styles, fonts and icons come from our own site (and the page's own stylesheet, by hash);
/// nothing frames us.
pub fn html(status: StatusCode, body: String) -> Answer {
    let mut answer = respond(status, "text/html; charset=utf-8", body);
    let csp = format!(
        "default-src 'none'; style-src 'self' {}; font-src 'self'; img-src 'self' data:; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'; object-src 'none'",
        pages::style_csp_source()
    );
    let headers = answer.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    answer
}

/// The language of a page: a form's or the query's `lang`, else the negotiated one.
fn page_lang(incoming: &Incoming<'_>, form: &[(String, String)]) -> Lang {
    form.iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
        .unwrap_or(incoming.lang)
}

fn form(incoming: &Incoming<'_>) -> Vec<(String, String)> {
    form_urlencoded::parse(incoming.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn not_found(lang: Lang) -> Answer {
    html(StatusCode::NOT_FOUND, pages::not_found_page(lang))
}

fn failure(error: &StoreError, lang: Lang) -> Answer {
    match error {
        StoreError::NotFound => not_found(lang),
        StoreError::Transition(TransitionError::Expired) => html(StatusCode::GONE, pages::expired_page(lang)),
        StoreError::Transition(TransitionError::AppointmentStarted) => {
            html(StatusCode::CONFLICT, pages::started_page(lang))
        }
        StoreError::Transition(TransitionError::Cancelled) => {
            html(StatusCode::GONE, pages::already_cancelled_page(lang))
        }
        other => {
            let problem = crate::app::store_problem(other, lang);
            html(
                problem.code.status(),
                pages::unavailable_page(lang, &problem.detail),
            )
        }
    }
}

fn code(incoming: &Incoming<'_>) -> Option<Token> {
    Token::parse(incoming.param("code")).ok()
}

/// The booking page of a booking, with its QR code.
fn booking_view(app: &App, booking: &Booking, page_code: &Token, lang: Lang, just_confirmed: bool) -> Answer {
    let facts = render::facts(app, booking, None, lang);
    let qr = render::checkin_token(app, booking)
        .map(|token| prenota_notify::qr::svg_labelled(&token, pages::qr_label(lang)))
        .unwrap_or_default();
    html(
        StatusCode::OK,
        pages::booking_page(lang, &facts, &page_code.encode(), &qr, just_confirmed),
    )
}

pub async fn confirm_page(app: &App, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(confirm) = code(incoming) else {
        return not_found(lang);
    };
    let now = app.clock.now();
    match app.store.booking_by_confirm_code(&confirm.hash(), now).await {
        Err(error) => failure(&error, lang),
        Ok(booking) => match booking.state {
            BookingState::Pending => {
                let facts = render::facts(app, &booking, None, lang);
                let deadline = booking.expires_at.unwrap_or(now);
                html(
                    StatusCode::OK,
                    pages::confirm_page(lang, &facts, &confirm.encode(), deadline),
                )
            }
            BookingState::Confirmed => {
                booking_view(app, &booking, &render::page_code(app, &confirm), lang, false)
            }
            BookingState::Cancelled => failure(&StoreError::Transition(TransitionError::Cancelled), lang),
            BookingState::Held | BookingState::Expired => html(StatusCode::GONE, pages::expired_page(lang)),
        },
    }
}

pub async fn confirm(app: &App, incoming: &Incoming<'_>) -> Answer {
    let form = form(incoming);
    let lang = page_lang(incoming, &form);
    let Some(confirm) = code(incoming) else {
        return not_found(lang);
    };
    let now = app.clock.now();
    let booking = match app.store.booking_by_confirm_code(&confirm.hash(), now).await {
        Ok(booking) => booking,
        Err(error) => return failure(&error, lang),
    };
    let page_code = render::page_code(app, &confirm);
    let messages = match (
        confirmed_message(app, &booking, &page_code, now),
        render::reminder_schedule(app, &booking, now),
    ) {
        (Ok(message), Ok(reminder)) => message.into_iter().chain(reminder).collect::<Vec<_>>(),
        // No booking is confirmed without its messages.
        (Err(error), _) | (_, Err(error)) => return unqueueable(&error, lang),
    };
    match app
        .store
        .confirm(&confirm.hash(), &page_code.hash(), &messages, now)
        .await
    {
        Ok(outcome) => booking_view(app, &outcome.booking, &page_code, lang, true),
        Err(error) => failure(&error, lang),
    }
}

/// The "booking confirmed" message, in the language the citizen booked in.
fn confirmed_message(
    app: &App,
    booking: &Booking,
    page_code: &Token,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<prenota_store::OutboxMessage>, OutboxError> {
    let Some(person) = booking.person.as_ref() else {
        return Ok(None);
    };
    // The short code is set at the details step; the check-in token needs it.
    let Some(checkin) = render::checkin_token(app, booking) else {
        return Ok(None);
    };
    let facts = render::facts(app, booking, None, person.lang);
    let message = prenota_notify::compose::booking_confirmed(
        &facts,
        &person.contact,
        &render::page_url(app, page_code),
        &checkin,
    );
    render::outbox(render::BOOKING_CONFIRMED, &message, now).map(Some)
}

/// A message that could not be written (no random bytes, no JSON): nothing is changed, and the
/// citizen is asked to try again.
fn unqueueable(error: &OutboxError, lang: Lang) -> Answer {
    tracing::error!(%error, "a message could not be queued; nothing was changed");
    let problem = crate::problem::Problem::new(crate::problem::Code::InternalError, lang);
    html(
        problem.code.status(),
        pages::unavailable_page(lang, &problem.detail),
    )
}

pub async fn booking_page(app: &App, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    match app
        .store
        .booking_by_page_code(&page_code.hash(), app.clock.now())
        .await
    {
        Ok(booking) if booking.state == BookingState::Cancelled => html(
            StatusCode::OK,
            pages::cancelled_page(lang, &render::facts(app, &booking, None, lang)),
        ),
        Ok(booking) => booking_view(app, &booking, &page_code, lang, false),
        Err(error) => failure(&error, lang),
    }
}

pub async fn calendar(app: &App, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    match app
        .store
        .booking_by_page_code(&page_code.hash(), app.clock.now())
        .await
    {
        Ok(booking) if booking.state == BookingState::Confirmed => {
            let facts = render::facts(app, &booking, None, lang);
            let ics = prenota_notify::ics::event(&facts, &render::page_url(app, &page_code));
            let mut answer = respond(StatusCode::OK, "text/calendar; charset=utf-8", ics);
            answer.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"prenotazione.ics\""),
            );
            answer
        }
        Ok(_) => failure(&StoreError::Transition(TransitionError::Cancelled), lang),
        Err(error) => failure(&error, lang),
    }
}

pub async fn cancel(app: &App, incoming: &Incoming<'_>) -> Answer {
    let form = form(incoming);
    let lang = page_lang(incoming, &form);
    let Some(page_code) = code(incoming) else {
        return not_found(lang);
    };
    let now = app.clock.now();
    let booking = match app.store.booking_by_page_code(&page_code.hash(), now).await {
        Ok(booking) => booking,
        Err(error) => return failure(&error, lang),
    };
    let confirmed = form.iter().any(|(k, v)| k == "confirm" && v == "yes");
    if !confirmed && booking.state == BookingState::Confirmed {
        let facts = render::facts(app, &booking, None, lang);
        return html(
            StatusCode::OK,
            pages::cancel_confirm_page(lang, &facts, &page_code.encode()),
        );
    }
    let notice = booking.person.as_ref().map(|person| {
        let facts = render::facts(app, &booking, None, person.lang);
        let message =
            prenota_notify::compose::cancellation_notice(&facts, &person.contact, &render::home_url(app));
        render::outbox(render::CANCELLATION, &message, now)
    });
    let messages = match (notice.transpose(), render::reminder_cancel(&booking, now)) {
        (Ok(notice), Ok(reminder)) => notice.into_iter().chain([reminder]).collect::<Vec<_>>(),
        (Err(error), _) | (_, Err(error)) => return unqueueable(&error, lang),
    };
    match app.store.cancel(&page_code.hash(), &messages, now).await {
        Ok(outcome) => html(
            StatusCode::OK,
            pages::cancelled_page(lang, &render::facts(app, &outcome.booking, None, lang)),
        ),
        Err(error) => failure(&error, lang),
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
