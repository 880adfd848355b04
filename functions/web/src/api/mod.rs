//! The JSON API of the wizard: each handler parses its request into domain types, calls one use
//! case and renders its answer. Errors are [`Problem`]s, converted from the use cases' errors with
//! `?`, and written in the answer's language by the dispatcher.

mod bookings;
mod browse;
pub mod catalogue;
mod citizen;
pub mod closures;
pub mod counter;
mod holds;
pub mod staff;
pub mod statistics;
mod waiting;

pub use bookings::move_booking;
pub use browse::{offices, services, slots};
pub use citizen::{feedback, my_bookings};
pub use holds::{challenge, details, hold, release};
pub use waiting::{join as join_waiting_list, view_hold};

use crate::answer::Answer;
use crate::problem::Problem;

/// What a handler answers: the answer, or the problem to answer with.
pub type Handled = Result<Answer, Problem>;

/// An instant as the API writes it: RFC 3339, UTC, whole seconds.
/// The path parameter `name` as the id of something staff saved (32 hex digits, random): any
/// other text is `unknown`, as an id that names nothing.
fn saved_id<'a>(
    incoming: &'a crate::request::Incoming<'_>,
    name: &str,
    unknown: crate::problem::Code,
) -> Result<&'a str, Problem> {
    let id = incoming.param(name);
    if id.len() == 32 && id.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(Problem::new(unknown))
    }
}

fn instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
