//! Prenota's domain: everything that decides which slots exist and who gets them.
//!
//! No I/O and no async here (the one exception is the OS random source behind [`token`]):
//! stores, senders and handlers call into this crate, never the other way round.

pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod checkin;
pub mod clock;
pub mod closure;
pub mod contact;
pub mod counter;
pub mod dates;
pub mod feedback;
pub mod geo;
pub mod household;
pub mod ids;
pub mod lifecycle;
pub mod quota;
pub mod reminder;
pub mod search;
pub mod slot;
pub mod slots;
pub mod staff;
pub mod statistics;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod texts;
pub mod token;
pub mod waiting;

pub use calendar::Calendar;
pub use catalogue::{Catalogue, Offering, OfferingKey};
pub use clock::{Clock, ManualClock, ShiftedClock, SystemClock};
pub use contact::{Contact, ContactKey};
pub use ids::{BookingId, OfficeId, ServiceId};
pub use lifecycle::{BookingState, StoredState};
pub use quota::QuotaPolicy;
pub use slots::Slot;
pub use token::{ShortCode, Token, TokenHash};
