//! What the use cases run with: the [`Context`] every one of them may read, and the [`App`] that
//! pairs it with a deployment's store.

use std::sync::{Arc, RwLock};

use chrono::{NaiveDate, NaiveTime};
use prenota_core::closure::StaffClosure;
use prenota_core::{Catalogue, Clock, OfficeId};
use prenota_store::{StaffAccounts, Store};

use crate::pressure::Pressure;
use crate::settings::{Secrets, Settings};

/// What every use case may read besides the store: the catalogue, the time, the settings and the
/// installation's keys.
pub struct Context {
    pub catalogue: CurrentCatalogue,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub secrets: Secrets,
    /// Holds of the last minute: past a threshold, a hold needs a proof of work.
    pub pressure: Pressure,
}

/// The catalogue in use: the one imported (the file), with the closures staff saved since. A
/// closure saved or reopened here replaces it at once; elsewhere (other Lambdas) it is read again
/// with the configuration, and meanwhile the closure's seats are taken anyway.
pub struct CurrentCatalogue(RwLock<Catalogues>);

struct Catalogues {
    imported: Arc<Catalogue>,
    with_closures: Arc<Catalogue>,
    closures: Vec<StaffClosure>,
}

impl CurrentCatalogue {
    /// `imported` with `closures` (the closures staff saved and did not reopen).
    pub fn new(imported: Catalogue, closures: Vec<StaffClosure>) -> Self {
        let with_closures = Arc::new(imported.with_closures(closures.iter().map(|staff| &staff.closure)));
        Self(RwLock::new(Catalogues {
            imported: Arc::new(imported),
            with_closures,
            closures,
        }))
    }

    /// The catalogue with the closures.
    pub fn get(&self) -> Arc<Catalogue> {
        Arc::clone(
            &self
                .0
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .with_closures,
        )
    }

    /// The catalogue as imported, without staff's closures: the slots a closure covers.
    pub fn imported(&self) -> Arc<Catalogue> {
        Arc::clone(
            &self
                .0
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .imported,
        )
    }

    /// A catalogue staff changed in place of the imported one, with the same closures.
    pub fn set_imported(&self, imported: Catalogue) {
        let mut current = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        current.with_closures =
            Arc::new(imported.with_closures(current.closures.iter().map(|staff| &staff.closure)));
        current.imported = Arc::new(imported);
    }

    /// Staff's closures changed: these are the ones in force now.
    pub fn set_closures(&self, closures: Vec<StaffClosure>) {
        let mut current = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        current.with_closures = Arc::new(
            current
                .imported
                .with_closures(closures.iter().map(|staff| &staff.closure)),
        );
        current.closures = closures;
    }

    /// The staff closure in force over `office` on `date` from `start` to `end`, if any: why a
    /// displaced booking was displaced.
    pub fn closure_over(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
    ) -> Option<StaffClosure> {
        let current = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        current
            .closures
            .iter()
            .find(|staff| staff.closure.covers(office, date, start, end))
            .cloned()
    }
}

impl std::fmt::Debug for CurrentCatalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let current = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        f.debug_struct("CurrentCatalogue")
            .field("city", &current.imported.city_name)
            .field("closures", &current.closures.len())
            .finish()
    }
}

impl From<Catalogue> for CurrentCatalogue {
    fn from(catalogue: Catalogue) -> Self {
        Self::new(catalogue, Vec::new())
    }
}

impl Context {
    /// The catalogue with staff's closures (see [`CurrentCatalogue`]).
    pub fn catalogue(&self) -> Arc<Catalogue> {
        self.catalogue.get()
    }
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
