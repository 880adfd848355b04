//! How many bookings one person and one contact may hold at once. Stores enforce it atomically.
//!
//! A person is a name under a contact ([`PersonKey`](crate::household::PersonKey)): a parent who
//! books for two children with one mobile number books two people. The limits:
//! - each person at most [`QuotaPolicy::max_active`] active bookings, and
//!   [`QuotaPolicy::max_per_service_day`] of one service on one day;
//! - one contact at most [`QuotaPolicy::max_active_per_contact`] active bookings, whoever they are
//!   for: the active limit grows with the household, up to this cap;
//! - one household booking at most [`QuotaPolicy::max_people`] people.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuotaPolicy {
    /// Pending or confirmed bookings of one person whose appointment has not ended.
    pub max_active: u32,
    /// Of those, for one service on one day.
    pub max_per_service_day: u32,
    /// Pending or confirmed bookings of one contact, whoever they are for.
    pub max_active_per_contact: u32,
    /// People in one household booking ("Aggiungi un'altra persona").
    pub max_people: u32,
}

/// The default of [`QuotaPolicy::max_people`] (`PRENOTA_HOUSEHOLD_MAX`).
pub const MAX_PEOPLE: u32 = 4;

impl Default for QuotaPolicy {
    fn default() -> Self {
        Self {
            max_active: 3,
            max_per_service_day: 1,
            // Twice a household of four: each may book a second service.
            max_active_per_contact: 2 * MAX_PEOPLE,
            max_people: MAX_PEOPLE,
        }
    }
}

/// Which limit a booking would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum QuotaExceeded {
    #[error("this person already has the most active bookings allowed")]
    Active,
    #[error("this person already has a booking for this service on this day")]
    ServiceDay,
    #[error("this contact already has the most active bookings allowed for anyone")]
    ContactActive,
}
