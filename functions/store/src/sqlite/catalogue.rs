//! The catalogue on one machine: one row with its version, and staff's changes, each saved in the
//! writer's change that takes the seats it removes (see `closures`).

use async_trait::async_trait;
use chrono::Utc;
use prenota_core::Catalogue;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::connection::{query_all, run};
use crate::catalogue_changes::{joined_displaced, joined_offices};
use crate::stored::stored_change;
use crate::{
    CatalogueChange, CatalogueSave, CatalogueStore, StoreError, StoreResult, StoredCatalogue, imported_hash,
    millis,
};

const CHANGE_COLUMNS: &str =
    "id, version, at, by, offices, kind, edit, inverse, displaced, reason_it, reason_en, undoes";

/// Saves `save` over its expected version, in the caller's change: the catalogue and the entry of
/// its history. Another version there: [`StoreError::CatalogueChanged`].
pub(super) fn save_change(tx: &Connection, save: &CatalogueSave) -> StoreResult<()> {
    let change = &save.change;
    let expected = i64::try_from(save.expected_version).unwrap_or(i64::MAX);
    let updated = tx
        .prepare_cached(
            // The same change again (a retry) writes the same.
            "UPDATE catalogue SET json = ?1, version = ?4 + 1, updated_at = ?2, change = ?3
              WHERE id = 1 AND (version = ?4 OR change = ?3)",
        )?
        .execute(params![
            save.catalogue.to_json(),
            millis(change.at),
            change.id,
            expected
        ])?;
    if updated == 0 {
        return Err(StoreError::CatalogueChanged);
    }
    run(
        tx,
        &format!(
            "INSERT INTO catalogue_changes ({CHANGE_COLUMNS})
                  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (id) DO NOTHING"
        ),
        params![
            change.id,
            expected + 1,
            millis(change.at),
            change.by,
            joined_offices(change),
            change.kind,
            change.edit,
            change.inverse,
            joined_displaced(change),
            change.reason.as_ref().map(|reason| reason.it.as_str()),
            change.reason.as_ref().map(|reason| reason.en.as_str()),
            change.undoes,
        ],
    )?;
    Ok(())
}

#[async_trait]
impl CatalogueStore for SqliteStore {
    async fn put_catalogue(&self, catalogue: &Catalogue) -> StoreResult<()> {
        let json = catalogue.to_json();
        let imported = imported_hash(catalogue);
        self.write(move |tx| {
            run(
                tx,
                "INSERT INTO catalogue (id, json, updated_at, version, imported) VALUES (1, ?1, ?2, 1, ?3)
                 ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at,
                    version = catalogue.version + 1, imported = excluded.imported, change = NULL",
                params![json, millis(Utc::now()), imported],
            )?;
            Ok(())
        })
        .await
    }

    async fn stored_catalogue(&self) -> StoreResult<Option<StoredCatalogue>> {
        let row: Option<(String, i64, Option<String>)> = self
            .read(|c| {
                Ok(c.query_row(
                    "SELECT json, version, imported FROM catalogue WHERE id = 1",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?)
            })
            .await?;
        row.map(|(json, version, imported)| {
            Ok(StoredCatalogue {
                catalogue: Catalogue::from_json("sqlite catalogue", &json)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                version: u64::try_from(version)
                    .map_err(|_| StoreError::Corrupt(format!("version {version}")))?,
                imported,
            })
        })
        .transpose()
    }

    async fn catalogue_changes(&self, limit: usize) -> StoreResult<Vec<CatalogueChange>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |c| {
            query_all(
                c,
                &format!("SELECT {CHANGE_COLUMNS} FROM catalogue_changes ORDER BY version DESC LIMIT ?1"),
                params![limit],
                |row| stored_change(row),
            )
        })
        .await
    }
}
