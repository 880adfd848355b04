//! Prenota's use cases: what happens when a citizen browses the offices, holds a slot, sends
//! their details, confirms, opens or cancels a booking, asks for "Le mie prenotazioni", is
//! reminded, or rates the service. Each is a plain async function over the narrow store traits it
//! needs (`&dyn SeatStore`, `&dyn BookingStore`…) and the [`Context`] (catalogue, clock, settings,
//! secrets), taking parsed domain types and answering typed outcomes and errors.
//!
//! This crate owns what a message says and when it is queued ([`outbox`]); it knows nothing of
//! HTTP, HTML, problem codes or Lambda. Its callers are the HTTP adapter (`prenota-web`), which
//! parses, calls and renders, and the sender (`prenota-delivery`), which answers "my bookings"
//! requests and fires reminders through it. The office's side has modules of its own: `staff`
//! (accounts, passwords, sessions on one machine) and `counter` (agenda, check-in, calls,
//! outcomes, the waiting-room display, the audit log).

pub mod booking_page;
pub mod browse;
pub mod cancel;
pub mod catalogue_edits;
pub mod challenge;
pub mod closures;
pub mod confirm;
pub mod context;
pub mod counter;
pub mod details;
pub mod error;
pub mod facts;
pub mod feedback;
pub mod hold;
pub mod household;
pub mod links;
pub mod moving;
pub mod my_bookings;
pub mod outbox;
pub mod pressure;
pub mod reconfirm;
pub mod reminders;
pub mod settings;
pub mod staff;
pub mod statistics;
#[cfg(feature = "testing")]
pub mod testing;
pub mod waiting;
pub mod walk_in;

pub use context::{App, Context, CurrentCatalogue};
pub use error::{Failure, LinkError, StepError};
pub use settings::{Secrets, Settings, StaffSignIn};
