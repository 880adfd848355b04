//! Everything a message or page says about one booking, already looked up in the catalogue.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use prenota_core::catalogue::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct BookingFacts {
    /// The language the citizen booked in.
    pub lang: Lang,
    /// "Comune di Bergamo".
    pub city: String,
    /// Internal booking id (hex); used as the calendar event's UID, never shown.
    pub booking_id: String,
    /// The 8-character code read aloud at the counter, e.g. `K7MX4QPR` (display it as `K7MX-4QPR`).
    pub short_code: String,
    /// "Maria Rossi"; `None` once personal data has been erased.
    pub person_name: Option<String>,
    pub service_name: String,
    pub office_name: String,
    pub office_address: String,
    pub office_lat: f64,
    pub office_lon: f64,
    /// Europe/Rome wall-clock date and times of the appointment.
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// The same appointment as instants.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The service's booking terms, access rules and what to bring, in `lang`.
    pub terms: String,
    pub access_rules: String,
    pub what_to_bring: Vec<String>,
    /// While the booking waits for the citizen's confirmation: until when it may be confirmed.
    pub confirm_by: Option<DateTime<Utc>>,
    /// Everyone a household booking is for, in order, this booking's person among them; empty for
    /// a booking of one person.
    pub household: Vec<HouseholdMember>,
}

/// One person of a household booking, as messages and pages list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdMember {
    /// "Luca Rossi"; `None` once personal data has been erased.
    pub name: Option<String>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// The path of their booking page, where a page lists the household; `None` in messages.
    pub page_url: Option<String>,
}
