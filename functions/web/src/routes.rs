//! The route table: every path the API Gateway, the Lambdas and the one-machine server know, in one
//! place. Each route names the Lambda that serves it (its folder under `functions/`).

use http::Method;
use serde::Serialize;

/// What a route does; `app::handle` dispatches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Endpoint {
    Services,
    Offices,
    Slots,
    Hold,
    /// A proof-of-work challenge, for the holds asked under pressure.
    Challenge,
    Release,
    Details,
    ConfirmPage,
    Confirm,
    BookingPage,
    Calendar,
    Cancel,
    /// A GET on the cancel address (a language switch after cancelling, a reload): back to the page.
    CancelRedirect,
    /// "Sposta appuntamento": the free days and times (a page), moving (the page's form), and the
    /// same move as JSON.
    MovePage,
    Move,
    MoveBooking,
    /// "Confermo che verrò": the answer to "Confermi che verrai?".
    Reconfirm,
    MyBookings,
    JoinWaitingList,
    WaitingPage,
    ConfirmWaiting,
    LeaveWaiting,
    HoldView,
    Feedback,
    OpenApi,
    /// How staff sign in here (password or Cognito).
    StaffConfig,
    SignIn,
    SignOut,
    /// Choosing a password through the one-time link.
    SetPassword,
    StaffMe,
    Agenda,
    AuditLog,
    /// The public key that verifies the QR codes.
    CheckinKey,
    CheckIn,
    CallNext,
    Recall,
    PutBack,
    Outcome,
    /// A booking made by staff: a walk-in or a phone booking.
    WalkIn,
    /// "Chiusure": the closures saved by staff, what one would displace, saving one, undoing one.
    Closures,
    ClosurePreview,
    Close,
    Reopen,
    /// "Uffici e orari": the catalogue a manager edits, what a change would displace, saving one,
    /// the history, undoing one.
    Catalogue,
    CataloguePreview,
    CatalogueChange,
    CatalogueChanges,
    CatalogueUndo,
    /// "Statistiche" of an office, as JSON and as CSV.
    Statistics,
    StatisticsCsv,
    /// The open data: a month of appointments' figures (CSV, JSON) and their DCAT-AP_IT record.
    OpenDataCsv,
    OpenDataJson,
    OpenDataCatalog,
    Display,
    /// The display's server-sent events: streamed by the one-machine server itself.
    DisplayEvents,
}

impl Endpoint {
    /// Whether the route needs a signed-in member of staff.
    pub fn needs_staff(self) -> bool {
        use Endpoint::*;
        matches!(
            self,
            StaffMe
                | Agenda
                | AuditLog
                | CheckIn
                | CallNext
                | Recall
                | PutBack
                | Outcome
                | WalkIn
                | Closures
                | ClosurePreview
                | Close
                | Reopen
                | Catalogue
                | CataloguePreview
                | CatalogueChange
                | CatalogueChanges
                | CatalogueUndo
                | Statistics
                | StatisticsCsv
        )
    }
}

/// The `function` of the routes that only the one-machine server serves: staff accounts live in
/// its store (on AWS, Cognito signs staff in), and it streams the display's events (on AWS the
/// display polls its CDN-cached answer). No Lambda and no API Gateway route exist for them.
pub const ONE_MACHINE_ONLY: &str = "server";

#[derive(Debug, Clone, Serialize)]
pub struct Route {
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// `{name}` marks a path parameter, as in API Gateway and OpenAPI.
    pub path: &'static str,
    pub endpoint: Endpoint,
    /// The Lambda (and folder under `functions/`) that serves the route.
    pub function: &'static str,
}

fn method_name<S: serde::Serializer>(method: &Method, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(method.as_str())
}

pub const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/services",
        endpoint: Endpoint::Services,
        function: "services",
    },
    Route {
        method: Method::GET,
        path: "/api/services/{service_id}/offices",
        endpoint: Endpoint::Offices,
        function: "offices",
    },
    Route {
        method: Method::GET,
        path: "/api/services/{service_id}/offices/{office_id}/slots",
        endpoint: Endpoint::Slots,
        function: "slots",
    },
    Route {
        method: Method::POST,
        path: "/api/holds",
        endpoint: Endpoint::Hold,
        function: "hold",
    },
    Route {
        method: Method::GET,
        path: "/api/challenge",
        endpoint: Endpoint::Challenge,
        function: "hold",
    },
    Route {
        method: Method::GET,
        path: "/api/holds/{hold_id}",
        endpoint: Endpoint::HoldView,
        function: "hold",
    },
    Route {
        method: Method::DELETE,
        path: "/api/holds/{hold_id}",
        endpoint: Endpoint::Release,
        function: "hold",
    },
    Route {
        method: Method::POST,
        path: "/api/holds/{hold_id}/booking",
        endpoint: Endpoint::Details,
        function: "details",
    },
    Route {
        method: Method::GET,
        path: "/c/{code}",
        endpoint: Endpoint::ConfirmPage,
        function: "confirm",
    },
    Route {
        method: Method::POST,
        path: "/c/{code}",
        endpoint: Endpoint::Confirm,
        function: "confirm",
    },
    Route {
        method: Method::GET,
        path: "/p/{code}",
        endpoint: Endpoint::BookingPage,
        function: "booking",
    },
    Route {
        method: Method::GET,
        path: "/p/{code}/calendar.ics",
        endpoint: Endpoint::Calendar,
        function: "booking",
    },
    Route {
        method: Method::POST,
        path: "/p/{code}/cancel",
        endpoint: Endpoint::Cancel,
        function: "booking",
    },
    Route {
        method: Method::GET,
        path: "/p/{code}/cancel",
        endpoint: Endpoint::CancelRedirect,
        function: "booking",
    },
    Route {
        method: Method::POST,
        path: "/p/{code}/reconfirm",
        endpoint: Endpoint::Reconfirm,
        function: "booking",
    },
    Route {
        method: Method::GET,
        path: "/p/{code}/move",
        endpoint: Endpoint::MovePage,
        function: "booking",
    },
    Route {
        method: Method::POST,
        path: "/p/{code}/move",
        endpoint: Endpoint::Move,
        function: "booking",
    },
    Route {
        method: Method::POST,
        path: "/api/bookings/{code}/move",
        endpoint: Endpoint::MoveBooking,
        function: "booking",
    },
    Route {
        method: Method::POST,
        path: "/api/my-bookings",
        endpoint: Endpoint::MyBookings,
        function: "my-bookings",
    },
    Route {
        method: Method::POST,
        path: "/api/waiting-list",
        endpoint: Endpoint::JoinWaitingList,
        function: "my-bookings",
    },
    Route {
        method: Method::GET,
        path: "/w/{code}",
        endpoint: Endpoint::WaitingPage,
        function: "confirm",
    },
    Route {
        method: Method::POST,
        path: "/w/{code}",
        endpoint: Endpoint::ConfirmWaiting,
        function: "confirm",
    },
    Route {
        method: Method::POST,
        path: "/w/{code}/leave",
        endpoint: Endpoint::LeaveWaiting,
        function: "confirm",
    },
    Route {
        method: Method::POST,
        path: "/api/feedback",
        endpoint: Endpoint::Feedback,
        function: "feedback",
    },
    Route {
        method: Method::GET,
        path: "/api/openapi.json",
        endpoint: Endpoint::OpenApi,
        function: "services",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/config",
        endpoint: Endpoint::StaffConfig,
        function: "staff-agenda",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/session",
        endpoint: Endpoint::SignIn,
        function: ONE_MACHINE_ONLY,
    },
    Route {
        method: Method::DELETE,
        path: "/api/staff/session",
        endpoint: Endpoint::SignOut,
        function: ONE_MACHINE_ONLY,
    },
    Route {
        method: Method::POST,
        path: "/api/staff/password",
        endpoint: Endpoint::SetPassword,
        function: ONE_MACHINE_ONLY,
    },
    Route {
        method: Method::GET,
        path: "/api/staff/me",
        endpoint: Endpoint::StaffMe,
        function: "staff-agenda",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/offices/{office_id}/agenda",
        endpoint: Endpoint::Agenda,
        function: "staff-agenda",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/offices/{office_id}/audit",
        endpoint: Endpoint::AuditLog,
        function: "staff-agenda",
    },
    Route {
        method: Method::GET,
        path: "/api/checkin-key",
        endpoint: Endpoint::CheckinKey,
        function: "staff-agenda",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/check-ins",
        endpoint: Endpoint::CheckIn,
        function: "staff-counter",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/offices/{office_id}/calls",
        endpoint: Endpoint::CallNext,
        function: "staff-counter",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/bookings/{short_code}/recall",
        endpoint: Endpoint::Recall,
        function: "staff-counter",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/bookings/{short_code}/put-back",
        endpoint: Endpoint::PutBack,
        function: "staff-counter",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/bookings/{short_code}/outcome",
        endpoint: Endpoint::Outcome,
        function: "staff-counter",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/offices/{office_id}/walk-ins",
        endpoint: Endpoint::WalkIn,
        function: "staff-counter",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/closures",
        endpoint: Endpoint::Closures,
        function: "staff-office",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/closures/preview",
        endpoint: Endpoint::ClosurePreview,
        function: "staff-office",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/closures",
        endpoint: Endpoint::Close,
        function: "staff-office",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/closures/{closure_id}/reopen",
        endpoint: Endpoint::Reopen,
        function: "staff-office",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/catalogue",
        endpoint: Endpoint::Catalogue,
        function: "staff-office",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/catalogue/preview",
        endpoint: Endpoint::CataloguePreview,
        function: "staff-office",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/catalogue/changes",
        endpoint: Endpoint::CatalogueChange,
        function: "staff-office",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/catalogue/changes",
        endpoint: Endpoint::CatalogueChanges,
        function: "staff-office",
    },
    Route {
        method: Method::POST,
        path: "/api/staff/catalogue/changes/{change_id}/undo",
        endpoint: Endpoint::CatalogueUndo,
        function: "staff-office",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/offices/{office_id}/statistics",
        endpoint: Endpoint::Statistics,
        function: "staff-agenda",
    },
    Route {
        method: Method::GET,
        path: "/api/staff/offices/{office_id}/statistics.csv",
        endpoint: Endpoint::StatisticsCsv,
        function: "staff-agenda",
    },
    Route {
        method: Method::GET,
        path: "/api/open-data/appointments.csv",
        endpoint: Endpoint::OpenDataCsv,
        function: "open-data",
    },
    Route {
        method: Method::GET,
        path: "/api/open-data/appointments.json",
        endpoint: Endpoint::OpenDataJson,
        function: "open-data",
    },
    Route {
        method: Method::GET,
        path: "/api/open-data/dcat.jsonld",
        endpoint: Endpoint::OpenDataCatalog,
        function: "open-data",
    },
    Route {
        method: Method::GET,
        path: "/api/offices/{office_id}/display",
        endpoint: Endpoint::Display,
        function: "display",
    },
    Route {
        method: Method::GET,
        path: "/api/offices/{office_id}/display/events",
        endpoint: Endpoint::DisplayEvents,
        function: ONE_MACHINE_ONLY,
    },
];

/// A path matched against the table.
#[derive(Debug)]
pub enum Match<'a> {
    Found {
        route: &'static Route,
        params: Vec<(&'static str, &'a str)>,
    },
    /// The path exists, not with this method: the methods it has.
    WrongMethod(Vec<Method>),
    NotFound,
}

fn match_path<'a>(template: &'static str, path: &'a str) -> Option<Vec<(&'static str, &'a str)>> {
    let mut params = Vec::new();
    let mut template_parts = template.split('/');
    let mut path_parts = path.split('/');
    loop {
        match (template_parts.next(), path_parts.next()) {
            (None, None) => return Some(params),
            (Some(expected), Some(actual)) => {
                if let Some(name) = expected.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
                    if actual.is_empty() {
                        return None;
                    }
                    params.push((name, actual));
                } else if expected != actual {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

pub fn find<'a>(method: &Method, path: &'a str) -> Match<'a> {
    let mut allowed = Vec::new();
    for route in ROUTES {
        if let Some(params) = match_path(route.path, path) {
            if route.method == *method {
                return Match::Found { route, params };
            }
            allowed.push(route.method.clone());
        }
    }
    if allowed.is_empty() {
        Match::NotFound
    } else {
        Match::WrongMethod(allowed)
    }
}

/// The routes a Lambda serves.
pub fn of_function(function: &str) -> impl Iterator<Item = &'static Route> + '_ {
    ROUTES.iter().filter(move |route| route.function == function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_their_routes_only() {
        let Match::Found { route, params } = find(&Method::GET, "/api/services/cie/offices/ufficio-1/slots")
        else {
            panic!("no match")
        };
        assert_eq!(route.endpoint, Endpoint::Slots);
        assert_eq!(params, [("service_id", "cie"), ("office_id", "ufficio-1")]);
        assert!(matches!(
            find(&Method::GET, "/api/services/cie/offices/"),
            Match::NotFound
        ));
        assert!(matches!(find(&Method::GET, "/api/holds"), Match::WrongMethod(m) if m == [Method::POST]));
        assert!(matches!(find(&Method::PUT, "/c/abc"), Match::WrongMethod(m) if m.len() == 2));
        assert!(matches!(find(&Method::DELETE, "/p/abc/cancel"), Match::WrongMethod(m) if m.len() == 2));
        assert!(matches!(
            find(&Method::GET, "/p/abc/calendar.ics"),
            Match::Found { .. }
        ));
    }

    #[test]
    fn every_route_has_a_function_and_no_two_routes_collide() {
        for (i, a) in ROUTES.iter().enumerate() {
            assert!(!a.function.is_empty());
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {}",
                    a.method,
                    a.path
                );
            }
        }
    }
}

#[cfg(test)]
mod openapi {
    use std::collections::BTreeSet;

    use super::ROUTES;

    #[test]
    fn the_openapi_document_describes_exactly_the_route_table() {
        let document: serde_json::Value = serde_json::from_str(crate::OPENAPI).expect("openapi.json is JSON");
        assert_eq!(document["openapi"], "3.1.0");
        let mut described = BTreeSet::new();
        for (path, operations) in document["paths"].as_object().expect("paths") {
            for method in operations.as_object().expect("operations").keys() {
                described.insert((method.to_uppercase(), path.clone()));
            }
        }
        let routed: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|route| (route.method.to_string(), route.path.to_owned()))
            .collect();
        assert_eq!(described, routed);
    }
}
