//! The one entry point that the Lambdas and the one-machine server call with a plain
//! `http::Request`: language negotiation, the route table, the body limit, and the dispatch to
//! each route's handler with only the store traits it uses.

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Request, StatusCode};
use prenota_core::catalogue::Lang;
use prenota_usecases::App;

use crate::answer::{self, Answer, respond};
use crate::api::{self, Handled};
use crate::limits::{Caller, ClientAddr, Kind, Limits};
use crate::problem::{Code, Problem};
use crate::request::{Body, Incoming, accept_language};
use crate::routes::{self, Endpoint, Match};
use crate::staff_auth::{VerifiedIdentity, same_origin, staff_identity};
use crate::{links, moving, waiting};

/// Requests larger than this are refused before they are read further.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A request without HTTP, for tools and tests that drive the application directly (benchmarks,
/// the Lambda tests): `body`, when given, is sent as JSON; no per-client limit applies.
pub async fn call(app: &App, method: &str, uri: &str, body: Option<&serde_json::Value>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    let bytes = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Bytes::from(json.to_string())
        }
        None => Bytes::new(),
    };
    match request.body(bytes) {
        Ok(request) => handle(app, &Limits::off(), request).await,
        // Not even a request (a path with spaces, a bad method): the caller's mistake.
        Err(_) => answer::problem(&Problem::new(Code::InvalidQuery), Lang::It),
    }
}

/// Every request of every route, from any front: API Gateway through `lambda_http`, or axum. The
/// front puts the client's address in the request's extensions ([`ClientAddr`]) for `limits`.
pub async fn handle(app: &App, limits: &Limits, request: Request<Bytes>) -> Answer {
    let (parts, body) = request.into_parts();
    let query: Vec<(String, String)> = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let lang = match query.iter().find(|(k, _)| k == "lang") {
        Some((_, value)) => match Lang::parse(value) {
            Some(lang) => lang,
            None => {
                let problem = Problem::new(Code::InvalidLang).field("lang");
                return answer::problem(&problem, accept_language(&parts.headers));
            }
        },
        None => accept_language(&parts.headers),
    };
    let path = parts.uri.path();
    let (route, params) = match routes::find(&parts.method, path) {
        Match::Found { route, params } => (route, params),
        Match::WrongMethod(allowed) => return wrong_method(&allowed, lang),
        // A link from a message with something added (a trailing slash from a mail or SMS
        // app, a cut): the citizen gets the page that explains, not JSON.
        Match::NotFound if is_link_page(path) => {
            return links::not_found(lang);
        }
        Match::NotFound => return answer::problem(&Problem::new(Code::NotFound), lang),
    };
    if body.len() > MAX_BODY_BYTES {
        return answer::problem(&Problem::new(Code::BodyTooLarge), lang);
    }
    let peer = parts
        .extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(address)| *address);
    let caller = Caller {
        limits,
        client: limits.client(&parts.headers, peer),
    };
    if let Err(problem) = limits.admit(caller.client, Kind::of(route.endpoint)) {
        // The pages behind the links answer a page, the API a problem.
        return if is_link_page(path) {
            links::refused(&problem, lang)
        } else {
            answer::problem(&problem, lang)
        };
    }
    let incoming = Incoming {
        method: &parts.method,
        params,
        query,
        headers: &parts.headers,
        body: &body,
        lang,
    };
    if route.endpoint.needs_staff() {
        let verified = parts.extensions.get::<VerifiedIdentity>();
        return staff_dispatch(app, route.endpoint, &incoming, verified)
            .await
            .unwrap_or_else(|problem| answer::problem(&problem, lang));
    }
    dispatch(app, route.endpoint, &incoming, &caller).await
}

/// The routes of signed-in staff: a state change must come from our own pages (`Origin`), then
/// the request must have a member of staff behind it; each use case checks the office and role.
async fn staff_dispatch(
    app: &App,
    endpoint: Endpoint,
    incoming: &Incoming<'_>,
    verified: Option<&VerifiedIdentity>,
) -> api::Handled {
    use api::counter;
    use prenota_core::counter::CounterEvent;
    let (context, store) = (&app.context, &*app.store);
    if *incoming.method != Method::GET {
        same_origin(context, incoming)?;
    }
    let identity = staff_identity(app, incoming, verified).await?;
    let identity = &identity;
    let body = || Body::parse(incoming);
    match endpoint {
        Endpoint::StaffMe => api::staff::me(context, identity),
        Endpoint::Agenda => counter::agenda(context, store, identity, incoming).await,
        Endpoint::AuditLog => counter::audit(context, store, identity, incoming).await,
        Endpoint::CheckIn => counter::check_in(context, store, identity, &body()?).await,
        Endpoint::CallNext => counter::call_next(context, store, identity, incoming, &body()?).await,
        Endpoint::Recall => {
            let body = optional_body(incoming)?;
            counter::step(
                context,
                store,
                identity,
                incoming,
                body.as_ref(),
                Some(CounterEvent::Recall),
            )
            .await
        }
        Endpoint::PutBack => {
            counter::step(
                context,
                store,
                identity,
                incoming,
                None,
                Some(CounterEvent::PutBack),
            )
            .await
        }
        Endpoint::Outcome => counter::step(context, store, identity, incoming, Some(&body()?), None).await,
        Endpoint::WalkIn => counter::walk_in(context, store, identity, incoming, &body()?).await,
        Endpoint::Closures => api::closures::list(context, store, identity).await,
        Endpoint::ClosurePreview => api::closures::preview(context, store, identity, &body()?).await,
        Endpoint::Close => api::closures::close(context, store, identity, &body()?).await,
        Endpoint::Reopen => api::closures::reopen(context, store, identity, incoming).await,
        Endpoint::Catalogue => api::catalogue::view(store, identity).await,
        Endpoint::CataloguePreview => api::catalogue::preview(context, store, identity, &body()?).await,
        Endpoint::CatalogueChange => api::catalogue::save(context, store, identity, &body()?).await,
        Endpoint::CatalogueChanges => api::catalogue::history(store, identity).await,
        Endpoint::CatalogueUndo => api::catalogue::undo(context, store, identity, incoming, &body()?).await,
        Endpoint::Statistics => api::statistics::office(context, store, identity, incoming).await,
        Endpoint::StatisticsCsv => api::statistics::office_csv(context, store, identity, incoming).await,
        _ => Err(Problem::new(Code::NotFound)),
    }
}

/// A JSON body that may be absent (an empty request body).
/// Whether `path` is under the pages behind the links in messages (`/c/`, `/p/`, `/w/`), which
/// answer pages rather than JSON problems.
fn is_link_page(path: &str) -> bool {
    ["/c/", "/p/", "/w/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

fn optional_body(incoming: &Incoming<'_>) -> Result<Option<Body>, Problem> {
    if incoming.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Body::parse(incoming).map(Some)
}

/// 405 with the methods the address takes.
fn wrong_method(allowed: &[Method], lang: Lang) -> Answer {
    let mut answer = answer::problem(&Problem::new(Code::MethodNotAllowed), lang);
    let list = allowed.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
    if let Ok(value) = HeaderValue::from_str(&list) {
        answer.headers_mut().insert(header::ALLOW, value);
    }
    answer
}

async fn dispatch(app: &App, endpoint: Endpoint, incoming: &Incoming<'_>, caller: &Caller<'_>) -> Answer {
    let (context, store) = (&app.context, &*app.store);
    let handled = match endpoint {
        Endpoint::Services => api::services(context, incoming),
        Endpoint::Offices => api::offices(context, store, incoming).await,
        Endpoint::Slots => api::slots(context, store, incoming).await,
        Endpoint::Challenge => api::challenge(context),
        Endpoint::Release => api::release(context, store, caller, incoming).await,
        Endpoint::Hold => {
            return with_json(incoming, async |body| {
                api::hold(context, store, caller, body).await
            })
            .await;
        }
        Endpoint::Details => {
            return with_json(incoming, async |body| {
                api::details(context, store, caller, incoming, body).await
            })
            .await;
        }
        Endpoint::MyBookings => {
            return with_json(incoming, async |body| {
                api::my_bookings(context, store, body).await
            })
            .await;
        }
        Endpoint::JoinWaitingList => {
            return with_json(incoming, async |body| {
                api::join_waiting_list(context, store, body).await
            })
            .await;
        }
        Endpoint::HoldView => api::view_hold(context, store, incoming).await,
        Endpoint::WaitingPage => return waiting::view(context, store, incoming).await,
        Endpoint::ConfirmWaiting => return waiting::confirm(context, store, incoming).await,
        Endpoint::LeaveWaiting => return waiting::leave(context, store, incoming).await,
        Endpoint::Feedback => {
            return with_json(incoming, async |body| api::feedback(context, store, body).await).await;
        }
        Endpoint::ConfirmPage => return links::confirm_page(context, store, incoming).await,
        Endpoint::Confirm => return links::confirm(context, store, incoming).await,
        Endpoint::BookingPage => return links::booking_page(context, store, incoming).await,
        Endpoint::Calendar => return links::calendar(context, store, incoming).await,
        Endpoint::Cancel => return links::cancel(context, store, incoming).await,
        Endpoint::CancelRedirect => return links::back_to_page(incoming),
        Endpoint::Reconfirm => return links::reconfirm(context, store, incoming).await,
        Endpoint::MovePage => return moving::page(context, store, incoming).await,
        Endpoint::Move => return moving::submit(context, store, incoming).await,
        Endpoint::MoveBooking => {
            return with_json(incoming, async |body| {
                api::move_booking(context, store, incoming, body).await
            })
            .await;
        }
        Endpoint::OpenApi => Ok(respond(StatusCode::OK, "application/json", crate::OPENAPI)),
        Endpoint::StaffConfig => api::staff::config(context),
        Endpoint::CheckinKey => api::counter::checkin_key(context),
        Endpoint::Display => api::counter::display(context, store, incoming).await,
        Endpoint::OpenDataCsv => api::statistics::open_csv(context, store, incoming).await,
        Endpoint::OpenDataJson => api::statistics::open_json(context, store, incoming).await,
        Endpoint::OpenDataCatalog => api::statistics::dcat(context),
        Endpoint::SignIn => {
            return with_json(incoming, async |body| {
                api::staff::sign_in(app, incoming, body).await
            })
            .await;
        }
        Endpoint::SignOut => api::staff::sign_out(app, incoming).await,
        Endpoint::SetPassword => {
            return with_json(incoming, async |body| {
                api::staff::set_password(app, incoming, body).await
            })
            .await;
        }
        // Streamed by the one-machine server itself, which answers this path before `handle`;
        // any other front has no stream to give.
        Endpoint::DisplayEvents => Err(Problem::new(Code::NotFound)),
        Endpoint::StaffMe
        | Endpoint::Agenda
        | Endpoint::AuditLog
        | Endpoint::CheckIn
        | Endpoint::CallNext
        | Endpoint::Recall
        | Endpoint::PutBack
        | Endpoint::Outcome
        | Endpoint::WalkIn
        | Endpoint::Closures
        | Endpoint::ClosurePreview
        | Endpoint::Close
        | Endpoint::Reopen
        | Endpoint::Catalogue
        | Endpoint::CataloguePreview
        | Endpoint::CatalogueChange
        | Endpoint::CatalogueChanges
        | Endpoint::CatalogueUndo
        | Endpoint::Statistics
        | Endpoint::StatisticsCsv => Err(Problem::new(Code::NotFound)),
    };
    handled.unwrap_or_else(|problem| answer::problem(&problem, incoming.lang))
}

/// A handler of a JSON body: the body's problems are in the request's language, the handler's in
/// the body's (its `lang` field, when it has one).
async fn with_json(incoming: &Incoming<'_>, handler: impl AsyncFnOnce(&Body) -> Handled) -> Answer {
    match Body::parse(incoming) {
        Err(problem) => answer::problem(&problem, incoming.lang),
        Ok(body) => handler(&body)
            .await
            .unwrap_or_else(|problem| answer::problem(&problem, body.lang)),
    }
}
