//! The texts Prenota sends, in Italian and English: an e-mail (plain text and simple inline-styled
//! HTML, see [`crate::doc`]) or an SMS (GSM-7, one segment), depending on the citizen's contact.
//!
//! Every word of every message is in one table (`texts.rs`); each message has its module, and
//! `parts.rs` holds what they share: the opening and summary of an e-mail, the skeleton of an SMS.

mod cancellation;
mod confirmation;
mod confirmed;
mod household;
mod list;
mod parts;
mod quota;
mod reconfirm;
mod reminder;
mod texts;
mod waiting;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod tests;

/// Where the crates that escape HTML with it have always found it; it lives in [`crate::doc`].
pub use crate::doc::escape_html;
pub use cancellation::cancellation_notice;
pub use confirmation::confirmation_request;
pub use confirmed::{booking_confirmed, booking_moved};
pub use household::{ConfirmedMember, household_confirmed};
pub use list::{bookings_list, bookings_list_in, bookings_list_sms_all};
pub use quota::quota_notice;
pub use reconfirm::{displaced_notice, reconfirm_request, released_notice};
pub use reminder::reminder;
pub use waiting::{WaitingFacts, waiting_confirm, waiting_offer};
