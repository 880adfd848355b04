//! The page behind the link of a place on the waiting list, without JavaScript: `GET /w/{code}`
//! shows it (a GET changes nothing), `POST /w/{code}` confirms it, `POST /w/{code}/leave` takes it
//! off the list.

use http::StatusCode;
use prenota_core::Token;
use prenota_core::catalogue::Lang;
use prenota_store::{PlaceOutcome, WaitingList, WaitingPlace};
use prenota_usecases::Context;
use prenota_usecases::waiting::{self, PlaceError};

use crate::answer::{Answer, html};
use crate::links::{code, failure, not_found, page_lang};
use crate::pages::{self, WaitingNotice};
use crate::request::Incoming;

fn page(
    context: &Context,
    place: &WaitingPlace,
    code: &Token,
    lang: Lang,
    notice: Option<WaitingNotice>,
    status: StatusCode,
) -> Answer {
    let facts = waiting::waiting_facts(context, &place.waiting, lang);
    html(
        status,
        pages::waiting_page(
            lang,
            &facts,
            &code.encode(),
            place.state,
            place.confirm_by,
            notice,
        ),
    )
}

/// `GET /w/{code}`.
pub async fn view(context: &Context, store: &dyn WaitingList, incoming: &Incoming<'_>) -> Answer {
    let lang = incoming.lang;
    let Some(code) = code(incoming) else {
        return not_found(lang);
    };
    match waiting::view(context, store, &code).await {
        Ok(place) => page(context, &place, &code, lang, None, StatusCode::OK),
        Err(error) => failure(error, lang),
    }
}

/// `POST /w/{code}`: «Conferma l'iscrizione».
pub async fn confirm(context: &Context, store: &dyn WaitingList, incoming: &Incoming<'_>) -> Answer {
    let lang = page_lang(incoming, &incoming.form());
    let Some(code) = code(incoming) else {
        return not_found(lang);
    };
    match waiting::confirm(context, store, &code).await {
        Ok(PlaceOutcome { place, changed }) => {
            let notice = changed.then_some(WaitingNotice::Confirmed);
            page(context, &place, &code, lang, notice, StatusCode::OK)
        }
        Err(PlaceError::TooMany(cap)) => match waiting::view(context, store, &code).await {
            Ok(place) => page(
                context,
                &place,
                &code,
                lang,
                Some(WaitingNotice::TooMany(cap)),
                StatusCode::CONFLICT,
            ),
            Err(error) => failure(error, lang),
        },
        Err(PlaceError::Link(error)) => failure(error, lang),
    }
}

/// `POST /w/{code}/leave`: «Esci dalla lista d'attesa».
pub async fn leave(context: &Context, store: &dyn WaitingList, incoming: &Incoming<'_>) -> Answer {
    let lang = page_lang(incoming, &incoming.form());
    let Some(code) = code(incoming) else {
        return not_found(lang);
    };
    match waiting::leave(context, store, &code).await {
        Ok(PlaceOutcome { place, changed }) => {
            let notice = changed.then_some(WaitingNotice::Left);
            page(context, &place, &code, lang, notice, StatusCode::OK)
        }
        Err(error) => failure(error, lang),
    }
}
