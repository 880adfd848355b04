//! The catalogue as staff edit it in the browser: one stored catalogue with a version, raised by
//! every import and every change, and the history of changes — who made each, when, what it
//! changed and the change that undoes it. A change is saved only over the version its author
//! read (two managers editing at once: the second is told to read again), and it is saved in the
//! same [`ClosureStore::close`](crate::ClosureStore::close) as the seats it takes from booked
//! citizens (see [`Saving`](crate::Saving)).

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Localized;
use prenota_core::{BookingId, Catalogue, OfficeId, TokenHash};

/// The stored catalogue and its version.
#[derive(Debug, Clone)]
pub struct StoredCatalogue {
    pub catalogue: Catalogue,
    /// 1 after the first import, one more after each import or change.
    pub version: u64,
    /// [`imported_hash`] of the catalogue last imported from a file: one machine imports its file
    /// again only when the file changed, so a restart keeps what staff edited.
    pub imported: Option<String>,
}

/// What identifies the catalogue of a file: the hex SHA-256 of its checked form.
pub fn imported_hash(catalogue: &Catalogue) -> String {
    TokenHash::of(catalogue.to_json().as_bytes()).to_hex()
}

/// One change staff made to the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueChange {
    /// 32 hex digits, random: the free seats its removed slots keep closed are derived from it.
    pub id: String,
    /// The catalogue's version this change made.
    pub version: u64,
    pub at: DateTime<Utc>,
    /// The staff member's e-mail.
    pub by: String,
    /// The offices it touches: whose managers see it in the history.
    pub offices: Vec<OfficeId>,
    /// What was changed, as the page names it ("office", "service", "offering").
    pub kind: String,
    /// The change as sent (a `prenota_core::catalogue::CatalogueEdit` in JSON).
    pub edit: String,
    /// The change that undoes it, in the same form.
    pub inverse: String,
    /// The bookings it displaced (as foreseen when it was saved).
    pub displaced: Vec<BookingId>,
    /// Why, told to the displaced citizens; `None` when it displaced nobody.
    pub reason: Option<Localized>,
    /// The change this one undid, if it is an undo.
    pub undoes: Option<String>,
}

/// A change to save over `expected_version`.
#[derive(Debug, Clone)]
pub struct CatalogueSave {
    pub expected_version: u64,
    pub catalogue: Catalogue,
    pub change: CatalogueChange,
}

/// The list fields of a change as stored: comma-separated (ids never hold a comma).
pub(crate) fn joined_offices(change: &CatalogueChange) -> String {
    change
        .offices
        .iter()
        .map(OfficeId::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn joined_displaced(change: &CatalogueChange) -> String {
    change
        .displaced
        .iter()
        .map(BookingId::as_str)
        .collect::<Vec<_>>()
        .join(",")
}
