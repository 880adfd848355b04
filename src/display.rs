//! The waiting-room display's server-sent events (`GET /api/offices/{office_id}/display/events`),
//! on one machine: the display's answer at once, then again whenever it changes (looked at twice
//! a second: a cheap read of the local file), and a comment every 15 s so that proxies keep the
//! stream open. On AWS the page polls the CDN-cached `GET /api/offices/{office_id}/display`.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use prenota_core::OfficeId;
use prenota_usecases::counter;
use prenota_web::api::counter::display_json;
use prenota_web::problem::{Code, Problem};

use crate::Server;

const LOOK_EVERY: Duration = Duration::from_millis(500);

pub(crate) async fn events(State(server): State<Server>, Path(office): Path<String>) -> Response {
    let app = server.app;
    let Ok(office) = OfficeId::parse(&office).map_err(|_| ()).and_then(|id| {
        if app.context.catalogue().office(&id).is_some() {
            Ok(id)
        } else {
            Err(())
        }
    }) else {
        let answer = prenota_web::answer::problem(
            &Problem::new(Code::UnknownOffice),
            prenota_core::catalogue::Lang::It,
        );
        return answer.map(axum::body::Body::from).into_response();
    };
    let stream = futures::stream::unfold(None::<String>, move |last| {
        let (app, office) = (app.clone(), office.clone());
        async move {
            loop {
                if last.is_some() {
                    tokio::time::sleep(LOOK_EVERY).await;
                }
                let board = match counter::display(&app.context, &*app.store, &office).await {
                    Ok(board) => board,
                    Err(error) => {
                        tracing::warn!(%error, "the display could not be read");
                        tokio::time::sleep(LOOK_EVERY).await;
                        continue;
                    }
                };
                let json = display_json(&office, &board).to_string();
                if last.as_deref() != Some(json.as_str()) {
                    let event = Event::default().event("display").data(json.clone());
                    return Some((Ok::<_, Infallible>(event), Some(json)));
                }
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
