//! How many bookings one contact may hold at once. Stores enforce it atomically.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuotaPolicy {
    /// Pending or confirmed bookings of one contact whose appointment has not ended.
    pub max_active: u32,
    /// Of those, for one service on one day.
    pub max_per_service_day: u32,
}

impl Default for QuotaPolicy {
    fn default() -> Self {
        Self {
            max_active: 3,
            max_per_service_day: 1,
        }
    }
}

/// Which limit a booking would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum QuotaExceeded {
    #[error("this contact already has the most active bookings allowed")]
    Active,
    #[error("this contact already has a booking for this service on this day")]
    ServiceDay,
}
