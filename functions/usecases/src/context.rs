//! What the use cases run with: the [`Context`] every one of them may read, and the [`App`] that
//! pairs it with a deployment's store.

use std::sync::Arc;

use prenota_core::{Catalogue, Clock};
use prenota_store::{StaffAccounts, Store};

use crate::pressure::Pressure;
use crate::settings::{Secrets, Settings};

/// What every use case may read besides the store: the catalogue, the time, the settings and the
/// installation's keys.
pub struct Context {
    pub catalogue: Arc<Catalogue>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub secrets: Secrets,
    /// Holds of the last minute: past a threshold, a hold needs a proof of work.
    pub pressure: Pressure,
}

/// A deployment's application: the context and the store its use cases run on. The HTTP adapter,
/// the sender and the reminder Lambda are each given one; each use case is handed only the store
/// traits it needs.
pub struct App {
    pub context: Context,
    pub store: Arc<dyn Store>,
    /// Staff accounts and sessions, where this deployment keeps them (one machine); `None` where
    /// an identity provider does (Cognito on AWS).
    pub accounts: Option<Arc<dyn StaffAccounts>>,
}
